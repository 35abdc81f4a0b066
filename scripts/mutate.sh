#!/usr/bin/env bash
# scripts/mutate.sh -- mutation testing: plants each bug of tests/mutants/
# in a scratch copy of the tree, rebuilds it and runs a fast test set,
# which must fail (kill the mutant).  A mutant marked "Equivalent:" in
# its header cannot change behaviour and must survive.
#
#   scripts/mutate.sh                   the whole catalog
#   scripts/mutate.sh NAME...           these mutants (file name, no .patch)
#   scripts/mutate.sh --sample N [--seed S]   N non-equivalent ones at random
#   scripts/mutate.sh --list            names and the bug each models
#   --no-baseline                       skip checking that the unmutated
#                                       tree passes the set (CI ran it)
#
# Prints one line per mutant (killed by which test and why, or survived),
# then the kill rate and the time taken.  Exit 1 when a non-equivalent
# mutant survives, an equivalent one is killed or a mutant does not
# build; 2 on bad usage or a broken baseline.  The copy and its debug
# build live in ${GCLAB_MUTATE_DIR:-$TMPDIR/gclab-mutate-HASH} (HASH of
# the tree's path, so that two clones never share one) and are reused,
# so a run rebuilds only what each mutant touches; a lock there keeps two
# runs of one tree from planting into the same copy at once.  The copy is of the
# working tree (tracked and untracked files), so uncommitted tests count.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
catalog=$root/tests/mutants
scratch=${GCLAB_MUTATE_DIR:-${TMPDIR:-/tmp}/gclab-mutate-$(printf '%s' "$root" | cksum | cut -d' ' -f1)}
src=$scratch/src
build=$scratch/build
mkdir -p "$scratch" || exit 2
exec 9>"$scratch/lock"
if ! flock -w 3600 9; then
    echo "mutate.sh: $scratch is in use by another run" >&2
    exit 2
fi

# The fast set, cheapest and most often killing first; the run stops at
# the first failure.  About a minute for a survivor on two cores.  A
# leading '!' marks a test that must fail (meson's should_fail).
tests=(
    t-refcount t-finalize t-tracking t-garbage t-layout t-oom t-pool
    t-liveness t-policy
    conform-cpython-2.7 conform-cpython-3.8 conform-cpython-3.11
    conform-cpython-3.13 conform-full-2.7 conform-full-3.8 conform-full-3.11
    conform-full-3.13 conform-incremental-2.7 conform-incremental-3.8
    conform-incremental-3.11 conform-incremental-3.13 conform-trialdel-2.7
    conform-trialdel-3.8 conform-trialdel-3.11 conform-trialdel-3.13
    conform-cpython-3.14 conform-cpython-3.15 conform-full-3.15
    conform-incremental-3.15 conform-trialdel-3.15
    conform-cpython-threshold-100-5-5 conform-cpython-threshold-5000-20-20
    conform-cpython-pending-rule-off conform-cpython-generations-1
    conform-cpython-generations-2 !conform-none-2.7-cycles
    !conform-none-3.11-cycles conform-none-3.11-api
    fuzz-oracle fuzz-cpython fuzz-full fuzz-incremental fuzz-trialdel
    scenarios-cpython scenarios-full scenarios-incremental scenarios-trialdel
    t-workloads t-differential
    oom-sweep-cpython oom-sweep-trialdel
)

usage() {
    echo "usage: scripts/mutate.sh [--list] [--no-baseline] [--sample N [--seed S]] [NAME...]" >&2
    exit 2
}

sample=0 seed=1 list=0 baseline=1 names=()
while [ $# -gt 0 ]; do
    case $1 in
        --sample) [ $# -ge 2 ] || usage; sample=$2; shift 2 ;;
        --seed) [ $# -ge 2 ] || usage; seed=$2; shift 2 ;;
        --list) list=1; shift ;;
        --no-baseline) baseline=0; shift ;;
        -h|--help) usage ;;
        -*) echo "mutate.sh: unknown option '$1'" >&2; usage ;;
        *) names+=("$1"); shift ;;
    esac
done
case $sample in ''|*[!0-9]*) echo "mutate.sh: bad --sample '$sample'" >&2; exit 2 ;; esac
case $seed in ''|*[!0-9]*) echo "mutate.sh: bad --seed '$seed'" >&2; exit 2 ;; esac

bug_of() { sed -n '1s/^Bug: //p' "$catalog/$1.patch"; }
is_equivalent() { sed -n '2p' "$catalog/$1.patch" | grep -q '^Equivalent:'; }

all=()
for p in "$catalog"/*.patch; do
    n=${p##*/}
    all+=("${n%.patch}")
done
if [ "$list" -eq 1 ]; then
    for n in "${all[@]}"; do
        printf '%-42s %s%s\n' "$n" "$(bug_of "$n")" \
            "$(is_equivalent "$n" && echo ' [equivalent]')"
    done
    exit 0
fi
if [ ${#names[@]} -gt 0 ]; then
    for n in "${names[@]}"; do
        [ -f "$catalog/$n.patch" ] ||
            { echo "mutate.sh: no mutant '$n' in tests/mutants" >&2; exit 2; }
    done
elif [ "$sample" -gt 0 ]; then
    candidates=()
    for n in "${all[@]}"; do
        is_equivalent "$n" || candidates+=("$n")
    done
    mapfile -t names < <(printf '%s\n' "${candidates[@]}" |
        python3 -c "import random,sys; r=random.Random($seed); l=sys.stdin.read().split(); print('\n'.join(sorted(r.sample(l, min($sample, len(l))))))")
else
    names=("${all[@]}")
fi

# Bring the copy up to date file by file, so that unchanged files keep
# their times and ninja rebuilds only what changed.
sync_tree() {
    mkdir -p "$src"
    (cd "$root" && git ls-files -co --exclude-standard -z) |
        while IFS= read -r -d '' f; do
            [ -f "$root/$f" ] || continue
            if ! cmp -s "$root/$f" "$src/$f"; then
                mkdir -p "$(dirname "$src/$f")"
                cp -p "$root/$f" "$src/$f"
            fi
        done
}

build_tree() {
    if [ ! -f "$build/build.ninja" ]; then
        meson setup "$build" "$src" >/dev/null || return 1
    fi
    meson compile -C "$build" >"$scratch/build.log" 2>&1
}

start=$(date +%s)
sync_tree
echo "# building $build" >&2
if ! build_tree; then
    tail -n 20 "$scratch/build.log" >&2
    echo "mutate.sh: the unmutated tree does not build" >&2
    exit 2
fi
if [ "$baseline" -eq 1 ]; then
    echo "# baseline: the test set must pass on the unmutated tree" >&2
    result=$(nice -n 5 python3 "$root/scripts/mutate-tests.py" "$build" "${tests[@]}") ||
        exit 2
    if [ "$result" != survived ]; then
        echo "mutate.sh: the unmutated tree fails the test set: $result" >&2
        exit 2
    fi
fi

killed=0 survived=0 equivalent=0 broken=0 status=0 count=0
survivors=()
for n in "${names[@]}"; do
    t0=$(date +%s)
    patch_file=$catalog/$n.patch
    if ! (cd "$src" && patch -p1 -s -f --dry-run <"$patch_file" >/dev/null); then
        printf '%-42s does not apply\n' "$n"
        broken=$((broken + 1)) status=1
        continue
    fi
    (cd "$src" && patch -p1 -s -f <"$patch_file" >/dev/null)
    if build_tree; then
        result=$(nice -n 5 python3 "$root/scripts/mutate-tests.py" "$build" "${tests[@]}")
    else
        result="does not build"
    fi
    (cd "$src" && patch -p1 -s -f -R <"$patch_file" >/dev/null)
    dt=$(( $(date +%s) - t0 ))
    count=$((count + 1))
    if is_equivalent "$n"; then
        equivalent=$((equivalent + 1))
        if [ "$result" = survived ]; then
            printf '%-42s equivalent, survived  (%ds)\n' "$n" "$dt"
        else
            printf '%-42s EQUIVALENT BUT %s  (%ds)\n' "$n" "$result" "$dt"
            status=1
        fi
    elif [ "$result" = survived ]; then
        printf '%-42s SURVIVED  (%ds)  %s\n' "$n" "$dt" "$(bug_of "$n")"
        survived=$((survived + 1)) status=1
        survivors+=("$n")
    elif [ "$result" = "does not build" ]; then
        printf '%-42s DOES NOT BUILD  (%ds)\n' "$n" "$dt"
        broken=$((broken + 1)) status=1
    else
        printf '%-42s %s  (%ds)\n' "$n" "$result" "$dt"
        killed=$((killed + 1))
    fi
done
# Leave the copy's build matching the unmutated tree for the next run.
build_tree >/dev/null 2>&1
total=$((killed + survived))
rate=$(python3 -c "print('%.1f' % (100.0 * $killed / $total if $total else 100.0))")
echo "mutants: $count run, $killed killed, $survived survived, $equivalent equivalent, $broken broken"
echo "kill rate: $rate% ($killed/$total non-equivalent), $(( $(date +%s) - start ))s"
[ ${#survivors[@]} -eq 0 ] || echo "survivors: ${survivors[*]}"
exit $status

#!/bin/sh
# scripts/compare-twins.sh -- the "same work" check: every workload on
# gclab's model and, through its Python twin, on the real interpreters;
# prints collections per generation side by side and the checksums.
# With `memory` (3.x profiles: 2.7 has no tracemalloc) it also prints
# the model's peak_region_live_bytes against the twin's tracemalloc
# peak from an accounting run of its own (GCLAB_TRACEMALLOC=1), their
# ratio, and the twin's peak RSS for information.
# Usage: scripts/compare-twins.sh [size=N] [memory] [WORKLOAD[:opts]...]
#        (release build; no workloads: every workload)
# Interpreters: 2.7.18, 3.8.18, 3.11.7 and 3.13.0 from pyenv; 3.14 and
# 3.15 from pyenv or, failing that, scripts/get-python.sh.
set -eu
cd "$(dirname "$0")/.."
[ -f build-release/build.ninja ] ||
    meson setup build-release --buildtype=release >/dev/null
meson compile -C build-release >/dev/null
gclab=build-release/harness/gclab
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
size_args="" twin_size="" memory=0 chosen=""
for a in "$@"; do
    case $a in
        size=*) size_args="--size ${a#size=}"; twin_size=$a ;;
        memory) memory=1 ;;
        *:*) chosen="$chosen $a" ;;
        -*|*=*) echo "compare-twins: size=N, memory or workloads, not '$a'" >&2; exit 2 ;;
        *) chosen="$chosen $a" ;;
    esac
done
[ -n "$chosen" ] ||
    chosen=$($gclab list | awk '$1 == "workload" { sub(":", "", $2); print $2 }')
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
# pyenv's interpreters; 3.14 and 3.15 from pyenv when it has them, else
# Debian's through scripts/get-python.sh (fetched once into a cache).
interpreter() {
    case $1 in
        3.14 | 3.15)
            found=$(ls -d "$root/versions/$1".* 2>/dev/null | sort -V | tail -n1)
            if [ -n "$found" ] && [ -x "$found/bin/python" ]; then
                echo "$found/bin/python"
            else
                scripts/get-python.sh "$1" || true
            fi
            ;;
        *) echo "$root/versions/$2/bin/python" ;;
    esac
}
all_pvs="2.7:2.7.18 3.8:3.8.18 3.11:3.11.7 3.13:3.13.0 3.14: 3.15:"
for pv in $all_pvs; do
    py=$(interpreter "${pv%%:*}" "${pv#*:}")
    eval "py_$(echo "${pv%%:*}" | tr -d .)=\$py"
done
if [ $memory = 1 ]; then
    printf '%-36s %-6s %-12s %-12s %-8s %-12s %-12s %-6s %s\n' workload profile \
        model cpython checksum model_peak tracemalloc ratio twin_rss
else
    printf '%-20s %-8s %-22s %-22s %s\n' workload profile model cpython checksums
fi
for w in $chosen; do
    name=${w%%:*}
    opts=""
    case $w in *:*) opts=$(echo "${w#*:}" | tr ',' ' ') ;; esac
    pvs=$all_pvs
    # 2.7 has no tracemalloc.
    [ $memory = 1 ] && pvs=${all_pvs#2.7:2.7.18 }
    for pv in $pvs; do
        p=${pv%%:*}
        eval "py=\$py_$(echo "$p" | tr -d .)"
        [ -x "$py" ] || { echo "compare-twins: no interpreter for $p" >&2; continue; }
        # shellcheck disable=SC2086
        $gclab run --collector "cpython:profile=$p" --workload "$w" $size_args \
            --out "$tmp" >/dev/null 2>&1
        model=$(python3 -c 'import json, sys
r = json.loads(open(sys.argv[1]).readline())
print("%d/%d/%d %d %d" % (r["collections_gen0"], r["collections_gen1"],
                          r["collections_gen2"], r["checksum"],
                          r["peak_region_live_bytes"]))' "$tmp/results.jsonl")
        # shellcheck disable=SC2086
        twin=$($gclab twin "$name" --python "$py" $twin_size $opts |
            awk '/^collections/ { c = c (c ? "/" : "") $2 } /^checksum/ { s = $2 } END { print c, s }')
        set -- $model
        if [ $memory = 1 ]; then
            # shellcheck disable=SC2086
            acct=$(GCLAB_TRACEMALLOC=1 $gclab twin "$name" --python "$py" \
                $twin_size $opts |
                awk '/^tracemalloc_peak_bytes/ { t = $2 } /^peak_rss_bytes/ { r = $2 } END { print t, r }')
            tm=${acct% *}
            printf '%-36s %-6s %-12s %-12s %-8s %-12s %-12s %-6s %s\n' "$w" "$p" \
                "$1" "${twin% *}" "$([ "$2" = "${twin#* }" ] && echo same || echo DIFF)" \
                "$3" "$tm" "$(python3 -c "print('%.3f' % ($3 / max($tm, 1)))")" \
                "${acct#* }"
        else
            printf '%-20s %-8s %-22s %-22s %s\n' "$w" "$p" "$1" \
                "${twin% *}" "$2 ${twin#* }"
        fi
    done
done

#!/bin/sh
# scripts/snapshots.sh -- snapshots of real programs (docs/snapshot.md),
# and the model's full collection on each against the interpreter's
# gc.collect() on the live heap it came from, both pinned to one CPU.
#
# Usage: scripts/snapshots.sh [--python PY] [--rounds N] [--out DIR]
#                             [--build DIR] [--cpu N] [PROGRAM...]
#
# PROGRAM is one of: docutils (docutils building CMake's manual, Debian's
# python3-docutils and cmake-data), stdlib (importing most of the
# standard library), apt (Debian's package index as a dependency graph),
# small (tests/snapshot/small.py, the committed test snapshot's
# program), million (10^6 tracked objects, for the reader's speed);
# default: docutils stdlib apt.  PY defaults to CPython 3.14
# (scripts/get-python.sh 3.14).  Each round captures the program again
# (its gc.collect() times are in the file) and then runs the model's
# cpython collector, profile 3.14, on that snapshot; rounds alternate
# the two, so that both see the same load.  Both are pinned to CPU N
# (default 1).  The model runs three times, with --pause-cpu: its
# objects placed as the interpreter's were (the snapshot layout, the
# default for a snapshot with addresses), in allocation order
# (--layout alloc-order) and scattered (--layout shuffled).  Prints a
# table (interpreter and model medians of the collections after the
# first, wall and CPU time, their ratios, and the visited count against
# the tracked objects) and leaves DIR/NAME.gcsnap (the last round's) and
# DIR/fidelity.tsv with every round's numbers.
#
# Snapshots of these programs are large (up to 100 MB): they are made
# here, never committed.  `--rounds 1 small` remakes the test snapshot
# (copy DIR/small.gcsnap to tests/snapshot/small-3.14.gcsnap).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
python=""
rounds=5
out=out/snapshots
build=$top/build-release
cpu=1
while [ $# -gt 0 ]; do
    case $1 in
    --python) python=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --cpu) cpu=$2; shift 2 ;;
    -*) echo "snapshots: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
[ $# -gt 0 ] || set -- docutils stdlib apt
if [ -z "$python" ]; then
    python=$("$here/get-python.sh" 3.14) || exit 2
fi
gclab=$build/harness/gclab
[ -x "$gclab" ] || {
    echo "snapshots: no $gclab (meson setup $build --buildtype=release)" >&2
    exit 2
}
case $cpu in
'' | *[!0-9]*) echo "snapshots: --cpu needs a CPU number, not '$cpu'" >&2; exit 2 ;;
esac
mkdir -p "$out"
progs=$here/snapshot-programs
# docutils is pure Python: Debian's python3-docutils puts it in
# dist-packages, which an interpreter from scripts/get-python.sh does not
# search, and pip puts it in another interpreter's site-packages.  Only
# the package itself is put on the path (DIR/pylib), nothing else of
# that directory.
pylib=$out/pylib
mkdir -p "$pylib"

printf 'program\tround\ttracked\tinterp_ns\tinterp_cpu_ns\tsnapshot_ns\tsnapshot_cpu_ns\tmodel_ns\tmodel_cpu_ns\tshuffled_ns\tshuffled_cpu_ns\tvisited\n' \
    >"$out/fidelity.tsv"
apt_index=/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages
for prog in "$@"; do
    if [ "$prog" = docutils ]; then
        pkg=$(python3 -c 'import docutils, os
print(os.path.dirname(docutils.__file__))' 2>/dev/null) || pkg=""
        if [ ! -d /usr/share/cmake-3.25/Help ] || [ -z "$pkg" ]; then
            echo "snapshots: docutils needs Debian's python3-docutils and" \
                "cmake-data (apt-get install python3-docutils cmake-data)" >&2
            exit 2
        fi
        ln -sfn "$pkg" "$pylib/docutils"
    fi
    if [ "$prog" = apt ] && [ ! -f "$apt_index" ]; then
        # apt may keep its lists compressed (Acquire::GzipIndexes).
        if [ -f "$apt_index.lz4" ] && command -v lz4 >/dev/null; then
            [ -f "$out/Packages" ] || lz4 -dc "$apt_index.lz4" >"$out/Packages"
            apt_index=$out/Packages
        else
            echo "snapshots: apt needs $apt_index (apt-get update)" >&2
            exit 2
        fi
    fi
    case $prog in
    docutils) script=$progs/docutils_build.py; args="/usr/share/cmake-3.25/Help 400" ;;
    stdlib) script=$progs/stdlib_imports.py; args="" ;;
    apt) script=$progs/apt_index.py; args=$apt_index ;;
    small) script=$top/tests/snapshot/small.py; args="" ;;
    million) script=$progs/million.py; args="" ;;
    *) echo "snapshots: unknown program $prog" >&2; exit 2 ;;
    esac
    snap=$out/$prog.gcsnap
    r=1
    while [ "$r" -le "$rounds" ]; do
        # shellcheck disable=SC2086 # args are words
        PYTHONPATH=$pylib taskset -c "$cpu" "$gclab" snapshot --python "$python" \
            --out "$snap" -- "$script" $args >"$out/$prog.log"
        # The model's objects placed as the interpreter's were (the
        # snapshot layout), in allocation order (neighbours in the
        # collector's list are neighbours in memory) and scattered (as
        # in a long-running process).
        for layout in snapshot alloc-order shuffled; do
            run=$out/run-$prog-$layout
            case $run in */run-*) ;; *) exit 1 ;; esac
            rm -rf "$run"
            "$gclab" run --cpu "$cpu" --layout "$layout" --pause-cpu \
                --collector cpython:profile=3.14 \
                --workload "snapshot:file=$snap,collections=7" \
                --out "$run" >>"$out/$prog.log" 2>&1
        done
        python3 - "$snap" "$out/run-$prog" "$prog" "$r" \
            >>"$out/fidelity.tsv" <<'EOF'
import json, statistics, sys
snap, run, prog, r = sys.argv[1:]
head = {}
with open(snap) as f:
    for line in f:
        if line.startswith("k "):
            break
        k, _, v = line.partition(" ")
        head[k] = v.split()
# Medians of the collections after the first, wall and CPU time.
cols = [statistics.median(int(x) for x in head[k][1:])
        for k in ("collect_ns", "collect_cpu_ns")]
visited = []
for layout in ("snapshot", "alloc-order", "shuffled"):
    with open(run + "-" + layout + "/pauses.jsonl") as f:
        rec = json.loads(f.readline())
    full = [p for p in rec["pauses"] if p[2] == 2 and p[4] == 0]
    cols += [statistics.median(p[1] for p in full[1:]),
             statistics.median(p[7] for p in full[1:])]
    with open(run + "-" + layout + "/results.jsonl") as f:
        visited.append(json.loads(f.readline())["objects_visited"] //
                       len(full))
# One count if every layout visited the same, else each.
print("\t".join([prog, r, head["tracked"][0]] +
                ["%d" % c for c in cols] +
                ["/".join("%d" % v for v in sorted(set(visited)))]))
EOF
        r=$((r + 1))
    done
done
python3 - "$out/fidelity.tsv" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]
print("medians of the rounds' medians, ms; ratio: model / interpreter")
print("%-9s %8s %8s  %-19s %-19s %-19s %-19s" % (
    "program", "tracked", "visited", "interp wall/cpu",
    "snapshot wall/cpu", "alloc-order wall/cpu", "shuffled wall/cpu"))
for prog in dict.fromkeys(r[0] for r in rows):
    rs = [r for r in rows if r[0] == prog]
    m = [statistics.median(int(r[k]) for r in rs) / 1e6 for k in range(3, 11)]
    print("%-9s %8s %8s  %s" % (prog, rs[-1][2], rs[-1][11], " ".join(
        "%8.2f/%-10.2f" % (m[k], m[k + 1]) for k in range(0, 8, 2))))
    print("%-28s ratio wall/cpu:     %s" % ("", "".join(
        "%.2f/%-14.2f" % (m[k] / m[0], m[k + 1] / m[1])
        for k in range(2, 8, 2))))
EOF

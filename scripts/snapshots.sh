#!/bin/sh
# scripts/snapshots.sh -- snapshots of real programs (docs/snapshot.md),
# and the model's full collection on each against the interpreter's
# gc.collect() on the live heap it came from, both pinned to one CPU.
#
# Usage: scripts/snapshots.sh [--python PY] [--rounds N] [--out DIR]
#                             [--build DIR] [PROGRAM...]
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
# the two, so that both see the same load.  The model runs twice, its
# objects in allocation order and scattered (--layout shuffled), with
# --pause-cpu.  Prints a table (interpreter and model medians of the
# collections after the first, wall and CPU time, their ratios, and the
# visited count against the tracked objects) and leaves DIR/NAME.gcsnap (the last round's) and
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
while [ $# -gt 0 ]; do
    case $1 in
    --python) python=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
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
mkdir -p "$out"
progs=$here/snapshot-programs
# Debian's docutils is pure Python in dist-packages, which an
# interpreter from scripts/get-python.sh does not search.
dist=/usr/lib/python3/dist-packages

printf 'program\tround\ttracked\tinterp_ns\tinterp_cpu_ns\tmodel_ns\tmodel_cpu_ns\tshuffled_ns\tshuffled_cpu_ns\tvisited\n' \
    >"$out/fidelity.tsv"
for prog in "$@"; do
    if [ "$prog" = docutils ] && { [ ! -d /usr/share/cmake-3.25/Help ] ||
        ! python3 -c 'import docutils' 2>/dev/null; }; then
        echo "snapshots: docutils needs Debian's python3-docutils and" \
            "cmake-data (apt-get install python3-docutils cmake-data)" >&2
        exit 2
    fi
    case $prog in
    docutils) script=$progs/docutils_build.py; args="/usr/share/cmake-3.25/Help 400" ;;
    stdlib) script=$progs/stdlib_imports.py; args="" ;;
    apt) script=$progs/apt_index.py; args="" ;;
    small) script=$top/tests/snapshot/small.py; args="" ;;
    million) script=$progs/million.py; args="" ;;
    *) echo "snapshots: unknown program $prog" >&2; exit 2 ;;
    esac
    snap=$out/$prog.gcsnap
    r=1
    while [ "$r" -le "$rounds" ]; do
        # shellcheck disable=SC2086 # args are words
        PYTHONPATH=$dist taskset -c 1 "$gclab" snapshot --python "$python" \
            --out "$snap" -- "$script" $args >"$out/$prog.log"
        # The model's objects in allocation order (neighbours in the
        # collector's list are neighbours in memory) and scattered (as
        # in a long-running process): the interpreter's heap lies
        # between the two.
        for layout in alloc-order shuffled; do
            run=$out/run-$prog-$layout
            rm -rf "$run"
            "$gclab" run --cpu 1 --layout "$layout" --pause-cpu \
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
for layout in ("alloc-order", "shuffled"):
    with open(run + "-" + layout + "/pauses.jsonl") as f:
        rec = json.loads(f.readline())
    full = [p for p in rec["pauses"] if p[2] == 2 and p[4] == 0]
    cols += [statistics.median(p[1] for p in full[1:]),
             statistics.median(p[7] for p in full[1:])]
    with open(run + "-" + layout + "/results.jsonl") as f:
        visited = json.loads(f.readline())["objects_visited"] // len(full)
print("\t".join([prog, r, head["tracked"][0]] +
                ["%d" % c for c in cols] + ["%d" % visited]))
EOF
        r=$((r + 1))
    done
done
python3 - "$out/fidelity.tsv" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]
print("medians of the rounds' medians, ms; ratio: model / interpreter")
print("%-9s %8s %8s  %-22s %-22s %-22s" % (
    "program", "tracked", "visited", "interp wall/cpu",
    "alloc-order wall/cpu", "shuffled wall/cpu"))
for prog in dict.fromkeys(r[0] for r in rows):
    rs = [r for r in rows if r[0] == prog]
    m = [statistics.median(int(r[k]) for r in rs) / 1e6 for k in range(3, 9)]
    print("%-9s %8s %8s  %9.2f/%-12.2f %9.2f/%-12.2f %9.2f/%-12.2f" % (
        prog, rs[-1][2], rs[-1][9], m[0], m[1], m[2], m[3], m[4], m[5]))
    print("%-27s  ratio wall %.2f, cpu %.2f;   ratio wall %.2f, cpu %.2f" % (
        "", m[2] / m[0], m[3] / m[1], m[4] / m[0], m[5] / m[1]))
EOF

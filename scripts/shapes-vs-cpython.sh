#!/bin/sh
# scripts/shapes-vs-cpython.sh -- does the model's cost of a full collection
# track CPython's across heap shapes?  Runs `gclab micro --suite shapes`
# and its twin workloads/python/shapes.py by turns, ROUNDS times, so both
# see the same machine; each round gives each shape's best of REPEAT, and
# the ratio gclab/CPython is taken within the round.  Prints per shape the
# median over rounds of both costs and of the ratio, then the spread of
# the ratios (largest median ratio / smallest) and each side's
# shuffled/chain.
#
# usage: scripts/shapes-vs-cpython.sh [PYTHON] [N] [ROUNDS] [REPEAT]
#   PYTHON  an interpreter, or a version (3.13, 3.14, ...): pyenv's, else
#           scripts/get-python.sh's; default $(pyenv root)/versions/3.11.7/bin/python
#   N       objects per shape, default 1000000
#   gclab micro options (e.g. --layout shuffled, --profile 3.13) may
#   follow after "--".  Both sides run pinned to one CPU: the one
#   `gclab system --print-cpu` names ($CPU overrides: a number or none).
set -eu
cd "$(dirname "$0")/.."
py=${1:-$(pyenv root 2>/dev/null)/versions/3.11.7/bin/python}
case $py in
    [0-9].[0-9] | [0-9].[0-9][0-9])
        # A version: pyenv's newest release of it, else Debian's through
        # scripts/get-python.sh (3.14 and later).
        found=$(ls -d "$(pyenv root 2>/dev/null)/versions/$py".* 2>/dev/null |
            sort -V | tail -n1)
        if [ -n "$found" ]; then
            py=$found/bin/python
        else
            py=$(scripts/get-python.sh "$py") || exit 2
        fi
        ;;
esac
n=${2:-1000000}
rounds=${3:-5}
repeat=${4:-3}
[ $# -gt 4 ] && shift 4 || shift $#
[ "${1:-}" = "--" ] && shift
gclab=build-release/harness/gclab
if [ ! -x "$gclab" ]; then
    echo "shapes-vs-cpython: $gclab is missing; run ./bench.sh --quick or" \
         "meson setup build-release --buildtype=release" >&2
    exit 2
fi
if [ ! -x "$py" ]; then
    echo "shapes-vs-cpython: no interpreter at '$py'" >&2
    exit 2
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# One CPU for both sides: this VM's CPUs differ in speed by ~40%.
cpu=$("$gclab" system --print-cpu --cpu "${CPU:-auto}")
pin=""
[ "$cpu" != none ] && pin="taskset -c $cpu"
echo "# both sides on CPU $cpu"
r=1
while [ "$r" -le "$rounds" ]; do
    "$gclab" micro --cpu "$cpu" --suite shapes --size "$n" --repeat "$repeat" "$@" |
        awk '$1 ~ /^(chain|list-chain|dict-chain|shuffled|freeing-cycles)$/ {
                 print $1, $5 }' >"$out/gclab.$r"
    $pin "$py" workloads/python/shapes.py "$n" "$repeat" >"$out/cpython.$r"
    r=$((r + 1))
done
python3 - "$out" "$rounds" "$py" "$n" <<'EOF'
import statistics, sys
out, rounds, py, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
shapes = ["chain", "list-chain", "dict-chain", "shuffled", "freeing-cycles"]
def read(path):
    return {k: float(v) for k, v in (l.split() for l in open(path))}
g = [read("%s/gclab.%d" % (out, r)) for r in range(1, rounds + 1)]
c = [read("%s/cpython.%d" % (out, r)) for r in range(1, rounds + 1)]
print("# %s objects, %d rounds, ns per object (median of per-round bests);"
      " CPython: %s" % (n, rounds, py))
print("%-16s %10s %10s %8s %17s" % ("shape", "gclab", "cpython", "ratio",
                                     "ratio min..max"))
med = {}
for s in shapes:
    ratios = [gr[s] / cr[s] for gr, cr in zip(g, c)]
    med[s] = statistics.median(ratios)
    print("%-16s %10.1f %10.1f %8.3f %8.3f..%-8.3f" % (
        s, statistics.median(x[s] for x in g),
        statistics.median(x[s] for x in c), med[s], min(ratios),
        max(ratios)))
print("ratio spread (max/min of the medians): %.2f" %
      (max(med.values()) / min(med.values())))
for name, runs in (("gclab", g), ("cpython", c)):
    print("%s shuffled/chain: %.1f" % (name, statistics.median(
        x["shuffled"] / x["chain"] for x in runs)))
EOF

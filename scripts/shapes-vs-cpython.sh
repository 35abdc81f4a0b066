#!/bin/sh
# scripts/shapes-vs-cpython.sh -- does the model's cost of a full collection
# track CPython's across heap shapes?  Per profile, runs `gclab micro
# --suite shapes --profile P` and its twin workloads/python/shapes.py on
# that profile's interpreter by turns, ROUNDS times, both pinned to the
# same CPU (taskset -c), so both see the same machine; each round gives
# each shape's best of REPEAT, and the ratio gclab/CPython is taken
# within the round.  Prints per shape the median over rounds of both
# costs and of the ratio, the ratio's range and CV over the rounds, and
# instructions per object on both sides (scripts/shapes-icount.sh, under
# callgrind: independent of the machine's load); then the spread of the
# ratios (largest median ratio / smallest) and each side's
# shuffled/chain.  With `all`, a last table has one row per profile.
#
# usage: scripts/shapes-vs-cpython.sh [all|PROFILE|PYTHON] [N] [ROUNDS] [REPEAT] [-- micro options]
#   all      (default) the six profiles in turn, each against its
#            interpreter: 2.7 2.7.18, 3.8 3.8.18, 3.11 3.11.7, 3.13 3.13.0
#            (pyenv's), 3.14 3.14.10, 3.15 3.15.2 (scripts/get-python.sh)
#   PROFILE  one of them, e.g. 3.14
#   PYTHON   a path to an interpreter, against gclab's default profile
#            unless the micro options say --profile
#   N        objects per shape, default 1000000
#   ROUNDS   default 5;  REPEAT  collections per shape and round, default 3
#   gclab micro options (e.g. --layout shuffled) follow after "--".
# Environment: CPU (default 1: this machine's CPUs differ in speed, so
# both sides take the same one; "none" does not pin), ICOUNT=0 skips the
# instruction counts, ICOUNT_N their N (default 50000).
# Example, the figures of docs/fidelity.md:
#   scripts/shapes-vs-cpython.sh all 1000000 5 3
set -eu
cd "$(dirname "$0")/.."
what=${1:-all}
n=${2:-1000000}
rounds=${3:-5}
repeat=${4:-3}
[ $# -gt 4 ] && shift 4 || shift $#
[ "${1:-}" = "--" ] && shift
for v in "$n" "$rounds" "$repeat" "${ICOUNT_N:-50000}"; do
    case $v in
        '' | *[!0-9]* | 0)
            echo "shapes-vs-cpython: N, ROUNDS, REPEAT and ICOUNT_N are" \
                 "positive integers, not '$v'" >&2
            exit 2
            ;;
    esac
done
gclab=build-release/harness/gclab
if [ ! -x "$gclab" ]; then
    echo "shapes-vs-cpython: $gclab is missing; run ./bench.sh --quick or" \
         "meson setup build-release --buildtype=release" >&2
    exit 2
fi
cpu=${CPU:-1}
pin=""
case $cpu in
    none) ;;
    '' | *[!0-9]*)
        echo "shapes-vs-cpython: CPU is a CPU number or none, not '$cpu'" >&2
        exit 2
        ;;
    *) pin="taskset -c $cpu" ;;
esac
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")

# The interpreter a profile is measured against.
interpreter() {
    case $1 in
        2.7) echo "$root/versions/2.7.18/bin/python" ;;
        3.8) echo "$root/versions/3.8.18/bin/python" ;;
        3.11) echo "$root/versions/3.11.7/bin/python" ;;
        3.13) echo "$root/versions/3.13.0/bin/python" ;;
        3.14 | 3.15) scripts/get-python.sh "$1" ;;
        *) return 1 ;;
    esac
}

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# measure TAG PYTHON [micro options]: the timed rounds, then the counts;
# leaves the per-round files and $out/TAG.icount.
measure() {
    tag=$1
    py=$2
    shift 2
    if [ ! -x "$py" ]; then
        echo "shapes-vs-cpython: no interpreter at '$py'" >&2
        exit 2
    fi
    r=1
    while [ "$r" -le "$rounds" ]; do
        # shellcheck disable=SC2086
        $pin "$gclab" micro --cpu "$cpu" --suite shapes \
            --size "$n" --repeat "$repeat" "$@" |
            awk '$1 ~ /^(chain|list-chain|dict-chain|shuffled|freeing-cycles)$/ {
                     print $1, $5 }' >"$out/$tag.gclab.$r"
        $pin "$py" workloads/python/shapes.py "$n" "$repeat" >"$out/$tag.cpython.$r"
        r=$((r + 1))
    done
    if [ "${ICOUNT:-1}" = 0 ]; then
        : >"$out/$tag.icount"
    else
        scripts/shapes-icount.sh "$py" "${ICOUNT_N:-50000}" \
            "chain list-chain dict-chain shuffled freeing-cycles" -- "$@" |
            awk '!/^#/ && $1 != "shape"' >"$out/$tag.icount"
    fi
}

echo "# $(uptime)"
echo "# both sides on CPU $cpu; $n objects, $rounds rounds of the best of $repeat"
if [ "$what" = all ]; then
    tags="2.7 3.8 3.11 3.13 3.14 3.15"
else
    tags=$what
fi
for t in $tags; do
    if py=$(interpreter "$t"); then
        measure "$t" "$py" --profile "$t" "$@"
        echo "$t $py --profile $t $*" >>"$out/index"
    elif [ "$what" = all ]; then
        echo "shapes-vs-cpython: no interpreter for profile $t" >&2
        exit 2
    else
        measure custom "$t" "$@"
        echo "custom $t $*" >>"$out/index"
    fi
done
echo "# $(uptime)"
python3 - "$out" "$rounds" <<'EOF'
import statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
shapes = ["chain", "list-chain", "dict-chain", "shuffled", "freeing-cycles"]
def read(path):
    return {k: float(v) for k, v in (l.split()[:2] for l in open(path))}
summary = []
for line in open(out + "/index"):
    tag, py, opts = (line.rstrip("\n").split(" ", 2) + [""])[:3]
    g = [read("%s/%s.gclab.%d" % (out, tag, r)) for r in range(1, rounds + 1)]
    c = [read("%s/%s.cpython.%d" % (out, tag, r)) for r in range(1, rounds + 1)]
    ic = {l.split()[0]: l.split()[1:3] for l in open("%s/%s.icount" % (out, tag))}
    print("\n## %s: gclab micro %s against %s" % (tag, opts.strip(), py))
    print("%-15s %9s %9s %7s %13s %6s %8s %8s %6s" % (
        "shape", "gclab_ns", "cpy_ns", "ratio", "range", "cv%",
        "gclab_Ir", "cpy_Ir", "Ir"))
    med = {}
    for s in shapes:
        ratios = [gr[s] / cr[s] for gr, cr in zip(g, c)]
        med[s] = statistics.median(ratios)
        cv = (100 * statistics.stdev(ratios) / statistics.mean(ratios)
              if len(ratios) > 1 else 0.0)
        gi, ci = (float(x) for x in ic.get(s, ["nan", "nan"]))
        print("%-15s %9.1f %9.1f %7.3f %6.3f..%-6.3f %6.1f %8.1f %8.1f %6.3f" % (
            s, statistics.median(x[s] for x in g),
            statistics.median(x[s] for x in c), med[s], min(ratios),
            max(ratios), cv, gi, ci, gi / ci if ci == ci and ci else float("nan")))
    spread = max(med.values()) / min(med.values())
    print("ratio spread (max/min of the medians): %.2f" % spread)
    for name, runs in (("gclab", g), ("cpython", c)):
        print("%s shuffled/chain: %.1f" % (name, statistics.median(
            x["shuffled"] / x["chain"] for x in runs)))
    summary.append((tag, med, spread))
if len(summary) > 1:
    print("\n| profile | " + " | ".join(shapes) + " | spread |")
    print("|---" * (len(shapes) + 2) + "|")
    for tag, med, spread in summary:
        print("| %s | %s | %.2f |" % (
            tag, " | ".join("%.2f" % med[s] for s in shapes), spread))
EOF

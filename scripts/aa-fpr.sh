#!/bin/sh
# scripts/aa-fpr.sh -- gclab compare's false-positive rate, A/A: RUNS
# runs of one collector on one build, then COMPARISONS comparisons of
# two random disjoint halves of them.  Both halves measure the same
# thing, so every regression compare reports is a false alarm.  Prints
# how many comparisons exited 1 (the gate's false-positive rate) and how
# many called any gating metric significantly different (before the
# threshold), each with its 95% Wilson interval.
#
# The comparisons reuse the same RUNS records, so they are not
# independent: the interval is that of COMPARISONS independent trials
# and understates the uncertainty.  Run it more than once (other SEEDs,
# fresh runs) before trusting a small difference.
#
# Usage: scripts/aa-fpr.sh [RUNS] [COMPARISONS] [SEED] [COLLECTOR] [WORKLOAD]
#   defaults: 40 runs, 200 comparisons, seed 1, cpython, alloc-churn.
#   Extra options go in $RUN_OPTS (gclab run) and $COMPARE_OPTS (gclab
#   compare, e.g. "--test mannwhitney"); $CPU is the runs' --cpu
#   (default auto; CPU=none for contrast).  It also prints the seconds
#   the runs took and the mean MDE compare gave each gating metric: the
#   false-positive rate of a gate that sees nothing is no comfort.
set -eu
cd "$(dirname "$0")/.."
. scripts/deps.sh
# shellcheck disable=SC2086
gclab_ensure_deps $GCLAB_BUILD_DEPS
runs=${1:-40}
comparisons=${2:-200}
seed=${3:-1}
collector=${4:-cpython}
workload=${5:-alloc-churn}
gclab_release_build
gclab=build-release/harness/gclab
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
start=$(awk '{ print $1 }' /proc/uptime)
# shellcheck disable=SC2086
"$gclab" run --collector "$collector" --workload "$workload" \
    --repeat "$runs" --cpu "${CPU:-auto}" ${RUN_OPTS:-} --out "$tmp/aa" \
    >/dev/null 2>&1
seconds=$(awk -v s="$start" '{ printf "%.1f", $1 - s }' /proc/uptime)
half=$((runs / 2))
flagged=0
differed=0
i=1
while [ "$i" -le "$comparisons" ]; do
    # A seeded shuffle: the same SEED gives the same halves.
    awk -v s=$((seed * 100003 + i)) 'BEGIN { srand(s) } { print rand() "\t" $0 }' \
        "$tmp/aa/results.jsonl" | sort -k1,1g | cut -f2- >"$tmp/shuffled"
    head -n "$half" "$tmp/shuffled" >"$tmp/a.jsonl"
    tail -n +$((half + 1)) "$tmp/shuffled" | head -n "$half" >"$tmp/b.jsonl"
    rc=0
    # shellcheck disable=SC2086
    "$gclab" compare "$tmp/a.jsonl" "$tmp/b.jsonl" --format json \
        ${COMPARE_OPTS:-} >"$tmp/c.json" || rc=$?
    if [ "$rc" -eq 2 ]; then
        echo "aa-fpr: gclab compare failed on comparison $i" >&2
        exit 2
    fi
    [ "$rc" -eq 1 ] && flagged=$((flagged + 1))
    # Each gating cell's MDE, for the mean below.
    grep -o '"metric":"[a-z0-9_]*","gate":true[^}]*"mde_pct":[0-9.e+-]*' \
        "$tmp/c.json" | sed 's/"metric":"\([a-z0-9_]*\)".*"mde_pct":/\1 /' \
        >>"$tmp/mde" || true
    # A gating cell whose verdict is not "same": significant either way.
    if grep -o '"gate":true[^}]*"verdict":"[a-z ]*"' "$tmp/c.json" |
        grep -qv '"verdict":"same"'; then
        differed=$((differed + 1))
    fi
    i=$((i + 1))
done
# k of n with its 95% Wilson score interval.
wilson() {
    awk -v k="$1" -v n="$2" 'BEGIN {
        z = 1.959964; p = k / n; d = 1 + z * z / n
        c = (p + z * z / (2 * n)) / d
        h = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
        lo = c - h; if (lo < 0) lo = 0
        printf "%d of %d = %.2f%% (95%% CI %.2f%% to %.2f%%)", k, n, 100 * p, 100 * lo, 100 * (c + h)
    }'
}
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "A/A: $collector on $workload, $runs runs (--cpu ${CPU:-auto}," \
    "$seconds s), $comparisons comparisons of disjoint halves of $half" \
    "(seed $seed)"
[ -s "$tmp/mde" ] && awk '{ s[$1] += $2; n[$1]++ }
    END { printf "MDE (95%% power) of each gating metric, mean:"
          for (m in s) printf " %s %.2f%%", m, s[m] / n[m]; printf "\n" }' \
    "$tmp/mde"
echo "false positives (exit 1): $(wilson "$flagged" "$comparisons")"
echo "a gating metric called different: $(wilson "$differed" "$comparisons")"

#!/bin/sh
# scripts/compare-trials.sh -- does gclab compare catch a known
# regression every time?  Each trial runs cpython (BASE) and
# cpython:threshold=100/10/10 (NEW: 13 times the young collections and
# about 3 times the GC time) on alloc-churn, REPEAT runs each, on a
# release build, and compares them; the trial counts when compare exits
# 1.  BASE and NEW take turns going first, so drift hurts both alike.
# Each side ran one collector, so compare matches them by workload and
# size (docs/compare.md).
#
# Usage: scripts/compare-trials.sh [TRIALS] [REPEAT] [WORKLOAD]
#   defaults: 20 trials, 10 repetitions, alloc-churn.
#   $RUN_OPTS go to gclab run, $COMPARE_OPTS to gclab compare; on a
#   loaded machine, RUN_OPTS=--pause-cpu COMPARE_OPTS="--metric
#   gc_cpu_ns --metric peak_live_bytes" gates on CPU time, which time
#   spent descheduled does not inflate (docs/compare.md).
# Prints the load average, one line per trial (exit status, regressed
# metrics) and ends with "flagged K of N trials".  Exit 0 when every
# trial was flagged.
set -eu
cd "$(dirname "$0")/.."
. scripts/deps.sh
# shellcheck disable=SC2086
gclab_ensure_deps $GCLAB_BUILD_DEPS
trials=${1:-20}
repeat=${2:-10}
workload=${3:-alloc-churn}
gclab_release_build
gclab=build-release/harness/gclab
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
base=cpython
new=cpython:threshold=100/10/10
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" \
    "($(nproc) CPUs); run ${RUN_OPTS:-}, compare ${COMPARE_OPTS:-}"
flagged=0
t=1
while [ "$t" -le "$trials" ]; do
    for side in $([ $((t % 2)) -eq 1 ] && echo "base new" || echo "new base"); do
        spec=$base
        [ "$side" = new ] && spec=$new
        # shellcheck disable=SC2086
        "$gclab" run --collector "$spec" --workload "$workload" \
            --repeat "$repeat" ${RUN_OPTS:-} --out "$tmp/$side" >/dev/null 2>&1
    done
    rc=0
    # shellcheck disable=SC2086
    "$gclab" compare "$tmp/base" "$tmp/new" ${COMPARE_OPTS:-} >"$tmp/table" ||
        rc=$?
    if [ "$rc" -eq 2 ]; then
        echo "compare-trials: gclab compare failed on trial $t" >&2
        exit 2
    fi
    regressed=$(awk '$NF == "regressed" { printf "%s%s", sep, $1; sep = " " }' \
        "$tmp/table")
    echo "trial $t: exit $rc${regressed:+ (regressed: $regressed)}"
    [ "$rc" -eq 1 ] && flagged=$((flagged + 1))
    t=$((t + 1))
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "flagged $flagged of $trials trials ($base -> $new on $workload," \
    "$repeat runs a side)"
[ "$flagged" -eq "$trials" ]

#!/bin/sh
# scripts/icount-trials.sh -- does gclab check's instruction-count gate
# catch a known slip every time, and stay quiet without it?  On a
# release build it writes a baseline of instruction counts (stage
# icount only), checks against it twice as it is (each must pass: the
# count repeats), then TRIALS times with GCLAB_DEBUG_EXTRA_TRAVERSE=100,
# the test knob that makes every collection traverse its set once more
# and changes no counter (each must fail).  Instruction counts are
# deterministic, so a trial is one callgrind run per collector, a few
# seconds each.
#
# Usage: scripts/icount-trials.sh [TRIALS] [COLLECTOR...]
#   defaults: 20 trials, cpython.  $BUILD names the build directory
#   (default build-release, set up if missing).
# Prints each check's icount line and ends with "flagged K of N
# trials"; exit 0 when both clean checks passed and every trial was
# flagged.
set -eu
cd "$(dirname "$0")/.."
. scripts/deps.sh
# shellcheck disable=SC2086
gclab_ensure_deps $GCLAB_BUILD_DEPS valgrind:valgrind
trials=${1:-20}
[ $# -gt 0 ] && shift
[ $# -eq 0 ] && set -- cpython
build=${BUILD:-build-release}
gclab_release_build "$build"
gclab=$build/harness/gclab
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
collectors=""
for c in "$@"; do
    collectors="$collectors --collector $c"
done
check() {
    # shellcheck disable=SC2086
    "$gclab" check --stages icount $collectors "$@" >"$tmp/out" || rc=$?
    grep -E '^(PASS|FAIL|SKIP) +icount' "$tmp/out" || cat "$tmp/out"
}
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
rc=0
check --write-baseline "$tmp/base"
[ "$rc" -eq 0 ] || { echo "icount-trials: no baseline" >&2; exit 2; }
grep -h '"instructions"' "$tmp/base/icount.jsonl"
clean=0
for i in 1 2; do
    rc=0
    check --baseline "$tmp/base" --verbose
    grep -E '^# .* instructions \(' "$tmp/out" || true
    [ "$rc" -eq 0 ] && clean=$((clean + 1))
done
flagged=0
t=1
while [ "$t" -le "$trials" ]; do
    rc=0
    printf 'trial %s: ' "$t"
    GCLAB_DEBUG_EXTRA_TRAVERSE=100 check --baseline "$tmp/base"
    [ "$rc" -eq 1 ] && flagged=$((flagged + 1))
    t=$((t + 1))
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "clean checks passed: $clean of 2"
echo "flagged $flagged of $trials trials (GCLAB_DEBUG_EXTRA_TRAVERSE=100; $*)"
[ "$clean" -eq 2 ] && [ "$flagged" -eq "$trials" ]

#!/bin/sh
# scripts/coverage.sh -- line and branch coverage of collectors/ under
# the test suite: a -Db_coverage=true debug build (assertions off, since
# an assertion's failing side is a branch no correct run takes), the
# tests, then gcovr.  Prints
#   collectors/ coverage: lines N% (a/b), branches M% (c/d)
# and leaves the uncovered lines and branches per file in
# BUILD/coverage-collectors.txt.  Arguments go to `meson test` (default:
# every test ./test.sh runs but bad-input; e.g. --suite unit for a quick
# figure).
# GCLAB_COVERAGE_BUILD names the build directory (build-coverage).
# --check (first argument) exits 1 below 95% of lines or 90% of branches.
# --skip NAME (before the meson arguments, repeatable) leaves a test out,
# e.g. CI's quicker figure leaves out t-check, whose exact-count runs take
# five minutes under coverage.
set -eu
cd "$(dirname "$0")/.."
. scripts/deps.sh
# shellcheck disable=SC2086
gclab_ensure_deps $GCLAB_BUILD_DEPS $GCLAB_COVERAGE_DEPS

check=0
if [ "${1:-}" = --check ]; then
    check=1
    shift
fi
skip=bad-input
while [ "${1:-}" = --skip ] && [ $# -ge 2 ]; do
    skip="$skip
$2"
    shift 2
done
build=${GCLAB_COVERAGE_BUILD:-build-coverage}
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" -Db_coverage=true -Db_ndebug=true >/dev/null
fi
meson compile -C "$build" >/dev/null
# Counts from an earlier run would add up.
find "$build" -name '*.gcda' -delete
# bad-input runs gclab where the coverage runtime cannot write its
# counts, and its complaint lands on the stderr where the test expects
# one line of gclab's: run it apart, for the counts (the option parsers'
# refusals), and do not judge it here.  Every other test must pass.
# shellcheck disable=SC2046
with_bad_input=$(meson test -C "$build" --list "$@" 2>/dev/null |
    sed -n 's/^gclab:[^ ]* \/ //p' | grep -cx bad-input || true)
set -- $(meson test -C "$build" --list "$@" 2>/dev/null |
    sed -n 's/^gclab:[^ ]* \/ //p' | grep -vxF "$skip")
meson test -C "$build" --num-processes 2 "$@" >"$build/coverage-tests.log" 2>&1 || {
    tail -n 30 "$build/coverage-tests.log" >&2
    echo "coverage.sh: the tests failed; see $build/coverage-tests.log" >&2
    exit 1
}
if [ "$with_bad_input" -gt 0 ]; then
    meson test -C "$build" bad-input >/dev/null 2>&1 || true
fi
# gcovr runs gcov on the build's data, keeping only collectors/.
summary=$(gcovr -r . --object-directory "$build" --filter 'collectors/' \
    --print-summary --txt "$build/coverage-lines.txt" 2>/dev/null)
gcovr -r . --object-directory "$build" --filter 'collectors/' --branches \
    --txt "$build/coverage-branches.txt" >/dev/null 2>&1
cat "$build/coverage-lines.txt" "$build/coverage-branches.txt" \
    >"$build/coverage-collectors.txt"
# Each uncovered line with its source, for docs/coverage.md's reasons.
gcovr -r . --object-directory "$build" --filter 'collectors/' \
    --json "$build/coverage.json" >/dev/null 2>&1 &&
    python3 scripts/coverage-uncovered.py "$build/coverage.json" \
        >"$build/coverage-uncovered.txt"
lines=$(echo "$summary" | sed -n 's/^lines: \([0-9.]*\)% (\([0-9]*\) out of \([0-9]*\)).*/\1% (\2\/\3)/p')
branches=$(echo "$summary" | sed -n 's/^branches: \([0-9.]*\)% (\([0-9]*\) out of \([0-9]*\)).*/\1% (\2\/\3)/p')
echo "collectors/ coverage: lines $lines, branches $branches"
if [ "$check" -eq 1 ]; then
    l=${lines%%%*}
    b=${branches%%%*}
    awk -v l="$l" -v b="$b" 'BEGIN { exit !(l >= 95 && b >= 90) }' || {
        echo "coverage.sh: below 95% of lines or 90% of branches" >&2
        exit 1
    }
fi

#!/bin/sh
# tests/browser/run.sh DIR [MIN_FIGURES] -- the report in a real
# browser, for .ci/run: installs Debian's chromium if it can (only this
# path needs it), checks DIR/index.html with check-report.py, then
# breaks an image link on purpose in a copy and expects the check to
# fail.  Ends with "N passed, N failed, N skipped"; where chromium
# cannot be installed it says so and counts one skip.
set -u
here=$(cd "$(dirname "$0")" && pwd)
dir=$1
min=${2:-1}
. "$here/../../scripts/deps.sh"
if ! command -v chromium >/dev/null 2>&1; then
    # gclab_ensure_deps exits when it cannot install: keep going here.
    (gclab_ensure_deps $GCLAB_BROWSER_DEPS) >/dev/null 2>&1
fi
if ! command -v chromium >/dev/null 2>&1; then
    echo "# SKIP browser test: Debian's chromium is not installed and could" \
         "not be (apt-get install chromium); the report was not opened"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi
passed=0 failed=0
echo "# the report as it is: $dir/index.html"
if python3 "$here/check-report.py" "$dir" --min-figures "$min"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi
# The same report with one figure gone: the check must catch it.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$dir" "$tmp/broken"
victim=$(sed -n "s/.*<img src='\([^']*\)'.*/\1/p" "$dir/index.html" | head -n 1)
echo "# with $victim removed on purpose: the check must fail"
if [ -n "$victim" ] && rm "$tmp/broken/$victim" &&
    ! python3 "$here/check-report.py" "$tmp/broken" --min-figures "$min" \
        >"$tmp/out" 2>&1 &&
    grep -q "broken: .*$victim" "$tmp/out"; then
    sed 's/^/#   /' "$tmp/out" | grep -E "not ok|broken|missing"
    passed=$((passed + 1))
else
    echo "# the check did not catch the missing $victim"
    sed 's/^/#   /' "$tmp/out" 2>/dev/null
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]

#!/bin/sh
# tests/sh/install-anywhere.sh [BUILD] -- gclab works from anywhere:
# from /tmp, `meson install --destdir D` of a release build (default
# build-release), then D's gclab bench --quick --out "$HOME/o'brien run/r"
# must draw every figure, each file the report links must be there, and
# the report must pass the browser test (tests/browser/run.sh).  No
# source tree is in reach of the installed gclab: it finds its plot
# scripts beside itself.  Ends with "N passed, N failed, N skipped".
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build-release}" && pwd)
cd /tmp || exit 2
dest=$(mktemp -d /tmp/gclab-install-XXXXXX)
parent="$HOME/o'brien run"
out="$parent/r"
made_parent=0
[ -e "$parent" ] || made_parent=1
cleanup() {
    rm -rf "$dest"
    [ "$made_parent" -eq 0 ] || rm -rf "$parent"
}
trap cleanup EXIT
passed=0 failed=0 skipped=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }

if meson install -C "$build" --destdir "$dest" >"$dest.log" 2>&1; then
    ok "meson install --destdir $dest"
else
    not_ok "meson install --destdir $dest"
    sed 's/^/#   /' "$dest.log" | tail -n 5
fi
rm -f "$dest.log"
gclab=$(find "$dest" -path '*/bin/gclab' -type f | head -n 1)
if [ -n "$gclab" ] && (cd /tmp && "$gclab" bench --quick --out "$out" \
        >"$dest/bench.log" 2>&1); then
    ok "from /tmp: $gclab bench --quick --out \"$out\""
else
    not_ok "from /tmp: installed gclab bench --quick --out \"$out\""
    tail -n 5 "$dest/bench.log" 2>/dev/null | sed 's/^/#   /'
fi
for f in throughput gc_time gc_share pause_p99 collections ratio phases \
         pause_cdf mmu memory pause_timeline scaling; do
    if [ -s "$out/$f.png" ] && [ -s "$out/$f.svg" ]; then
        ok "figure $f drawn (png, svg)"
    else
        not_ok "figure $f drawn (png, svg)"
    fi
done
line=$(sh "$repo/tests/browser/run.sh" "$out" 12 | tee "$dest/browser.log" |
    grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
sed 's/^/#   /' "$dest/browser.log" | grep -vE "^#   ok "
read -r p _ f _ s _ <<EOF2
$(echo "$line" | tr -d ,)
EOF2
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-1}))
skipped=$((skipped + ${s:-0}))
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

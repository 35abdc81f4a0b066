#!/bin/sh
# tests/sh/t-odd-paths.sh GCLAB SCENARIOS -- interpreters are started
# with an argument vector, never a shell string: a Python reached
# through a path with a space, a quote and a $ works as a peer (gclab run
# --peer) and as an oracle (gclab oracle --interpreter).  Skipped where
# no python3 is found.  TAP.
set -u
gclab=$1
scenarios=$2
python=$(command -v python3 || true)
if [ -z "$python" ]; then
    echo "1..0 # SKIP no python3 to start"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
odd="$tmp/o'brien \$HOME dir"
mkdir -p "$odd"
# A wrapper, so that the interpreter's own path does not matter.
printf '#!/bin/sh\nexec "%s" "$@"\n' "$python" >"$odd/py"
chmod +x "$odd/py"
n=0 failed=0
check() {
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        failed=$((failed + 1))
        echo "not ok $n - $2"
    fi
}
"$gclab" oracle --interpreter "$odd/py" "$scenarios/track_alias.scn" \
    >"$tmp/oracle.out" 2>&1
grep -q "^match " "$tmp/oracle.out"
check $? "gclab oracle --interpreter '$odd/py' matches a golden"
"$gclab" run --allow-debug --workload alloc-churn --size 200 \
    --peer "$odd/py" --out "$tmp/r" >/dev/null 2>"$tmp/run.err"
grep -q '"collector":"python3\.[0-9]*\.[0-9]*","' "$tmp/r/results.jsonl" \
    2>/dev/null
check $? "gclab run --peer '$odd/py' has peer rows"
echo "1..$n"
[ "$failed" -eq 0 ]

#!/bin/sh
# tests/sh/t-modes.sh GCLAB -- results files and the report get the mode
# a new file gets, as cp leaves it: 644 under umask 022, 600 under umask
# 077 (they were all 600: mkstemp's), and are still written atomically
# (no temporary file left beside them).  TAP.
set -u
gclab=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

for mask in 022 077; do
    case $mask in 022) want=644 ;; 077) want=600 ;; esac
    dir=$tmp/umask-$mask
    (
        umask $mask
        "$gclab" run --allow-debug --workload server --size 200 --out "$dir" \
            >/dev/null 2>&1 || exit 1
        # plot exits 1 without gnuplot, but writes index.html all the same.
        "$gclab" plot "$dir" >/dev/null 2>&1
        exit 0
    ) || { not_ok "umask $mask: gclab run"; continue; }
    for f in results.jsonl pauses.jsonl results.csv summary.json index.html \
             data/throughput.dat; do
        got=$(stat -c %a "$dir/$f" 2>/dev/null || echo missing)
        if [ "$got" = "$want" ]; then
            ok "umask $mask: $f is $want"
        else
            not_ok "umask $mask: $f is $got, not $want"
        fi
    done
    if ls "$dir" | grep -q '\.tmp'; then
        not_ok "umask $mask: a temporary file was left behind"
    else
        ok "umask $mask: no temporary file left behind"
    fi
done
echo "1..$n"
[ "$failed" -eq 0 ]

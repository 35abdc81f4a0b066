#!/bin/sh
# scripts/memseries-overhead.sh -- what the memory series, the decision
# log and the allocation counters behind them cost the measured run, in
# instructions (callgrind, independent of load): the measured region
# (gc_run_measured) of this tree's release build against the same
# region built from another revision without them (default: main), on
# workloads both have; and, on every workload given, the share of the
# region's instructions inside the sampling itself (gc_byte_event and
# what it calls, inclusive), which the payload workloads need.
# Usage: scripts/memseries-overhead.sh [REV] [WORKLOAD=SIZE...]
set -eu
cd "$(dirname "$0")/.."
rev=${1:-main}
[ $# -gt 0 ] && shift
cases=${*:-"alloc-churn=2000 small-cycles=1000 server=1000 http-client=2000 run-queue=100000 payload-cycles=2000"}
base=$(mktemp -d)
tmp=$(mktemp -d)
trap 'rm -rf "$base" "$tmp"' EXIT
git archive "$rev" | tar -x -C "$base"
meson setup "$base/build" "$base" --buildtype=release >/dev/null
meson compile -C "$base/build" >/dev/null
[ -f build-release/build.ninja ] ||
    meson setup build-release --buildtype=release >/dev/null
meson compile -C build-release >/dev/null
icount() { # BINARY WORKLOAD SIZE -> instructions of the measured region
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
        --toggle-collect=gc_run_measured "$1" run --no-fork \
        --collector cpython:profile=3.13 --workload "$2" --size "$3" \
        --out "$tmp/out" >/dev/null 2>"$tmp/err" ||
        { cat "$tmp/err" >&2; exit 1; }
    sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$tmp/cg.out"
}
sampling() { # the inclusive instructions of gc_byte_event in cg.out
    callgrind_annotate --inclusive=yes --threshold=100 "$tmp/cg.out" 2>/dev/null |
        awk '/gc_byte_event/ { gsub(",", "", $1); print $1; exit }'
}
printf '%-20s %14s %14s %9s %12s %9s\n' workload "$rev" this change \
    sampling share
for c in $cases; do
    w=${c%=*} size=${c##*=}
    a=-
    "$base/build/harness/gclab" list | grep -q "^workload $w:" &&
        a=$(icount "$base/build/harness/gclab" "$w" "$size")
    b=$(icount build-release/harness/gclab "$w" "$size")
    s=$(sampling)
    change=-
    [ "$a" != - ] && change=$(python3 -c "print('%+.3f%%' % (100.0 * ($b - $a) / $a))")
    printf '%-20s %14s %14s %9s %12s %8.4f%%\n' "$w" "$a" "$b" "$change" \
        "${s:-0}" "$(python3 -c "print(100.0 * ${s:-0} / $b)")"
done

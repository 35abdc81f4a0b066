#!/bin/sh
# tests/sh/t-snapshot-capture.sh GCLAB -- gclab snapshot on a real
# interpreter at each of its three points: at exit, after the program's
# first full collection, and when the interpreter gets SIGUSR1 (here the
# program sends it to itself mid-run, and goes on to make more objects
# that the snapshot must not hold).  Each snapshot says where it was
# taken, reads back, and runs as a workload; bench --workload runs
# every collector on one, with the report's figures.  Skipped where no python3
# is found.  TAP.
set -u
gclab=$1
python=$(command -v python3 || true)
if [ -z "$python" ]; then
    echo "1..0 # SKIP no python3 to start"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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
# Two phases: 300 instances in one ring, the point of capture, then 3000
# more in another.  At signal (and at the full collection the program
# asks for there) the snapshot holds the first ring and not the second.
cat >"$tmp/prog.py" <<'EOF'
import gc, os, signal, sys, time


class Node(object):
    def __init__(self, nxt):
        self.next = nxt


def ring(n):
    first = Node(None)
    last = first
    for _ in range(n - 1):
        last = Node(last)
    first.next = last
    return first


kept = [ring(300)]
if sys.argv[1] == "signal":
    os.kill(os.getpid(), signal.SIGUSR1)
elif sys.argv[1] == "full-collection":
    gc.collect()
    time.sleep(0.2)  # the capture runs from a 1 ms timer after it
kept.append(ring(3000))
EOF
for at in exit full-collection signal; do
    rc=0
    "$gclab" snapshot --python "$python" --at "$at" --out "$tmp/$at.gcsnap" \
        -- "$tmp/prog.py" "$at" >"$tmp/$at.out" 2>"$tmp/$at.err" || rc=$?
    check "$rc" "--at $at: gclab snapshot exits 0"
    grep -qx "at $at" "$tmp/$at.gcsnap" 2>/dev/null
    check $? "--at $at: the snapshot says where it was taken"
    "$gclab" snapshot --shape "$tmp/$at.gcsnap" >"$tmp/$at.shape" 2>&1
    check $? "--at $at: the snapshot reads back (--shape)"
    "$gclab" run --allow-debug --workload "snapshot:file=$tmp/$at.gcsnap" \
        --out "$tmp/run-$at" >/dev/null 2>&1
    check $? "--at $at: it runs as a workload"
done
# The tracked objects each snapshot holds (its header's count): the
# second ring's 3000 instances are in the one taken at exit only (less
# a few objects the capture itself makes in between).
tracked() {
    sed -n 's/^tracked //p' "$1" 2>/dev/null | grep . || echo 0
}
e=$(tracked "$tmp/exit.gcsnap")
s=$(tracked "$tmp/signal.gcsnap")
f=$(tracked "$tmp/full-collection.gcsnap")
echo "# tracked: exit $e, full-collection $f, signal $s"
[ "$s" -gt 300 ] && [ $((e - s)) -ge 2900 ]
check $? "--at signal is taken mid-run: 3000 fewer than at exit ($s, $e)"
[ "$f" -gt 300 ] && [ $((e - f)) -ge 2900 ]
check $? "--at full-collection is taken at the program's gc.collect() ($f)"
# Every collector of bench on the user's heap, with the report's pause,
# MMU and memory figures.
"$gclab" bench --quick --allow-debug --peer none --cpu none \
    --workload "snapshot:file=$tmp/signal.gcsnap" --out "$tmp/bench" \
    >"$tmp/bench.out" 2>&1
check $? "bench --workload snapshot:file=F exits 0"
k=$(sed -n 's/.*"collector":"\([^"]*\)".*/\1/p' "$tmp/bench/results.jsonl" \
    2>/dev/null | sort -u | wc -l)
[ "$k" -eq 6 ]
check $? "bench --workload: all six of bench's collectors ran on it ($k)"
for f in pause_cdf mmu memory; do
    [ -s "$tmp/bench/$f.png" ] && grep -q "$f.png" "$tmp/bench/index.html"
    check $? "bench --workload: the report shows $f.png"
done
echo "1..$n"
[ "$failed" -eq 0 ]

#!/bin/sh
# scripts/listener-overhead.sh -- what listening to collections costs:
# the same workload on a release build and on one with events compiled
# out (-Devents=false), runs alternating between the two binaries so a
# noisy spell hurts both alike.  Prints each side's mean wall time with
# its 95% CI and CV, and the ratio.
#
# Usage: scripts/listener-overhead.sh [WORKLOAD] [SIZE] [REPEAT]
#   defaults: alloc-churn, the workload's default size, 15 repetitions.
set -eu
cd "$(dirname "$0")/.."
. scripts/deps.sh
# shellcheck disable=SC2086
gclab_ensure_deps $GCLAB_BUILD_DEPS
workload=${1:-alloc-churn}
size=${2:-}
repeat=${3:-15}
for b in build-release build-noevents; do
    if [ ! -f "$b/build.ninja" ]; then
        extra=
        [ "$b" = build-noevents ] && extra=-Devents=false
        meson setup "$b" --buildtype=release $extra >/dev/null
    fi
    meson compile -C "$b" >/dev/null
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sizeopt=
[ -n "$size" ] && sizeopt="--size $size"
i=0
while [ "$i" -lt "$repeat" ]; do
    for b in build-release build-noevents; do
        # shellcheck disable=SC2086
        "./$b/harness/gclab" run --workload "$workload" $sizeopt \
            --out "$tmp/$b" >/dev/null 2>&1
        sed -n 's/.*"wall_ns":\([0-9]*\).*/\1/p' "$tmp/$b/results.jsonl" \
            >>"$tmp/$b.wall"
    done
    i=$((i + 1))
done
python3 - "$tmp" "$workload" <<'PY'
import math, statistics, sys
tmp, workload = sys.argv[1], sys.argv[2]
# two-sided 95% Student t, df 1..30
T = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
     2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
     2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]
def summary(xs):
    m = statistics.mean(xs)
    sd = statistics.stdev(xs)
    t = T[len(xs) - 2] if len(xs) - 1 <= 30 else 1.96
    return m, t * sd / math.sqrt(len(xs)), sd / m
side = {}
for b in ("build-release", "build-noevents"):
    xs = [int(l) for l in open("%s/%s.wall" % (tmp, b)) if l.strip()]
    side[b] = summary(xs)
    m, ci, cv = side[b]
    print("%-15s %s n=%d wall_ms %.3f +-%.3f cv %.3f" %
          (b, workload, len(xs), m / 1e6, ci / 1e6, cv))
(a, ca, _), (b, cb, _) = side["build-release"], side["build-noevents"]
r = a / b
rci = r * math.sqrt((ca / a) ** 2 + (cb / b) ** 2)
print("listener overhead: ratio %.4f +-%.4f (%+.2f%%)" % (r, rci, (r - 1) * 100))
PY

#!/bin/sh
# scripts/bench-collect.sh -- the full-collection cost of gclab's
# reference collector beside real CPython's, measured the same way on
# both: a live ring of N instances, (t(build + 10 collections) -
# t(build)) / 10 / N, best of REPEAT; and one young collection of 700
# fresh instances.  Release build; profile 3.11 against CPython 3.11.
#
# Usage: scripts/bench-collect.sh [PYTHON] [REPEAT]
#   PYTHON defaults to $(pyenv root)/versions/3.11.7/bin/python.  Both
#   sides run pinned to the CPU `gclab system --print-cpu` names ($CPU
#   overrides: a number or none).
set -eu
cd "$(dirname "$0")/.."
. scripts/deps.sh
# shellcheck disable=SC2086
gclab_ensure_deps $GCLAB_BUILD_DEPS
python=${1:-$(pyenv root 2>/dev/null)/versions/3.11.7/bin/python}
repeat=${2:-3}
if [ ! -x "$python" ]; then
    echo "bench-collect: no interpreter at '$python'" >&2
    exit 2
fi
[ -f build-release/build.ninja ] ||
    meson setup build-release --buildtype=release >/dev/null
meson compile -C build-release >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One CPU for both sides: this VM's CPUs differ in speed by ~40%.
cpu=$(./build-release/harness/gclab system --print-cpu --cpu "${CPU:-auto}")
pin=""
[ "$cpu" != none ] && pin="taskset -c $cpu"
# Interleaved, so that a noisy spell hurts both sides alike.
for i in 1 2; do
    ./build-release/harness/gclab micro --cpu "$cpu" --suite collect \
        --repeat "$repeat" --profile 3.11 |
        awk 'NR > 2 { print $1, $5 }' >>"$tmp/gclab"
    $pin "$python" workloads/python/ring_collect.py --repeat "$repeat" |
        awk '{ print $1, $2 }' >>"$tmp/cpython"
done
version=$("$python" -c 'import sys; print(sys.version.split()[0])')
printf '%-20s %14s %14s %8s\n' benchmark gclab_ns "cpython${version}_ns" ratio
awk '
    FNR == NR { if (!($1 in g) || $2 < g[$1]) g[$1] = $2; next }
    { if (!($1 in c) || $2 < c[$1]) c[$1] = $2 }
    END {
        n = split("full-ring-100000 full-ring-1000000 young-700", k, " ")
        for (i = 1; i <= n; i++)
            printf "%-20s %14.3f %14.3f %8.3f\n", k[i], g[k[i]], c[k[i]],
                   g[k[i]] / c[k[i]]
    }' "$tmp/gclab" "$tmp/cpython"
echo "# full-ring: ns per object per full collection; young-700: ns per collection; best of $((2 * repeat)); both sides on CPU $cpu"

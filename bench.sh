#!/bin/sh
# bench.sh -- the main job: installs what is missing, builds a release
# build, and runs `gclab bench`: every collector through the default
# workloads, then results, plots and an HTML report in results/latest/
# (or --out DIR).  --quick takes a few seconds, for CI.
set -eu
cd "$(dirname "$0")"
. scripts/deps.sh
# shellcheck disable=SC2086
gclab_ensure_deps $GCLAB_BUILD_DEPS gnuplot-nox:gnuplot hyperfine:hyperfine
if [ ! -f build-release/build.ninja ]; then
    meson setup build-release --buildtype=release >/dev/null
fi
meson compile -C build-release >/dev/null
exec build-release/harness/gclab bench "$@"

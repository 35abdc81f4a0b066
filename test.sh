#!/bin/sh
# test.sh -- installs what is missing, configures, builds and runs every
# test, then prints "N passed, N failed".  Arguments go to `meson test`
# (e.g. --suite unit).  GCLAB_BUILD names the build directory (default
# build); GCLAB_SETUP adds `meson setup` options, e.g.
#   GCLAB_BUILD=build-asan GCLAB_SETUP=-Db_sanitize=address,undefined ./test.sh
set -eu
cd "$(dirname "$0")"
. scripts/deps.sh
# shellcheck disable=SC2086
gclab_ensure_deps $GCLAB_BUILD_DEPS $GCLAB_TEST_DEPS

build=${GCLAB_BUILD:-build}
if [ ! -f "$build/build.ninja" ]; then
    # shellcheck disable=SC2086
    meson setup "$build" ${GCLAB_SETUP:-} >/dev/null
fi
meson compile -C "$build" >/dev/null

status=0
meson test -C "$build" --print-errorlogs "$@" || status=$?
python3 scripts/test-summary.py "$build/meson-logs/testlog.json" || status=1
exit $status

#!/bin/sh
# scripts/fuzz.sh TARGET [SECONDS] -- coverage-guided fuzzing with
# libFuzzer: builds build-fuzz/ with clang, AddressSanitizer and UBSan
# (-Dfuzz=true) and runs one target for SECONDS (default 600) under
# nice.  TARGET: scenario (the scenario checker) or results (gclab
# report's reader).  Seeds: tests/scenarios, tests/bad-input,
# tests/fuzz/seeds-results and tests/fuzz/regress; what it learns stays
# in build-fuzz/corpus-TARGET.  A crash leaves build-fuzz/crash-* and a
# non-zero exit: fix it, then keep the input in tests/fuzz/regress/,
# which every build replays.
set -eu
cd "$(dirname "$0")/.."
case ${1:-} in
scenario | results) target=$1 ;;
*)
    echo "usage: scripts/fuzz.sh scenario|results [SECONDS]" >&2
    exit 2
    ;;
esac
seconds=${2:-600}
. scripts/deps.sh
# shellcheck disable=SC2086
gclab_ensure_deps $GCLAB_BUILD_DEPS $GCLAB_FUZZ_DEPS

build="build-fuzz"
if [ ! -f "$build/build.ninja" ]; then
    CC=clang CXX=clang++ meson setup "$build" -Dfuzz=true \
        -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
meson compile -C "$build" "fuzz-$target" >/dev/null
mkdir -p "$build/corpus-$target"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
exec nice "$build/tests/fuzz/fuzz-$target" -max_total_time="$seconds" \
    -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -dict="tests/fuzz/$target.dict" -artifact_prefix="$build/" \
    "$build/corpus-$target" tests/scenarios tests/bad-input \
    tests/fuzz/seeds-results tests/fuzz/regress

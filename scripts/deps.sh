# scripts/deps.sh -- sourced by the top-level commands: installs the
# Debian packages gclab needs that this machine lacks.  apt-get update
# runs at most once, and only if something is missing.
#
# gclab_ensure_deps PKG:PROBE ...   PROBE is a command name, or a path
# that the package installs.

gclab_missing_packages() {
    missing=""
    for spec in "$@"; do
        pkg=${spec%%:*}
        probe=${spec#*:}
        case $probe in
            /*) [ -e "$probe" ] || missing="$missing $pkg" ;;
            *) command -v "$probe" >/dev/null 2>&1 || missing="$missing $pkg" ;;
        esac
    done
    echo "$missing"
}

gclab_ensure_deps() {
    missing=$(gclab_missing_packages "$@")
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        sudo=""
    elif command -v sudo >/dev/null 2>&1; then
        sudo="sudo"
    else
        echo "gclab: missing packages:$missing; run: apt-get install -y$missing" >&2
        exit 2
    fi
    echo "gclab: installing$missing" >&2
    $sudo apt-get update -qq >&2 || exit 2
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >&2 || exit 2
}

# What building and testing need.
GCLAB_BUILD_DEPS="meson:meson ninja-build:ninja gcc:gcc g++:g++ pkg-config:pkg-config python3:python3 libbenchmark-dev:/usr/include/benchmark/benchmark.h libjansson-dev:/usr/include/jansson.h"

# What the tests need beyond building: gnuplot draws the figures that
# tests/t-plot.c and t-sweep.c check.
GCLAB_TEST_DEPS="gnuplot-nox:gnuplot"

# Only the browser test of the report (tests/browser/run.sh, .ci/run).
GCLAB_BROWSER_DEPS="chromium:chromium"

# gclab_release_build [DIR]: a release build in DIR (build-release by
# default), set up if missing and brought up to date; prints nothing.
gclab_release_build() {
    dir=${1:-build-release}
    [ -f "$dir/build.ninja" ] ||
        meson setup "$dir" --buildtype=release >/dev/null || exit 2
    meson compile -C "$dir" >/dev/null || exit 2
}

# Only scripts/fuzz.sh: clang and its libFuzzer runtime.
GCLAB_FUZZ_DEPS="clang:clang libclang-rt-14-dev:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a"

# Only scripts/coverage.sh: gcovr reads the coverage build's gcov data
# (Debian's gcovr; gcov itself comes with gcc).
GCLAB_COVERAGE_DEPS="gcovr:gcovr"

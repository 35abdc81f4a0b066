#!/bin/sh
# scripts/compare-scenarios.sh -- records what one gclab binary does with
# every scenario file, so that two binaries can be held to the same
# behaviour with `diff -r`: the --emit-python translation and the event
# log on every profile and every collector, each with its stderr and
# exit status.  Made to show that a refactor of the scenario language
# (harness/oracles/scenario*.c) changes nothing; the bad inputs are
# included, so the error messages are compared too.
#
# Usage: scripts/compare-scenarios.sh GCLAB OUTDIR [FILE.scn ...]
#        diff -r BEFORE_OUTDIR AFTER_OUTDIR
# Default files: tests/scenarios/*.scn and tests/bad-input/scn/*.scn.
# OUTDIR must not exist yet.  Prints the number of files and runs.
# Every file runs on every profile with cpython, the collector the
# goldens hold, and on its default profile with each other collector
# (COLLECTORS="a b" overrides the list; all profiles with all collectors
# takes hours on a loaded machine).
set -eu
if [ $# -lt 2 ]; then
    echo "usage: $0 GCLAB OUTDIR [FILE.scn ...]" >&2
    exit 2
fi
gclab=$1
outdir=$2
shift 2
if [ -e "$outdir" ]; then
    echo "compare-scenarios: $outdir exists; give a new directory" >&2
    exit 2
fi
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
    set -- tests/scenarios/*.scn tests/bad-input/scn/*.scn
fi
profiles="2.7 3.8 3.11 3.13 3.14 3.15"
collectors=${COLLECTORS:-$("$gclab" list |
    sed -n 's/^collector \([^:]*\):.*/\1/p')}

nruns=0
# Runs gclab with the arguments after $1 and writes stdout, then stderr
# and the exit status, to $outdir/$1.out and .err.
record() {
    name=$1
    shift
    rc=0
    "$gclab" "$@" >"$outdir/$name.out" 2>"$outdir/$name.err" || rc=$?
    echo "exit $rc" >>"$outdir/$name.err"
    nruns=$((nruns + 1))
}

nfiles=0
for f in "$@"; do
    nfiles=$((nfiles + 1))
    base=$(echo "$f" | tr / _)
    record "$base.emit" scenario "$f" --emit-python
    for p in $profiles; do
        record "$base.$p" scenario "$f" --profile "$p"
    done
    for c in $collectors; do
        record "$base.$c" scenario "$f" --collector "$c"
    done
done
echo "# $nfiles files, $nruns runs recorded in $outdir"

#!/bin/sh
# scripts/shapes-icount.sh -- instructions per object of a full collection,
# per heap shape, on the model and on CPython: the load-independent twin
# of scripts/shapes-vs-cpython.sh.  Each side runs under callgrind with
# collection on only inside gc.collect (the model's gc_collect, the
# interpreter's gc module function of that name), once with N objects
# and once with N/5.  Only the second gc.collect counts, the measured one
# (both sides collect before building the shape, then once to measure,
# then after dropping it: on 2.7.18 that last one still finds the chain,
# whose deep deallocation the trashcan has put off).  The difference over
# 4N/5 objects is the cost per object, free of what every collection
# costs whatever the shape (the interpreter's own objects).
#
# usage: scripts/shapes-icount.sh [PYTHON] [N] [SHAPES] [-- gclab micro options]
#   PYTHON  default $(pyenv root)/versions/3.11.7/bin/python
#   N       objects per shape, default 100000
#   SHAPES  space-separated, default every shape of the suite
#   CACHE=1 also simulates the caches (a 256 KiB last level, so that a
#   shape of N/5 objects, too, outgrows it as 1e6 outgrow the real one)
#   and prints last-level data misses per object: memory traffic, which
#   the timing of memory-bound shapes follows; no prefetcher is
#   simulated, so sequential shapes show misses the hardware hides.
#   KEEP=DIR keeps the callgrind outputs there (callgrind_annotate
#   DIR/SIDE.SHAPE.N.PID.2, the measured collection).
set -eu
cd "$(dirname "$0")/.."
py=${1:-$(pyenv root 2>/dev/null)/versions/3.11.7/bin/python}
n=${2:-100000}
shapes=${3:-chain list-chain dict-chain shuffled freeing-cycles}
[ $# -gt 3 ] && shift 3 || shift $#
[ "${1:-}" = "--" ] && shift
gclab=build-release/harness/gclab
if [ ! -x "$gclab" ]; then
    echo "shapes-icount: $gclab is missing; run meson setup build-release" \
         "--buildtype=release && meson compile -C build-release" >&2
    exit 2
fi
if [ ! -x "$py" ]; then
    echo "shapes-icount: no interpreter at '$py'" >&2
    exit 2
fi
command -v valgrind >/dev/null || { echo "shapes-icount: needs valgrind" >&2; exit 2; }
case $n in
    '' | *[!0-9]*) echo "shapes-icount: N must be an integer >= 10, not '$n'" >&2; exit 2 ;;
esac
[ "$n" -ge 10 ] || { echo "shapes-icount: N must be >= 10, not '$n'" >&2; exit 2; }
small=$((n / 5))
out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$out"' EXIT
cachesim=""
[ "${CACHE:-0}" = 1 ] && cachesim="--cache-sim=yes --LL=262144,16,64"
cg() { # cg FILE FN CMD...: "Ir LLmisses" inside the 2nd call of FN
    f=$1
    fn=$2
    shift 2
    rm -f "$f".*
    # shellcheck disable=SC2086
    valgrind --tool=callgrind $cachesim --trace-children=yes --collect-atstart=no \
        --toggle-collect="$fn" --dump-after="$fn" --callgrind-out-file="$f.%p" \
        "$@" >/dev/null 2>"$f.err" ||
        { echo "shapes-icount: failed: $*" >&2; cat "$f.err" >&2; exit 1; }
    d=$(ls "$f".*.2 2>/dev/null | head -n 1)
    [ -n "$d" ] || { echo "shapes-icount: no second collection in: $*" >&2; exit 1; }
    awk '/^events:/ { for (i = 2; i <= NF; i++) col[$i] = i }
         /^(summary|totals):/ {
             print $(col["Ir"]), ("DLmr" in col ? $(col["DLmr"]) + $(col["DLmw"]) : 0)
             exit }' "$d"
}
# The interpreter's gc.collect: its static gc_collect where the build has
# a symbol table (pyenv's); in a stripped build (Debian's 3.14 and 3.15,
# from scripts/get-python.sh) the function PyGC_Collect calls first,
# _PyGC_Collect, which callgrind names by its address.
py_collect_fn() {
    files=$("$py" -c 'import sys, sysconfig, os
print(os.path.realpath(sys.executable))
d, so = sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("INSTSONAME")
if d and so and os.path.exists(os.path.join(d, so)):
    print(os.path.join(d, so))')
    for b in $files; do
        if nm "$b" 2>/dev/null | grep -q ' t gc_collect$'; then
            echo gc_collect
            return
        fi
    done
    for b in $files; do
        a=$(nm -D "$b" 2>/dev/null | awk '$3 == "PyGC_Collect" { print $1 }')
        [ -n "$a" ] || continue
        t=$(objdump -d --no-show-raw-insn "$b" --start-address=0x"$a" \
                --stop-address=$(printf '0x%x' $((0x$a + 160))) |
            awk '$2 == "call" { print $3; exit }')
        [ -n "$t" ] && { printf '0x%016x\n' $((0x$t)); return; }
    done
    echo "shapes-icount: cannot find gc.collect's function in $files" >&2
    exit 2
}
pyfn=$(py_collect_fn) || exit 2
printf '# %s objects less %s, instructions per object in gc.collect; CPython: %s (%s); gclab micro %s\n' \
    "$n" "$small" "$py" "$pyfn" "$*"
if [ -n "$cachesim" ]; then
    printf '%-16s %10s %10s %8s %9s %9s %8s\n' shape gclab cpython ratio \
        gclab_LLm cpy_LLm ratio
else
    printf '%-16s %10s %10s %8s\n' shape gclab cpython ratio
fi
for s in $shapes; do
    g1=$(cg "$out/gclab.$s.$n" gc_collect "$gclab" micro --shape "$s" --size "$n" --repeat 1 "$@")
    g0=$(cg "$out/gclab.$s.$small" gc_collect "$gclab" micro --shape "$s" --size "$small" --repeat 1 "$@")
    c1=$(cg "$out/cpython.$s.$n" "$pyfn" "$py" workloads/python/shapes.py "$n" 1 "$s")
    c0=$(cg "$out/cpython.$s.$small" "$pyfn" "$py" workloads/python/shapes.py "$small" 1 "$s")
    echo "$s $g1 $g0 $c1 $c0" | awk -v d="$((n - small))" -v m="$cachesim" '{
        g = ($2 - $4) / d; c = ($6 - $8) / d
        printf "%-16s %10.1f %10.1f %8.3f", $1, g, c, g / c
        if (m != "") {
            gm = ($3 - $5) / d; cm = ($7 - $9) / d
            printf " %9.2f %9.2f %8.3f", gm, cm, (cm > 0 ? gm / cm : 0)
        }
        printf "\n" }'
done

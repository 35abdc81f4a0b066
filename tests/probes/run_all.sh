#!/bin/sh
# tests/probes/run_all.sh -- reruns the measurements behind
# docs/semantics.md (the probes, ported here) and
# docs/cpython-3.14-3.15.md (track314.py, kinds314.py) on every oracle
# interpreter: pyenv's 2.7.18 ... 3.13.0, and 3.14 and 3.15 from pyenv or,
# failing that, Debian's through scripts/get-python.sh.
#
# Usage: sh tests/probes/run_all.sh [probe.py ...]
#   (ret2.py needs a case name; it is looped here.)
#   GCLAB_PROBE_VERSIONS="3.13.0 3.14 3.15" picks the interpreters.
cd "$(dirname "$0")" || exit 2
repo=$(cd ../.. && pwd)
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
VERSIONS=${GCLAB_PROBE_VERSIONS:-"2.7.18 3.6.15 3.7.16 3.8.18 3.9.18 3.10.13 3.11.7 3.12.1 3.13.0 3.14 3.15"}
CASES="two_inst ring10 two_del one_del one_del_hang py2_del_plus_sep selfl slots2 dictinst dictinst_kept resur resur_plus_sep wr_removed wr_kept wr_internal legacy legacy_hang legacy_self legacy_plus_sep saveall_two_inst saveall_two_del saveall_legacy"
PROBES=${*:-"hdr.py hdrbits.py pre.py counts.py trigger.py t0.py llp.py llp27.py neg2.py fl.py trash2.py trash3.py ret2.py suicide.py d313b.py d313c.py fin.py order.py api.py ref.py dbg.py shut.py misc.py gen27.py tup.py tup2.py rc.py seed.py track314.py kinds314.py"}
python_for() {
    case $1 in
        *.*.*) echo "$root/versions/$1/bin/python" ;;
        *)
            found=$(ls -d "$root/versions/$1".* 2>/dev/null | sort -V | tail -n1)
            if [ -n "$found" ]; then
                echo "$found/bin/python"
            else
                "$repo/scripts/get-python.sh" "$1"
            fi
            ;;
    esac
}
for p in $PROBES; do
    for v in $VERSIONS; do
        PY=$(python_for "$v") || continue
        [ -x "$PY" ] || { echo "== $p $v: no interpreter at $PY"; continue; }
        echo "== $p $v"
        case $p in
            ret2.py) for c in $CASES; do "$PY" ret2.py "$c" 2>&1; done ;;
            llp.py) "$PY" llp.py 20000 40000 2>&1 | grep -v '^ \|^Traceback\|^TypeError\|^Exception' ;;
            *) "$PY" "$p" 2>&1 ;;
        esac
    done
done

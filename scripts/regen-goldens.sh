#!/bin/sh
# scripts/regen-goldens.sh -- regenerates the scenario goldens from real
# CPython: every tests/scenarios/NAME.scn is translated with
# `gclab scenario --emit-python` and run twice on each profile's oracle
# interpreter; NAME.PROFILE.out is written when both runs agree.  A
# scenario that does not apply to a profile (exit 2) gets no golden.
#
# Usage: scripts/regen-goldens.sh [NAME.scn ...]     (default: all)
# Oracles: $(pyenv root)/versions/{2.7.18,3.8.18,3.11.7,3.13.0}/bin/python,
# or GCLAB_PY27, GCLAB_PY38, GCLAB_PY311, GCLAB_PY313.  A missing one is
# reported and its goldens are left as they are; the script then exits 1.
set -u
cd "$(dirname "$0")/.."
gclab=build/harness/gclab
if [ ! -x "$gclab" ]; then
    ./test.sh --suite unit >/dev/null || exit 1
fi
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
oracle() {
    case $1 in
        2.7) echo "${GCLAB_PY27:-$root/versions/2.7.18/bin/python}" ;;
        3.8) echo "${GCLAB_PY38:-$root/versions/3.8.18/bin/python}" ;;
        3.11) echo "${GCLAB_PY311:-$root/versions/3.11.7/bin/python}" ;;
        3.13) echo "${GCLAB_PY313:-$root/versions/3.13.0/bin/python}" ;;
    esac
}
[ $# -gt 0 ] || set -- tests/scenarios/*.scn
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0 written=0
for p in 2.7 3.8 3.11 3.13; do
    py=$(oracle $p)
    if [ ! -x "$py" ]; then
        echo "regen-goldens: no interpreter for profile $p at $py; its goldens are unchanged" >&2
        status=1
    fi
done
for scn in "$@"; do
    base=${scn%.scn}
    if ! "$gclab" scenario "$scn" --emit-python >"$tmp/s.py" 2>"$tmp/err"; then
        echo "regen-goldens: $scn: $(cat "$tmp/err")" >&2
        status=1
        continue
    fi
    for p in 2.7 3.8 3.11 3.13; do
        py=$(oracle $p)
        [ -x "$py" ] || continue
        "$py" "$tmp/s.py" >"$tmp/a" 2>"$tmp/err"
        rc=$?
        if [ $rc -eq 2 ] && grep -q "does not apply" "$tmp/err"; then
            rm -f "$base.$p.out"
            continue
        fi
        if [ $rc -ne 0 ]; then
            echo "regen-goldens: $scn on $p exited $rc: $(head -c 300 "$tmp/err")" >&2
            status=1
            continue
        fi
        "$py" "$tmp/s.py" >"$tmp/b" 2>/dev/null
        if ! cmp -s "$tmp/a" "$tmp/b"; then
            echo "regen-goldens: $scn on $p is not deterministic" >&2
            status=1
            continue
        fi
        cp "$tmp/a" "$base.$p.out"
        written=$((written + 1))
    done
done
echo "regen-goldens: $written goldens written" >&2
exit $status

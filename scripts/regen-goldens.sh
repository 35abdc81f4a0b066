#!/bin/sh
# scripts/regen-goldens.sh -- regenerates the scenario goldens from real
# CPython: every tests/scenarios/NAME.scn is translated with
# `gclab scenario --emit-python` and run twice on each profile's oracle
# interpreter; NAME.PROFILE.out is written when both runs agree.  A
# scenario that does not apply to a profile (exit 2) gets no golden.
#
# Usage: scripts/regen-goldens.sh [NAME.scn ...]     (default: all)
# Oracles: 2.7.18, 3.8.18, 3.11.7 and 3.13.0 from pyenv
# ($(pyenv root)/versions/V/bin/python); 3.14 and 3.15 from pyenv if it
# has them, else from Debian's unstable suite through
# scripts/get-python.sh (which downloads them once into a cache).
# GCLAB_PY27, GCLAB_PY38, GCLAB_PY311, GCLAB_PY313, GCLAB_PY314 and
# GCLAB_PY315 override them.  A missing one is reported and its goldens
# are left as they are; the script then exits 1.
#
# tests/scenarios/oracles.txt names the interpreter each profile's
# goldens came from.  Debian's unstable suite moves on: when a profile's
# interpreter is not the one recorded, the script says so, and the
# differences (git diff tests/scenarios) are to be reviewed, not taken
# silently.
set -u
cd "$(dirname "$0")/.."
gclab=build/harness/gclab
if [ ! -x "$gclab" ]; then
    ./test.sh --suite unit >/dev/null || exit 1
fi
profiles="2.7 3.8 3.11 3.13 3.14 3.15"
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Prints the interpreter for profile $1, or nothing.
oracle() {
    case $1 in
        2.7) echo "${GCLAB_PY27:-$root/versions/2.7.18/bin/python}" ;;
        3.8) echo "${GCLAB_PY38:-$root/versions/3.8.18/bin/python}" ;;
        3.11) echo "${GCLAB_PY311:-$root/versions/3.11.7/bin/python}" ;;
        3.13) echo "${GCLAB_PY313:-$root/versions/3.13.0/bin/python}" ;;
        3.14 | 3.15)
            var=GCLAB_PY$(echo "$1" | tr -d .)
            eval "given=\${$var:-}"
            if [ -n "$given" ]; then
                echo "$given"
                return
            fi
            # The newest pyenv patch release of that version, if any.
            found=$(ls -d "$root/versions/$1".* 2>/dev/null | sort -V | tail -n1)
            if [ -n "$found" ] && [ -x "$found/bin/python" ]; then
                echo "$found/bin/python"
            else
                scripts/get-python.sh "$1" 2>"$tmp/get.err" ||
                    echo "regen-goldens: $(cat "$tmp/get.err")" >&2
            fi
            ;;
    esac
}

# The exact version of interpreter $1: Debian's package version beside
# a get-python.sh wrapper, else the interpreter's own.
version_of() {
    if [ -f "$(dirname "$1")/debian-version" ]; then
        echo "$(cat "$(dirname "$1")/debian-version") (Debian unstable)"
    else
        "$1" -c 'import platform; print(platform.python_version())'
    fi
}

record=tests/scenarios/oracles.txt
status=0 written=0
for p in $profiles; do
    py=$(oracle "$p")
    if [ -z "$py" ] || [ ! -x "$py" ]; then
        echo "regen-goldens: no interpreter for profile $p${py:+ at $py}; its goldens are unchanged" >&2
        status=1
        continue
    fi
    echo "$p $py" >>"$tmp/oracles"
    v=$(version_of "$py")
    old=$(awk -v p="$p" '$1 == p { $1 = ""; sub(/^ /, ""); print }' "$record" 2>/dev/null)
    if [ -n "$old" ] && [ "$old" != "$v" ]; then
        echo "regen-goldens: profile $p: goldens came from $old, now from $v; review git diff tests/scenarios" >&2
    fi
    echo "$p $v" >>"$tmp/versions"
done
[ $# -gt 0 ] || set -- tests/scenarios/*.scn
for scn in "$@"; do
    base=${scn%.scn}
    if ! "$gclab" scenario "$scn" --emit-python >"$tmp/s.py" 2>"$tmp/err"; then
        echo "regen-goldens: $scn: $(cat "$tmp/err")" >&2
        status=1
        continue
    fi
    while read -r p py; do
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
        cmp -s "$tmp/a" "$base.$p.out" 2>/dev/null || cp "$tmp/a" "$base.$p.out"
        written=$((written + 1))
    done <"$tmp/oracles"
done
# The record keeps the lines of profiles not run this time.
{
    echo "# The interpreter each profile's goldens came from (scripts/regen-goldens.sh)."
    for p in $profiles; do
        line=$(awk -v p="$p" '$1 == p' "$tmp/versions" 2>/dev/null)
        [ -n "$line" ] || line=$(awk -v p="$p" '$1 == p' "$record" 2>/dev/null)
        [ -z "$line" ] || echo "$line"
    done
} >"$tmp/record"
cmp -s "$tmp/record" "$record" || cp "$tmp/record" "$record"
echo "regen-goldens: $written goldens checked or written" >&2
exit $status

#!/bin/sh
# scripts/compare-twins.sh -- the "same work" check: every workload on
# gclab's model and, through its Python twin, on the real interpreters;
# prints collections per generation side by side and the checksums.
# Usage: scripts/compare-twins.sh [size=N]   (release build)
# Interpreters: 2.7.18, 3.8.18, 3.11.7 and 3.13.0 from pyenv; 3.14 and
# 3.15 from pyenv or, failing that, scripts/get-python.sh.
set -eu
cd "$(dirname "$0")/.."
[ -f build-release/build.ninja ] ||
    meson setup build-release --buildtype=release >/dev/null
meson compile -C build-release >/dev/null
gclab=build-release/harness/gclab
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
size_args=""
for a in "$@"; do
    case $a in
        size=*) size_args="--size ${a#size=}" ;;
        *) echo "compare-twins: only size=N is understood, not '$a'" >&2; exit 2 ;;
    esac
done
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
# pyenv's interpreters; 3.14 and 3.15 from pyenv when it has them, else
# Debian's through scripts/get-python.sh (fetched once into a cache).
interpreter() {
    case $1 in
        3.14 | 3.15)
            found=$(ls -d "$root/versions/$1".* 2>/dev/null | sort -V | tail -n1)
            if [ -n "$found" ] && [ -x "$found/bin/python" ]; then
                echo "$found/bin/python"
            else
                scripts/get-python.sh "$1" || true
            fi
            ;;
        *) echo "$root/versions/$2/bin/python" ;;
    esac
}
pvs="2.7:2.7.18 3.8:3.8.18 3.11:3.11.7 3.13:3.13.0 3.14: 3.15:"
for pv in $pvs; do
    py=$(interpreter "${pv%%:*}" "${pv#*:}")
    eval "py_$(echo "${pv%%:*}" | tr -d .)=\$py"
done
printf '%-20s %-8s %-22s %-22s %s\n' workload profile model cpython checksums
for w in $($gclab list | awk '$1 == "workload" { sub(":", "", $2); print $2 }'); do
    for pv in $pvs; do
        p=${pv%%:*}
        eval "py=\$py_$(echo "$p" | tr -d .)"
        [ -x "$py" ] || { echo "compare-twins: no interpreter for $p" >&2; continue; }
        # shellcheck disable=SC2086
        $gclab run --collector "cpython:profile=$p" --workload "$w" $size_args \
            --out "$tmp" >/dev/null 2>&1
        model=$(python3 -c 'import json, sys
r = json.loads(open(sys.argv[1]).readline())
print("%d/%d/%d %d" % (r["collections_gen0"], r["collections_gen1"],
                       r["collections_gen2"], r["checksum"]))' "$tmp/results.jsonl")
        twin=$($gclab twin "$w" --python "$py" "$@" |
            awk '/^collections/ { c = c (c ? "/" : "") $2 } /^checksum/ { s = $2 } END { print c, s }')
        printf '%-20s %-8s %-22s %-22s %s\n' "$w" "$p" "${model% *}" \
            "${twin% *}" "${model#* } ${twin#* }"
    done
done

#!/bin/sh
# scripts/compare-twins.sh -- the "same work" check: every workload on
# gclab's model and, through its Python twin, on the real interpreters;
# prints collections per generation side by side and the checksums.
# Usage: scripts/compare-twins.sh [size=N]   (release build)
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
printf '%-20s %-8s %-22s %-22s %s\n' workload profile model cpython checksums
for w in $($gclab list | awk '$1 == "workload" { sub(":", "", $2); print $2 }'); do
    for pv in 2.7:2.7.18 3.8:3.8.18 3.11:3.11.7 3.13:3.13.0; do
        p=${pv%%:*}
        py=$root/versions/${pv#*:}/bin/python
        [ -x "$py" ] || { echo "compare-twins: no $py" >&2; continue; }
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

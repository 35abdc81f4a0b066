#!/bin/sh
# scripts/memory-figures.sh -- the figures of docs/memory.md, from
# gclab's own records (release build), each with its data beside it:
#   series-WORKLOAD.png  memory over time per collector (memory.tsv)
#   payload-grid.png     payload-cycles along the payload axis, object
#                        trigger against the byte trigger
#   bytes-pareto.png     GC time against peak live bytes as the byte
#                        trigger's threshold moves
# Usage: scripts/memory-figures.sh [OUT]   (default results/memory)
set -eu
cd "$(dirname "$0")/.."
out=${1:-results/memory}
mkdir -p "$out/data"
[ -f build-release/build.ninja ] ||
    meson setup build-release --buildtype=release >/dev/null
meson compile -C build-release >/dev/null
gclab=build-release/harness/gclab
bytes=24576
grid_workload="payload-cycles:live=1,n=100000"
field() { # FILE FIELD -> the field of the first record
    python3 -c 'import json, sys
print(json.loads(open(sys.argv[1]).readline())[sys.argv[2]])' "$1" "$2"
}
draw() { # SCRIPT NAME EXTRA
    for fmt in png svg; do
        gnuplot -e "dir='$out/data'; out='$out/$2'; fmt='$fmt'; $3" \
            plots/common.gp "plots/$1"
    done
}

# Memory over time: live bytes (solid) and retained garbage (dashed).
series() { # WORKLOAD SIZE COLLECTOR...
    w=$1 size=$2
    shift 2
    dat=$out/data/series-${w%%:*}.dat
    : >"$dat"
    n=0
    for c in "$@"; do
        "$gclab" run --collector "$c" --workload "$w" --size "$size" \
            --retained --out "$out/runs/series-${w%%:*}-$n" >/dev/null 2>&1
        [ $n -gt 0 ] && printf '\n\n' >>"$dat"
        printf '%s\n' "$c" >>"$dat"
        awk -F'\t' 'NR > 1 { printf "%.3f\t%.3f\t%.3f\t%.3f\n", $6 / 1e6,
            $7 / 1e6, $8 / 1e6, $9 / 1e6 }' \
            "$out/runs/series-${w%%:*}-$n/memory.tsv" >>"$dat"
        n=$((n + 1))
    done
    draw memory-series.gp "series-${w%%:*}" \
        "file='series-${w%%:*}.dat'; n=$n; title='$w, size $size: live bytes (solid) and retained garbage (dashed)'"
}
series http-client 20000 cpython:profile=3.13 \
    incremental:profile=3.13,trigger=3.14.2 \
    incremental:profile=3.13,trigger=3.14.0 cpython:profile=3.13,bytes=$bytes
series run-queue 100000 cpython:profile=3.13 full:profile=3.13,defer=os \
    full:profile=3.13,defer=live cpython:profile=3.13,bytes=$bytes
series payload-cycles:live=1,n=20000,payload=102400 2000 none:profile=3.13 \
    cpython:profile=3.13 cpython:profile=3.13,bytes=$bytes

# The grid along the payload axis.
grid=$out/data/payload-grid.dat
printf 'payload\tobject_mb\tbytes_mb\n' >"$grid"
peak() { # COLLECTOR WORKLOAD -> retained garbage peak, MB
    "$gclab" run --collector "$1" --workload "$2" --retained \
        --out "$out/runs/grid" >/dev/null 2>&1
    python3 -c "print($(field "$out/runs/grid/results.jsonl" \
        retained_garbage_peak_bytes) / 1e6)"
}
for p in 0 1024 10240 102400; do
    printf '%s\t%s\t%s\n' "$p" \
        "$(peak cpython:profile=3.13 "$grid_workload,payload=$p")" \
        "$(peak "cpython:profile=3.13,bytes=$bytes" "$grid_workload,payload=$p")" \
        >>"$grid"
done
draw payload-grid.gp payload-grid \
    "file='payload-grid.dat'; bytes='$bytes'; title='$grid_workload: retained garbage against payload'"

# The byte trigger's threshold swept (3 runs each, GC time's 95% CI).
pareto=$out/data/bytes-pareto.dat
: >"$pareto"
pw="$grid_workload,payload=10240"
point() { # COLLECTOR LABEL
    "$gclab" run --collector "$1" --workload "$pw" --repeat 3 \
        --out "$out/runs/pareto" >/dev/null 2>&1
    python3 - "$out/runs/pareto/results.jsonl" "$2" >>"$pareto" <<'PY'
import json, math, statistics, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
gc = [r["gc_ns"] / 1e6 for r in rs]
ci = 4.303 * statistics.stdev(gc) / math.sqrt(len(gc)) if len(gc) > 1 else 0
print("%.3f\t%.3f\t%.3f\t%s" % (rs[0]["peak_region_live_bytes"] / 1e6,
                                statistics.mean(gc), ci, sys.argv[2]))
PY
}
for t in 256 1024 4096 16384 65536; do
    point "cpython:profile=3.13,bytes=$t" "$t"
done
printf '\n\n' >>"$pareto"
point "cpython:profile=3.13" "objects"
draw bytes-pareto.gp bytes-pareto \
    "file='bytes-pareto.dat'; title='$pw: the byte threshold swept'"
echo "wrote $out"

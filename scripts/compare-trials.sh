#!/bin/sh
# scripts/compare-trials.sh -- does gclab compare catch a known
# regression every time, and how long does it take to see it?
#
# Without $PLANT, each trial runs cpython (BASE) and
# cpython:threshold=100/10/10 (NEW: 13 times the young collections and
# about 3 times the GC time) on WORKLOAD, REPEAT runs each, and compares
# them; BASE and NEW take turns going first.  Each side ran one
# collector, so compare matches them by workload and size
# (docs/compare.md).
#
# With PLANT=PCT, NEW is the same build with the test knob
# GCLAB_DEBUG_EXTRA_TRAVERSE=PCT (each collection traverses PCT% of a
# pass more, collectors/debug.c): a regression of a known, small size.
# Each trial is one `gclab compare --ab` of the build against itself so
# planted: REPEAT runs a side, one at a time, in a seeded shuffled order
# round by round, every run pinned to the CPU --cpu chooses ($CPU,
# default auto; CPU=none for contrast), timed with --pause-cpu.  Per
# trial it prints the verdict, the change compare measured on
# gc_cpu_ns (the effect actually planted, which is not PCT: a
# collection does more than traverse), the MDE compare printed for it,
# and the machine-seconds the trial took; then how many trials detected
# it, the mean effect, MDE and seconds.
#
# Usage: scripts/compare-trials.sh [TRIALS] [REPEAT] [WORKLOAD] [SIZE]
#   defaults: 20 trials, 10 repetitions, alloc-churn, its default size.
#   $RUN_OPTS go to gclab run, $COMPARE_OPTS to gclab compare; on a
#   loaded machine, RUN_OPTS=--pause-cpu COMPARE_OPTS="--metric
#   gc_cpu_ns --metric peak_live_bytes" gates on CPU time, which time
#   spent descheduled does not inflate (docs/compare.md).  With PLANT,
#   COMPARE_OPTS defaults to "--metric gc_cpu_ns --threshold 2": a +5%
#   effect sits on the default 5% threshold, which it would clear only
#   half the time however many runs there were.  With PLANT, $MAX_RUNS
#   lets each trial run more rounds until the MDE of every gating cell
#   is within the threshold (gclab compare --ab --max-runs); the line
#   of each trial gives the runs it took.
# Ends with "flagged K of N trials" (or "detected K of N"); exit 0 when
# every trial was flagged.
set -eu
cd "$(dirname "$0")/.."
. scripts/deps.sh
# shellcheck disable=SC2086
gclab_ensure_deps $GCLAB_BUILD_DEPS
trials=${1:-20}
repeat=${2:-10}
workload=${3:-alloc-churn}
size=${4:-}
gclab_release_build
gclab=build-release/harness/gclab
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now() { awk '{ print $1 }' /proc/uptime; }
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" \
    "($(nproc) CPUs); run ${RUN_OPTS:-}, compare ${COMPARE_OPTS:-}" \
    "${PLANT:+, planted GCLAB_DEBUG_EXTRA_TRAVERSE=$PLANT, CPU ${CPU:-auto}}"

if [ -n "${PLANT:-}" ]; then
    compare_opts=${COMPARE_OPTS:-"--metric gc_cpu_ns --threshold 2"}
    # The planted build: this one, with the knob set.
    cat >"$tmp/planted" <<EOF
#!/bin/sh
GCLAB_DEBUG_EXTRA_TRAVERSE=$PLANT exec "$PWD/$gclab" "\$@"
EOF
    chmod +x "$tmp/planted"
    detected=0
    t=1
    : >"$tmp/summary"
    while [ "$t" -le "$trials" ]; do
        start=$(now)
        rc=0
        # shellcheck disable=SC2086
        "$gclab" compare --ab "$gclab" "$tmp/planted" --runs "$repeat" \
            ${MAX_RUNS:+--max-runs "$MAX_RUNS"} \
            --cpu "${CPU:-auto}" --order-seed "$t" --format json \
            $compare_opts -- --collector cpython --workload "$workload" \
            ${size:+--size "$size"} --pause-cpu --allow-debug \
            ${RUN_OPTS:-} >"$tmp/c.json" 2>"$tmp/log" || rc=$?
        end=$(now)
        if [ "$rc" -eq 2 ]; then
            echo "compare-trials: gclab compare --ab failed on trial $t:" \
                "$(tail -n 1 "$tmp/log")" >&2
            exit 2
        fi
        [ "$rc" -eq 1 ] && detected=$((detected + 1))
        python3 - "$tmp/c.json" "$t" "$rc" "$start" "$end" \
            >>"$tmp/summary" <<'EOF'
import json, sys
path, t, rc, start, end = sys.argv[1:]
cells = json.load(open(path))["cells"]
c = [x for x in cells if x["metric"] == "gc_cpu_ns"][0]
print(t, rc, c["change_pct"], c["mde_pct"], c["n_base"], c["n_new"],
      float(end) - float(start), c["verdict"])
EOF
        tail -n 1 "$tmp/summary" | awk '{
            printf "trial %d: exit %d, gc_cpu_ns %+.2f%% (MDE %.2f%%, n %d/%d), %.1f s, %s\n",
                $1, $2, $3, $4, $5, $6, $7, $8 }'
        t=$((t + 1))
    done
    echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
    awk -v k="$detected" -v n="$trials" -v r="$repeat" -v w="$workload" \
        -v p="$PLANT" -v cpu="${CPU:-auto}" -v mx="${MAX_RUNS:-}" '
        { e += $3; ee += $3 * $3; m += $4; s += $7; runs += $5; cnt++ }
        END {
            mean = e / cnt; sd = cnt > 1 ? sqrt((ee - cnt * mean * mean) / (cnt - 1)) : 0
            printf "detected %d of %d trials (GCLAB_DEBUG_EXTRA_TRAVERSE=%s on %s, %d runs a side%s, --cpu %s)\n", k, n, p, w, r, mx ? " or more, to " mx : "", cpu
            printf "measured effect on gc_cpu_ns: mean %+.2f%% (sd %.2f); MDE printed: mean %.2f%%; machine-seconds per trial: mean %.1f; runs a side: mean %.1f\n", mean, sd, m / cnt, s / cnt, runs / cnt
        }' "$tmp/summary"
    [ "$detected" -eq "$trials" ]
    exit
fi

base=cpython
new=cpython:threshold=100/10/10
flagged=0
t=1
while [ "$t" -le "$trials" ]; do
    for side in $([ $((t % 2)) -eq 1 ] && echo "base new" || echo "new base"); do
        spec=$base
        [ "$side" = new ] && spec=$new
        # shellcheck disable=SC2086
        "$gclab" run --collector "$spec" --workload "$workload" \
            ${size:+--size "$size"} --repeat "$repeat" ${RUN_OPTS:-} \
            --out "$tmp/$side" >/dev/null 2>&1
    done
    rc=0
    # shellcheck disable=SC2086
    "$gclab" compare "$tmp/base" "$tmp/new" ${COMPARE_OPTS:-} >"$tmp/table" ||
        rc=$?
    if [ "$rc" -eq 2 ]; then
        echo "compare-trials: gclab compare failed on trial $t" >&2
        exit 2
    fi
    regressed=$(awk '$NF == "regressed" { printf "%s%s", sep, $1; sep = " " }' \
        "$tmp/table")
    echo "trial $t: exit $rc${regressed:+ (regressed: $regressed)}"
    [ "$rc" -eq 1 ] && flagged=$((flagged + 1))
    t=$((t + 1))
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "flagged $flagged of $trials trials ($base -> $new on $workload," \
    "$repeat runs a side)"
[ "$flagged" -eq "$trials" ]

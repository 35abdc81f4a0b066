/* harness/bench.c -- gclab bench, the main job: a focused default suite
 * (the reference on 3.14, 3.13 and 3.15, full, incremental and trialdel on
 * four workloads), a scaling sweep of long-lived-growth with and without
 * the 25% rule, results, plots (gnuplot only draws; every number is
 * computed here) and one static HTML report. */
#define _DEFAULT_SOURCE /* readlink */
#include "harness.h"
#include "run-internal.h"
#include "version.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The first is the reference every ratio is taken to: 3.14, the release
 * most people run. */
static const char *const main_collectors[] = {
    "cpython:profile=3.14", "cpython:profile=3.13", "cpython:profile=3.15",
    "full",                 "incremental",          "trialdel",
};
/* http-client: one workload with payloads (issue 17), kept short. */
static const char *const main_workloads[] = {"alloc-churn",
                                             "long-lived-growth",
                                             "small-cycles", "server",
                                             "http-client:n=5000"};
static const char *const scaling_collectors[] = {"cpython",
                                                 "cpython:pending-rule=off"};

#define NC (sizeof main_collectors / sizeof *main_collectors)
#define NW (sizeof main_workloads / sizeof *main_workloads)

/* Adaptive repetitions (extend_repetitions): the CV both wall and GC
 * time must reach, the most runs a cell gets, the time allowed, and the
 * runs added to a cell at a time. */
#define ADAPT_CV 0.05
#define ADAPT_MAX_REPS 40
#define ADAPT_BUDGET_NS (100ull * 1000000000ull)
#define ADAPT_STEP 5

/* The bars: the collectors, then the peer's two rows when there is one
 * (its twin without and with the gc.callbacks recorder). */
static const char *series[NC + 2];
static size_t nseries;

double
bench_wall_ms(const struct gc_metrics *m)
{
    return (double)m->wall_ns / 1e6;
}

double
bench_gc_ms(const struct gc_metrics *m)
{
    return (double)m->gc_ns / 1e6;
}

static double
p99_ms(const struct gc_metrics *m)
{
    return (double)m->pause_p99_ns / 1e6;
}

static double
gc_share_pct(const struct gc_metrics *m)
{
    return m->wall_ns ? 100.0 * (double)m->gc_ns / (double)m->wall_ns : 0;
}

static double
collections_all(const struct gc_metrics *m)
{
    return (double)(m->collections_gen0 + m->collections_gen1 +
                    m->collections_gen2);
}

/* The summary of one metric over a group's ok repetitions. */
static struct gc_summary
summary_of(const struct record *recs, size_t total, const char *collector,
           int workload, uint64_t size, metric_fn *fn)
{
    double v[1024];
    size_t n = 0;
    for (size_t i = 0; i < total && n < 1024; i++) {
        const struct record *r = &recs[i];
        if (r->r.status == RUN_OK && r->item.workload == workload &&
            r->item.size == size && strcmp(r->item.collector, collector) == 0) {
            v[n++] = fn(&r->r.m);
        }
    }
    struct gc_summary s;
    gc_summarize(v, n, &s);
    return s;
}

/* Mean and CI of one metric over a group's ok repetitions. */
struct stat_pair
bench_metric_of(const struct record *recs, size_t total, const char *collector,
                int workload, uint64_t size, metric_fn *fn)
{
    struct gc_summary s =
        summary_of(recs, total, collector, workload, size, fn);
    return (struct stat_pair){s.mean, s.ci95};
}

static uint64_t
size_of(const struct record *recs, size_t total, int workload)
{
    for (size_t i = 0; i < total; i++) {
        if (recs[i].item.workload == workload) {
            return recs[i].item.size;
        }
    }
    return 0;
}

int
bench_write_text(const char *dir, const char *name, struct gc_buf *b)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int rc = gc_write_atomic(path, b->data ? b->data : "", b->len);
    if (rc != 0) {
        fprintf(stderr, "gclab bench: cannot write %s: %s\n", path,
                strerror(errno));
    }
    free(b->data);
    *b = (struct gc_buf){0};
    return rc;
}

/* x / ref, and the ratio's 95% half-width by propagating both relative
 * intervals (first order). */
static double
ratio_of(struct stat_pair x, struct stat_pair ref, double *ci)
{
    return gc_ratio(x.mean, x.ci, ref.mean, ref.ci, ci);
}

static void
series_header(struct gc_buf *b)
{
    gc_buf_printf(b, "workload");
    for (size_t c = 0; c < nseries; c++) {
        gc_buf_printf(b, "\t\"%s\"\t\"ci\"", series[c]);
    }
    gc_buf_printf(b, "\n");
}

/* A bar table: workload, then mean and ci per collector. */
static int
bar_table(const char *dir, const char *name, const struct record *recs,
          size_t total, metric_fn *fn)
{
    struct gc_buf b = {0};
    series_header(&b);
    for (size_t w = 0; w < NW; w++) {
        gc_buf_printf(&b, "%s", main_workloads[w]);
        uint64_t size = size_of(recs, total, (int)w);
        for (size_t c = 0; c < nseries; c++) {
            struct stat_pair p = bench_metric_of(recs, total, series[c], (int)w,
                                           size, fn);
            gc_buf_printf(&b, "\t%.6g\t%.6g", p.mean, p.ci);
        }
        gc_buf_printf(&b, "\n");
    }
    return bench_write_text(dir, name, &b);
}

static int
ratio_table(const char *dir, const struct record *recs, size_t total)
{
    struct gc_buf b = {0};
    series_header(&b);
    for (size_t w = 0; w < NW; w++) {
        uint64_t size = size_of(recs, total, (int)w);
        struct stat_pair ref = bench_metric_of(recs, total, main_collectors[0],
                                         (int)w, size, bench_wall_ms);
        gc_buf_printf(&b, "%s", main_workloads[w]);
        for (size_t c = 0; c < nseries; c++) {
            struct stat_pair x = bench_metric_of(recs, total, series[c], (int)w,
                                           size, bench_wall_ms);
            double ci, ratio = ratio_of(x, ref, &ci);
            gc_buf_printf(&b, "\t%.6g\t%.6g", ratio, ci);
        }
        gc_buf_printf(&b, "\n");
    }
    return bench_write_text(dir, "ratio.dat", &b);
}

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* MMU curves of one workload, per collector: the mean over the
 * repetitions whose every pause was kept. */
static int
mmu_table(const char *dir, const struct record *recs, size_t total,
          int workload)
{
    struct gc_buf b = {0};
    for (size_t c = 0; c < NC; c++) {
        double sum[MMU_POINTS] = {0}, one[MMU_POINTS];
        int n = 0;
        for (size_t i = 0; i < total; i++) {
            if (recs[i].item.workload == workload &&
                strcmp(recs[i].item.collector, main_collectors[c]) == 0 &&
                mmu_curve(&recs[i], one)) {
                for (int k = 0; k < MMU_POINTS; k++) {
                    sum[k] += one[k];
                }
                n++;
            }
        }
        gc_buf_printf(&b, "\"%s\"\t0\n", main_collectors[c]);
        for (int k = 0; n > 0 && k < MMU_POINTS; k++) {
            gc_buf_printf(&b, "%.6g\t%.6g\n",
                          (double)mmu_curve_window_ns[k] / 1e6, sum[k] / n);
        }
        gc_buf_printf(&b, "\n\n");
    }
    return bench_write_text(dir, "mmu.dat", &b);
}

/* Pause CDF, live memory over time and the pause timeline, from the
 * server workload's raw pauses. */
static int
pause_tables(const char *dir, const struct record *recs, size_t total)
{
    int server = 3;
    struct gc_buf cdf = {0}, mem = {0}, tl = {0};
    for (size_t c = 0; c < NC; c++) {
        size_t n = 0;
        for (size_t i = 0; i < total; i++) {
            if (recs[i].item.workload == server &&
                strcmp(recs[i].item.collector, main_collectors[c]) == 0) {
                n += recs[i].r.nsamples;
            }
        }
        uint64_t *v = malloc((n ? n : 1) * sizeof *v);
        if (v == NULL) {
            return -1;
        }
        size_t k = 0;
        const struct record *first = NULL;
        for (size_t i = 0; i < total; i++) {
            const struct record *r = &recs[i];
            if (r->item.workload != server ||
                strcmp(r->item.collector, main_collectors[c]) != 0) {
                continue;
            }
            if (first == NULL) {
                first = r;
            }
            for (size_t j = 0; j < r->r.nsamples; j++) {
                if (r->samples[j].kind == GC_PAUSE_COLLECTION) {
                    v[k++] = r->samples[j].pause_ns;
                }
            }
        }
        qsort(v, k, sizeof *v, cmp_u64);
        gc_buf_printf(&cdf, "\"%s\"\t0\n", main_collectors[c]);
        for (size_t j = 0; j < k; j++) {
            gc_buf_printf(&cdf, "%.6g\t%.6g\n", (double)v[j] / 1e6,
                          (double)(j + 1) / (double)k);
        }
        gc_buf_printf(&cdf, "\n\n");
        free(v);
        gc_buf_printf(&mem, "\"%s\"\t0\t0\n", main_collectors[c]);
        for (size_t j = 0; first && j < first->r.nsamples; j++) {
            if (first->samples[j].kind != GC_PAUSE_COLLECTION) {
                continue;
            }
            gc_buf_printf(&mem, "%.6g\t%.6g\t%.6g\n",
                          (double)first->samples[j].start_ns / 1e6,
                          (double)first->samples[j].live_bytes / 1e6,
                          (double)first->samples[j].garbage_bytes / 1e6);
        }
        gc_buf_printf(&mem, "\n\n");
        if (c == 0) {
            for (size_t j = 0; first && j < first->r.nsamples; j++) {
                const struct gc_pause_sample *s = &first->samples[j];
                if (s->kind != GC_PAUSE_COLLECTION) {
                    continue;
                }
                gc_buf_printf(&tl, "%.6g\t%.6g\t%u\t%.6g\n",
                              (double)s->start_ns / 1e6,
                              (double)s->pause_ns / 1e6, s->gen,
                              (double)s->live_bytes / 1e6);
            }
        }
    }
    int rc = mmu_table(dir, recs, total, server);
    rc |= bench_write_text(dir, "cdf.dat", &cdf);
    rc |= bench_write_text(dir, "memory.dat", &mem);
    rc |= bench_write_text(dir, "timeline.dat", &tl);
    return rc;
}

static int
scaling_table(const char *dir, const struct record *recs, size_t total,
              const uint64_t *sizes, int nsizes)
{
    struct gc_buf b = {0};
    for (size_t c = 0; c < 2; c++) {
        gc_buf_printf(&b, "\"%s\"\t0\n", scaling_collectors[c]);
        for (int z = 0; z < nsizes; z++) {
            struct stat_pair p = bench_metric_of(recs, total, scaling_collectors[c],
                                           0, sizes[z], bench_gc_ms);
            gc_buf_printf(&b, "%llu\t%.6g\n", (unsigned long long)sizes[z],
                          p.mean);
        }
        gc_buf_printf(&b, "\n\n");
    }
    return bench_write_text(dir, "scaling.dat", &b);
}

/* ---- figures ------------------------------------------------------------ */

static const struct figure figures[] = {
    {"throughput", "bars.gp", -1,
     "file='wall.dat'; title='Wall time per run (mean, 95% CI)'; "
     "ytitle='wall time (ms)'",
     "Wall time of each workload's measured region, per collector."},
    {"gc_time", "bars.gp", -1,
     "file='gc.dat'; title='Time in collections (mean, 95% CI)'; "
     "ytitle='GC time (ms)'",
     "Wall time inside collections, from start to stop as gc.callbacks "
     "see it."},
    {"gc_share", "bars.gp", -1,
     "file='gc_share.dat'; title='Share of wall time in collections'; "
     "ytitle='GC share (%)'",
     "GC time over wall time."},
    {"pause_p99", "bars.gp", -1,
     "file='pause_p99.dat'; title='99th percentile pause (mean, 95% CI)'; "
     "ytitle='pause (ms)'",
     "The 99th percentile of collection pauses in each run."},
    {"collections", "bars.gp", -1,
     "file='collections.dat'; title='Collections per run'; "
     "ytitle='collections (all generations)'",
     "Collections of any generation; exact for a seed."},
    {"ratio", "bars.gp", -1,
     "file='ratio.dat'; title='Wall time relative to cpython:profile=3.14 "
     "(95% CI)'; ytitle='ratio to the reference'",
     "A/B ratios to the reference collector, with propagated intervals."},
    {"pause_cdf", "lines.gp", NC,
     "file='cdf.dat'; title='Pause time CDF, server workload'; "
     "xtitle='pause (ms)'; ytitle='fraction of pauses <= x'; logx=1; "
     "logy=0; style='steps'",
     "Distribution of pauses over all repetitions of the server workload."},
    {"mmu", "lines.gp", NC,
     "file='mmu.dat'; title='Minimum mutator utilisation, server workload'; "
     "xtitle='window (ms)'; ytitle='MMU'; logx=1; logy=0; "
     "style='linespoints'",
     "For each window length, the smallest share of any window of that "
     "length left to the program (mean over repetitions); the curve "
     "flattens at 1 - GC share once the window spans the run."},
    {"memory", "memory.gp", NC,
     "file='memory.dat'; title='Live heap and retained garbage over time, "
     "server workload'",
     "Live bytes of the model's heap at the end of each collection (solid), "
     "and the garbage it held as that collection began (dashed): bytes no "
     "outside reference reaches, found by an oracle mark in an accounting "
     "run (first repetition)."},
    {"pause_timeline", "timeline.gp", 1,
     "file='timeline.dat'; title='Pauses over time, server workload, "
     "cpython:profile=3.14'",
     "Each pause at its start time, coloured by generation, with the live "
     "heap."},
    {"scaling", "lines.gp", 2,
     "file='scaling.dat'; title='GC time vs heap size, long-lived-growth'; "
     "xtitle='objects kept (size)'; ytitle='GC time (ms)'; logx=1; logy=1; "
     "style='linespoints'",
     "The 25% rule keeps full collections amortised linear; without it "
     "they grow quadratically."},
};

bool
bench_has_program(const char *name)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

/* Whole-process timings of each collector on each workload's CLI run,
 * stored beside the results (hyperfine.json), not in results.jsonl. */
static int
hyperfine(const char *out_dir, const char *self, bool quick,
          const struct gc_place *place)
{
    if (!bench_has_program("hyperfine")) {
        fprintf(stderr, "gclab bench: hyperfine is not installed; "
                        "whole-process timings skipped\n");
        return 0;
    }
    /* The CPU this invocation chose, not auto again: this process has
     * left that CPU, so a nested auto would choose another. */
    char cpu[16] = "none";
    if (place->cpu >= 0) {
        snprintf(cpu, sizeof cpu, "%d", place->cpu);
    }
    struct gc_buf cmd = {0};
    gc_buf_printf(&cmd, "hyperfine --style none --runs %d --warmup 1 "
                        "--export-json '%s/hyperfine.json'",
                  quick ? 2 : 5, out_dir);
    for (size_t w = 0; w < NW; w++) {
        for (size_t c = 0; c < NC; c++) {
            gc_buf_printf(&cmd, " -n '%s %s' '%s run --allow-debug "
                                "--collector %s --workload %s --cpu %s'",
                          main_collectors[c], main_workloads[w], self,
                          main_collectors[c], main_workloads[w], cpu);
        }
    }
    gc_buf_printf(&cmd, " >/dev/null 2>'%s/data/hyperfine.log'", out_dir);
    int rc = system(cmd.data);
    free(cmd.data);
    if (rc != 0) {
        fprintf(stderr, "gclab bench: hyperfine failed (see "
                        "%s/data/hyperfine.log)\n", out_dir);
        return -1;
    }
    return 0;
}

int
bench_draw(const char *out_dir, const char *plots_dir, const struct figure *f,
           int nseries_all)
{
    static const char *const formats[] = {"png", "svg"};
    for (int i = 0; i < 2; i++) {
        char cmd[8192];
        snprintf(cmd, sizeof cmd,
                 "cd '%s/..' && gnuplot -e \"dir='%s/data'; out='%s/%s'; "
                 "fmt='%s'; n=%d; %s\" '%s/%s' 2>'%s/data/%s.%s.log'",
                 plots_dir, out_dir, out_dir, f->name, formats[i],
                 f->series < 0 ? nseries_all : f->series,
                 f->args, plots_dir, f->script, out_dir, f->name, formats[i]);
        if (system(cmd) != 0) {
            fprintf(stderr, "gclab: gnuplot failed on %s (see "
                            "%s/data/%s.%s.log)\n",
                    f->name, out_dir, f->name, formats[i]);
            return -1;
        }
    }
    return 0;
}

/* ---- the report ------------------------------------------------------- */

static void
html_escape(struct gc_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            gc_buf_printf(b, "&lt;");
            break;
        case '>':
            gc_buf_printf(b, "&gt;");
            break;
        case '&':
            gc_buf_printf(b, "&amp;");
            break;
        default:
            gc_buf_printf(b, "%c", *s);
        }
    }
}

/* Whether the spec's collector frees cyclic garbage: the lower bound
 * is taken over those only, as refcounting alone never pays for it. */
static bool
frees_cycles(const char *spec)
{
    struct gc_heap *heap;
    char err[256];
    if (gc_heap_new_spec(spec, NULL, &heap, err, sizeof err) != GC_OK) {
        return false;
    }
    bool yes = (gc_heap_caps(heap) & GC_CAP_CYCLES) != 0;
    gc_heap_destroy(heap);
    return yes;
}

/* LBO (Cai et al., "Distilling the Real Cost of Production Garbage
 * Collectors", 2022): per workload, each collector's wall time (mutator
 * plus GC) over the lower bound, the cheapest mean wall time observed
 * among the collectors that free everything.  1.00 is the best seen;
 * the bound is empirical, so it only ever tightens as collectors join. */
static double cell_cv(const struct record *recs, size_t total,
                      const char *collector, int workload, size_t *n,
                      double *gc_cv);

/* The level at which bench's MDE is given: gclab compare's default
 * alpha, at Holm's first step over the timing cells it would test
 * between two such runs (three timing gates a cell), the bar that a
 * lone regression must clear. */
#define BENCH_MDE_ALPHA 0.05
#define BENCH_MDE_POWER 0.95
#define BENCH_MDE_GATES 3

/* 100 x MDE / mean, for a comparison of this run's cell with another
 * run of as many repetitions and the same spread. */
static double
mde_pct(struct gc_summary s, double alpha)
{
    double d = gc_mde(s.stddev, s.n, s.stddev, s.n, alpha, BENCH_MDE_POWER);
    return s.mean > 0 ? 100.0 * d / s.mean : NAN;
}

/* Repetitions run, the CV of wall and GC time they reached, and the
 * minimum detectable effect, per cell: the default suite adds
 * repetitions until both CVs are <= 5% where the machine and the time
 * budget allow (extend_repetitions). */
static void
cv_table(struct gc_buf *b, const struct record *recs, size_t total,
         double seconds)
{
    double alpha = BENCH_MDE_ALPHA / (double)(nseries * NW * BENCH_MDE_GATES);
    size_t met = 0;
    gc_buf_printf(b, "<h2>Repetitions, variation and the smallest visible "
                     "change</h2><p>Per cell: runs, the coefficient of "
                     "variation of wall time and of GC time (repetitions "
                     "are added, five at a time, up to 40, within 100 s, "
                     "while either is above 5%%), and the minimum "
                     "detectable effect (MDE) of each: the smallest change "
                     "that gclab compare between two such runs would flag "
                     "with 95%% power at &alpha; = %.2g (0.05 at Holm's "
                     "first step over %zu timing cells).  Changes below "
                     "compare's 5%% threshold are never flagged.</p>"
                     "<table><tr><th>workload</th>",
                  alpha, nseries * NW * BENCH_MDE_GATES);
    for (size_t c = 0; c < NC; c++) {
        gc_buf_printf(b, "<th>%s</th>", main_collectors[c]);
    }
    gc_buf_printf(b, "</tr>");
    printf("# repetitions, CV of wall / GC time, MDE of wall / GC time "
           "(95%% power, alpha %.2g)\n", alpha);
    for (size_t w = 0; w < NW; w++) {
        uint64_t size = size_of(recs, total, (int)w);
        gc_buf_printf(b, "<tr><td>%s</td>", main_workloads[w]);
        printf("%-18s", main_workloads[w]);
        for (size_t c = 0; c < NC; c++) {
            struct gc_summary wall = summary_of(recs, total,
                                                main_collectors[c], (int)w,
                                                size, bench_wall_ms);
            struct gc_summary gc = summary_of(recs, total, main_collectors[c],
                                              (int)w, size, bench_gc_ms);
            bool ok = wall.cv <= ADAPT_CV && gc.cv <= ADAPT_CV;
            met += ok;
            gc_buf_printf(b,
                          "<td%s>n=%zu<br>CV %.1f%% / %.1f%%<br><small>MDE "
                          "%.1f%% / %.1f%%</small></td>",
                          ok ? " class='best'" : "", wall.n, 100 * wall.cv,
                          100 * gc.cv, mde_pct(wall, alpha),
                          mde_pct(gc, alpha));
            printf(" n=%-2zu %4.1f/%4.1f%% (%4.1f/%4.1f)", wall.n,
                   100 * wall.cv, 100 * gc.cv, mde_pct(wall, alpha),
                   mde_pct(gc, alpha));
        }
        gc_buf_printf(b, "</tr>");
        printf("\n");
    }
    gc_buf_printf(b, "</table><p><b>%zu of %zu cells</b> reached CV &le; 5%% "
                     "in both wall and GC time; the suite took %.1f s.</p>",
                  met, NC * NW, seconds);
    printf("# %zu of %zu cells reached CV <= 5%% in wall and GC time "
           "(%.0f%%); %.1f s\n",
           met, NC * NW, 100.0 * (double)met / (double)(NC * NW), seconds);
}

static double
peak_mb(const struct gc_metrics *m)
{
    return (double)m->peak_live_bytes / 1e6;
}

static void
lbo_table(struct gc_buf *b, const struct record *recs, size_t total)
{
    bool eligible[NC];
    for (size_t c = 0; c < NC; c++) {
        eligible[c] = frees_cycles(main_collectors[c]);
    }
    gc_buf_printf(b, "<h2>LBO: wall time over the lower bound</h2><p>Per "
                     "workload, the cheapest mean wall time among the "
                     "collectors that free cycles is the bound; each cell "
                     "is a collector's mean over it, then its peak live "
                     "bytes over the lowest peak among those collectors."
                     "</p><table><tr>"
                     "<th>workload</th><th>bound (ms)</th><th>peak bound "
                     "(MB)</th>");
    for (size_t c = 0; c < NC; c++) {
        gc_buf_printf(b, "<th>%s</th>", main_collectors[c]);
    }
    gc_buf_printf(b, "</tr>");
    printf("# LBO (wall time over the cheapest collector that frees "
           "cycles; then peak memory over the lowest peak among them)\n"
           "%-20s %12s %10s", "workload", "bound_ms", "peak_mb");
    for (size_t c = 0; c < NC; c++) {
        printf(" %22s", main_collectors[c]);
    }
    printf("\n");
    for (size_t w = 0; w < NW; w++) {
        uint64_t size = size_of(recs, total, (int)w);
        double mean[NC], peak[NC], bound = 0, peak_bound = 0;
        for (size_t c = 0; c < NC; c++) {
            mean[c] = bench_metric_of(recs, total, main_collectors[c], (int)w,
                                      size, bench_wall_ms)
                          .mean;
            peak[c] = bench_metric_of(recs, total, main_collectors[c], (int)w,
                                      size, peak_mb)
                          .mean;
            if (eligible[c] && mean[c] > 0 && (bound == 0 || mean[c] < bound)) {
                bound = mean[c];
            }
            if (eligible[c] && peak[c] > 0 &&
                (peak_bound == 0 || peak[c] < peak_bound)) {
                peak_bound = peak[c];
            }
        }
        gc_buf_printf(b, "<tr><td>%s</td><td>%.2f</td><td>%.2f</td>",
                      main_workloads[w], bound, peak_bound);
        printf("%-20s %12.2f %10.2f", main_workloads[w], bound, peak_bound);
        for (size_t c = 0; c < NC; c++) {
            double lbo = bound > 0 ? mean[c] / bound : 0;
            double mem = peak_bound > 0 ? peak[c] / peak_bound : 0;
            gc_buf_printf(b, "<td%s>%.2f, mem %.2f</td>",
                          lbo > 0 && lbo < 1.0005 ? " class='best'" : "", lbo,
                          mem);
            printf(" %15.2f mem %-5.2f", lbo, mem);
        }
        gc_buf_printf(b, "</tr>");
        printf("\n");
    }
    gc_buf_printf(b, "</table>");
}

static int
report(const char *out_dir, const char *command, const struct record *recs,
       size_t total, bool drew, double seconds, const struct gc_place *place)
{
    struct gc_env env;
    gc_env_read(&env);
    struct gc_buf b = {0};
    gc_buf_printf(&b,
                  "<!doctype html><html><head><meta charset='utf-8'>"
                  "<title>gclab bench</title><style>body{font-family:sans-"
                  "serif;max-width:1000px;margin:2em auto}table{border-"
                  "collapse:collapse}td,th{border:1px solid #ccc;padding:"
                  "3px 8px;text-align:right}td:first-child,th:first-child"
                  "{text-align:left}.best{background:#d8f0d8;font-weight:"
                  "bold}img{max-width:100%%}</style></head><body>"
                  "<h1>gclab bench</h1><p>Command: <code>");
    html_escape(&b, command);
    gc_buf_printf(&b, "</code> (%.1f s)</p><p>Machine: ", seconds);
    html_escape(&b, env.cpu_model);
    gc_buf_printf(&b, "; kernel ");
    html_escape(&b, env.kernel);
    gc_buf_printf(&b, "; THP ");
    html_escape(&b, env.thp);
    gc_buf_printf(&b, "; gclab %s; compiler %s</p>", GCLAB_REVISION,
                  __VERSION__);
    if (place->cpu >= 0) {
        gc_buf_printf(&b, "<p>Each run pinned to CPU %d (--cpu %s); ",
                      place->cpu, place->cpu_pin);
    }
    else {
        gc_buf_printf(&b, "<p>Runs not pinned (--cpu %s); ", place->cpu_pin);
    }
    if (place->is_sequential) {
        gc_buf_printf(&b, "in matrix order.  ");
    }
    else {
        gc_buf_printf(&b, "each round in a random order, seed %llu.  ",
                      (unsigned long long)place->order_seed);
    }
    gc_buf_printf(&b, "The machine: <a href='system.json'>system.json</a> "
                      "(gclab system).</p>");
    gc_buf_printf(&b, "<h2>Wall time relative to %s</h2><table><tr>"
                      "<th>workload</th>",
                  main_collectors[0]);
    for (size_t c = 0; c < nseries; c++) {
        gc_buf_printf(&b, "<th>%s</th>", series[c]);
    }
    gc_buf_printf(&b, "</tr>");
    for (size_t w = 0; w < NW; w++) {
        uint64_t size = size_of(recs, total, (int)w);
        struct stat_pair v[NC + 2];
        size_t best = 0;
        for (size_t c = 0; c < nseries; c++) {
            v[c] = bench_metric_of(recs, total, series[c], (int)w, size, bench_wall_ms);
            if (v[c].mean > 0 && v[c].mean < v[best].mean) {
                best = c;
            }
        }
        gc_buf_printf(&b, "<tr><td>%s (size %llu)</td>", main_workloads[w],
                      (unsigned long long)size);
        for (size_t c = 0; c < nseries; c++) {
            double ci, ratio = ratio_of(v[c], v[0], &ci);
            /* Verdict: the ratio's interval excludes 1. */
            const char *verdict = c == 0              ? "reference"
                                  : ratio - ci > 1.0  ? "slower"
                                  : ratio + ci < 1.0  ? "faster"
                                                      : "same";
            gc_buf_printf(&b,
                          "<td%s>%.3f &plusmn; %.3f<br><small>%.2f ms, "
                          "%s</small></td>",
                          c == best ? " class='best'" : "", ratio, ci,
                          v[c].mean, verdict);
        }
        gc_buf_printf(&b, "</tr>");
    }
    gc_buf_printf(&b, "</table>");
    lbo_table(&b, recs, total);
    cv_table(&b, recs, total, seconds);
    gc_buf_printf(&b, "<h2>Figures</h2>");
    for (size_t i = 0; i < sizeof figures / sizeof *figures; i++) {
        if (drew) {
            gc_buf_printf(&b,
                          "<h3>%s</h3><p>%s</p><img src='%s.png' alt='%s'>"
                          "<p><a href='%s.svg'>SVG</a></p>",
                          figures[i].name, figures[i].caption,
                          figures[i].name, figures[i].name, figures[i].name);
        }
        else {
            gc_buf_printf(&b, "<p>%s: skipped, gnuplot is not installed.</p>",
                          figures[i].name);
        }
    }
    gc_buf_printf(&b, "<h2>Raw data</h2><ul><li><a href='results.jsonl'>"
                      "results.jsonl</a></li><li><a href='results.csv'>"
                      "results.csv</a></li><li><a href='summary.json'>"
                      "summary.json</a></li><li><a href='scaling/results."
                      "jsonl'>scaling/results.jsonl</a></li><li><a "
                      "href='hyperfine.json'>hyperfine.json</a> "
                      "(whole-process timings)</li></ul>"
                      "</body></html>\n");
    return bench_write_text(out_dir, "index.html", &b);
}

static double
cell_cv(const struct record *recs, size_t total, const char *collector,
        int workload, size_t *n, double *gc_cv)
{
    uint64_t size = size_of(recs, total, workload);
    struct gc_summary s =
        summary_of(recs, total, collector, workload, size, bench_wall_ms);
    struct gc_summary g =
        summary_of(recs, total, collector, workload, size, bench_gc_ms);
    *n = s.n;
    *gc_cv = g.cv;
    return s.cv;
}

/* Adaptive repetitions: while a model collector's wall time or GC time
 * on a workload varies by more than ADAPT_CV and the budget allows, five
 * more repetitions of that cell, appended with the next repetition
 * numbers.  The cells of a pass go round by round, each round shuffled
 * (--order), so that drift during the extra runs falls on them alike.
 * Where the machine does not allow, the report shows the CV reached. */

/* The CV of wall and GC time of a cell and its ok runs; a cell with no
 * GC time (a collector that never collects there) has a GC CV of 0. */
static struct record *
extend_repetitions(const struct matrix *mx, struct record *recs,
                   size_t *total, uint64_t t0)
{
    for (uint64_t pass = 1; gc_clock_ns() - t0 <= ADAPT_BUDGET_NS; pass++) {
        int cell_c[NC * NW], cell_w[NC * NW];
        size_t cell_n[NC * NW], ncells = 0;
        for (int w = 0; w < mx->nworkloads; w++) {
            for (int c = 0; c < mx->ncollectors; c++) {
                size_t n;
                double gc_cv,
                    cv = cell_cv(recs, *total, mx->collectors[c], w, &n, &gc_cv);
                if ((cv <= ADAPT_CV && gc_cv <= ADAPT_CV) ||
                    n + ADAPT_STEP > ADAPT_MAX_REPS) {
                    continue;
                }
                cell_c[ncells] = c;
                cell_w[ncells] = w;
                cell_n[ncells++] = n;
            }
        }
        /* As many rounds as the budget has room for, at the mean cost
         * of a run so far, so that the last pass does not overrun it. */
        uint64_t spent = gc_clock_ns() - t0;
        double per_run = (double)spent / (double)(*total ? *total : 1);
        double room = spent < ADAPT_BUDGET_NS
                          ? (double)(ADAPT_BUDGET_NS - spent) /
                                (per_run * (double)(ncells ? ncells : 1))
                          : 0.0;
        size_t rounds = room >= ADAPT_STEP ? ADAPT_STEP : (size_t)room;
        if (ncells == 0 || rounds == 0) {
            break;
        }
        size_t k = ncells * rounds;
        struct record *grown = realloc(recs, (*total + k) * sizeof *recs);
        if (grown == NULL) {
            return recs;
        }
        recs = grown;
        struct record *extra = recs + *total;
        memset(extra, 0, k * sizeof *extra);
        for (size_t r = 0; r < rounds; r++) {
            struct record *round = extra + r * ncells;
            for (size_t i = 0; i < ncells; i++) {
                round[i].item =
                    matrix_item(mx, cell_c[i], cell_w[i],
                                size_of(recs, *total, cell_w[i]),
                                cell_n[i] + r);
            }
            order_shuffle(mx, round, ncells, pass * 1000003u + r);
        }
        run_records(mx, extra, k, *total);
        *total += k;
    }
    return recs;
}

/* "3.14.10" or "3.14" into a number that orders versions; 0 if it is
 * not one. */
static unsigned long
version_key(const char *name)
{
    unsigned long major, minor, patch = 0;
    char *end;
    major = strtoul(name, &end, 10);
    if (end == name || *end != '.') {
        return 0;
    }
    minor = strtoul(end + 1, &end, 10);
    if (*end == '.') {
        patch = strtoul(end + 1, &end, 10);
    }
    return *end != '\0' ? 0 : (major * 1000 + minor) * 1000 + patch;
}

/* Looks in dir for VERSION/SUFFIX and keeps the newest executable one
 * in best (key *best_key). */
static void
scan_pythons(const char *dir, const char *suffix, char *best, size_t n,
             unsigned long *best_key)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        unsigned long key = version_key(e->d_name);
        char path[1024];
        if (key <= *best_key ||
            snprintf(path, sizeof path, "%s/%s/%s", dir, e->d_name, suffix) >=
                (int)sizeof path ||
            access(path, X_OK) != 0) {
            continue;
        }
        *best_key = key;
        snprintf(best, n, "%s", path);
    }
    closedir(d);
}

/* The newest interpreter already here: pyenv's versions, and those
 * scripts/get-python.sh unpacked into its cache.  Nothing is fetched. */
static bool
newest_python(char *out, size_t n)
{
    unsigned long key = 0;
    char dir[1024];
    const char *root = getenv("PYENV_ROOT"), *home = getenv("HOME");
    const char *cache = getenv("XDG_CACHE_HOME");
    if (root != NULL) {
        snprintf(dir, sizeof dir, "%s/versions", root);
        scan_pythons(dir, "bin/python", out, n, &key);
    }
    else if (home != NULL) {
        snprintf(dir, sizeof dir, "%s/.pyenv/versions", home);
        scan_pythons(dir, "bin/python", out, n, &key);
    }
    if (getenv("GCLAB_PYTHON_CACHE") != NULL) {
        snprintf(dir, sizeof dir, "%s", getenv("GCLAB_PYTHON_CACHE"));
        scan_pythons(dir, "python", out, n, &key);
    }
    else if (cache != NULL || home != NULL) {
        snprintf(dir, sizeof dir, "%s%s/gclab/python",
                 cache != NULL ? cache : home,
                 cache != NULL ? "" : "/.cache");
        scan_pythons(dir, "python", out, n, &key);
    }
    return key != 0;
}

/* --full: every registered collector (the reference on each profile it
 * models) on every workload at 1x, 4x and 16x its default size, into
 * DIR/full; then the knob sweeps, each into DIR/sweep-KNOB with its
 * Pareto figure.  Written as results only: gclab report and compare
 * read them. */
static int prepare(const char *const *collectors, int nc,
                   const char *const *workloads, int nw,
                   struct gc_workload_spec *wspecs);

static int
bench_full(const char *out_dir, const char *plots_dir, bool allow_debug,
           const struct gc_place *place)
{
    static const char *const specs[] = {
        "cpython:profile=2.7", "cpython:profile=3.8", "cpython:profile=3.11",
        "cpython:profile=3.13", "cpython:profile=3.14", "cpython:profile=3.15",
        "cpython:pending-rule=off", "full",
        "incremental", "incremental:count=trackable", "trialdel", "none",
    };
    enum { NSPECS = sizeof specs / sizeof *specs };
    static const char *names[64];
    static struct gc_workload_spec wspecs[64];
    int nw = 0;
    for (size_t w = 0; gc_workloads[w] != NULL && nw < 64; w++) {
        names[nw++] = gc_workloads[w]->name;
    }
    if (prepare(specs, NSPECS, names, nw, wspecs) != 0) {
        return 2;
    }
    char dir[4096], failed[4096];
    snprintf(dir, sizeof dir, "%s/full", out_dir);
    static const char *const outputs[] = {"results.jsonl", "results.csv",
                                          "summary.json", NULL};
    if (gc_out_dir_ready(dir, outputs, failed, sizeof failed) != 0) {
        fprintf(stderr, "gclab bench: cannot write %s: %s\n", failed,
                strerror(errno));
        return 2;
    }
    int status = 0;
    /* One matrix per workload: its own sizes, from its default. */
    size_t all_total = 0;
    struct record *all = NULL;
    for (int w = 0; w < nw; w++) {
        uint64_t d = wspecs[w].workload->default_size;
        uint64_t sizes[] = {d, 4 * d, 16 * d};
        struct matrix mx = {.collectors = specs, .ncollectors = NSPECS,
                            .workloads = &names[w], .wspecs = &wspecs[w],
                            .nworkloads = 1, .sizes = sizes, .nsizes = 3,
                            .repeat = 3, .seed = 1, .baseline = UINT64_MAX,
                            .memory_cap = (uint64_t)4 << 30, .place = place};
        size_t k;
        struct record *recs = run_matrix(&mx, &k);
        struct record *grown =
            recs ? realloc(all, (all_total + k) * sizeof *all) : NULL;
        if (grown == NULL) {
            free_records(recs, k);
            free_records(all, all_total);
            return 1;
        }
        all = grown;
        for (size_t i = 0; i < k; i++) {
            recs[i].item.workload = w;
            all[all_total++] = recs[i];
        }
        free(recs);
    }
    struct matrix whole = {.collectors = specs, .ncollectors = NSPECS,
                           .workloads = names, .wspecs = wspecs,
                           .nworkloads = nw, .repeat = 3, .seed = 1,
                           .place = place};
    status |= check_records(all, all_total, names);
    status |= write_results(dir, all, all_total, &whole) != 0;
    free_records(all, all_total);

    static const struct {
        const char *name, *collectors[2], *knob, *workload;
    } sweeps[] = {
        {"threshold0", {"cpython", "full"}, "threshold0=100,700,2000,10000",
         "small-cycles"},
        {"buffer", {"trialdel", NULL}, "buffer=1000,10000,100000",
         "small-cycles"},
        {"budget", {"incremental", NULL}, "budget=0,100,1000,10000",
         "small-cycles"},
    };
    for (size_t i = 0; i < sizeof sweeps / sizeof *sweeps; i++) {
        char sweep_dir[4096];
        snprintf(sweep_dir, sizeof sweep_dir, "%s/sweep-%s", out_dir,
                 sweeps[i].name);
        char *argv[32];
        int argc = 0;
        argv[argc++] = "sweep";
        for (int c = 0; c < 2 && sweeps[i].collectors[c] != NULL; c++) {
            argv[argc++] = "--collector";
            argv[argc++] = (char *)sweeps[i].collectors[c];
        }
        argv[argc++] = "--knob";
        argv[argc++] = (char *)sweeps[i].knob;
        argv[argc++] = "--workload";
        argv[argc++] = (char *)sweeps[i].workload;
        argv[argc++] = "--size";
        argv[argc++] = "20000";
        argv[argc++] = "--repeat";
        argv[argc++] = "3";
        argv[argc++] = "--out";
        argv[argc++] = sweep_dir;
        argv[argc++] = "--plots";
        argv[argc++] = (char *)plots_dir;
        if (allow_debug) {
            argv[argc++] = "--allow-debug";
        }
        /* This invocation's CPU and order, not auto again (see
         * hyperfine). */
        char cpu[16] = "none", seed[32];
        if (place->cpu >= 0) {
            snprintf(cpu, sizeof cpu, "%d", place->cpu);
        }
        snprintf(seed, sizeof seed, "%llu",
                 (unsigned long long)place->order_seed);
        argv[argc++] = "--cpu";
        argv[argc++] = cpu;
        argv[argc++] = "--order";
        argv[argc++] = place->is_sequential ? "sequential" : "random";
        argv[argc++] = "--order-seed";
        argv[argc++] = seed;
        argv[argc] = NULL;
        status |= gc_cmd_sweep(argc, argv) != 0;
    }
    return status;
}

/* ---- gclab bench ------------------------------------------------------------ */

static int
prepare(const char *const *collectors, int nc, const char *const *workloads,
        int nw, struct gc_workload_spec *wspecs)
{
    char err[256];
    for (int c = 0; c < nc; c++) {
        struct gc_heap *probe;
        if (gc_heap_new_spec(collectors[c], NULL, &probe, err, sizeof err) !=
            GC_OK) {
            fprintf(stderr, "gclab bench: %s\n", err);
            return -1;
        }
        gc_heap_destroy(probe);
    }
    for (int w = 0; w < nw; w++) {
        if (gc_workload_spec_parse(workloads[w], &wspecs[w], err,
                                   sizeof err) != GC_OK) {
            fprintf(stderr, "gclab bench: %s\n", err);
            return -1;
        }
    }
    return 0;
}

int
gc_cmd_bench(int argc, char **argv)
{
    const char *out_dir = "results/latest", *plots_dir = NULL, *peer = NULL;
    bool quick = false, full = false, allow_debug = false;
    struct gc_shard shard = {0, 0};
    struct gc_place place;
    gc_place_init(&place);
    (void)allow_debug; /* only debug builds read it */
    for (int i = 1; i < argc; i++) {
        int placed = i + 1 < argc ? gc_place_option(&place, "bench", argv[i],
                                                    argv[i + 1])
                                  : 0;
        if (placed == 2) {
            return 2;
        }
        if (placed == 1) {
            i++;
        }
        else if (strcmp(argv[i], "--quick") == 0) {
            quick = true;
        }
        else if (strcmp(argv[i], "--full") == 0) {
            full = true;
        }
        else if (strcmp(argv[i], "--allow-debug") == 0) {
            allow_debug = true;
        }
        else if (strcmp(argv[i], "--shard") == 0 && i + 1 < argc) {
            if (!gc_shard_parse(argv[++i], &shard)) {
                fprintf(stderr, "gclab bench: --shard needs I/N with 1 <= I "
                                "<= N <= 1000, not %s\n",
                        argv[i]);
                return 2;
            }
        }
        else if ((strcmp(argv[i], "--out") == 0 ||
                  strcmp(argv[i], "--plots") == 0 ||
                  strcmp(argv[i], "--peer") == 0) &&
                 i + 1 < argc) {
            const char **slot = argv[i][3] == 'u'   ? &out_dir
                                : argv[i][3] == 'l' ? &plots_dir
                                                    : &peer;
            *slot = argv[i + 1];
            i++;
        }
        else {
            fprintf(stderr,
                    "gclab bench: unknown option '%s'; usage: gclab bench "
                    "[--out DIR] [--quick | --full] [--peer PYTHON|none] "
                    "[--plots DIR] [--shard I/N] [--allow-debug] "
                    "[--cpu N|auto|none] [--order random|sequential] "
                    "[--order-seed S]\n",
                    argv[i]);
            return 2;
        }
    }
    if (full && (quick || shard.count > 0)) {
        fprintf(stderr, "gclab bench: --full runs the whole matrix; it takes "
                        "neither --quick nor --shard\n");
        return 2;
    }
#if !defined(NDEBUG)
    if (!allow_debug) {
        fprintf(stderr, "gclab bench: this is a debug build; its numbers are "
                        "not results (use ./bench.sh, or --allow-debug)\n");
        return 2;
    }
#endif
    if (plots_dir == NULL) {
        plots_dir = getenv("GCLAB_PLOTS") ? getenv("GCLAB_PLOTS") : "plots";
    }
    char data_dir[4096], scaling_dir[4096];
    snprintf(data_dir, sizeof data_dir, "%s/data", out_dir);
    snprintf(scaling_dir, sizeof scaling_dir, "%s/scaling", out_dir);
    static const char *const outputs[] = {
        "results.jsonl", "results.csv", "summary.json", "index.html",
        "hyperfine.json", NULL};
    char failed[4096];
    if (gc_out_dir_ready(out_dir, outputs, failed, sizeof failed) != 0 ||
        gc_out_dir_ready(data_dir, NULL, failed, sizeof failed) != 0 ||
        gc_out_dir_ready(scaling_dir, outputs, failed, sizeof failed) != 0) {
        fprintf(stderr, "gclab bench: cannot write %s: %s\n", failed,
                strerror(errno));
        return 2;
    }
    if (gc_place_setup(&place, "bench") != 0) {
        return 2;
    }
    uint64_t t0 = gc_clock_ns();
    static struct gc_workload_spec wspecs[NW], sspec[1];
    if (prepare(main_collectors, NC, main_workloads, NW, wspecs) != 0) {
        return 2;
    }
    static const char *const scaling_workload[] = {"long-lived-growth"};
    if (prepare(scaling_collectors, 2, scaling_workload, 1, sspec) != 0) {
        return 2;
    }
    /* The newest CPython already on this machine as a peer row; bench
     * never downloads one. */
    const char *peers[1];
    int npeers = 0;
    static char peer_path[1024];
    if (peer == NULL) {
        peer = newest_python(peer_path, sizeof peer_path) ? peer_path : "";
    }
    for (size_t c = 0; c < NC; c++) {
        series[nseries++] = main_collectors[c];
    }
    if (peer[0] != '\0' && strcmp(peer, "none") != 0 &&
        peer_label(peer, false) != NULL) {
        peers[npeers++] = peer;
        series[nseries++] = peer_label(peer, false);
        series[nseries++] = peer_label(peer, true);
    }
    else {
        fprintf(stderr, "gclab bench: no CPython %s%s%s; the peer row is "
                        "skipped (--peer PYTHON names one)\n",
                peer[0] ? "at '" : "under pyenv or get-python.sh's cache",
                peer, peer[0] ? "'" : "");
    }
    struct matrix mx = {.collectors = main_collectors, .ncollectors = NC,
                        .workloads = main_workloads, .wspecs = wspecs,
                        .nworkloads = NW, .peers = peers, .npeers = npeers,
                        .repeat = quick ? 3 : 10,
                        .seed = 1, .baseline = UINT64_MAX,
                        .memory_cap = (uint64_t)4 << 30, .shard = shard,
                        .retained = true, .place = &place};
    /* Both matrices share one balance, so a share that drew a large
     * main item gets less of the scaling sweep. */
    static double shard_load[GC_SHARD_MAX];
    mx.shard_load = shard_load;
    size_t total;
    struct record *recs = run_matrix(&mx, &total);
    if (recs == NULL) {
        return 1;
    }
    if (!quick && shard.count == 0) {
        recs = extend_repetitions(&mx, recs, &total, t0);
    }
    int status = check_records(recs, total, main_workloads);
    status |= write_results(out_dir, recs, total, &mx) != 0;

    /* The 25% rule only shows once full collections could come more
     * often than every quarter of the heap: millions of objects. */
    static const uint64_t quick_sizes[] = {10000, 20000, 40000, 80000};
    static const uint64_t sizes[] = {125000, 250000, 500000, 1000000,
                                     2000000};
    const uint64_t *ss = quick ? quick_sizes : sizes;
    int nss = quick ? 4 : 5;
    struct matrix sx = {.collectors = scaling_collectors, .ncollectors = 2,
                        .workloads = scaling_workload, .wspecs = sspec,
                        .nworkloads = 1, .sizes = ss, .nsizes = nss,
                        .repeat = 1, .seed = 1,
                        .baseline = UINT64_MAX,
                        .memory_cap = (uint64_t)4 << 30, .shard = shard,
                        .shard_load = shard_load, .place = &place};
    size_t stotal;
    struct record *srecs = run_matrix(&sx, &stotal);
    if (srecs == NULL) {
        free_records(recs, total);
        return 1;
    }
    status |= check_records(srecs, stotal, scaling_workload);
    status |= write_results(scaling_dir, srecs, stotal, &sx) != 0;
    if (shard.count > 0) {
        /* Figures and the report need the whole matrix. */
        fprintf(stderr, "gclab bench: shard %u/%u written; merge every "
                        "share's %s and %s/scaling with gclab merge "
                        "(docs/sharding.md)\n",
                shard.index, shard.count, out_dir, out_dir);
        free_records(recs, total);
        free_records(srecs, stotal);
        return status;
    }

    int rc = 0;
    rc |= bar_table(data_dir, "wall.dat", recs, total, bench_wall_ms);
    rc |= bar_table(data_dir, "gc.dat", recs, total, bench_gc_ms);
    rc |= bar_table(data_dir, "pause_p99.dat", recs, total, p99_ms);
    rc |= bar_table(data_dir, "gc_share.dat", recs, total, gc_share_pct);
    rc |= bar_table(data_dir, "collections.dat", recs, total,
                    collections_all);
    rc |= ratio_table(data_dir, recs, total);
    rc |= pause_tables(data_dir, recs, total);
    rc |= scaling_table(data_dir, srecs, stotal, ss, nss);
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    self[len > 0 ? len : 0] = '\0';
    rc |= len > 0 ? hyperfine(out_dir, self, quick, &place) : 0;
    bool drew = bench_has_program("gnuplot");
    if (!drew) {
        fprintf(stderr, "gclab bench: gnuplot is not installed; results are "
                        "written, figures skipped\n");
    }
    for (size_t i = 0; drew && i < sizeof figures / sizeof *figures; i++) {
        if (bench_draw(out_dir, plots_dir, &figures[i], (int)nseries) != 0) {
            rc = -1;
        }
    }
    char command[1024] = "gclab bench";
    for (int i = 1; i < argc; i++) {
        strncat(command, " ", sizeof command - strlen(command) - 1);
        strncat(command, argv[i], sizeof command - strlen(command) - 1);
    }
    double seconds = (double)(gc_clock_ns() - t0) / 1e9;
    rc |= report(out_dir, command, recs, total, drew, seconds, &place);
    print_summary_table(recs, total, main_collectors[0], main_workloads);
    printf("# report: %s/index.html (%.1f s)\n", out_dir, seconds);
    if (full) {
        status |= bench_full(out_dir, plots_dir, allow_debug, &place) != 0;
        printf("# full matrix: %s/full; sweeps: %s/sweep-*/pareto.png "
               "(%.1f s in all)\n",
               out_dir, out_dir, (double)(gc_clock_ns() - t0) / 1e9);
    }
    free_records(recs, total);
    free_records(srecs, stotal);
    return status || rc ? 1 : 0;
}

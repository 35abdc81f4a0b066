/* harness/plots/plot.c -- gclab plot DIR: every figure a results directory
 * allows, and its report, index.html.  The directory may come from
 * gclab run, bench or sweep, or from gclab merge of shards: plot reads
 * only its files (record.c), DIR/scaling beside it if there is one.
 *
 * Every number is computed here, into DIR/data/NAME.dat; gnuplot only
 * draws, one script of plots/ per figure, started with an argument
 * vector in DIR, so no path is ever pasted into a shell.  Records are
 * taken in one order (collector, workload, size, repetition) whatever
 * order the files hold them in, so a merge of shards gives the same .dat
 * files as one directory holding the same records.  A figure that
 * cannot be drawn is named with why, left out of the report, and makes
 * the exit status 1. */
#define _DEFAULT_SOURCE /* realpath */
#include "memseries-internal.h"
#include "measure.h"
#include "record.h"
#include "plot.h"
#include "snapshot-internal.h"
#include "version.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

double
plot_wall_ms(const struct gc_metrics *m)
{
    return (double)m->wall_ns / 1e6;
}

double
plot_gc_ms(const struct gc_metrics *m)
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

static double
peak_mb(const struct gc_metrics *m)
{
    return (double)m->peak_live_bytes / 1e6;
}

static double
retained_kib(const struct gc_metrics *m)
{
    return (double)m->retained_garbage_peak_bytes / 1024.0;
}

bool
plot_has_program(const char *name)
{
    const char *path = getenv("PATH");
    if (path == NULL || strchr(name, '/') != NULL) {
        return access(name, X_OK) == 0;
    }
    for (const char *p = path;;) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t)(colon - p) : strlen(p);
        char full[4096];
        snprintf(full, sizeof full, "%.*s/%s", (int)n, n ? p : ".", name);
        if (access(full, X_OK) == 0) {
            return true;
        }
        if (colon == NULL) {
            return false;
        }
        p = colon + 1;
    }
}

/* ---- what the records hold -------------------------------------------- */

/* A (workload, size) of the records: a cluster of bars. */
struct cluster {
    int workload;
    uint64_t size;
};

struct plot {
    const char *dir;
    char data_dir[4096];
    struct results res;     /* DIR */
    struct results scaling; /* DIR/scaling, if there is one */
    /* Both sets of records in one order, whatever the files' order. */
    struct record *recs, *srecs;
    /* Collectors: the reference of ratios first (the records' own
     * "reference"), then the model's in byte order, then the peers'. */
    const char **series;
    size_t nseries, nmodel;
    struct cluster *clusters; /* in workload, then size order */
    size_t nclusters;
    size_t pause_cluster; /* the pause figures' (nclusters: none) */
    bool one_size_each;   /* label clusters by workload alone */
};

static const struct results *sorting; /* qsort has no context argument */

static const char *reference; /* for the comparison: qsort has no context */

static int
cmp_collector(const char *a, bool a_peer, const char *b, bool b_peer)
{
    bool a_ref = reference && strcmp(a, reference) == 0;
    bool b_ref = reference && strcmp(b, reference) == 0;
    if (a_ref != b_ref) {
        return a_ref ? -1 : 1;
    }
    return a_peer != b_peer ? (a_peer ? 1 : -1) : strcmp(a, b);
}

/* The collector the records name as their reference, by majority (ties
 * to the first in byte order), if it ran; else NULL. */
static const char *
reference_of_records(const struct results *res)
{
    const char *best = NULL;
    size_t best_n = 0;
    for (size_t i = 0; i < res->total; i++) {
        char buf[8];
        const char *r =
            record_text(&res->meta[i], "reference", buf, sizeof buf);
        size_t n = 0;
        bool ran = false;
        for (size_t j = 0; j < res->total && r[0]; j++) {
            n += strcmp(
                     record_text(&res->meta[j], "reference", buf, sizeof buf),
                     r) == 0;
            ran |= strcmp(res->recs[j].item.collector, r) == 0;
        }
        if (ran && (n > best_n || (n == best_n && strcmp(r, best) < 0))) {
            best = r;
            best_n = n;
        }
    }
    return best;
}

static int
cmp_record(const void *x, const void *y)
{
    const struct record *a = x, *b = y;
    int c = cmp_collector(a->item.collector, a->item.peer != NULL,
                          b->item.collector, b->item.peer != NULL);
    return c != 0 ? c : records_cmp_run(sorting, a, b);
}

/* res's records, copied and put in order. */
static struct record *
sorted_records(const struct results *res)
{
    struct record *recs = malloc((res->total ? res->total : 1) * sizeof *recs);
    if (recs != NULL && res->total > 0) {
        memcpy(recs, res->recs, res->total * sizeof *recs);
        sorting = res;
        reference = reference_of_records(res);
        qsort(recs, res->total, sizeof *recs, cmp_record);
    }
    return recs;
}

/* Series and clusters of the (sorted) records; false when memory ran
 * out. */
static bool
plot_shape(struct plot *p)
{
    size_t total = p->res.total;
    p->series = malloc((total ? total : 1) * sizeof *p->series);
    p->clusters = malloc((total ? total : 1) * sizeof *p->clusters);
    if (p->series == NULL || p->clusters == NULL) {
        return false;
    }
    for (size_t i = 0; i < total; i++) {
        const struct item *it = &p->recs[i].item;
        if (p->nseries == 0 ||
            strcmp(p->series[p->nseries - 1], it->collector) != 0) {
            p->series[p->nseries++] = it->collector;
            p->nmodel += it->peer == NULL;
        }
        size_t c = 0;
        while (c < p->nclusters && (p->clusters[c].workload != it->workload ||
                                    p->clusters[c].size != it->size)) {
            c++;
        }
        if (c == p->nclusters) {
            p->clusters[p->nclusters++] =
                (struct cluster){it->workload, it->size};
        }
    }
    /* Clusters in workload order, then size. */
    for (size_t i = 1; i < p->nclusters; i++) {
        for (size_t j = i; j > 0; j--) {
            struct cluster *a = &p->clusters[j - 1], *b = &p->clusters[j];
            int c = strcmp(p->res.workloads[a->workload],
                           p->res.workloads[b->workload]);
            if (c < 0 || (c == 0 && a->size <= b->size)) {
                break;
            }
            struct cluster t = *a;
            *a = *b;
            *b = t;
        }
    }
    p->one_size_each = true;
    for (size_t c = 1; c < p->nclusters; c++) {
        p->one_size_each &=
            p->clusters[c].workload != p->clusters[c - 1].workload;
    }
    /* The pause figures show one cluster: server's, the workload made to
     * show pauses, else the first whose runs kept any. */
    p->pause_cluster = p->nclusters;
    for (size_t c = 0; c < p->nclusters; c++) {
        const char *w = p->res.workloads[p->clusters[c].workload];
        bool kept = false;
        for (size_t i = 0; i < total && !kept; i++) {
            kept = p->recs[i].item.workload == p->clusters[c].workload &&
                   p->recs[i].item.size == p->clusters[c].size &&
                   p->recs[i].r.nsamples > 0;
        }
        if (kept &&
            (p->pause_cluster == p->nclusters || strcmp(w, "server") == 0)) {
            p->pause_cluster = c;
        }
        if (kept && strcmp(w, "server") == 0) {
            break;
        }
    }
    return true;
}

static struct gc_summary
summary_of(const struct plot *p, const char *collector,
           const struct cluster *c, metric_fn *fn)
{
    return records_summary(p->recs, p->res.total, collector, c->workload,
                           c->size, fn);
}

/* A label for a .dat file: in double quotes, without any of its own. */
static void
dat_label(struct gc_buf *b, const char *s)
{
    gc_buf_printf(b, "\"");
    for (; *s; s++) {
        gc_buf_printf(b, "%c", *s == '"' ? '\'' : *s == '\t' ? ' ' : *s);
    }
    gc_buf_printf(b, "\"");
}

static void
cluster_label(struct gc_buf *b, const struct plot *p, const struct cluster *c)
{
    const char *w = p->res.workloads[c->workload];
    char label[RESULTS_FIELD_BYTES + 32];
    if (p->one_size_each) {
        snprintf(label, sizeof label, "%s", w);
    }
    else {
        snprintf(label, sizeof label, "%s (%llu)", w,
                 (unsigned long long)c->size);
    }
    dat_label(b, label);
}

/* A gnuplot string: single quotes, each of its own doubled. */
static void
gp_string(struct gc_buf *b, const char *s)
{
    gc_buf_quoted(b, s, "''");
}

/* ---- the figures' numbers ---------------------------------------------- */

/* Each writes its .dat into dat and its gnuplot settings into args, and
 * returns the number of series to draw: 0 when the records do not allow
 * the figure. */
struct figure;
typedef size_t figure_fn(const struct plot *p, const struct figure *f,
                         struct gc_buf *dat, struct gc_buf *args);
struct figure {
    const char *name, *script;
    figure_fn *data;
    const char *caption;
    metric_fn *metric;    /* for fig_bars: what each bar shows */
    const char *settings; /* for fig_bars: title and axis */
};

static void
series_header(struct gc_buf *b, const struct plot *p)
{
    gc_buf_printf(b, "workload");
    for (size_t s = 0; s < p->nseries; s++) {
        gc_buf_printf(b, "\t");
        dat_label(b, p->series[s]);
        gc_buf_printf(b, "\t\"ci\"");
    }
    gc_buf_printf(b, "\n");
}

/* Clustered bars: a row per cluster, mean and CI per series. */
static size_t
bars(const struct plot *p, struct gc_buf *dat, metric_fn *fn)
{
    series_header(dat, p);
    for (size_t c = 0; c < p->nclusters; c++) {
        cluster_label(dat, p, &p->clusters[c]);
        for (size_t s = 0; s < p->nseries; s++) {
            struct gc_summary x =
                summary_of(p, p->series[s], &p->clusters[c], fn);
            gc_buf_printf(dat, "\t%.6g\t%.6g", x.mean, x.ci95);
        }
        gc_buf_printf(dat, "\n");
    }
    return p->nclusters > 0 ? p->nseries : 0;
}

/* A bar figure of its metric, with its own settings. */
static size_t
fig_bars(const struct plot *p, const struct figure *f, struct gc_buf *dat,
         struct gc_buf *args)
{
    gc_buf_printf(args, "%s", f->settings);
    return bars(p, dat, f->metric);
}

static size_t
fig_ratio(const struct plot *p, const struct figure *f, struct gc_buf *dat,
          struct gc_buf *args)
{
    (void)f;
    if (p->nseries < 2) {
        return 0;
    }
    struct gc_buf title = {0};
    gc_buf_printf(&title, "Wall time relative to %s (95%% CI)", p->series[0]);
    gc_buf_printf(args, "title=");
    gp_string(args, title.data);
    gc_buf_printf(args, "; ytitle='ratio to the reference'");
    free(title.data);
    series_header(dat, p);
    for (size_t c = 0; c < p->nclusters; c++) {
        const struct cluster *cl = &p->clusters[c];
        struct gc_summary ref = summary_of(p, p->series[0], cl, plot_wall_ms);
        cluster_label(dat, p, cl);
        for (size_t s = 0; s < p->nseries; s++) {
            struct gc_summary x =
                summary_of(p, p->series[s], cl, plot_wall_ms);
            double ci,
                ratio = gc_ratio(x.mean, x.ci95, ref.mean, ref.ci95, &ci);
            gc_buf_printf(dat, "\t%.6g\t%.6g", ratio, ci);
        }
        gc_buf_printf(dat, "\n");
    }
    return p->nseries;
}

/* The phase metrics, in GC_METRICS order. */
static size_t
phase_metrics(size_t *idx)
{
    size_t n = 0;
    for (size_t i = 0; i < GC_METRIC_COUNT; i++) {
        if (strncmp(gc_metric_names[i], "phase_", 6) == 0) {
            idx[n++] = i;
        }
    }
    return n;
}

/* The mean of metric i over a cell's ok runs, in ms. */
static double
mean_ms(const struct plot *p, const char *collector, const struct cluster *c,
        size_t metric)
{
    double sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < p->res.total; i++) {
        const struct record *r = &p->recs[i];
        if (r->r.status == RUN_OK && r->item.workload == c->workload &&
            r->item.size == c->size &&
            strcmp(r->item.collector, collector) == 0) {
            sum += (double)gc_metric_get(&r->r.m, metric) / 1e6;
            n++;
        }
    }
    return n ? sum / (double)n : 0;
}

/* Stacked bars: one per (cluster, model collector) with time in
 * collections, a segment per phase that any of them spent time in,
 * and "other", the rest of the GC time (between and around the phases). */
static size_t
fig_phases(const struct plot *p, const struct figure *f, struct gc_buf *dat,
           struct gc_buf *args)
{
    (void)f;
    size_t idx[GC_METRIC_COUNT], shown[GC_METRIC_COUNT];
    size_t nphases = phase_metrics(idx), nshown = 0;
    size_t gc = gc_metric_find("gc_ns");
    for (size_t k = 0; k < nphases; k++) {
        bool any = false;
        for (size_t i = 0; i < p->res.total && !any; i++) {
            any = p->recs[i].r.status == RUN_OK &&
                  gc_metric_get(&p->recs[i].r.m, idx[k]) > 0;
        }
        if (any) {
            shown[nshown++] = idx[k];
        }
    }
    if (nshown == 0) {
        return 0;
    }
    gc_buf_printf(args, "title='Time in collections by phase (mean per "
                        "run)'; ytitle='GC time (ms)'");
    gc_buf_printf(dat, "run\t");
    for (size_t k = 0; k < nshown; k++) {
        /* phase_NAME_ns: NAME */
        const char *name = gc_metric_names[shown[k]];
        char phase[64];
        snprintf(phase, sizeof phase, "%.*s", (int)strlen(name) - 9, name + 6);
        dat_label(dat, phase);
        gc_buf_printf(dat, "\t");
    }
    gc_buf_printf(dat, "\"other\"\n");
    for (size_t c = 0; c < p->nclusters; c++) {
        const struct cluster *cl = &p->clusters[c];
        if (c > 0) {
            gc_buf_printf(dat, "\"\"");
            for (size_t k = 0; k <= nshown; k++) {
                gc_buf_printf(dat, "\t0");
            }
            gc_buf_printf(dat, "\n");
        }
        for (size_t s = 0; s < p->nmodel; s++) {
            double total = mean_ms(p, p->series[s], cl, gc), sum = 0;
            char label[2 * RESULTS_FIELD_BYTES];
            snprintf(label, sizeof label, "%s: %s",
                     p->res.workloads[cl->workload], p->series[s]);
            dat_label(dat, label);
            for (size_t k = 0; k < nshown; k++) {
                double v = mean_ms(p, p->series[s], cl, shown[k]);
                sum += v;
                gc_buf_printf(dat, "\t%.6g", v);
            }
            gc_buf_printf(dat, "\t%.6g\n", total > sum ? total - sum : 0.0);
        }
    }
    return nshown + 1;
}

/* The records of the pause cluster, of series s, in repetition order. */
static bool
in_pause_cluster(const struct plot *p, const struct record *r, size_t s)
{
    const struct cluster *c = &p->clusters[p->pause_cluster];
    return r->item.workload == c->workload && r->item.size == c->size &&
           strcmp(r->item.collector, p->series[s]) == 0;
}

static void
pause_title(struct gc_buf *args, const struct plot *p, const char *what)
{
    const struct cluster *c = &p->clusters[p->pause_cluster];
    struct gc_buf title = {0};
    gc_buf_printf(&title, "%s, %s (size %llu)", what,
                  p->res.workloads[c->workload], (unsigned long long)c->size);
    gc_buf_printf(args, "title=");
    gp_string(args, title.data);
    free(title.data);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static size_t
fig_cdf(const struct plot *p, const struct figure *f, struct gc_buf *dat,
        struct gc_buf *args)
{
    (void)f;
    if (p->pause_cluster == p->nclusters) {
        return 0;
    }
    size_t n = 0;
    for (size_t s = 0; s < p->nseries; s++) {
        size_t k = 0, cap = 0;
        for (size_t i = 0; i < p->res.total; i++) {
            cap += in_pause_cluster(p, &p->recs[i], s) ? p->recs[i].r.nsamples
                                                       : 0;
        }
        double *v = malloc((cap ? cap : 1) * sizeof *v);
        for (size_t i = 0; v != NULL && i < p->res.total; i++) {
            const struct record *r = &p->recs[i];
            for (size_t j = 0; in_pause_cluster(p, r, s) && j < r->r.nsamples;
                 j++) {
                if (r->samples[j].kind == GC_PAUSE_COLLECTION) {
                    v[k++] = (double)r->samples[j].pause_ns / 1e6;
                }
            }
        }
        if (k > 0) {
            qsort(v, k, sizeof *v, cmp_double);
            dat_label(dat, p->series[s]);
            gc_buf_printf(dat, "\t0\n");
            for (size_t j = 0; j < k; j++) {
                gc_buf_printf(dat, "%.6g\t%.6g\n", v[j],
                              (double)(j + 1) / (double)k);
            }
            gc_buf_printf(dat, "\n\n");
            n++;
        }
        free(v);
    }
    pause_title(args, p, "Pause time CDF");
    gc_buf_printf(args, "; xtitle='pause (ms)'; ytitle='fraction of pauses "
                        "<= x'; logx=1; logy=0; style='steps'");
    return n;
}

static size_t
fig_mmu(const struct plot *p, const struct figure *f, struct gc_buf *dat,
        struct gc_buf *args)
{
    (void)f;
    if (p->pause_cluster == p->nclusters) {
        return 0;
    }
    size_t n = 0;
    for (size_t s = 0; s < p->nseries; s++) {
        double sum[MMU_POINTS] = {0}, one[MMU_POINTS];
        int runs = 0;
        for (size_t i = 0; i < p->res.total; i++) {
            /* From the kept pauses, as the record's mmu_curve was. */
            const struct record *r = &p->recs[i];
            if (in_pause_cluster(p, r, s) && mmu_curve(r, one)) {
                for (int k = 0; k < MMU_POINTS; k++) {
                    sum[k] += one[k];
                }
                runs++;
            }
        }
        if (runs > 0) {
            dat_label(dat, p->series[s]);
            gc_buf_printf(dat, "\t0\n");
            for (int k = 0; k < MMU_POINTS; k++) {
                gc_buf_printf(dat, "%.6g\t%.6g\n",
                              (double)mmu_curve_window_ns[k] / 1e6,
                              sum[k] / runs);
            }
            gc_buf_printf(dat, "\n\n");
            n++;
        }
    }
    pause_title(args, p, "Minimum mutator utilisation");
    gc_buf_printf(args, "; xtitle='window (ms)'; ytitle='MMU'; logx=1; "
                        "logy=0; style='linespoints'");
    return n;
}

/* The first repetition of series s in the pause cluster with pauses. */
static const struct record *
first_run(const struct plot *p, size_t s)
{
    for (size_t i = 0; i < p->res.total; i++) {
        if (in_pause_cluster(p, &p->recs[i], s) && p->recs[i].r.nsamples) {
            return &p->recs[i];
        }
    }
    return NULL;
}

static size_t
fig_memory(const struct plot *p, const struct figure *f, struct gc_buf *dat,
           struct gc_buf *args)
{
    (void)f;
    if (p->pause_cluster == p->nclusters) {
        return 0;
    }
    size_t n = 0;
    for (size_t s = 0; s < p->nmodel; s++) {
        const struct record *r = first_run(p, s);
        if (r == NULL) {
            continue;
        }
        dat_label(dat, p->series[s]);
        gc_buf_printf(dat, "\t0\t0\n");
        for (size_t j = 0; j < r->r.nsamples; j++) {
            const struct gc_pause_sample *x = &r->samples[j];
            if (x->kind == GC_PAUSE_COLLECTION) {
                gc_buf_printf(dat, "%.6g\t%.6g\t%.6g\n",
                              (double)x->start_ns / 1e6,
                              (double)x->live_bytes / 1e6,
                              (double)x->garbage_bytes / 1e6);
            }
        }
        gc_buf_printf(dat, "\n\n");
        n++;
    }
    pause_title(args, p, "Live heap and retained garbage over time");
    return n;
}

/* The memory series (memory.tsv) of each collector's first run in the
 * pause cluster that has one: exact for a seed, against bytes
 * allocated, so repetitions and shards draw the same line. */
static size_t
fig_memory_series(const struct plot *p, const struct figure *f,
                  struct gc_buf *dat, struct gc_buf *args)
{
    (void)f;
    if (p->pause_cluster == p->nclusters) {
        return 0;
    }
    size_t n = 0;
    for (size_t s = 0; s < p->nmodel; s++) {
        const struct record *r = NULL;
        for (size_t i = 0; i < p->res.total && r == NULL; i++) {
            if (in_pause_cluster(p, &p->recs[i], s) && p->recs[i].r.nmem) {
                r = &p->recs[i];
            }
        }
        if (r == NULL) {
            continue;
        }
        dat_label(dat, p->series[s]);
        gc_buf_printf(dat, "\t0\t0\t0\n");
        for (uint32_t k = 0; k < r->r.nmem; k++) {
            const struct gc_mem_point *x = &r->mem[k];
            gc_buf_printf(dat, "%.6g\t%.6g\t%.6g\t%.6g\n",
                          (double)x->alloc_bytes / 1e6,
                          (double)x->live_bytes / 1e6,
                          (double)x->os_bytes / 1e6,
                          (double)x->garbage_bytes / 1e6);
        }
        gc_buf_printf(dat, "\n\n");
        n++;
    }
    pause_title(args, p, "Live bytes (solid) and retained garbage (dashed) "
                          "against bytes allocated");
    return n;
}

static size_t
fig_timeline(const struct plot *p, const struct figure *f, struct gc_buf *dat,
             struct gc_buf *args)
{
    (void)f;
    const struct record *r = p->pause_cluster < p->nclusters && p->nmodel > 0
                                 ? first_run(p, 0)
                                 : NULL;
    if (r == NULL) {
        return 0;
    }
    for (size_t j = 0; j < r->r.nsamples; j++) {
        const struct gc_pause_sample *x = &r->samples[j];
        if (x->kind == GC_PAUSE_COLLECTION) {
            gc_buf_printf(dat, "%.6g\t%.6g\t%u\t%.6g\n",
                          (double)x->start_ns / 1e6, (double)x->pause_ns / 1e6,
                          x->gen, (double)x->live_bytes / 1e6);
        }
    }
    struct gc_buf what = {0};
    gc_buf_printf(&what, "Pauses over time, %s", p->series[0]);
    pause_title(args, p, what.data);
    free(what.data);
    return 1;
}

/* GC time against size, from DIR/scaling: one line per collector. */
static size_t
fig_scaling(const struct plot *p, const struct figure *f, struct gc_buf *dat,
            struct gc_buf *args)
{
    (void)f;
    const struct results *sr = &p->scaling;
    if (sr->total == 0) {
        return 0;
    }
    size_t n = 0;
    for (size_t i = 0; i < sr->total; i++) {
        const struct record *r = &p->srecs[i];
        if (r->item.peer != NULL ||
            (i > 0 &&
             strcmp(p->srecs[i - 1].item.collector, r->item.collector) == 0 &&
             p->srecs[i - 1].item.workload == r->item.workload)) {
            continue; /* one block per (collector, workload) */
        }
        dat_label(dat, r->item.collector);
        gc_buf_printf(dat, "\t0\n");
        for (size_t j = i;
             j < sr->total &&
             strcmp(p->srecs[j].item.collector, r->item.collector) == 0 &&
             p->srecs[j].item.workload == r->item.workload;
             j++) {
            uint64_t size = p->srecs[j].item.size;
            if (j > i && p->srecs[j - 1].item.size == size) {
                continue;
            }
            struct gc_summary x =
                records_summary(p->srecs, sr->total, r->item.collector,
                                r->item.workload, size, plot_gc_ms);
            gc_buf_printf(dat, "%llu\t%.6g\n", (unsigned long long)size,
                          x.mean);
        }
        gc_buf_printf(dat, "\n\n");
        n++;
    }
    struct gc_buf title = {0};
    gc_buf_printf(&title, "GC time vs heap size, %s", sr->workloads[0]);
    gc_buf_printf(args, "title=");
    gp_string(args, title.data);
    gc_buf_printf(args, "; xtitle='objects kept (size)'; ytitle='GC time "
                        "(ms)'; logx=1; logy=1; style='linespoints'");
    free(title.data);
    return n;
}

/* A sweep: every model collector is a spec whose last option is the
 * knob (gclab sweep appends it), so specs that differ only in its value
 * form one curve.  The spec without it, and the knob's key and value. */
static bool
split_knob(const char *spec, char *base, size_t n, const char **key,
           const char **value)
{
    *key = *value = "";
    base[0] = '\0';
    const char *colon = strchr(spec, ':');
    const char *last = strrchr(spec, ',');
    last = last != NULL && colon != NULL && last > colon ? last : colon;
    const char *eq = last ? strchr(last, '=') : NULL;
    if (eq == NULL || (size_t)(last - spec) >= n) {
        return false;
    }
    snprintf(base, n, "%.*s", (int)(last - spec), spec);
    *key = last + 1;
    *value = eq + 1;
    return true;
}

/* Knob values: numbers by value, others (and numbers before them) by
 * text. */
static int
cmp_value(const char *a, const char *b)
{
    char *ea, *eb;
    double x = strtod(a, &ea), y = strtod(b, &eb);
    bool na = ea != a && *ea == '\0', nb = eb != b && *eb == '\0';
    if (na && nb && x != y) {
        return (x > y) - (x < y);
    }
    return na != nb ? (na ? -1 : 1) : strcmp(a, b);
}

static size_t
fig_pareto(const struct plot *p, const struct figure *f, struct gc_buf *dat,
           struct gc_buf *args)
{
    (void)f;
    if (p->nclusters != 1 || p->nmodel < 2) {
        return 0;
    }
    const struct cluster *cl = &p->clusters[0];
    /* Every model series in a curve of at least two points. */
    size_t *order = malloc(p->nmodel * sizeof *order);
    if (order == NULL) {
        return 0;
    }
    char keys[256] = "";
    for (size_t s = 0; s < p->nmodel; s++) {
        char base[RESULTS_FIELD_BYTES], other[RESULTS_FIELD_BYTES];
        const char *key, *value, *k2, *v2;
        size_t peers = 0;
        if (!split_knob(p->series[s], base, sizeof base, &key, &value)) {
            free(order);
            return 0;
        }
        for (size_t t = 0; t < p->nmodel; t++) {
            peers += split_knob(p->series[t], other, sizeof other, &k2, &v2) &&
                     strcmp(base, other) == 0 &&
                     strncmp(key, k2, (size_t)(value - key)) == 0;
        }
        if (peers < 2) {
            free(order);
            return 0;
        }
        char k[64];
        snprintf(k, sizeof k, "%.*s", (int)(value - key - 1), key);
        if (strstr(keys, k) == NULL &&
            strlen(keys) + strlen(k) + 2 < sizeof keys) {
            strcat(strcat(keys, keys[0] ? "/" : ""), k);
        }
        order[s] = s;
    }
    /* Series by (base, value). */
    for (size_t i = 1; i < p->nmodel; i++) {
        for (size_t j = i; j > 0; j--) {
            char ba[RESULTS_FIELD_BYTES], bb[RESULTS_FIELD_BYTES];
            const char *ka, *va, *kb, *vb;
            split_knob(p->series[order[j - 1]], ba, sizeof ba, &ka, &va);
            split_knob(p->series[order[j]], bb, sizeof bb, &kb, &vb);
            int c = strcmp(ba, bb);
            if (c < 0 || (c == 0 && cmp_value(va, vb) <= 0)) {
                break;
            }
            size_t t = order[j - 1];
            order[j - 1] = order[j];
            order[j] = t;
        }
    }
    size_t n = 0;
    char prev[RESULTS_FIELD_BYTES] = "";
    for (size_t i = 0; i < p->nmodel; i++) {
        const char *spec = p->series[order[i]];
        char base[RESULTS_FIELD_BYTES];
        const char *key, *value;
        split_knob(spec, base, sizeof base, &key, &value);
        if (i == 0 || strcmp(base, prev) != 0) {
            gc_buf_printf(dat, "%s", i ? "\n\n" : "");
            dat_label(dat, base);
            gc_buf_printf(dat, "\t0\t0\t0\t0\n");
            snprintf(prev, sizeof prev, "%s", base);
            n++;
        }
        struct gc_summary kib = summary_of(p, spec, cl, retained_kib);
        struct gc_summary gc = summary_of(p, spec, cl, plot_gc_ms);
        struct gc_summary wall = summary_of(p, spec, cl, plot_wall_ms);
        gc_buf_printf(dat, "%.6g\t%.6g\t%.6g\t%.6g\t", kib.mean, gc.mean,
                      gc.ci95, kib.ci95);
        dat_label(dat, value);
        gc_buf_printf(dat, "\t%.6g\n", wall.mean);
    }
    gc_buf_printf(dat, "\n\n");
    free(order);
    struct gc_buf title = {0};
    gc_buf_printf(&title,
                  "GC time against retained garbage: %s, %s (size "
                  "%llu)",
                  keys, p->res.workloads[cl->workload],
                  (unsigned long long)cl->size);
    gc_buf_printf(args, "title=");
    gp_string(args, title.data);
    gc_buf_printf(args, "; knob=");
    gp_string(args, keys);
    free(title.data);
    return n;
}

static const struct figure figures[] = {
    {"throughput", "bars.gp", fig_bars,
     "Wall time of each workload's measured region, per collector.",
     plot_wall_ms,
     "title='Wall time per run (mean, 95% CI)'; ytitle='wall time (ms)'"},
    {"gc_time", "bars.gp", fig_bars,
     "Wall time inside collections, from start to stop as gc.callbacks "
     "see it.",
     plot_gc_ms,
     "title='Time in collections (mean, 95% CI)'; ytitle='GC time (ms)'"},
    {"gc_share", "bars.gp", fig_bars, "GC time over wall time.", gc_share_pct,
     "title='Share of wall time in collections'; ytitle='GC share (%)'"},
    {"pause_p99", "bars.gp", fig_bars,
     "The 99th percentile of collection pauses in each run.", p99_ms,
     "title='99th percentile pause (mean, 95% CI)'; ytitle='pause (ms)'"},
    {"collections", "bars.gp", fig_bars,
     "Collections of any generation; exact for a seed.", collections_all,
     "title='Collections per run'; ytitle='collections (all generations)'"},
    {"ratio", "bars.gp", fig_ratio,
     "A/B ratios to the reference collector (the first), with propagated "
     "intervals.",
     NULL, NULL},
    {"phases", "phases.gp", fig_phases,
     "Where the time in collections goes: each phase the collectors "
     "announce (phase_end events), from the collection's start or the "
     "previous phase's end, mean per run; untrack includes each "
     "collector's own work between the shared passes (merging lists, "
     "survivors); other is the rest of the GC time.",
     NULL, NULL},
    {"pause_cdf", "lines.gp", fig_cdf,
     "Distribution of pauses over all repetitions of one workload.", NULL,
     NULL},
    {"mmu", "lines.gp", fig_mmu,
     "For each window length, the smallest share of any window of that "
     "length left to the program (mean over repetitions); the curve "
     "flattens at 1 - GC share once the window spans the run.",
     NULL, NULL},
    {"memory", "memory.gp", fig_memory,
     "Live bytes of the model's heap at the end of each collection (solid), "
     "and the garbage it held as that collection began (dashed): bytes no "
     "outside reference reaches, found by an oracle mark in an accounting "
     "run (--retained; first repetition).",
     NULL, NULL},
    {"memory_series", "memory-series.gp", fig_memory_series,
     "The run's memory series (memory.tsv): live bytes (solid) and the "
     "retained garbage of the --retained accounting run (dashed) against "
     "bytes allocated since the region began, a point every 64 KiB or more "
     "(first repetition).",
     NULL, NULL},
    {"pause_timeline", "timeline.gp", fig_timeline,
     "Each pause at its start time, coloured by generation, with the live "
     "heap (first repetition of the first collector).",
     NULL, NULL},
    {"scaling", "lines.gp", fig_scaling,
     "GC time against heap size (DIR/scaling): the 25% rule keeps full "
     "collections amortised linear; without it they grow quadratically.",
     NULL, NULL},
    {"pareto", "pareto.gp", fig_pareto,
     "GC time against retained garbage, one curve per collector, a point "
     "per knob value: a time-space trade-off.",
     NULL, NULL},
};
#define NFIGURES (sizeof figures / sizeof *figures)

/* ---- drawing ------------------------------------------------------------ */

/* The plot scripts: --plots DIR, else $GCLAB_PLOTS, else beside the
 * binary -- BINDIR/../share/gclab/plots where meson installs them,
 * BUILD/plots where meson copies them in a build tree. */
static bool plots_look(const char *given, char *out, size_t n);

/* The same, as an absolute path: gnuplot runs in the results
 * directory. */
static bool
plots_find(const char *given, char *out, size_t n)
{
    char abs[PATH_MAX];
    if (!plots_look(given, out, n)) {
        return false;
    }
    if (realpath(out, abs) != NULL) {
        snprintf(out, n, "%s", abs);
    }
    return true;
}

static bool
plots_look(const char *given, char *out, size_t n)
{
    char exe[4096], path[4200];
    const char *env = getenv("GCLAB_PLOTS");
    if (given != NULL || (env != NULL && env[0] != '\0')) {
        snprintf(out, n, "%s", given ? given : env);
        return snprintf(path, sizeof path, "%s/common.gp", out) <
                   (int)sizeof path &&
               access(path, R_OK) == 0;
    }
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[len > 0 ? len : 0] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL) {
        snprintf(out, n, "(not found: /proc/self/exe unreadable)");
        return false;
    }
    *slash = '\0';
    static const char *const beside[] = {"../share/gclab/plots", "../plots"};
    for (size_t i = 0; i < 2; i++) {
        if (snprintf(out, n, "%s/%s", exe, beside[i]) < (int)n &&
            snprintf(path, sizeof path, "%s/common.gp", out) <
                (int)sizeof path &&
            access(path, R_OK) == 0) {
            return true;
        }
    }
    if (snprintf(out, n, "%s/../share/gclab/plots or %s/../plots", exe, exe) >=
        (int)n) {
        snprintf(out, n, "the directories beside the gclab binary");
    }
    return false;
}

/* The first line of a log, for a message; "" if there is none. */
static void
first_line(const char *path, char *out, size_t n)
{
    char *text = gc_read_file(path, NULL);
    out[0] = '\0';
    for (char *line = text; line && *line;) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ')) {
            len--;
        }
        if (len > 0) {
            snprintf(out, n, "%.*s", (int)len, line);
            break;
        }
        line = end ? end + 1 : NULL;
    }
    free(text);
}

/* Draws DIR/NAME.png and .svg; false with why when either is not made. */
static bool
draw(const struct plot *p, const char *plots, const struct figure *f,
     size_t nseries, const char *args, char *why, size_t n)
{
    static const char *const formats[] = {"png", "svg"};
    for (int i = 0; i < 2; i++) {
        char out[4200], log[4200], common[4200], script[4200], line[200];
        snprintf(out, sizeof out, "%s/%s.%s", p->dir, f->name, formats[i]);
        snprintf(log, sizeof log, "%s/%s.%s.log", p->data_dir, f->name,
                 formats[i]);
        snprintf(common, sizeof common, "%s/common.gp", plots);
        snprintf(script, sizeof script, "%s/%s", plots, f->script);
        struct gc_buf vars = {0};
        gc_buf_printf(&vars,
                      "dir='data'; file='%s.dat'; out='%s'; "
                      "fmt='%s'; n=%zu; %s",
                      f->name, f->name, formats[i], nseries, args);
        char *argv[] = {"gnuplot", "-e", vars.data, common, script, NULL};
        unlink(out); /* an old figure must not pass for a new one */
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        int rc = run_command_in(p->dir, argv, fd);
        if (fd >= 0) {
            close(fd);
        }
        free(vars.data);
        struct stat st;
        first_line(log, line, sizeof line);
        if (rc != 0 || stat(out, &st) != 0 || st.st_size == 0) {
            if (rc == 0) {
                snprintf(why, n, "gnuplot made no %s.%s%s%s", f->name,
                         formats[i], line[0] ? ": " : "", line);
            }
            else {
                snprintf(why, n, "gnuplot exited %d%s%s (data/%s.%s.log)", rc,
                         line[0] ? ": " : "", line, f->name, formats[i]);
            }
            unlink(out);
            return false;
        }
    }
    return true;
}

/* ---- the report ----------------------------------------------------------
 */

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
        case '\'':
            gc_buf_printf(b, "&#39;");
            break;
        case '"':
            gc_buf_printf(b, "&quot;");
            break;
        default:
            gc_buf_printf(b, "%c", *s);
        }
    }
}

/* A link to DIR/name if it is there; nothing otherwise. */
static void
link_if_there(struct gc_buf *b, const struct plot *p, const char *name,
              const char *note)
{
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", p->dir, name);
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        gc_buf_printf(b, "<li><a href='%s'>%s</a>%s</li>", name, name, note);
    }
}

static void
cluster_cell(struct gc_buf *b, const struct plot *p, const struct cluster *c)
{
    gc_buf_printf(b, "<td>");
    html_escape(b, p->res.workloads[c->workload]);
    gc_buf_printf(b, " <small>(size %llu)</small></td>",
                  (unsigned long long)c->size);
}

static void
series_heads(struct gc_buf *b, const struct plot *p, size_t nseries,
             const char *first)
{
    gc_buf_printf(b, "<table><tr><th>%s</th>", first);
    for (size_t s = 0; s < nseries; s++) {
        gc_buf_printf(b, "<th>");
        html_escape(b, p->series[s]);
        gc_buf_printf(b, "</th>");
    }
    gc_buf_printf(b, "</tr>");
}

static void
ratio_table(struct gc_buf *b, const struct plot *p)
{
    gc_buf_printf(b, "<h2>Wall time relative to ");
    html_escape(b, p->series[0]);
    gc_buf_printf(b, "</h2><p>Mean wall time over the reference's, with its "
                     "95%% interval; the verdict holds where the interval "
                     "excludes 1.</p><div class='wide'>");
    series_heads(b, p, p->nseries, "workload");
    for (size_t c = 0; c < p->nclusters; c++) {
        const struct cluster *cl = &p->clusters[c];
        struct gc_summary *v = calloc(p->nseries, sizeof *v);
        if (v == NULL) {
            break;
        }
        size_t best = 0;
        for (size_t s = 0; s < p->nseries; s++) {
            v[s] = summary_of(p, p->series[s], cl, plot_wall_ms);
            if (v[s].mean > 0 &&
                (v[best].mean <= 0 || v[s].mean < v[best].mean)) {
                best = s;
            }
        }
        gc_buf_printf(b, "<tr>");
        cluster_cell(b, p, cl);
        for (size_t s = 0; s < p->nseries; s++) {
            double ci, ratio = gc_ratio(v[s].mean, v[s].ci95, v[0].mean,
                                        v[0].ci95, &ci);
            const char *verdict = s == 0             ? "reference"
                                  : v[s].n == 0      ? "no runs"
                                  : ratio - ci > 1.0 ? "slower"
                                  : ratio + ci < 1.0 ? "faster"
                                                     : "same";
            gc_buf_printf(b,
                          "<td class='num%s'>%.3f&nbsp;&plusmn;&nbsp;%.3f"
                          "<br><small>%.2f&nbsp;ms, %s</small></td>",
                          s == best ? " best" : "", ratio, ci, v[s].mean,
                          verdict);
        }
        gc_buf_printf(b, "</tr>");
        free(v);
    }
    gc_buf_printf(b, "</table></div>");
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
 * the bound is empirical, so it only ever tightens as collectors join.
 * Model collectors only. */
static void
lbo_table(struct gc_buf *b, const struct plot *p)
{
    size_t nm = p->nmodel;
    bool *eligible = calloc(nm ? nm : 1, sizeof *eligible);
    double *mean = calloc(nm ? nm : 1, sizeof *mean);
    double *peak = calloc(nm ? nm : 1, sizeof *peak);
    if (eligible == NULL || mean == NULL || peak == NULL) {
        free(eligible);
        free(mean);
        free(peak);
        return;
    }
    for (size_t s = 0; s < nm; s++) {
        eligible[s] = frees_cycles(p->series[s]);
    }
    gc_buf_printf(b, "<h2>LBO: wall time over the lower bound</h2><p>Per "
                     "workload, the cheapest mean wall time among the "
                     "collectors that free cycles is the bound; each cell "
                     "is a collector's mean over it, then its peak live "
                     "bytes over the lowest peak among those collectors."
                     "</p><div class='wide'>");
    series_heads(b, p, nm, "workload");
    printf("# LBO (wall time over the cheapest collector that frees "
           "cycles; then peak memory over the lowest peak among them)\n"
           "%-24s %12s %10s",
           "workload", "bound_ms", "peak_mb");
    for (size_t s = 0; s < nm; s++) {
        printf(" %22.22s", p->series[s]);
    }
    printf("\n");
    for (size_t c = 0; c < p->nclusters; c++) {
        const struct cluster *cl = &p->clusters[c];
        double bound = 0, peak_bound = 0;
        for (size_t s = 0; s < nm; s++) {
            mean[s] = summary_of(p, p->series[s], cl, plot_wall_ms).mean;
            peak[s] = summary_of(p, p->series[s], cl, peak_mb).mean;
            if (eligible[s] && mean[s] > 0 &&
                (bound == 0 || mean[s] < bound)) {
                bound = mean[s];
            }
            if (eligible[s] && peak[s] > 0 &&
                (peak_bound == 0 || peak[s] < peak_bound)) {
                peak_bound = peak[s];
            }
        }
        gc_buf_printf(b, "<tr>");
        cluster_cell(b, p, cl);
        printf("%-24.24s %12.2f %10.2f", p->res.workloads[cl->workload],
               bound, peak_bound);
        for (size_t s = 0; s < nm; s++) {
            double lbo = bound > 0 ? mean[s] / bound : 0;
            double mem = peak_bound > 0 ? peak[s] / peak_bound : 0;
            gc_buf_printf(b, "<td class='num%s'>%.2f, mem&nbsp;%.2f</td>",
                          lbo > 0 && lbo < 1.0005 ? " best" : "", lbo, mem);
            printf(" %15.2f mem %-5.2f", lbo, mem);
        }
        gc_buf_printf(b, "</tr>");
        printf("\n");
    }
    gc_buf_printf(b, "</table></div>");
    free(eligible);
    free(mean);
    free(peak);
}

/* The level at which the report gives the MDE: gclab compare's default
 * alpha, at Holm's first step over the timing cells it would test
 * between two such runs (three timing gates a cell), the bar that a
 * lone regression must clear. */
#define PLOT_MDE_ALPHA 0.05
#define PLOT_MDE_POWER 0.95
#define PLOT_MDE_GATES 3
/* The CV bench's extra repetitions aim at (bench.c's ADAPT_CV). */
#define PLOT_CV_GOAL 0.05

/* 100 x MDE / mean, for a comparison of this cell with another run of
 * as many repetitions and the same spread. */
static double
mde_pct(struct gc_summary s, double alpha)
{
    double d = gc_mde(s.stddev, s.n, s.stddev, s.n, alpha, PLOT_MDE_POWER);
    return s.mean > 0 ? 100.0 * d / s.mean : NAN;
}

/* A percentage as the tables show it; a dash where there is none (no
 * GC time to vary, or too few runs). */
static const char *
pct_text(double v, char *buf, size_t n)
{
    if (isnan(v) || isinf(v)) {
        return "-";
    }
    snprintf(buf, n, "%.1f%%", v);
    return buf;
}

/* Per cell: runs, the CV of wall and of GC time they reached, and the
 * minimum detectable effect (MDE) of each; then how many of the model's
 * cells reached the goal in both. */
static void
cv_table(struct gc_buf *b, const struct plot *p, double seconds)
{
    size_t tests = p->nseries * p->nclusters * PLOT_MDE_GATES;
    double alpha = PLOT_MDE_ALPHA / (double)(tests ? tests : 1);
    size_t met = 0;
    gc_buf_printf(b, "<h2>Repetitions, variation and the smallest visible "
                     "change</h2><p>Per cell: runs, the coefficient of "
                     "variation of wall time and of GC time (bench adds "
                     "repetitions, five at a time, up to 40, within 100 s, "
                     "while either is above 5%%), and the minimum "
                     "detectable effect (MDE) of each: the smallest change "
                     "that gclab compare between two such runs would flag "
                     "with 95%% power at &alpha; = %.2g (0.05 at Holm's "
                     "first step over %zu timing cells).  Changes below "
                     "compare's 5%% threshold are never flagged.</p>"
                     "<div class='wide'>",
                  alpha, tests);
    series_heads(b, p, p->nseries, "workload");
    printf("# repetitions, CV of wall / GC time, MDE of wall / GC time "
           "(95%% power, alpha %.2g)\n",
           alpha);
    for (size_t c = 0; c < p->nclusters; c++) {
        const struct cluster *cl = &p->clusters[c];
        gc_buf_printf(b, "<tr>");
        cluster_cell(b, p, cl);
        printf("%-18.18s", p->res.workloads[cl->workload]);
        for (size_t s = 0; s < p->nseries; s++) {
            struct gc_summary wall =
                summary_of(p, p->series[s], cl, plot_wall_ms);
            struct gc_summary gc = summary_of(p, p->series[s], cl, plot_gc_ms);
            bool ok = wall.n > 1 && wall.cv <= PLOT_CV_GOAL &&
                      gc.cv <= PLOT_CV_GOAL;
            met += ok && s < p->nmodel;
            char m1[32], m2[32];
            const char *mw = pct_text(mde_pct(wall, alpha), m1, sizeof m1);
            const char *mg = pct_text(mde_pct(gc, alpha), m2, sizeof m2);
            gc_buf_printf(b,
                          "<td class='num%s'>n=%zu<br>CV %.1f%% / %.1f%%<br>"
                          "<small>MDE %s / %s</small></td>",
                          ok ? " best" : "", wall.n, 100 * wall.cv,
                          100 * gc.cv, mw, mg);
            printf(" n=%-2zu %4.1f/%4.1f%% (%s/%s)", wall.n, 100 * wall.cv,
                   100 * gc.cv, mw, mg);
        }
        gc_buf_printf(b, "</tr>");
        printf("\n");
    }
    size_t cells = p->nmodel * p->nclusters;
    gc_buf_printf(b, "</table></div><p><b>%zu of %zu model cells</b> reached "
                     "CV &le; 5%% in both wall and GC time",
                  met, cells);
    printf("# %zu of %zu cells reached CV <= 5%% in wall and GC time "
           "(%.0f%%)",
           met, cells, cells ? 100.0 * (double)met / (double)cells : 0.0);
    if (seconds > 0) {
        gc_buf_printf(b, "; the suite took %.1f s", seconds);
        printf("; %.1f s", seconds);
    }
    gc_buf_printf(b, ".</p>");
    printf("\n");
}

/* Where the runs ran and in what order, from the first record (place.c
 * writes the same for every record of a run), and the machine's state
 * beside it (gclab system). */
static void
place_paragraph(struct gc_buf *b, const struct plot *p)
{
    const struct record_meta *m = &p->res.meta[0];
    char b1[32], b2[32], b3[32], b4[32];
    const char *cpu = record_text(m, "cpu", b1, sizeof b1);
    const char *pin = record_text(m, "cpu_pin", b2, sizeof b2);
    const char *order = record_text(m, "order", b3, sizeof b3);
    const char *seed = record_text(m, "order_seed", b4, sizeof b4);
    if (pin[0] == '\0') {
        return; /* records from before --cpu */
    }
    gc_buf_printf(b, "<p>");
    if (cpu[0] != '\0') {
        gc_buf_printf(b, "Each run pinned to CPU ");
        html_escape(b, cpu);
    }
    else {
        gc_buf_printf(b, "Runs not pinned");
    }
    gc_buf_printf(b, " (--cpu ");
    html_escape(b, pin);
    gc_buf_printf(b, "); ");
    if (strcmp(order, "random") == 0) {
        gc_buf_printf(b, "each round in a random order, seed ");
        html_escape(b, seed);
        gc_buf_printf(b, ".");
    }
    else {
        gc_buf_printf(b, "in matrix order.");
    }
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/system.json", p->dir);
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        gc_buf_printf(b, "  The machine: <a href='system.json'>system.json"
                         "</a> (gclab system).");
    }
    gc_buf_printf(b, "</p>");
}

/* Which figures were drawn, and why the others were not. */
struct drawn {
    bool ok;
    bool applies;
    char why[400];
};

static int
write_report(const struct plot *p, const struct plot_options *o,
             const struct drawn *drawn)
{
    char b1[32], b2[32], b3[32], b4[32], b5[32];
    const struct record_meta *m = &p->res.meta[0];
    struct gc_buf b = {0};
    gc_buf_printf(
        &b, "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width'>"
            "<title>gclab results</title><style>"
            "body{font-family:sans-serif;max-width:1200px;margin:2em auto;"
            "padding:0 1em;line-height:1.4;color:#222}"
            "table{border-collapse:collapse;margin:0.5em 0}"
            "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right;"
            "vertical-align:top}"
            "td:first-child,th:first-child{text-align:left;white-space:nowrap}"
            "th{background:#f4f4f4;font-weight:600}"
            "td.num{white-space:nowrap;font-variant-numeric:tabular-nums}"
            ".best{background:#d8f0d8;font-weight:bold}"
            ".wide{overflow-x:auto}"
            "figure{margin:1.5em 0}img{max-width:100%%;height:auto;"
            "border:1px solid #eee}figcaption{color:#444;max-width:960px}"
            ".failed{color:#a00}code{word-break:break-all}"
            "</style></head><body><h1>gclab results</h1><p>");
    gc_buf_printf(&b, "Command: <code>");
    if (o->command != NULL) {
        html_escape(&b, o->command);
    }
    else {
        gc_buf_printf(&b, "gclab plot ");
        html_escape(&b, o->dir);
    }
    gc_buf_printf(&b, "</code>");
    if (o->seconds > 0) {
        gc_buf_printf(&b, " (%.1f s)", o->seconds);
    }
    gc_buf_printf(&b, "; %zu records.</p><p>Machine: ", p->res.total);
    html_escape(&b, record_text(m, "cpu_model", b1, sizeof b1));
    gc_buf_printf(&b, "; kernel ");
    html_escape(&b, record_text(m, "kernel", b2, sizeof b2));
    gc_buf_printf(&b, "; THP ");
    html_escape(&b, record_text(m, "thp", b3, sizeof b3));
    gc_buf_printf(&b, "; gclab ");
    html_escape(&b, record_text(m, "gclab_revision", b4, sizeof b4));
    gc_buf_printf(&b, " (");
    html_escape(&b, record_text(m, "build_type", b5, sizeof b5));
    gc_buf_printf(&b, " build)</p>");
    place_paragraph(&b, p);
    ratio_table(&b, p);
    lbo_table(&b, p);
    cv_table(&b, p, o->seconds);
    gc_buf_printf(&b, "<h2>Figures</h2>");
    for (size_t i = 0; i < NFIGURES; i++) {
        const struct figure *f = &figures[i];
        if (!drawn[i].applies) {
            continue;
        }
        if (!drawn[i].ok) {
            gc_buf_printf(&b, "<p class='failed'>%s: not drawn: ", f->name);
            html_escape(&b, drawn[i].why);
            gc_buf_printf(&b, "</p>");
            continue;
        }
        gc_buf_printf(&b,
                      "<figure id='%s'><img src='%s.png' alt='%s' "
                      "width='960' height='540'><figcaption><b>%s</b>: ",
                      f->name, f->name, f->name, f->name);
        html_escape(&b, f->caption);
        gc_buf_printf(&b, " <a href='%s.svg'>SVG</a></figcaption></figure>",
                      f->name);
    }
    gc_snapshot_pages(&b, p->dir, p->res.workloads, p->res.nworkloads);
    gc_buf_printf(&b, "<h2>Raw data</h2><ul>");
    link_if_there(&b, p, "results.jsonl", " (one record per run)");
    link_if_there(&b, p, "results.csv", "");
    link_if_there(&b, p, "summary.json", "");
    link_if_there(&b, p, "pauses.jsonl", " (every kept pause)");
    link_if_there(&b, p, "memory.tsv", " (live and OS bytes over each run)");
    link_if_there(&b, p, "system.json", " (the machine's state)");
    link_if_there(&b, p, "scaling/results.jsonl", "");
    link_if_there(&b, p, "hyperfine.json", " (whole-process timings)");
    gc_buf_printf(&b, "</ul></body></html>\n");
    int rc = gc_write_named("plot", p->dir, "index.html", &b);
    free(b.data);
    return rc;
}

/* ---- gclab plot ----------------------------------------------------------
 */

static void
plot_free(struct plot *p)
{
    results_free(&p->res);
    results_free(&p->scaling);
    free(p->recs);
    free(p->srecs);
    free(p->series);
    free(p->clusters);
}

/* DIR's records (with pauses and memory series) and DIR/scaling's, in
 * order; 0 or 2. */
static int
plot_read(struct plot *p)
{
    int status = results_read("plot", p->dir, false, &p->res);
    status = status ? status : results_read_pauses("plot", p->dir, &p->res);
    status = status ? status : results_read_memory("plot", p->dir, &p->res);
    char scaling[4200], path[4300];
    struct stat st;
    snprintf(scaling, sizeof scaling, "%s/scaling", p->dir);
    snprintf(path, sizeof path, "%s/results.jsonl", scaling);
    if (status == 0 && stat(path, &st) == 0) {
        status = results_read("plot", scaling, true, &p->scaling);
    }
    if (status == 0) {
        p->recs = sorted_records(&p->res);
        p->srecs = sorted_records(&p->scaling);
        if (p->recs == NULL || p->srecs == NULL || !plot_shape(p)) {
            fprintf(stderr, "gclab plot: out of memory\n");
            status = 2;
        }
    }
    return status;
}

int
plot_results(const struct plot_options *o)
{
    struct plot p = {.dir = o->dir};
    char plots[4096];
    snprintf(p.data_dir, sizeof p.data_dir, "%s/data", o->dir);
    int status = plot_read(&p);
    if (status == 0 && !plots_find(o->plots_dir, plots, sizeof plots)) {
        fprintf(stderr,
                "gclab plot: no plot scripts (common.gp) in %s; "
                "--plots DIR names them\n",
                plots);
        status = 2;
    }
    if (status == 0 && gc_mkdir_p(p.data_dir) != 0) {
        fprintf(stderr, "gclab plot: cannot create %s: %s\n", p.data_dir,
                strerror(errno));
        status = 2;
    }
    if (status != 0) {
        plot_free(&p);
        return status;
    }
    bool gnuplot = plot_has_program("gnuplot");
    struct drawn drawn[NFIGURES] = {{0}};
    size_t failed = 0;
    for (size_t i = 0; i < NFIGURES; i++) {
        const struct figure *f = &figures[i];
        struct gc_buf dat = {0}, args = {0};
        size_t nseries = f->data(&p, f, &dat, &args);
        char name[64], path[4200];
        snprintf(name, sizeof name, "%s.dat", f->name);
        drawn[i].applies = nseries > 0;
        if (!drawn[i].applies) {
            /* Not this directory's figure: no stale one may stay. */
            for (int k = 0; k < 3; k++) {
                static const char *const ext[] = {"png", "svg", "dat"};
                snprintf(path, sizeof path, "%s/%s.%s",
                         k < 2 ? p.dir : p.data_dir, f->name, ext[k]);
                unlink(path);
            }
        }
        else if (snprintf(path, sizeof path, "%s/%s", p.data_dir, name),
                 gc_write_atomic(path, dat.data, dat.len) != 0) {
            snprintf(drawn[i].why, sizeof drawn[i].why,
                     "cannot write "
                     "data/%s: %s",
                     name, strerror(errno));
        }
        else if (!gnuplot) {
            snprintf(drawn[i].why, sizeof drawn[i].why,
                     "gnuplot is not installed (Debian: gnuplot-nox)");
        }
        else {
            drawn[i].ok =
                draw(&p, plots, f, nseries, args.data ? args.data : "",
                     drawn[i].why, sizeof drawn[i].why);
        }
        if (drawn[i].applies && !drawn[i].ok) {
            if (gnuplot) {
                fprintf(stderr, "gclab plot: figure %s: %s\n", f->name,
                        drawn[i].why);
            }
            failed++;
        }
        free(dat.data);
        free(args.data);
    }
    if (!gnuplot && failed > 0) {
        fprintf(stderr,
                "gclab plot: gnuplot is not installed (Debian: "
                "gnuplot-nox); no figure drawn, %zu skipped\n",
                failed);
    }
    if (write_report(&p, o, drawn) != 0) {
        status = 1;
    }
    plot_free(&p);
    return status != 0 || failed > 0 ? 1 : 0;
}

int
gc_cmd_plot(int argc, char **argv)
{
    struct plot_options o = {0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            printf(
                "usage: gclab plot DIR [--plots DIR]\n"
                "Draws every figure the results in DIR allow (DIR/NAME.png "
                "and .svg, their\nnumbers in DIR/data/NAME.dat) and writes "
                "DIR/index.html, from DIR/results.jsonl,\npauses.jsonl and "
                "DIR/scaling/ if there: what gclab run, bench, sweep or "
                "merge\nwrote.  --plots names the gnuplot scripts (default: "
                "beside the gclab binary).\nExit 1 when a figure could "
                "not be drawn, naming it and why.\n");
            return 0;
        }
        if (strcmp(argv[i], "--plots") == 0 && i + 1 < argc) {
            o.plots_dir = argv[++i];
        }
        else if (argv[i][0] == '-' || o.dir != NULL) {
            return gc_usage_error("plot",
                                  "usage: gclab plot DIR [--plots "
                                  "DIR]; not",
                                  argv[i]);
        }
        else {
            o.dir = argv[i];
        }
    }
    if (o.dir == NULL) {
        return gc_usage_error("plot", "usage: gclab plot DIR [--plots DIR]",
                              NULL);
    }
    int status = plot_results(&o);
    if (status != 2) {
        printf("# report: %s/index.html\n", o.dir);
    }
    return status;
}

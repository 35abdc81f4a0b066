/* harness/measure/listener.c -- the listener: turns a heap's events
 * into what a record says about its collections.  Pauses (with CPU
 * time, faults and switches where asked), their histogram and samples,
 * MMU, the time in each phase, skipped collections, promotions,
 * cascades, request latencies and the memory series; the harness is
 * the only reader of the clock, and only here and in the region's
 * bounds (child.c). */
#define _GNU_SOURCE /* RUSAGE_THREAD */
#include "gc.h"
#include "harness.h"
#include "workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>

#include "listener.h"
#include "memseries-internal.h"
#include "measure.h"


static uint64_t
thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
on_begin(void *data, int gen, enum gc_reason why)
{
    struct pause_log *log = data;
    if (log->cpu) {
        getrusage(RUSAGE_THREAD, &log->begin_ru);
        log->begin_cpu_ns = thread_cpu_ns();
    }
    log->begin_gen = gen;
    log->begin_reason = why;
    log->m->collections_by_bytes += why == GC_REASON_BYTES;
    log->promoted = 0;
    log->begin_ns = gc_clock_ns();
    log->phase_mark_ns = log->begin_ns;
}

static void
on_phase_end(void *data, enum gc_phase phase)
{
    struct pause_log *log = data;
    uint64_t now = gc_clock_ns();
    log->phase_ns[phase] += now - log->phase_mark_ns;
    log->phase_mark_ns = now;
}

/* Each phase's time into the metric named phase_<its name>_ns (the
 * names are GC_METRICS'; t-harness checks that every phase has one). */
static void
phase_metrics(const uint64_t *phase_ns, struct gc_metrics *m)
{
    for (int p = 0; p < GC_PHASE_COUNT; p++) {
        char name[64];
        snprintf(name, sizeof name, "phase_%s_ns",
                 gc_phase_name((enum gc_phase)p));
        size_t i = gc_metric_find(name);
        if (i < GC_METRIC_COUNT) {
            gc_metric_set(m, i, phase_ns[p]);
        }
    }
}

static void
on_end(void *data, int gen, uint64_t visited, uint64_t collected,
       uint64_t uncollectable)
{
    struct pause_log *log = data;
    uint64_t ns = gc_clock_ns() - log->begin_ns;
    if (gen >= 0 && gen < 3) {
        log->collections[gen]++;
    }
    uint64_t cpu_ns = 0, faults = 0, switches = 0;
    if (log->cpu) {
        cpu_ns = thread_cpu_ns() - log->begin_cpu_ns;
        struct rusage ru;
        getrusage(RUSAGE_THREAD, &ru);
        faults = (uint64_t)(ru.ru_minflt - log->begin_ru.ru_minflt);
        switches = (uint64_t)(ru.ru_nivcsw - log->begin_ru.ru_nivcsw);
    }
    if (log->samples != NULL && log->nsamples < LISTEN_MAX_SAMPLES &&
        log->start_ns != 0) {
        log->samples[log->nsamples++] = (struct gc_pause_sample){
            .start_ns = log->begin_ns - log->start_ns,
            .pause_ns = ns,
            .gen = (uint32_t)log->begin_gen,
            .reason = (uint32_t)log->begin_reason,
            .live_bytes = gc_heap_stats(log->heap)->live_bytes,
            .promoted = log->promoted,
            .cpu_ns = cpu_ns,
            .minor_faults = faults,
            .ctx_switches = switches};
    }
    if (log->hist != NULL && log->start_ns != 0) {
        gc_hist_add(log->hist, ns);
    }
    log->m->gc_ns += ns;
    log->m->gc_cpu_ns += cpu_ns;
    log->m->objects_visited += visited;
    log->m->objects_collected += collected;
    log->m->objects_uncollectable += uncollectable;
    if (log->n == log->cap) {
        size_t cap = log->cap ? log->cap * 2 : 1024;
        uint64_t *p = realloc(log->ns, cap * sizeof *p);
        if (p != NULL) {
            log->ns = p;
        }
        uint64_t *q = p != NULL ? realloc(log->at, cap * sizeof *q) : NULL;
        if (q == NULL) {
            return; /* the percentiles lose a sample; the totals do not */
        }
        log->at = q;
        log->cap = cap;
    }
    log->at[log->n] = log->begin_ns - log->start_ns;
    log->ns[log->n++] = ns;
}

static void
on_cascade_begin(void *data)
{
    struct pause_log *log = data;
    log->cascade_begin_ns = gc_clock_ns();
}

static void
on_cascade_end(void *data, uint64_t freed)
{
    struct pause_log *log = data;
    uint64_t ns = gc_clock_ns() - log->cascade_begin_ns;
    if (freed < log->cascade_min || log->start_ns == 0) {
        return;
    }
    log->m->cascades++;
    log->m->cascade_ns += ns;
    if (ns > log->m->cascade_max_ns) {
        log->m->cascade_max_ns = ns;
    }
    if (log->samples != NULL && log->nsamples < LISTEN_MAX_SAMPLES) {
        log->samples[log->nsamples++] = (struct gc_pause_sample){
            .start_ns = log->cascade_begin_ns - log->start_ns,
            .pause_ns = ns,
            .kind = GC_PAUSE_CASCADE,
            .live_bytes = gc_heap_stats(log->heap)->live_bytes};
    }
}

/* The decision log: skipped collections (counters, and a sample for
 * the trace), survivors promoted, and the memory series. */
static void
on_skip(void *data, int gen, enum gc_skip why)
{
    struct pause_log *log = data;
    if (why == GC_SKIP_PENDING_RULE) {
        log->m->skips_pending_rule++;
    }
    else {
        log->m->skips_memory++;
    }
    if (log->samples != NULL && log->nsamples < LISTEN_MAX_SAMPLES &&
        log->start_ns != 0) {
        log->samples[log->nsamples++] = (struct gc_pause_sample){
            .start_ns = gc_clock_ns() - log->start_ns,
            .gen = (uint32_t)gen,
            .reason = (uint32_t)why,
            .kind = GC_PAUSE_SKIP,
            .live_bytes = gc_heap_stats(log->heap)->live_bytes};
    }
}

static void
on_promoted(void *data, int gen, uint64_t objects)
{
    struct pause_log *log = data;
    log->promoted += objects;
    if (gen == 1) {
        log->m->promoted_gen1 += objects;
    }
    else if (gen == 2) {
        log->m->promoted_gen2 += objects;
    }
}

static void
on_memory(void *data)
{
    gc_memseries_sample(&((struct pause_log *)data)->mem);
}


static void
on_request(void *ctx, bool is_end)
{
    struct request_log *r = ctx;
    uint64_t now = gc_clock_ns();
    if (is_end) {
        if (r->is_open) {
            r->end[r->n++] = now;
            r->is_open = false;
        }
        return;
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 4096;
        uint64_t *s = realloc(r->start, cap * sizeof *s);
        if (s != NULL) {
            r->start = s;
        }
        uint64_t *e = s != NULL ? realloc(r->end, cap * sizeof *e) : NULL;
        if (e == NULL) {
            r->lost = true;
            return;
        }
        r->end = e;
        r->cap = cap;
    }
    r->start[r->n] = now;
    r->is_open = true;
}

/* Simple latencies (end - start) and metered ones (gc_metered_latency). */
static void
request_metrics(const struct request_log *r, struct gc_metrics *m)
{
    if (r->n == 0 || r->lost) {
        return;
    }
    struct gc_hist *simple = malloc(sizeof *simple);
    struct gc_hist *metered = malloc(sizeof *metered);
    uint64_t *lat = malloc(r->n * sizeof *lat);
    if (simple != NULL && metered != NULL && lat != NULL) {
        gc_hist_init(simple);
        gc_hist_init(metered);
        gc_metered_latency(r->start, r->end, r->n, lat);
        for (size_t i = 0; i < r->n; i++) {
            gc_hist_add(simple, r->end[i] - r->start[i]);
            gc_hist_add(metered, lat[i]);
        }
        m->request_p50_ns = gc_hist_percentile(simple, 0.50);
        m->request_p99_ns = gc_hist_percentile(simple, 0.99);
        m->request_max_ns = simple->max;
        m->request_metered_p50_ns = gc_hist_percentile(metered, 0.50);
        m->request_metered_p99_ns = gc_hist_percentile(metered, 0.99);
        m->request_metered_max_ns = metered->max;
    }
    free(simple);
    free(metered);
    free(lat);
}




/* mmu_1ms, mmu_10ms and mmu_100ms from every pause of a run. */
static void
mmu_metrics(const uint64_t *at, const uint64_t *len, size_t n,
            struct gc_metrics *m)
{
    static const uint64_t window_ns[] = {1000000, 10000000, 100000000};
    uint64_t *mmu[] = {&m->mmu_1ms, &m->mmu_10ms, &m->mmu_100ms};
    for (size_t i = 0; i < 3; i++) {
        *mmu[i] = (uint64_t)(1e6 * gc_mmu(at, len, n, m->wall_ns,
                                          window_ns[i]) +
                             0.5);
    }
}

const uint64_t mmu_curve_window_ns[MMU_POINTS] = {
    10000,     20000,     50000,      100000,     200000,
    500000,    1000000,   2000000,    5000000,    10000000,
    20000000,  50000000,  100000000,  200000000,  500000000,
    1000000000, 2000000000, 5000000000, 10000000000,
};

/* The starts and lengths of the collections among n pause samples, in
 * two malloc'd arrays (the caller frees both); false if memory ran
 * out. */
static bool
collection_pauses(const struct gc_pause_sample *s, size_t n, uint64_t **at,
                  uint64_t **len, size_t *count)
{
    *at = malloc((n ? n : 1) * sizeof **at);
    *len = malloc((n ? n : 1) * sizeof **len);
    *count = 0;
    if (*at == NULL || *len == NULL) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i].kind == GC_PAUSE_COLLECTION) {
            (*at)[*count] = s[i].start_ns;
            (*len)[(*count)++] = s[i].pause_ns;
        }
    }
    return true;
}

bool
mmu_curve(const struct record *rec, double out[MMU_POINTS])
{
    const struct gc_metrics *m = &rec->r.m;
    uint64_t *at, *len;
    size_t n;
    if (rec->r.status != RUN_OK ||
        (rec->r.nsamples == 0) != (rec->samples == NULL)) {
        return false;
    }
    uint64_t collections =
        m->collections_gen0 + m->collections_gen1 + m->collections_gen2;
    /* Every collection's pause is needed: none may have been dropped. */
    bool ok = collection_pauses(rec->samples, rec->r.nsamples, &at, &len,
                                &n) &&
              collections <= n;
    for (int k = 0; ok && k < MMU_POINTS; k++) {
        out[k] = gc_mmu(at, len, n, m->wall_ns, mmu_curve_window_ns[k]);
    }
    free(at);
    free(len);
    return ok;
}

/* The memory figures of a run: peaks, the series' length and the
 * steady-state verdict (memseries.c). */
static void
memory_metrics(struct gc_heap *heap, const struct gc_memseries *mem,
               uint64_t setup_peak, uint64_t live0, struct gc_metrics *m)
{
    const struct gc_heap_stats *st = gc_heap_stats(heap);
    m->peak_live_bytes = st->peak_bytes > setup_peak ? st->peak_bytes
                                                     : setup_peak;
    m->peak_region_live_bytes = st->peak_bytes - live0;
    m->peak_os_bytes = st->os_peak_bytes;
    m->memory_samples = mem->n;
    double growth;
    if (mem->pts != NULL && gc_memseries_growth(mem->pts, mem->n, &growth)) {
        m->live_growth_pct = growth > 0 ? (uint64_t)(growth + 0.5) : 0;
        m->memory_verdict = growth < GC_STEADY_TOLERANCE_PCT ? 1 : 2;
    }
}

/* The clock behind a 3.15 heap's get_stats()/callback duration. */
static uint64_t
read_clock(void *data)
{
    (void)data;
    return gc_clock_ns();
}

void
listen_start(struct pause_log *log, struct gc_heap *heap, bool cpu,
             uint64_t cascade_min, struct gc_metrics *m)
{
    *log = (struct pause_log){.m = m, .heap = heap, .cpu = cpu,
                              .cascade_min = cascade_min};
    log->samples = malloc(LISTEN_MAX_SAMPLES * sizeof *log->samples);
    log->hist = malloc(sizeof *log->hist);
    if (log->hist != NULL) {
        gc_hist_init(log->hist);
    }
    log->l = (struct gc_listener){.data = log,
                                  .collect_begin = on_begin,
                                  .phase_end = on_phase_end,
                                  .collect_end = on_end,
                                  .cascade_begin = on_cascade_begin,
                                  .cascade_end = on_cascade_end,
                                  .skip = on_skip,
                                  .promoted = on_promoted};
    gc_memseries_start(&log->mem, heap, &log->l, on_memory, false);
    log->setup_peak = gc_heap_stats(heap)->peak_bytes;
    log->live0 = gc_heap_stats(heap)->live_bytes;
    gc_heap_reset_peak(heap);
    gc_set_clock(heap, read_clock, NULL); /* 3.15's stats duration */
}

void
listen_requests(struct pause_log *log, struct gc_workload_params *p)
{
    p->on_request = on_request;
    p->request_ctx = &log->requests;
}

void
listen_finish(struct pause_log *log, struct gc_heap *heap,
              struct gc_metrics *m)
{
    /* From the listener, not gc_get_stats: 2.7 has no get_stats, and
     * its collections count as much as any. */
    m->collections_gen0 = log->collections[0];
    m->collections_gen1 = log->collections[1];
    m->collections_gen2 = log->collections[2];
    m->mutator_ns = m->wall_ns > m->gc_ns ? m->wall_ns - m->gc_ns : 0;
    mmu_metrics(log->at, log->ns, log->n, m);
    phase_metrics(log->phase_ns, m);
    if (log->hist != NULL) {
        m->pause_p50_ns = gc_hist_percentile(log->hist, 0.50);
        m->pause_p95_ns = gc_hist_percentile(log->hist, 0.95);
        m->pause_p99_ns = gc_hist_percentile(log->hist, 0.99);
        m->pause_max_ns = log->hist->max;
    }
    request_metrics(&log->requests, m);
    free(log->requests.start);
    free(log->requests.end);
    free(log->hist);
    log->hist = NULL;
    gc_memseries_sample(&log->mem); /* the end */
    memory_metrics(heap, &log->mem, log->setup_peak, log->live0, m);
    free(log->ns);
    free(log->at);
    log->ns = log->at = NULL;
}

void
listen_mmu_of_samples(const struct gc_pause_sample *s, size_t n,
                      struct gc_metrics *m)
{
    uint64_t *at, *len;
    size_t count;
    if (collection_pauses(s, n, &at, &len, &count)) {
        mmu_metrics(at, len, count, m);
    }
    free(at);
    free(len);
}

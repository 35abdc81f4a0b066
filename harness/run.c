/* harness/run.c -- gclab run (collectors x workloads x sizes x
 * repetitions, each in its own child process) and gclab twin (a
 * workload's Python twin).  Each run starts from a full collection over
 * the interpreter's own objects, as the twins do; collections are timed
 * from the collector's events (the harness is the only clock reader);
 * results are one record per run, written atomically. */
#define _GNU_SOURCE /* RUSAGE_THREAD */
#include "gc.h"
#include "harness.h"
#include "workload.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "memseries-internal.h"
#include "run-internal.h"
#include "version.h"

#define MAX_ITEMS 32

/* Tracked objects a bare interpreter holds after gc.collect() (`python
 * -c`, len(gc.get_objects()), measured on 2.7.18, 3.8.18, 3.11.7,
 * 3.13.0, 3.14.10 and 3.15.2; tests/probes/kinds314.py).  They sit in the oldest generation and count in the 25%
 * rule's long_lived_total, so a run starts from the same place as its
 * twin. */
static const uint64_t interpreter_objects[GC_PROFILE_COUNT] = {
    [GC_PROFILE_2_7] = 3475,
    [GC_PROFILE_3_8] = 4482,
    [GC_PROFILE_3_11] = 11091,
    [GC_PROFILE_3_13] = 5089,
    [GC_PROFILE_3_14] = 6423, /* 3.14.10-1 and 3.15.2-1 from Debian */
    [GC_PROFILE_3_15] = 6454,
};

/* The clock behind a 3.15 heap's get_stats()/callback duration. */
static uint64_t
read_clock(void *data)
{
    (void)data;
    return gc_clock_ns();
}

/* n lists held by one rooted list: the interpreter's own objects. */
static enum gc_status
add_baseline(struct gc_heap *heap, uint64_t n)
{
    if (n == 0) {
        return GC_OK;
    }
    struct gc_object *holder = gc_list_new(heap);
    if (holder == NULL) {
        return GC_ENOMEM;
    }
    enum gc_status rc = gc_root_set(heap, "__interpreter__", holder);
    for (uint64_t i = 1; i < n && rc == GC_OK; i++) {
        struct gc_object *l = gc_list_new(heap);
        rc = l != NULL ? gc_list_append(heap, holder, l) : GC_ENOMEM;
        gc_xdecref(heap, l);
    }
    gc_decref(heap, holder);
    return rc;
}

/* What the twins' frame does on 2.7 before its set-up collection: 100
 * empty lists and 100 empty dicts made and dropped, which fills the list
 * and dict free lists (80 each).  2.7's full collections leave those two
 * free lists alone, where 3.x's empty them, so without this a 2.7 twin's
 * region would start with however many its start-up happened to free
 * (some 20 to 35 of each), gets that many without counting them, and
 * the model, starting from none, collects a little early. */
static enum gc_status
fill_free_lists_27(struct gc_heap *heap)
{
    struct gc_object *held = gc_list_new(heap);
    enum gc_status rc = held != NULL ? GC_OK : GC_ENOMEM;
    for (int i = 0; i < 200 && rc == GC_OK; i++) {
        struct gc_object *o = i < 100 ? gc_list_new(heap) : gc_dict_new(heap);
        rc = o != NULL ? gc_list_append(heap, held, o) : GC_ENOMEM;
        gc_xdecref(heap, o);
    }
    gc_xdecref(heap, held);
    return rc;
}

static int
usage(const char *msg, const char *arg)
{
    return gc_usage_error("run", msg, arg);
}

bool
parse_count(const char *text, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || text[0] == '-' ||
        v == 0 || v > max) {
        return false;
    }
    *out = v;
    return true;
}

/* ---- one run, in a child process --------------------------------------- */

struct pause_log {
    uint64_t *ns, *at; /* every pause's length and start, for MMU */
    size_t n, cap;
    uint64_t begin_ns, begin_cpu_ns;
    struct rusage begin_ru;
    bool cpu; /* time pauses on the thread CPU clock too */
    int begin_gen;
    enum gc_reason begin_reason;
    struct gc_hist *hist; /* every pause, for the percentiles */
    uint64_t cascade_begin_ns, cascade_min;
    struct gc_metrics *m;
    struct gc_heap *heap;
    uint64_t start_ns;               /* of the measured region */
    struct gc_pause_sample *samples; /* for the timeline and CDF */
    size_t nsamples;
    uint64_t collections[3]; /* per generation, seen by the listener */
    /* Time in each phase of the collections (phase_end events): from
     * the collection's start or the previous phase's end. */
    uint64_t phase_ns[GC_PHASE_COUNT], phase_mark_ns;
    uint64_t promoted;       /* by the collection under way */
    struct gc_memseries mem; /* memory over the region (memseries.c) */
};

#define MAX_SAMPLES 100000

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
    if (log->samples != NULL && log->nsamples < MAX_SAMPLES &&
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
    if (log->samples != NULL && log->nsamples < MAX_SAMPLES) {
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
    if (log->samples != NULL && log->nsamples < MAX_SAMPLES &&
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

/* Request boundaries from the workload (gc_workload_request): when each
 * began and ended, on the harness's clock. */
struct request_log {
    uint64_t *start, *end;
    size_t n, cap;
    bool is_open, lost; /* a request begun; memory ran out */
};

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

const char *const status_names[] = {"ok", "failed", "leak-capped",
                                    "crashed"};



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

/* The workload's parameters for an item (no request hook). */
static struct gc_workload_params
params_of(const struct item *it, const struct gc_workload_spec *ws)
{
    return (struct gc_workload_params){.size = it->size, .seed = it->seed,
                                       .opts = ws->opts, .nopts = ws->nopts};
}

/* The heap a run measures: the item's collector and layout, the
 * interpreter's own objects in the oldest generation, collected once. */
static enum run_status
new_run_heap(const struct item *it, uint64_t baseline, struct gc_heap **out,
             char *effective, size_t effective_bytes)
{
    struct gc_spec spec;
    char err[256];
    struct gc_heap_config cfg;
    gc_heap_config_init(&cfg);
    cfg.layout = it->layout;
    cfg.layout_seed = it->seed;
    cfg.err = err;
    cfg.err_bytes = sizeof err;
    if (gc_spec_parse(it->collector, &spec, err, sizeof err) != GC_OK) {
        return RUN_FAILED;
    }
    gc_spec_config(&spec, &cfg);
    if (gc_heap_new(&cfg, out) != GC_OK) {
        return RUN_FAILED;
    }
    gc_spec_format(&spec, effective, effective_bytes);
    uint64_t base = baseline != UINT64_MAX
                        ? baseline
                        : interpreter_objects[gc_heap_profile(*out)];
    if (add_baseline(*out, base) != GC_OK ||
        (gc_heap_profile(*out) == GC_PROFILE_2_7 &&
         fill_free_lists_27(*out) != GC_OK)) {
        return RUN_OUT_OF_MEMORY;
    }
    gc_collect(*out, 2);
    return RUN_OK;
}

/* The accounting run: the workload again, on a heap of its own, with an
 * oracle mark (gc_heap_garbage) as each collection begins -- when the
 * garbage since the last one is greatest -- and once at the end.  It
 * is a run of its own because the marks cost O(heap) each: timing them
 * would swamp what the measured run times. */
struct garbage_log {
    struct gc_heap *heap;
    uint64_t peak_bytes, last_bytes;
    bool failed;
    /* The garbage as each collection began, for the pause samples: the
     * k-th collection here is the measured run's k-th, as both run the
     * same deterministic program on the same collector. */
    struct gc_pause_sample *samples;
    size_t nsamples, next; /* the next collection's sample */
    struct gc_memseries mem; /* the series again, with the garbage */
};

static void
on_memory_garbage(void *data)
{
    gc_memseries_sample(&((struct garbage_log *)data)->mem);
}

static void
garbage_sample(struct garbage_log *g)
{
    uint64_t objects, bytes;
    if (gc_heap_garbage(g->heap, &objects, &bytes) != GC_OK) {
        g->failed = true;
    }
    else if (bytes > g->peak_bytes) {
        g->peak_bytes = bytes;
    }
    g->last_bytes = bytes;
}

static void
on_begin_garbage(void *data, int gen, enum gc_reason why)
{
    (void)gen;
    (void)why;
    struct garbage_log *g = data;
    garbage_sample(g);
    while (g->next < g->nsamples &&
           g->samples[g->next].kind != GC_PAUSE_COLLECTION) {
        g->next++; /* a cascade's sample */
    }
    if (g->next < g->nsamples) {
        g->samples[g->next++].garbage_bytes = g->last_bytes;
    }
}

static bool
retained_garbage_peak(const struct item *it,
                      const struct gc_workload_spec *ws, uint64_t baseline,
                      struct gc_pause_sample *samples, size_t nsamples,
                      struct gc_mem_point *mem, size_t nmem,
                      uint64_t *peak_bytes)
{
    char effective[256];
    struct garbage_log g = {.samples = samples, .nsamples = nsamples};
    if (new_run_heap(it, baseline, &g.heap, effective,
                     sizeof effective) != RUN_OK) {
        return false;
    }
    struct gc_listener l = {.data = &g, .collect_begin = on_begin_garbage};
    gc_memseries_start(&g.mem, g.heap, &l, on_memory_garbage, true);
    struct gc_workload_params p = params_of(it, ws);
    uint64_t checksum;
    enum gc_status rc = ws->workload->run(g.heap, &p, &checksum);
    garbage_sample(&g);
    for (size_t i = 0; i < g.mem.n; i++) {
        if (g.mem.pts[i].garbage_bytes > g.peak_bytes) {
            g.peak_bytes = g.mem.pts[i].garbage_bytes;
        }
    }
    gc_memseries_merge_garbage(mem, nmem, g.mem.pts, g.mem.n);
    *peak_bytes = g.peak_bytes;
    free(g.mem.pts);
    gc_heap_destroy(g.heap);
    return rc == GC_OK && !g.failed && !g.mem.has_failed;
}

/* --prefault: the run once on a scratch heap to learn the most arena
 * memory it maps, then as much more mapped and written in the measured
 * heap ahead of its measured region. */
static enum run_status
prefault(const struct item *it, const struct gc_workload_spec *ws,
         uint64_t baseline, struct gc_heap *heap)
{
    char effective[256];
    struct gc_heap *scratch;
    enum run_status st = new_run_heap(it, baseline, &scratch,
                                      effective, sizeof effective);
    if (st != RUN_OK) {
        return st;
    }
    struct gc_workload_params p = params_of(it, ws);
    uint64_t ignored;
    enum gc_status rc = ws->workload->run(scratch, &p, &ignored);
    uint64_t peak = gc_heap_arena_peak_bytes(scratch);
    gc_heap_destroy(scratch);
    uint64_t have = gc_heap_arena_bytes(heap);
    if (rc != GC_OK ||
        (peak > have && gc_heap_prefault(heap, peak - have) != GC_OK)) {
        return RUN_OUT_OF_MEMORY;
    }
    return RUN_OK;
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

enum gc_status
gc_run_measured(const struct gc_workload *w, struct gc_heap *heap,
                const struct gc_workload_params *p, uint64_t *checksum)
{
    return w->run(heap, p, checksum);
}

/* One run.  In a child process of its own (in_process false) the
 * address space is capped and the heap goes with the process; in
 * process (gclab run --no-fork) there is no cap and the heap is
 * destroyed here. */
static void
run_in_child(const struct item *it, const struct gc_workload_spec *ws,
             uint64_t baseline, uint64_t memory_cap, bool in_process,
             struct child_result *out, struct gc_pause_sample **samples,
             struct gc_mem_point **mem)
{
    memset(out, 0, sizeof *out);
    *samples = NULL;
    *mem = NULL;
#if !defined(__SANITIZE_ADDRESS__)
    /* AddressSanitizer reserves terabytes of shadow address space, so
     * the cap only applies where it means something. */
    struct rlimit lim = {.rlim_cur = memory_cap, .rlim_max = memory_cap};
    if (!in_process) {
        setrlimit(RLIMIT_AS, &lim);
    }
#else
    (void)memory_cap;
#endif
    /* Set-up: the heap, the interpreter's objects, and with --prefault
     * the arenas the run will need, mapped and written. */
    struct rusage ru_setup, ru_warm;
    getrusage(RUSAGE_SELF, &ru_setup);
    uint64_t t_setup = gc_clock_ns();
    struct gc_heap *heap = NULL;
    out->status = new_run_heap(it, baseline, &heap, out->effective,
                               sizeof out->effective);
    if (out->status != RUN_OK) {
        goto done;
    }
    if (it->prefault) {
        out->status = prefault(it, ws, baseline, heap);
        if (out->status != RUN_OK) {
            goto done;
        }
    }
    getrusage(RUSAGE_SELF, &ru_warm);
    uint64_t t_warm = gc_clock_ns();
    out->m.setup_ns = t_warm - t_setup;
    out->m.setup_minor_faults =
        (uint64_t)(ru_warm.ru_minflt - ru_setup.ru_minflt);
    /* Warm-up: the workload run whole, unmeasured, then a full
     * collection, so the measured run starts from a heap that has
     * been used (free lists filled, arenas mapped). */
    for (uint64_t k = 0; k < it->warmup; k++) {
        struct gc_workload_params wp = params_of(it, ws);
        uint64_t ignored;
        if (ws->workload->run(heap, &wp, &ignored) != GC_OK) {
            out->status = RUN_OUT_OF_MEMORY;
            goto done;
        }
        gc_collect(heap, 2);
    }
    if (it->warmup > 0) {
        struct rusage ru_done;
        getrusage(RUSAGE_SELF, &ru_done);
        out->m.warmup_ns = gc_clock_ns() - t_warm;
        out->m.warmup_minor_faults =
            (uint64_t)(ru_done.ru_minflt - ru_warm.ru_minflt);
    }
    struct pause_log log = {.m = &out->m, .heap = heap,
                            .cpu = it->pause_cpu};
    log.samples = malloc(MAX_SAMPLES * sizeof *log.samples);
    log.hist = malloc(sizeof *log.hist);
    if (log.hist != NULL) {
        gc_hist_init(log.hist);
    }
    log.cascade_min = it->cascade_min;
    struct gc_listener l = {.data = &log, .collect_begin = on_begin,
                            .phase_end = on_phase_end,
                            .collect_end = on_end,
                            .cascade_begin = on_cascade_begin,
                            .cascade_end = on_cascade_end,
                            .skip = on_skip,
                            .promoted = on_promoted};
    gc_memseries_start(&log.mem, heap, &l, on_memory, false);
    uint64_t setup_peak = gc_heap_stats(heap)->peak_bytes;
    uint64_t live0 = gc_heap_stats(heap)->live_bytes;
    gc_heap_reset_peak(heap);
    gc_set_clock(heap, read_clock, NULL); /* 3.15's stats duration */
    struct request_log requests = {0};
    struct gc_workload_params p = params_of(it, ws);
    p.on_request = on_request;
    p.request_ctx = &requests;
    uint64_t allocs0 = gc_heap_stats(heap)->gc_objects_allocated;
    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);
    uint64_t t0 = gc_clock_ns();
    log.start_ns = t0;
    enum gc_status rc = gc_run_measured(ws->workload, heap, &p,
                                        &out->m.checksum);
    out->m.wall_ns = gc_clock_ns() - t0;
    getrusage(RUSAGE_SELF, &ru1);
    /* From the listener, not gc_get_stats: 2.7 has no get_stats, and
     * its collections count as much as any. */
    out->m.collections_gen0 = log.collections[0];
    out->m.collections_gen1 = log.collections[1];
    out->m.collections_gen2 = log.collections[2];
    out->m.mutator_ns =
        out->m.wall_ns > out->m.gc_ns ? out->m.wall_ns - out->m.gc_ns : 0;
    mmu_metrics(log.at, log.ns, log.n, &out->m);
    phase_metrics(log.phase_ns, &out->m);
    if (log.hist != NULL) {
        out->m.pause_p50_ns = gc_hist_percentile(log.hist, 0.50);
        out->m.pause_p95_ns = gc_hist_percentile(log.hist, 0.95);
        out->m.pause_p99_ns = gc_hist_percentile(log.hist, 0.99);
        out->m.pause_max_ns = log.hist->max;
    }
    request_metrics(&requests, &out->m);
    free(requests.start);
    free(requests.end);
    free(log.hist);
    gc_memseries_sample(&log.mem); /* the end */
    memory_metrics(heap, &log.mem, setup_peak, live0, &out->m);
    out->m.peak_rss_bytes = (uint64_t)ru1.ru_maxrss * 1024;
    out->m.minor_faults = (uint64_t)(ru1.ru_minflt - ru0.ru_minflt);
    uint64_t allocs = gc_heap_stats(heap)->gc_objects_allocated - allocs0;
    out->m.alloc_per_s =
        out->m.wall_ns ? (uint64_t)((double)allocs * 1e9 /
                                    (double)out->m.wall_ns)
                       : 0;
    out->status = rc == GC_OK       ? RUN_OK
                  : rc == GC_ENOMEM ? RUN_OUT_OF_MEMORY
                                    : RUN_FAILED;
    free(log.ns);
    free(log.at);
    if (out->status == RUN_OK && it->retained) {
        gc_heap_destroy(heap); /* room for the accounting run's heap */
        heap = NULL;
    }
    if (out->status == RUN_OK && it->retained &&
        !retained_garbage_peak(it, ws, baseline, log.samples, log.nsamples,
                               log.mem.pts, log.mem.n,
                               &out->m.retained_garbage_peak_bytes)) {
        out->status = RUN_FAILED;
    }
    out->nsamples = (uint32_t)log.nsamples;
    *samples = log.samples;
    out->nmem = log.mem.pts != NULL ? (uint32_t)log.mem.n : 0;
    *mem = log.mem.pts;
done:
    if (in_process && heap != NULL) {
        gc_heap_destroy(heap);
    }
    /* Otherwise the heap goes with the process. */
}

bool
read_all_fd(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, (char *)buf + got, n - got);
        if (k <= 0) {
            return false;
        }
        got += (size_t)k;
    }
    return true;
}

/* Forks, runs it in the child, and reads its result back: a crash or a
 * kill becomes a recorded result, not the end of the matrix. */
static void
run_isolated(const struct item *it, const struct gc_workload_spec *ws,
             uint64_t baseline, uint64_t memory_cap,
             struct child_result *out, struct gc_pause_sample **samples,
             struct gc_mem_point **mem)
{
    *samples = NULL;
    *mem = NULL;
    int fds[2];
    memset(out, 0, sizeof *out);
    if (pipe(fds) != 0) {
        out->status = RUN_FAILED;
        return;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        out->status = RUN_FAILED;
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        struct child_result r = {.status = RUN_FAILED};
        struct gc_pause_sample *smp = NULL;
        struct gc_mem_point *pts = NULL;
        if (gc_place_pin_self(it->cpu) == 0) {
            run_in_child(it, ws, baseline, memory_cap, false, &r, &smp, &pts);
        }
        FILE *pipe_out = fdopen(fds[1], "w");
        bool ok = pipe_out != NULL && fwrite(&r, sizeof r, 1, pipe_out) == 1 &&
                  (r.nsamples == 0 ||
                   fwrite(smp, sizeof *smp, r.nsamples, pipe_out) ==
                       r.nsamples) &&
                  (r.nmem == 0 ||
                   fwrite(pts, sizeof *pts, r.nmem, pipe_out) == r.nmem) &&
                  fflush(pipe_out) == 0;
        _exit(ok ? 0 : 1);
    }
    close(fds[1]);
    bool ok = read_all_fd(fds[0], out, sizeof *out);
    if (ok && out->nsamples > 0 && out->nsamples <= MAX_SAMPLES) {
        *samples = malloc(out->nsamples * sizeof **samples);
        ok = *samples != NULL &&
             read_all_fd(fds[0], *samples, out->nsamples * sizeof **samples);
    }
    if (ok && out->nmem > 0 && out->nmem <= GC_MEMSERIES_MAX) {
        *mem = malloc(out->nmem * sizeof **mem);
        ok = *mem != NULL &&
             read_all_fd(fds[0], *mem, out->nmem * sizeof **mem);
    }
    else if (ok && out->nmem > GC_MEMSERIES_MAX) {
        ok = false;
    }
    close(fds[0]);
    int st;
    waitpid(pid, &st, 0);
    if (!ok) {
        free(*samples);
        *samples = NULL;
        free(*mem);
        *mem = NULL;
        memset(out, 0, sizeof *out);
        out->status = RUN_CRASHED;
        out->signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
    }
}

int
run_command(char *const *argv, int err_fd)
{
    return run_command_in(NULL, argv, err_fd);
}

/* The child's side: stdout to out_fd (or /dev/null), stderr to err_fd
 * (left alone if negative, /dev/null if -2), in dir, then argv. */
static pid_t
spawn(const char *dir, char *const *argv, int out_fd, int err_fd)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid != 0) {
        return pid;
    }
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
        dup2(out_fd >= 0 ? out_fd : null, 1);
        if (err_fd == -2) {
            dup2(null, 2);
        }
    }
    if (err_fd >= 0) {
        dup2(err_fd, 2);
    }
    if (dir != NULL && chdir(dir) != 0) {
        _exit(126);
    }
    execvp(argv[0], argv);
    _exit(127);
}

static int
exit_status(pid_t pid)
{
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid) {
        return -1;
    }
    return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

char *
run_capture(char *const *argv, int *status)
{
    int fds[2];
    *status = -1;
    if (pipe(fds) != 0) {
        return NULL;
    }
    pid_t pid = spawn(NULL, argv, fds[1], -2);
    close(fds[1]);
    FILE *f = pid > 0 ? fdopen(fds[0], "r") : NULL;
    char *out = f != NULL ? gc_read_stream(f, NULL) : NULL;
    if (f != NULL) {
        fclose(f);
    }
    else {
        close(fds[0]);
    }
    *status = exit_status(pid);
    return out;
}

int
run_command_in(const char *dir, char *const *argv, int err_fd)
{
    return exit_status(spawn(dir, argv, -1, err_fd));
}

/* ---- the build ---------------------------------------------------------- */

const char *
run_build_type(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return "sanitizer";
#elif defined(NDEBUG)
    return "release";
#else
    return "debug";
#endif
}

int
run_check_build(const char *command, bool allow_debug)
{
    if (allow_debug) {
        return 0;
    }
    if (getenv("GCLAB_DEBUG_EXTRA_TRAVERSE")) {
        fprintf(stderr, "gclab %s: GCLAB_DEBUG_EXTRA_TRAVERSE is set, a test "
                        "knob that wastes work on purpose; its numbers are "
                        "not results (unset it, or --allow-debug)\n",
                command);
        return 2;
    }
    if (strcmp(run_build_type(), "release") != 0 ||
        GCLAB_CHECKS_DEFAULT > 0 || getenv("GCLAB_CHECKS") ||
        getenv("GCLAB_STRESS")) {
        fprintf(stderr, "gclab %s: this is a %s build with check level %d; "
                        "its numbers are not results (use a release build, "
                        "or --allow-debug)\n",
                command, run_build_type(), GCLAB_CHECKS_DEFAULT);
        return 2;
    }
    return 0;
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

/* ---- peers: the twins on a real interpreter ------------------------------ */

const char *
peer_label(const char *python, bool has_recorder)
{
    static struct {
        char python[512];
        char label[2][64];
    } cache[8];
    static int ncache;
    for (int i = 0; i < ncache; i++) {
        if (strcmp(cache[i].python, python) == 0) {
            return cache[i].label[has_recorder];
        }
    }
    if (ncache == 8 || access(python, X_OK) != 0) {
        return NULL;
    }
    char *argv[] = {(char *)python, "-c",
                    "import sys; sys.stdout.write(sys.version.split()[0])",
                    NULL};
    int status;
    char *out = run_capture(argv, &status);
    char version[32] = "";
    if (out != NULL && status == 0 && out[0] != '\0') {
        snprintf(version, sizeof version, "%s", out);
    }
    free(out);
    if (version[0] == '\0') {
        return NULL;
    }
    snprintf(cache[ncache].python, sizeof cache[ncache].python, "%s", python);
    snprintf(cache[ncache].label[0], 64, "python%s", version);
    snprintf(cache[ncache].label[1], 64, "python%s+callbacks", version);
    return cache[ncache++].label[has_recorder];
}

/* Runs a workload's twin: `python -c TWIN size=N seed=S opts...`, and
 * reads back the "metric value" lines it prints. */
/* "pauses_ns START:LENGTH:GEN,..." from a twin's recorder: the pause
 * samples (NULL, 0 if malformed or memory runs out). */
static struct gc_pause_sample *
parse_peer_pauses(const char *text, uint32_t *n)
{
    *n = 0;
    size_t cap = 1;
    for (const char *c = text; *c; c++) {
        cap += *c == ',';
    }
    struct gc_pause_sample *s = calloc(cap, sizeof *s);
    const char *p = text;
    while (s != NULL && *n < cap && *p != '\0' && *p != '\n') {
        char *end;
        unsigned long long at = strtoull(p, &end, 10), len, gen;
        if (*end != ':' ||
            (len = strtoull(end + 1, &end, 10), *end != ':') ||
            (gen = strtoull(end + 1, &end, 10), gen > 2) ||
            (*end != ',' && *end != '\n' && *end != '\0')) {
            free(s);
            *n = 0;
            return NULL;
        }
        s[(*n)++] = (struct gc_pause_sample){
            .start_ns = at, .pause_ns = len, .gen = (uint32_t)gen,
            .reason = GC_REASON_THRESHOLD};
        p = *end == ',' ? end + 1 : end;
    }
    return s;
}

/* The same from a peer's pause samples (all of its pauses). */
static void
mmu_metrics_of_samples(const struct gc_pause_sample *s, size_t n,
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

static void
run_peer(const struct item *it, const struct gc_workload_spec *ws,
         struct child_result *out, struct gc_pause_sample **samples)
{
    memset(out, 0, sizeof *out);
    *samples = NULL;
    snprintf(out->effective, sizeof out->effective, "%s", it->peer);
    int fds[2];
    if (pipe(fds) != 0) {
        out->status = RUN_FAILED;
        return;
    }
    char size_arg[64], seed_arg[64], opt_args[8][160];
    char *args[16];
    int n = 0;
    snprintf(size_arg, sizeof size_arg, "size=%llu",
             (unsigned long long)it->size);
    snprintf(seed_arg, sizeof seed_arg, "seed=%llu",
             (unsigned long long)it->seed);
    args[n++] = (char *)it->peer;
    args[n++] = "-c";
    args[n++] = (char *)ws->workload->twin;
    args[n++] = size_arg;
    args[n++] = seed_arg;
    for (size_t i = 0; i < ws->nopts && i < 8; i++) {
        snprintf(opt_args[i], sizeof opt_args[i], "%s=%s", ws->opts[i].key,
                 ws->opts[i].value);
        args[n++] = opt_args[i];
    }
    args[n] = NULL;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 1);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 2);
        }
        setenv("GCLAB_RECORD_GC", it->has_recorder ? "1" : "0", 1);
        if (gc_place_pin_self(it->cpu) != 0) {
            _exit(126);
        }
        execv(it->peer, args);
        _exit(127);
    }
    close(fds[1]);
    FILE *in = pid > 0 ? fdopen(fds[0], "r") : NULL;
    char *line = NULL;
    size_t line_cap = 0;
    bool has_checksum = false;
    while (in != NULL && getline(&line, &line_cap, in) > 0) {
        char key[64];
        unsigned long long v;
        if (strncmp(line, "pauses_ns ", 10) == 0 && *samples == NULL) {
            *samples = parse_peer_pauses(line + 10, &out->nsamples);
            continue;
        }
        if (sscanf(line, "%63s %llu", key, &v) != 2) {
            continue;
        }
#define M(name, help)                                                       \
    if (strcmp(key, #name) == 0) {                                          \
        out->m.name = v;                                                    \
    }
        GC_METRICS(M)
#undef M
        has_checksum |= strcmp(key, "checksum") == 0;
    }
    free(line);
    if (in != NULL) {
        fclose(in);
    }
    else {
        close(fds[0]);
    }
    int st = 0;
    if (pid > 0) {
        waitpid(pid, &st, 0);
    }
    out->m.mutator_ns =
        out->m.wall_ns > out->m.gc_ns ? out->m.wall_ns - out->m.gc_ns : 0;
    if (*samples != NULL) {
        mmu_metrics_of_samples(*samples, out->nsamples, &out->m);
    }
    out->status = pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
                          has_checksum
                      ? RUN_OK
                      : RUN_FAILED;
}

/* ---- the matrix ------------------------------------------------------------ */

/* What an item is expected to cost, for balancing shards: a process
 * with the interpreter's own objects (about 5 ms), then the workload's
 * cost per unit of size; a twin on a real interpreter adds its start-up
 * and runs a few times slower than the model. */
static double
item_cost(const struct item *it, const struct gc_workload_spec *ws)
{
    uint64_t per = ws->workload->cost_ns_per_object;
    double model = 5e6 + (double)(per ? per : 10000) * (double)it->size;
    return it->peer != NULL ? 3e7 + 5.0 * model : model;
}

/* Keeps the items of mx->shard, in matrix order; -1 if memory ran
 * out. */
static int
keep_shard(const struct matrix *mx, struct record *recs, size_t *total)
{
    double *cost = malloc((*total ? *total : 1) * sizeof *cost);
    unsigned *shard_of = malloc((*total ? *total : 1) * sizeof *shard_of);
    double *own = mx->shard_load ? NULL
                                 : calloc(mx->shard.count, sizeof *own);
    double *load = mx->shard_load ? mx->shard_load : own;
    int rc = -1;
    if (cost != NULL && shard_of != NULL && load != NULL) {
        for (size_t i = 0; i < *total; i++) {
            cost[i] = item_cost(&recs[i].item,
                                &mx->wspecs[recs[i].item.workload]);
        }
        rc = gc_shard_assign(cost, *total, mx->shard.count, load, shard_of);
    }
    size_t kept = 0;
    for (size_t i = 0; rc == 0 && i < *total; i++) {
        if (shard_of[i] + 1 == mx->shard.index) {
            recs[kept++] = recs[i];
        }
    }
    *total = rc == 0 ? kept : *total;
    free(cost);
    free(shard_of);
    free(own);
    return rc;
}

struct item
matrix_item(const struct matrix *mx, int c, int w, uint64_t size,
            uint64_t rep)
{
    return (struct item){
        .collector = mx->collectors[c], .workload = w, .size = size,
        .rep = rep, .seed = mx->seed + rep, .pause_cpu = mx->pause_cpu,
        .layout = mx->layout, .retained = mx->retained, .warmup = mx->warmup,
        .prefault = mx->prefault,
        .cascade_min =
            mx->cascade_min ? mx->cascade_min : GC_CASCADE_MIN_DEFAULT,
        .cpu = mx->place ? mx->place->cpu : -1};
}

void
order_shuffle(const struct matrix *mx, struct record *recs, size_t n,
              uint64_t salt)
{
    if (mx->place != NULL && !mx->place->is_sequential) {
        uint64_t rng = mx->place->order_seed ^ (salt * 0xd1b54a32d192ed03ULL);
        gc_shuffle(recs, n, sizeof *recs, &rng);
    }
}

/* Each round (a run of records of one repetition) in a shuffled order,
 * so that no cell always runs first or last in it; the round's
 * repetition salts the generator, so that rounds run later (bench's
 * extra repetitions) get orders of their own. */
static void
order_rounds(const struct matrix *mx, struct record *recs, size_t total)
{
    for (size_t i = 0, j; i < total; i = j) {
        for (j = i + 1; j < total && recs[j].item.rep == recs[i].item.rep;
             j++) {
        }
        order_shuffle(mx, &recs[i], j - i, recs[i].item.rep);
    }
}

void
run_records(const struct matrix *mx, struct record *recs, size_t total,
            size_t first_index)
{
    if (mx->in_process && total > 0 && recs[0].item.cpu >= 0) {
        gc_place_pin_self(recs[0].item.cpu); /* this process is measured */
    }
    uint64_t started = gc_clock_ns();
    for (size_t k = 0; k < total; k++) {
        struct record *rec = &recs[k];
        const struct gc_workload_spec *ws = &mx->wspecs[rec->item.workload];
        double elapsed = (double)(gc_clock_ns() - started) / 1e9;
        if (!mx->quiet) {
            fprintf(stderr,
                    "[%zu/%zu] %s on %s%s, size %llu, rep %llu (%.1f s, ETA "
                    "%.1f s)\n",
                    k + 1, total, rec->item.collector,
                    mx->workloads[rec->item.workload],
                    rec->item.peer ? " (twin)" : "",
                    (unsigned long long)rec->item.size,
                    (unsigned long long)rec->item.rep + 1, elapsed,
                    k ? elapsed / (double)k * (double)(total - k) : 0.0);
        }
        rec->started = time(NULL); /* a label for the record, not a timing */
        rec->item.run_index = first_index + k + 1;
        if (rec->item.peer != NULL) {
            run_peer(&rec->item, ws, &rec->r, &rec->samples);
        }
        else if (mx->in_process) {
            run_in_child(&rec->item, ws, mx->baseline, mx->memory_cap, true,
                         &rec->r, &rec->samples, &rec->mem);
        }
        else {
            run_isolated(&rec->item, ws, mx->baseline, mx->memory_cap,
                         &rec->r, &rec->samples, &rec->mem);
        }
    }
}

static int
by_slot(const void *a, const void *b)
{
    size_t x = ((const struct record *)a)->item.slot;
    size_t y = ((const struct record *)b)->item.slot;
    return (x > y) - (x < y);
}

struct record *
run_matrix(const struct matrix *mx, size_t *total_out)
{
    int nsizes = mx->nsizes ? mx->nsizes : 1;
    /* Each peer runs twice, with and without the callbacks recorder, so
     * the recorder's own cost is known. */
    size_t total = (size_t)(mx->ncollectors + 2 * mx->npeers) *
                   (size_t)mx->nworkloads * (size_t)nsizes * mx->repeat;
    struct record *recs = calloc(total ? total : 1, sizeof *recs);
    if (recs == NULL) {
        return NULL;
    }
    size_t k = 0;
    /* Repetitions outermost: each is a round of every cell, which
     * order_rounds shuffles, so collectors interleave and drift hits
     * them alike. */
    for (uint64_t r = 0; r < mx->repeat; r++) {
        for (int w = 0; w < mx->nworkloads; w++) {
            for (int z = 0; z < nsizes; z++) {
                uint64_t size = mx->nsizes
                                    ? mx->sizes[z]
                                    : mx->wspecs[w].workload->default_size;
                for (int c = 0; c < mx->ncollectors; c++) {
                    recs[k++].item =
                        matrix_item(mx, c, w, size, mx->first_rep + r);
                }
                for (int p = 0; p < 2 * mx->npeers; p++) {
                    const char *python = mx->peers[p / 2];
                    bool has_recorder = (p + (int)r) % 2 == 1; /* alternate */
                    const char *label = peer_label(python, has_recorder);
                    recs[k++].item = (struct item){
                        .collector = label ? label : python, .workload = w,
                        .size = size, .rep = mx->first_rep + r,
                        .seed = mx->seed + mx->first_rep + r,
                        .peer = python, .has_recorder = has_recorder,
                        .cpu = mx->place ? mx->place->cpu : -1};
                }
            }
        }
    }
    /* Shares are cut from the matrix order, the same in every shard
     * whatever its order seed; each share then shuffles its own. */
    if (mx->shard.count > 0 && keep_shard(mx, recs, &total) != 0) {
        free(recs);
        return NULL;
    }
    for (k = 0; k < total; k++) {
        recs[k].item.slot = k;
    }
    order_rounds(mx, recs, total);
    run_records(mx, recs, total, 0);
    /* Back in matrix order: tables and files list cells as the matrix
     * does, not as the shuffle happened to run them. */
    qsort(recs, total, sizeof *recs, by_slot);
    *total_out = total;
    return recs;
}

void
free_records(struct record *recs, size_t total)
{
    for (size_t i = 0; i < total; i++) {
        free(recs[i].samples);
        free(recs[i].mem);
    }
    free(recs);
}

/* Failed runs and checksums that disagree: 1, else 0.  A run that hit
 * its memory cap is reported but is what `none` does on cycles. */
int
check_records(const struct record *recs, size_t total,
              const char *const *workloads)
{
    int status = 0;
    for (size_t i = 0; i < total; i++) {
        if (recs[i].r.status != RUN_OK) {
            fprintf(stderr, "gclab: %s on %s: %s\n", recs[i].item.collector,
                    workloads[recs[i].item.workload],
                    status_names[recs[i].r.status]);
            if (recs[i].r.status != RUN_OUT_OF_MEMORY) {
                status = 1;
            }
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            /* Same workload, size and seed (repetition): same result. */
            if (recs[j].r.status == RUN_OK &&
                recs[j].item.workload == recs[i].item.workload &&
                recs[j].item.size == recs[i].item.size &&
                recs[j].item.rep == recs[i].item.rep &&
                recs[j].r.m.checksum != recs[i].r.m.checksum) {
                fprintf(stderr,
                        "gclab: %s on %s: checksum %llu differs from %s's "
                        "%llu\n",
                        recs[i].item.collector,
                        workloads[recs[i].item.workload],
                        (unsigned long long)recs[i].r.m.checksum,
                        recs[j].item.collector,
                        (unsigned long long)recs[j].r.m.checksum);
                status = 1;
                break;
            }
        }
    }
    return status;
}

/* Chrome's trace-event format (loads in Perfetto and chrome://tracing):
 * each run is a process of its own, holding its measured region and
 * every kept pause, in microseconds from the region's start. */
static int
write_trace(const char *out_dir, const struct record *recs, size_t total,
            const struct matrix *mx)
{
    struct gc_buf b = {0};
    gc_buf_printf(&b, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
    for (size_t i = 0; i < total; i++) {
        const struct record *r = &recs[i];
        char name[400];
        snprintf(name, sizeof name, "%s on %s, size %llu, rep %llu",
                 r->item.collector, mx->workloads[r->item.workload],
                 (unsigned long long)r->item.size,
                 (unsigned long long)r->item.rep);
        gc_buf_printf(&b, "%s\n{\"ph\":\"M\",\"pid\":%zu,\"tid\":1,"
                          "\"name\":\"process_name\",\"args\":{\"name\":",
                      i ? "," : "", i + 1);
        gc_buf_json_string(&b, name);
        gc_buf_printf(&b, "}}");
        gc_buf_printf(&b, ",\n{\"ph\":\"X\",\"pid\":%zu,\"tid\":1,"
                          "\"name\":\"measured\",\"cat\":\"phase\","
                          "\"ts\":0,\"dur\":%.3f,\"args\":{\"status\":"
                          "\"%s\"}}",
                      i + 1, (double)r->r.m.wall_ns / 1e3,
                      status_names[r->r.status]);
        for (uint32_t j = 0; r->samples != NULL && j < r->r.nsamples; j++) {
            const struct gc_pause_sample *p = &r->samples[j];
            if (p->kind == GC_PAUSE_SKIP) {
                gc_buf_printf(&b, ",\n{\"ph\":\"i\",\"s\":\"t\",\"pid\":%zu,"
                                  "\"tid\":2,\"name\":\"skip gen%u\","
                                  "\"cat\":\"decision\",\"ts\":%.3f,"
                                  "\"args\":{\"why\":\"%s\","
                                  "\"live_bytes\":%llu}}",
                              i + 1, p->gen, (double)p->start_ns / 1e3,
                              gc_skip_name((enum gc_skip)p->reason),
                              (unsigned long long)p->live_bytes);
                continue;
            }
            if (p->kind == GC_PAUSE_CASCADE) {
                gc_buf_printf(&b, ",\n{\"ph\":\"X\",\"pid\":%zu,"
                                  "\"tid\":3,\"name\":\"refcount cascade\","
                                  "\"cat\":\"refcount\",\"ts\":%.3f,"
                                  "\"dur\":%.3f,\"args\":{\"live_bytes\":"
                                  "%llu}}",
                              i + 1, (double)p->start_ns / 1e3,
                              (double)p->pause_ns / 1e3,
                              (unsigned long long)p->live_bytes);
                continue;
            }
            gc_buf_printf(&b, ",\n{\"ph\":\"X\",\"pid\":%zu,\"tid\":2,"
                              "\"name\":\"collect gen%u\",\"cat\":\"gc\","
                              "\"ts\":%.3f,\"dur\":%.3f,\"args\":{"
                              "\"generation\":%u,\"reason\":\"%s\","
                              "\"live_bytes\":%llu,\"promoted\":%llu,"
                              "\"cpu_ns\":%llu,"
                              "\"minor_faults\":%llu,\"ctx_switches\":%llu}}",
                          i + 1, p->gen, (double)p->start_ns / 1e3,
                          (double)p->pause_ns / 1e3, p->gen,
                          gc_reason_name((enum gc_reason)p->reason),
                          (unsigned long long)p->live_bytes,
                          (unsigned long long)p->promoted,
                          (unsigned long long)p->cpu_ns,
                          (unsigned long long)p->minor_faults,
                          (unsigned long long)p->ctx_switches);
        }
    }
    gc_buf_printf(&b, "\n]}\n");
    int rc = gc_write_named("run", out_dir, "trace.json", &b);
    free(b.data);
    return rc;
}

/* ---- gclab run ------------------------------------------------------------ */

int
gc_cmd_run(int argc, char **argv)
{
    const char *collectors[MAX_ITEMS], *workloads[MAX_ITEMS];
    int ncollectors = 0, nworkloads = 0;
    uint64_t sizes[MAX_ITEMS];
    int nsizes = 0;
    uint64_t repeat = 1, seed = 1, baseline = UINT64_MAX;
    uint64_t memory_cap = (uint64_t)4 << 30;
    const char *out_dir = NULL;
    const char *peers[8];
    int npeers = 0;
    bool allow_debug = false, trace = false, pause_cpu = false;
    bool retained = false, prefault_heap = false, no_fork = false;
    uint64_t warmup = 0, cascade_min = GC_CASCADE_MIN_DEFAULT;
    enum gc_layout layout = GC_LAYOUT_ALLOC_ORDER;
    struct gc_shard shard = {0, 0};
    struct gc_place place;
    gc_place_init(&place);
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--allow-debug") == 0) {
            allow_debug = true;
            continue;
        }
        if (strcmp(opt, "--trace") == 0) {
            trace = true;
            continue;
        }
        if (strcmp(opt, "--pause-cpu") == 0) {
            pause_cpu = true;
            continue;
        }
        if (strcmp(opt, "--retained") == 0) {
            retained = true;
            continue;
        }
        if (strcmp(opt, "--prefault") == 0) {
            prefault_heap = true;
            continue;
        }
        if (strcmp(opt, "--no-fork") == 0) {
            no_fork = true;
            continue;
        }
        if (strcmp(opt, "--help") == 0) {
            printf(
                "usage: gclab run [--collector SPEC]... [--workload "
                "NAME[:k=v,...]]...\n"
                "         [--size N[,N...]] [--repeat N] [--seed N] "
                "[--out DIR] [--trace]\n"
                "         [--peer PYTHON]... [--baseline N] "
                "[--memory-cap-mb N] [--pause-cpu]\n"
                "         [--layout alloc-order|shuffled] [--retained] "
                "[--warmup N] [--prefault]\n"
                "         [--cascade-min N] [--shard I/N] [--no-fork] "
                "[--allow-debug]\n"
                "         [--cpu N|auto|none] [--order random|sequential] "
                "[--order-seed S]\n"
                "Runs every (collector, workload, size, repetition) in a "
                "child process of its\n"
                "own and prints means with 95%% CIs; --out writes "
                "results.jsonl, results.csv\n"
                "and summary.json (results/schema.md), --trace also "
                "trace.json.\n"
                "--shard I/N runs only share I of N of the matrix, balanced "
                "by expected cost\n"
                "(docs/sharding.md); gclab merge joins the shares.\n"
                "--no-fork runs everything in this process, without the "
                "memory cap or crash\n"
                "isolation: for valgrind and debuggers (gclab check counts "
                "instructions so).\n"
                "--cpu pins each run to one CPU (default auto: the same CPU "
                "every time,\n"
                "docs/placement.md); --order random (default) shuffles each "
                "round of\n"
                "repetitions by a seed that the records keep.\n");
            return 0;
        }
        if (i + 1 >= argc) {
            return usage("unknown or incomplete option", opt);
        }
        const char *val = argv[++i];
        int placed = gc_place_option(&place, "run", opt, val);
        if (placed == 2) {
            return 2;
        }
        if (placed == 1) {
            continue;
        }
        if (strcmp(opt, "--collector") == 0 && ncollectors < MAX_ITEMS) {
            collectors[ncollectors++] = val;
        }
        else if (strcmp(opt, "--workload") == 0 && nworkloads < MAX_ITEMS) {
            workloads[nworkloads++] = val;
        }
        else if (strcmp(opt, "--size") == 0) {
            /* One size or a comma-separated list; an empty piece ('',
             * '1,,2') is a mistake, not the default size. */
            for (const char *p = val;; p++) {
                char tok[32];
                size_t n = strcspn(p, ",");
                if (nsizes == MAX_ITEMS || n >= sizeof tok) {
                    return usage("--size needs integers from 1 to 1e9, not",
                                 val);
                }
                memcpy(tok, p, n);
                tok[n] = '\0';
                if (!parse_count(tok, 1000000000, &sizes[nsizes])) {
                    return usage("--size needs integers from 1 to 1e9, not",
                                 val);
                }
                nsizes++;
                p += n;
                if (*p == '\0') {
                    break;
                }
            }
        }
        else if (strcmp(opt, "--repeat") == 0) {
            if (!parse_count(val, 10000, &repeat)) {
                return usage("--repeat needs an integer from 1 to 10000, not",
                             val);
            }
        }
        else if (strcmp(opt, "--seed") == 0) {
            if (!parse_count(val, UINT64_MAX / 2, &seed)) {
                return usage("--seed needs a positive integer, not", val);
            }
        }
        else if (strcmp(opt, "--baseline") == 0) {
            if (strcmp(val, "0") == 0) {
                baseline = 0;
            }
            else if (!parse_count(val, 100000000, &baseline)) {
                return usage("--baseline needs an integer from 0 to 1e8, not",
                             val);
            }
        }
        else if (strcmp(opt, "--memory-cap-mb") == 0) {
            uint64_t mb;
            if (!parse_count(val, 1 << 20, &mb)) {
                return usage("--memory-cap-mb needs a positive integer, not",
                             val);
            }
            memory_cap = mb << 20;
        }
        else if (strcmp(opt, "--out") == 0) {
            out_dir = val;
        }
        else if (strcmp(opt, "--cascade-min") == 0) {
            if (!parse_count(val, UINT64_MAX / 2, &cascade_min)) {
                return usage("--cascade-min needs a positive integer, not",
                             val);
            }
        }
        else if (strcmp(opt, "--warmup") == 0) {
            if (strcmp(val, "0") != 0 && !parse_count(val, 100, &warmup)) {
                return usage("--warmup needs an integer from 0 to 100, not",
                             val);
            }
        }
        else if (strcmp(opt, "--layout") == 0) {
            if (gc_layout_parse(val, &layout) != GC_OK) {
                return usage("--layout needs alloc-order or shuffled, not",
                             val);
            }
        }
        else if (strcmp(opt, "--shard") == 0) {
            if (!gc_shard_parse(val, &shard)) {
                return usage("--shard needs I/N with 1 <= I <= N <= 1000, not",
                             val);
            }
        }
        else if (strcmp(opt, "--peer") == 0 && npeers < 8) {
            if (peer_label(val, false) == NULL) {
                return usage("--peer needs a Python interpreter; cannot run",
                             val);
            }
            peers[npeers++] = val;
        }
        else {
            return usage("unknown option", opt);
        }
    }
    if (trace && out_dir == NULL) {
        return usage("--trace writes DIR/trace.json and needs --out DIR",
                     NULL);
    }
    if (run_check_build("run", allow_debug) != 0) {
        return 2;
    }
    if (ncollectors == 0) {
        collectors[ncollectors++] = "cpython";
    }
    if (nworkloads == 0) {
        for (size_t w = 0; gc_workloads[w] != NULL && w < MAX_ITEMS; w++) {
            workloads[nworkloads++] = gc_workloads[w]->name;
        }
    }
    /* Check every spec and the output directory before running. */
    char err[256];
    static struct gc_workload_spec wspecs[MAX_ITEMS];
    for (int c = 0; c < ncollectors; c++) {
        struct gc_spec spec;
        if (gc_spec_parse(collectors[c], &spec, err, sizeof err) != GC_OK) {
            fprintf(stderr, "gclab run: %s\n", err);
            return 2;
        }
        struct gc_heap *probe;
        if (gc_heap_new_spec(collectors[c], NULL, &probe, err, sizeof err) !=
            GC_OK) {
            fprintf(stderr, "gclab run: %s\n", err);
            return 2;
        }
        gc_heap_destroy(probe);
    }
    for (int w = 0; w < nworkloads; w++) {
        if (gc_workload_spec_parse(workloads[w], &wspecs[w], err,
                                   sizeof err) != GC_OK) {
            fprintf(stderr, "gclab run: %s\n", err);
            return 2;
        }
    }
    static const char *const outputs[] = {RESULTS_FILES, "trace.json",
                                          "system.json", "memory.tsv",
                                          NULL};
    char failed[4096];
    if (out_dir != NULL &&
        gc_out_dir_ready(out_dir, outputs, failed, sizeof failed) != 0) {
        fprintf(stderr, "gclab run: cannot write %s: %s\n", failed,
                strerror(errno));
        return 2;
    }
    if (gc_place_setup(&place, "run") != 0) {
        return 2;
    }
    struct matrix mx = {.collectors = collectors, .ncollectors = ncollectors,
                        .workloads = workloads, .wspecs = wspecs,
                        .nworkloads = nworkloads, .sizes = sizes,
                        .nsizes = nsizes, .peers = peers, .npeers = npeers,
                        .repeat = repeat, .seed = seed,
                        .baseline = baseline, .memory_cap = memory_cap,
                        .pause_cpu = pause_cpu, .layout = layout,
                        .retained = retained, .warmup = warmup,
                        .prefault = prefault_heap, .shard = shard,
                        .cascade_min = cascade_min, .in_process = no_fork,
                        .place = &place};
    size_t total;
    struct record *recs = run_matrix(&mx, &total);
    if (recs == NULL) {
        fprintf(stderr, "gclab run: out of memory\n");
        return 1;
    }
    int status = check_records(recs, total, workloads);
    print_summary_table(recs, total, collectors[0], workloads);
    if (place.cpu >= 0) {
        printf("# each run pinned to CPU %d (--cpu %s)", place.cpu,
               place.cpu_pin);
    }
    else {
        printf("# runs not pinned (--cpu %s)", place.cpu_pin);
    }
    if (place.is_sequential) {
        printf("; in matrix order\n");
    }
    else {
        printf("; rounds in random order, --order-seed %llu\n",
               (unsigned long long)place.order_seed);
    }
    if (out_dir != NULL && write_results(out_dir, recs, total, &mx) != 0) {
        status = 1;
    }
    if (trace && write_trace(out_dir, recs, total, &mx) != 0) {
        status = 1;
    }
    free_records(recs, total);
    return status;
}

int
gc_cmd_twin(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "gclab twin: usage: gclab twin WORKLOAD [[--cpu "
                        "N|auto|none] --python PATH [key=value...]]\n");
        return 2;
    }
    const struct gc_workload *w = gc_workload_find(argv[1]);
    if (w == NULL) {
        char err[256];
        struct gc_workload_spec spec;
        gc_workload_spec_parse(argv[1], &spec, err, sizeof err);
        fprintf(stderr, "gclab twin: %s\n", err);
        return 2;
    }
    if (argc == 2) {
        fputs(w->twin, stdout);
        return 0;
    }
    /* gclab twin W [--cpu N|auto|none] --python PATH ...: the
     * interpreter runs pinned, as a peer of gclab run does. */
    struct gc_place place;
    gc_place_init(&place);
    int placed =
        argc >= 4 ? gc_place_option(&place, "twin", argv[2], argv[3]) : 0;
    if (placed == 2) {
        return 2;
    }
    if (placed == 1) {
        argv += 2;
        argc -= 2;
    }
    if (strcmp(argv[2], "--python") != 0 || argc < 4) {
        fprintf(stderr, "gclab twin: expected --python PATH, not '%s'\n",
                argv[2]);
        return 2;
    }
    if (gc_place_setup(&place, "twin") != 0 ||
        gc_place_pin_self(place.cpu) != 0) {
        return 2;
    }
    /* Run it: python -c TEXT args... */
    char *args[64];
    int n = 0;
    args[n++] = argv[3];
    args[n++] = "-c";
    args[n++] = (char *)w->twin;
    for (int i = 4; i < argc && n < 63; i++) {
        args[n++] = argv[i];
    }
    args[n] = NULL;
    fflush(stdout);
    execv(argv[3], args);
    fprintf(stderr, "gclab twin: cannot run '%s': %s\n", argv[3],
            strerror(errno));
    return 2;
}

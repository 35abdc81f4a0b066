/* harness/measure/child.c -- one run of one item: the heap it measures
 * (the collector and layout asked for, the interpreter's own objects in
 * the oldest generation, collected once), set-up and warm-up, the
 * measured region under the listener (listener.c), the accounting run
 * for retained garbage; in a child process of its own, or in this one
 * (gclab run --no-fork). */
#define _GNU_SOURCE /* RUSAGE_THREAD */
#include "gc.h"
#include "harness.h"
#include "workload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "listener.h"
#include "memseries-internal.h"
#include "measure.h"


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

/* What `import weakref` adds to those, for workloads whose twin imports
 * it (gc.collect() and len(gc.get_objects()) before and after the
 * import, on the same interpreters; 3.11 has it imported at start-up).
 * Without them the model's long_lived_total was 411 short of
 * http-client's twin on 3.14 (6849 at the region's start), and its
 * first full collection came at the 589th collection where 3.14.10's
 * came at the 625th (docs/memory.md). */
static const uint64_t weakref_module_objects[GC_PROFILE_COUNT] = {
    [GC_PROFILE_2_7] = 63,
    [GC_PROFILE_3_8] = 344,
    [GC_PROFILE_3_11] = 0,
    [GC_PROFILE_3_13] = 451,
    [GC_PROFILE_3_14] = 411,
    [GC_PROFILE_3_15] = 416,
};

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
new_run_heap(const struct item *it, const struct gc_workload *w,
             uint64_t baseline, struct gc_heap **out, char *effective,
             size_t effective_bytes)
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
    enum gc_profile profile = gc_heap_profile(*out);
    uint64_t base = baseline != UINT64_MAX
                        ? baseline
                        : interpreter_objects[profile] +
                              (w->twin_imports_weakref
                                   ? weakref_module_objects[profile]
                                   : 0);
    if (add_baseline(*out, base) != GC_OK ||
        (profile == GC_PROFILE_2_7 &&
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
    if (new_run_heap(it, ws->workload, baseline, &g.heap, effective,
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
    enum run_status st = new_run_heap(it, ws->workload, baseline, &scratch,
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
void
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
    out->status = new_run_heap(it, ws->workload, baseline, &heap,
                               out->effective, sizeof out->effective);
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
    struct pause_log log;
    listen_start(&log, heap, it->pause_cpu, it->cascade_min, &out->m);
    struct gc_workload_params p = params_of(it, ws);
    listen_requests(&log, &p);
    uint64_t allocs0 = gc_heap_stats(heap)->gc_objects_allocated;
    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);
    uint64_t t0 = gc_clock_ns();
    log.start_ns = t0;
    enum gc_status rc = gc_run_measured(ws->workload, heap, &p,
                                        &out->m.checksum);
    out->m.wall_ns = gc_clock_ns() - t0;
    getrusage(RUSAGE_SELF, &ru1);
    listen_finish(&log, heap, &out->m);
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
void
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
    if (ok && out->nsamples > 0 && out->nsamples <= LISTEN_MAX_SAMPLES) {
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

/* harness/measure/listener.h -- the listener (listener.c): what a run's
 * events become.  child.c starts it on the heap it measures, marks the
 * region's start in start_ns, and finishes it after the region; the
 * samples and the memory series stay in the log for the caller to keep
 * or free.  Private to harness/measure/. */
#ifndef GCLAB_LISTENER_H
#define GCLAB_LISTENER_H

#include "gc.h"
#include "harness.h"
#include "memseries-internal.h"
#include "workload.h"

#include <sys/resource.h>

/* The most pause samples a run keeps (for the timeline and the CDF). */
#define LISTEN_MAX_SAMPLES 100000

/* Request boundaries from the workload (gc_workload_request): when each
 * began and ended, on the harness's clock. */
struct request_log {
    uint64_t *start, *end;
    size_t n, cap;
    bool is_open, lost; /* a request begun; memory ran out */
};

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
    uint64_t setup_peak, live0; /* the heap before the region */
    struct request_log requests;
    struct gc_listener l; /* the heap holds a pointer to it */
};

/* Listens to heap from now on: pauses (on the thread CPU clock too
 * when cpu), cascades freeing at least cascade_min, the memory series;
 * resets the heap's peak.  Metrics go to m. */
void listen_start(struct pause_log *log, struct gc_heap *heap, bool cpu,
                  uint64_t cascade_min, struct gc_metrics *m);
/* Hooks the workload's request boundaries into the log. */
void listen_requests(struct pause_log *log, struct gc_workload_params *p);
/* After the region (m->wall_ns set): collections per generation,
 * mutator time, MMU, phase times, percentiles, request latencies and
 * the memory figures into m.  log->samples and log->mem.pts remain. */
void listen_finish(struct pause_log *log, struct gc_heap *heap,
                   struct gc_metrics *m);
/* mmu_1ms, mmu_10ms and mmu_100ms from n pause samples (a peer's). */
void listen_mmu_of_samples(const struct gc_pause_sample *s, size_t n,
                           struct gc_metrics *m);

#endif /* GCLAB_LISTENER_H */

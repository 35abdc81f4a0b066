/* harness/measure/memseries-internal.h -- memory over a run: the series of
 * live, OS-visible and retained-garbage bytes against bytes allocated,
 * its peaks and the steady-state verdict.  Private to harness/. */
#ifndef GCLAB_MEMSERIES_INTERNAL_H
#define GCLAB_MEMSERIES_INTERNAL_H

#include "harness.h"

/* One point, taken when gross allocation crosses a multiple of the
 * interval: deterministic for a seed, so the accounting run's points
 * fall where the measured run's did. */
struct gc_mem_point {
    uint64_t alloc_bytes;   /* gross allocation since the region began */
    uint64_t live_bytes;    /* the heap's live bytes */
    uint64_t os_bytes;      /* gc_heap_os_bytes */
    uint64_t garbage_bytes; /* oracle mark; accounting run only, else 0 */
};

/* At most this many points: when full, every other one goes and the
 * interval doubles, so a run of any length keeps between half and all
 * of them, evenly spaced. */
#define GC_MEMSERIES_MAX 1024
/* The first interval: 64 kB of allocation. */
#define GC_MEMSERIES_EVERY_BYTES ((uint64_t)64 * 1024)

struct gc_memseries {
    struct gc_heap *heap;
    struct gc_listener listener; /* the heap's, re-set as the interval grows */
    struct gc_mem_point *pts;    /* GC_MEMSERIES_MAX of them, or NULL */
    size_t n;
    uint64_t alloc0;             /* gross allocation when it began */
    bool has_garbage;            /* mark the garbage at every point */
    bool has_failed;             /* a mark ran out of memory */
};

/* Starts a series on heap: fills l's memory_sample and interval (l's
 * data must lead to s through sample's caller, see gc_memseries_sample)
 * and sets l as the heap's listener.  false if memory ran out (then no
 * series, and l is set without sampling). */
bool gc_memseries_start(struct gc_memseries *s, struct gc_heap *heap,
                        struct gc_listener *l, void (*sample)(void *data),
                        bool has_garbage);
/* Takes a point now (from the listener's memory_sample, or at the end). */
void gc_memseries_sample(struct gc_memseries *s);

/* The steady-state verdict: the least-squares slope of live bytes over
 * allocation in the second half of the series, times that half's span,
 * in percent of its mean live bytes (negative: falling).  Levels off
 * when below GC_STEADY_TOLERANCE_PCT; grows otherwise.  Fewer than 8
 * points in the half: no verdict (false). */
#define GC_STEADY_TOLERANCE_PCT 10.0
bool gc_memseries_growth(const struct gc_mem_point *pts, size_t n,
                         double *growth_pct);

/* Copies the garbage of the accounting run's points into the measured
 * run's, point by point where both fell at the same allocation. */
void gc_memseries_merge_garbage(struct gc_mem_point *dst, size_t ndst,
                                const struct gc_mem_point *src, size_t nsrc);


/* memory.tsv's first line (results/schema.md), without its newline:
 * written by gc_memseries_write, checked by its reader (record.c). */
#define GC_MEMSERIES_HEADER                                                   \
    "run\tcollector\tworkload\tsize\trepetition\talloc_bytes\tlive_bytes\t" \
    "os_bytes\tgarbage_bytes"

struct record;
/* DIR/memory.tsv, atomically: a header line, then every run's points,
 * the run named by its record's collector, workload, size and
 * repetition.  -1 after a line on stderr naming cmd. */
int gc_memseries_write(const char *cmd, const char *out_dir,
                       const struct record *recs, size_t total,
                       const char *const *workloads);

#endif /* GCLAB_MEMSERIES_INTERNAL_H */

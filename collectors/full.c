/* collectors/full.c -- non-generational: every collection examines the
 * whole heap, the policy of CPython's free-threaded build (without its
 * allocator and deferred refcounts).
 *
 * All tracked objects are one population: new ones are linked into
 * generation 0 and every collection merges everything into generation 2
 * and collects it there.  An automatic collection starts when the
 * containers allocated since the last one (count[0], as the heap keeps
 * it) exceed max(min, ratio x the survivors of the last collection), so
 * the work per allocation stays constant as the heap grows.  The
 * generation asked of collect(gen) only labels stats and callbacks.
 * threshold0 == 0 (gc.set_threshold(0)) disables automatic collection,
 * as everywhere.
 *
 * Options: ratio (default 0.25), min (default 700), and defer=off|os|
 * live, the free-threaded build's memory deferral (CPython 3.14,
 * issue 133399): a due collection is skipped unless memory grew 10%
 * since the last collection or the count passed 40x the trigger.  With
 * defer=os memory is what the process holds from the system
 * (gc_heap_os_bytes), which an allocator that keeps freed pages never
 * lowers, so the skip acts like a 40x threshold (issue 148937); with
 * defer=live it is the allocator's live bytes, as the fix (PR 148940)
 * asks mimalloc. */
#include "gc-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

struct full_state {
    double ratio;
    uint64_t min;
    uint64_t survivors; /* tracked objects after the last collection */
    uint64_t collections; /* the sweeps: each examines all */
    int defer;          /* DEFER_* */
    uint64_t last_mem;  /* memory as defer= reads it, at the last one */
    bool is_deferring;  /* a skip was logged since the last collection */
};

enum { DEFER_OFF, DEFER_OS, DEFER_LIVE };

static uint64_t
memory_now(const struct gc_heap *heap, int defer)
{
    return defer == DEFER_OS ? gc_heap_os_bytes(heap)
                             : gc_heap_stats(heap)->live_bytes;
}

static gc_init_fn full_init;
static gc_destroy_fn full_destroy;
static gc_caps_fn full_caps;
static gc_collect_fn full_collect;
static gc_trigger_fn full_trigger;
static gc_retrigger_fn full_retrigger;
static gc_sweeps_fn full_sweeps;

static const struct gc_option full_options[] = {
    {"ratio", "0.25",
     "collect after ratio x survivors of the last collection allocations",
     GC_OPT_REAL, 0, 1000, NULL, NULL},
    {"min", "700", "but never after fewer allocations than this",
     GC_OPT_COUNT, 1, 1000000000, NULL, NULL},
    {"defer", "off", "skip unless memory grew 10% (3.14t); os never falls",
     GC_OPT_WORD, 0, 0, "off|os|live", NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

static enum gc_status
full_init(struct gc_heap *heap, const struct gc_option_value *opts,
          size_t nopts, void **state, char *err, size_t err_bytes)
{
    struct gc_option_value scratch[3];
    double ratio =
        gc_option_get(full_options, opts, nopts, "ratio", &scratch[0])->real;
    uint64_t min =
        gc_option_get(full_options, opts, nopts, "min", &scratch[1])->u[0];
    int defer = /* off|os|live, as DEFER_* */
        gc_option_get(full_options, opts, nopts, "defer", &scratch[2])->word;
    *state = NULL;
    struct full_state *st = gc_mem_alloc(heap, sizeof *st);
    if (st == NULL) {
        snprintf(err, err_bytes, "out of memory");
        return GC_ENOMEM;
    }
    st->ratio = ratio;
    st->min = min;
    st->survivors = 0;
    st->collections = 0;
    st->defer = defer;
    st->last_mem = 0;
    st->is_deferring = false;
    *state = st;
    return GC_OK;
}

static void
full_destroy(struct gc_heap *heap, void *state)
{
    gc_mem_free(heap, state, sizeof(struct full_state));
}

static uint32_t
full_caps(const struct gc_heap *heap, const void *state)
{
    (void)state;
    return gc_profile_caps(heap->profile) &
           ~(GC_CAP_GENERATIONS | GC_CAP_LONG_LIVED_RULE |
             GC_CAP_DEFAULT_THRESHOLDS | GC_CAP_INCREMENTAL);
}

static void
full_retrigger(struct gc_heap *heap)
{
    struct full_state *st = heap->collector_state;
    if (!heap->is_enabled || heap->gens[0].threshold == 0) {
        heap->trigger_count = UINT64_MAX;
        return;
    }
    double scaled = st->ratio * (double)st->survivors;
    uint64_t t = scaled > (double)st->min ? (uint64_t)scaled : st->min;
    heap->trigger_count = t;
}

static void
full_collect(struct gc_heap *heap, int gen, enum gc_reason why,
             struct gc_collect_result *res)
{
    (void)gen;
    (void)why;
    struct full_state *st = heap->collector_state;
    for (int g = 0; g < GC_NGENS; g++) {
        heap->gens[g].count = 0;
    }
    struct gc_head *all = &heap->gens[GC_NGENS - 1].head;
    for (int g = 0; g < GC_NGENS - 1; g++) {
        gc_glist_merge(&heap->gens[g].head, all);
    }
    struct gc_head unreachable;
    res->visited = gc_cycles_deduce_unreachable(heap, all, &unreachable);
    gc_cycles_untrack_tuples(heap, all);
    gc_cycles_untrack_dicts(heap, all);
    st->survivors = gc_glist_size(all);
    gc_emit_phase_end(heap, GC_PHASE_UNTRACK);
    gc_cycles_handle_unreachable(heap, &unreachable, all, all, res);
    gc_free_lists_clear(heap); /* every collection is a full one */
    st->collections++;
    st->last_mem = memory_now(heap, st->defer);
    st->is_deferring = false;
    full_retrigger(heap);
}

static void
full_trigger(struct gc_heap *heap, bool is_safepoint)
{
    if (heap->profile >= GC_PROFILE_3_13 && !is_safepoint) {
        heap->is_gc_scheduled = true;
        return;
    }
    if (!heap->is_enabled || heap->gens[0].count <= heap->trigger_count) {
        return;
    }
    struct full_state *st = heap->collector_state;
    if (st->defer != DEFER_OFF &&
        memory_now(heap, st->defer) <= st->last_mem + st->last_mem / 10 &&
        heap->gens[0].count <= 40 * heap->trigger_count) {
        if (!st->is_deferring) {
            gc_emit_skip(heap, GC_NGENS - 1, GC_SKIP_MEMORY);
            st->is_deferring = true;
        }
        return;
    }
    gc_collect_with_callback(heap, GC_NGENS - 1, GC_REASON_THRESHOLD);
}

/* Liveness: every collection examines the whole heap. */
static uint64_t
full_sweeps(const struct gc_heap *heap, const void *state)
{
    (void)heap;
    return ((const struct full_state *)state)->collections;
}


const struct gc_collector gc_collector_full = {
    .name = "full",
    .description = "non-generational: every collection scans the whole heap",
    .options = full_options,
    .init = full_init,
    .destroy = full_destroy,
    .caps = full_caps,
    .collect = full_collect,
    .trigger = full_trigger,
    .retrigger = full_retrigger,
    .sweeps = full_sweeps,
    .sweep_bound = 1,
};

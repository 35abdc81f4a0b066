/* collectors/cpython.c -- the reference collector: refcounting plus
 * CPython's three-generation cycle collector (gcmodule.c, gc.c), with
 * the same phases and names, in four version profiles.
 *
 * Policy (docs/semantics.md 3):
 *   - count[0] is kept by the heap: container allocations minus
 *     deallocations, never below 0.  Collecting generation g adds 1 to
 *     count[g+1] and zeroes count[0..g].
 *   - An allocation that takes count[0] past threshold[0] (enabled,
 *     threshold[0] != 0) collects the oldest generation whose count
 *     exceeds its threshold, with every younger one; generation 2 is
 *     skipped while long_lived_pending < long_lived_total / 4 (the 25%
 *     rule, 2.7/3.1 on).  On profile 3.13 the allocation only schedules
 *     that decision for the next safepoint, as CPython 3.12+ does.
 *   - Survivors move one generation up; a full collection untracks
 *     dicts and resets the long-lived counters.
 * Options (the table cpython_options, which gclab list prints):
 * threshold=T0[/T1[/T2]], pending-rule=on|off, pending-divisor=N (the
 * rule's 4), bytes=N, young-cap=N and generations=1|2|3.  bytes=N is a byte trigger as PEP
 * 848 proposes: a young collection once N kB have been allocated (every
 * block, payloads included) since the last collection, in place of the
 * young object count; older generations still go by their counts.
 * young-cap=N keeps the object trigger and adds that cap: a young
 * collection also runs once N kB have been allocated (PEP 848's cap is
 * about 24 MB, young-cap=24576).  Either fires at the next safepoint,
 * since an allocation may sit inside some object's construction.
 * generations=1|2|3: with 2, young survivors go straight to the oldest
 * generation (threshold2 and the 25% rule guard it); with 1, every
 * collection takes the whole heap.  Both drop GC_CAP_GENERATIONS, since
 * collect(1) then means something else. */
#include "gc-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

struct cpython_state {
    uint64_t long_lived_total;   /* survivors of the last full collection */
    uint64_t long_lived_pending; /* promoted into gen 2 since then */
    uint64_t full_collections;   /* the sweeps: each examines all */
    bool has_pending_rule;
    bool has_custom_thresholds;
    /* pending-divisor=: 4 is CPython's.  16 bits, in what was padding:
     * the state is charged to the heap, and peak_live_bytes must not
     * move for an option left at its default. */
    uint16_t pending_divisor;
    int ngens;                   /* generations=: 1, 2 or 3 */
    uint64_t trigger_bytes;      /* bytes= or young-cap=, 0: none */
    bool is_bytes_only;          /* bytes=: no young object trigger */
};

static gc_init_fn cpython_init;
static gc_destroy_fn cpython_destroy;
static gc_caps_fn cpython_caps;
static gc_collect_fn cpython_collect;
static gc_trigger_fn cpython_trigger;
static gc_retrigger_fn cpython_retrigger;
static gc_sweeps_fn cpython_sweeps;

static const struct gc_option cpython_options[] = {
    {"threshold", "700/10/10",
     "generation thresholds, as gc.set_threshold takes them (3.13 "
     "profile: 2000/10/10)",
     GC_OPT_COUNTS, INT32_MIN, INT32_MAX, NULL, NULL},
    {"pending-rule", "on",
     "skip full collections while pending < total/4", GC_OPT_WORD, 0, 0,
     "on|off", NULL},
    {"generations", "3", "how many generations are in use", GC_OPT_COUNT, 1,
     3, NULL, NULL},
    {"pending-divisor", "4",
     "the 25% rule's 4: full collections wait while pending < total / this",
     GC_OPT_COUNT, 1, 1000, NULL, NULL},
    {"bytes", "off",
     "young collection after N kB allocated (PEP 848), not objects",
     GC_OPT_KB_OR_OFF, 1, 1099511627776.0, NULL, NULL},
    {"young-cap", "off",
     "also a young collection after N kB allocated (PEP 848: 24576)",
     GC_OPT_KB_OR_OFF, 1, 1099511627776.0, NULL, NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

static enum gc_status
cpython_init(struct gc_heap *heap, const struct gc_option_value *opts,
             size_t nopts, void **state, char *err, size_t err_bytes)
{
    *state = NULL;
    struct gc_option_value scratch[6];
    const struct gc_option_value *threshold = gc_option_get(
        cpython_options, opts, nopts, "threshold", &scratch[0]);
    /* The table's default stands for the profile's own thresholds. */
    bool has_thresholds = threshold != &scratch[0];
    bool has_rule = gc_option_get(cpython_options, opts, nopts,
                                  "pending-rule", &scratch[1])
                        ->word == 0; /* on|off */
    int ngens = (int)gc_option_get(cpython_options, opts, nopts,
                                   "generations", &scratch[2])
                    ->u[0];
    uint64_t bytes = gc_option_get(cpython_options, opts, nopts, "bytes",
                                   &scratch[3])
                         ->u[0];
    uint64_t cap = gc_option_get(cpython_options, opts, nopts, "young-cap",
                                 &scratch[4])
                       ->u[0];
    uint64_t divisor = gc_option_get(cpython_options, opts, nopts,
                                     "pending-divisor", &scratch[5])
                           ->u[0];
    (void)err;
    (void)err_bytes;
    struct cpython_state *st = gc_mem_alloc(heap, sizeof *st);
    if (st == NULL) {
        snprintf(err, err_bytes, "out of memory");
        return GC_ENOMEM;
    }
    memset(st, 0, sizeof *st);
    st->has_pending_rule = has_rule;
    st->pending_divisor = (uint16_t)divisor; /* at most 1000 */
    st->ngens = ngens;
    st->is_bytes_only = bytes != 0;
    st->trigger_bytes = bytes != 0 ? bytes : cap;
    gc_heap_set_trigger_bytes(heap, st->trigger_bytes);
    for (unsigned g = 0; has_thresholds && g < threshold->n; g++) {
        st->has_custom_thresholds |=
            heap->gens[g].threshold != threshold->i[g];
        heap->gens[g].threshold = threshold->i[g];
    }
    *state = st;
    return GC_OK;
}

static void
cpython_destroy(struct gc_heap *heap, void *state)
{
    gc_mem_free(heap, state, sizeof(struct cpython_state));
}

static uint32_t
cpython_caps(const struct gc_heap *heap, const void *state)
{
    const struct cpython_state *st = state;
    uint32_t caps = gc_profile_caps(heap->profile) & ~GC_CAP_INCREMENTAL;
    if (!st->has_pending_rule || st->pending_divisor != 4) {
        caps &= ~GC_CAP_LONG_LIVED_RULE; /* not CPython's rule */
    }
    if (st->has_custom_thresholds) {
        caps &= ~GC_CAP_DEFAULT_THRESHOLDS;
    }
    if (st->ngens != 3) {
        caps &= ~GC_CAP_GENERATIONS;
    }
    if (st->ngens == 1) {
        caps &= ~GC_CAP_LONG_LIVED_RULE;
    }
    if (st->trigger_bytes != 0) {
        caps &= ~GC_CAP_DEFAULT_THRESHOLDS; /* other collections */
    }
    if (st->is_bytes_only) {
        caps &= ~GC_CAP_AUTOMATIC; /* not by the object count */
    }
    return caps;
}

static struct cpython_state *
state_of(struct gc_heap *heap)
{
    return heap->collector_state;
}

static void
debug_stats_begin(struct gc_heap *heap, int gen)
{
    gc_debug_line(heap, "gc: collecting generation %d...", gen);
    gc_debug_line(heap, "gc: objects in each generation: %zu %zu %zu",
                  gc_glist_size(&heap->gens[0].head),
                  gc_glist_size(&heap->gens[1].head),
                  gc_glist_size(&heap->gens[2].head));
    if (heap->profile >= GC_PROFILE_3_8) {
        gc_debug_line(heap, "gc: objects in permanent generation: %zu",
                      gc_glist_size(&heap->permanent));
    }
}

/* collect(): one collection of generation gen, CPython's bookkeeping
 * around the shared core. */
static void
cpython_collect(struct gc_heap *heap, int gen, enum gc_reason why,
                struct gc_collect_result *res)
{
    (void)why;
    struct cpython_state *st = state_of(heap);
    /* With fewer generations, asked-for generations map onto the ones
     * that exist: 0 stays young unless there is only one; anything older
     * is the oldest. */
    if (st->ngens == 1 || (st->ngens == 2 && gen > 0)) {
        gen = GC_NGENS - 1;
    }
    int next = st->ngens == 2 ? GC_NGENS - 1 : gen + 1;
    if (heap->debug & GC_DEBUG_STATS) {
        debug_stats_begin(heap, gen);
    }
    if (gen + 1 < GC_NGENS) {
        heap->gens[next].count++;
    }
    for (int g = 0; g <= gen; g++) {
        heap->gens[g].count = 0;
    }
    /* Young generations go after gen's own objects, youngest first. */
    for (int g = 0; g < gen; g++) {
        gc_glist_merge(&heap->gens[g].head, &heap->gens[gen].head);
    }
    struct gc_head *young = &heap->gens[gen].head;
    struct gc_head *old = gen < GC_NGENS - 1 ? &heap->gens[next].head : young;

    struct gc_head unreachable;
    res->visited = gc_cycles_deduce_unreachable(heap, young, &unreachable);
    gc_cycles_untrack_tuples(heap, young);
    if (young != old) {
        /* Survivors move up: counted when someone keeps the decision
         * log, or for the 25% rule. */
        uint64_t n = next == GC_NGENS - 1 || heap->listener.promoted != NULL
                         ? gc_glist_size(young)
                         : 0;
        if (next == GC_NGENS - 1) {
            st->long_lived_pending += n;
        }
        gc_emit_promoted(heap, next, n);
        gc_glist_merge(young, old);
    }
    else {
        /* Dicts only on full collections, to avoid quadratic rescans
         * (CPython issue 14775). */
        gc_cycles_untrack_dicts(heap, young);
        st->long_lived_pending = 0;
        st->long_lived_total = gc_glist_size(young);
    }
    gc_emit_phase_end(heap, GC_PHASE_UNTRACK);

    gc_cycles_handle_unreachable(heap, &unreachable, old, old, res);
    if (gen == GC_NGENS - 1) {
        gc_free_lists_clear(heap); /* clear_freelists, full only */
        st->full_collections++;
    }
    /* Young is empty again: the byte count starts over. */
    gc_heap_set_trigger_bytes(heap, st->trigger_bytes);

    if (heap->debug & GC_DEBUG_STATS) {
        gc_debug_line(heap, "gc: done, %lld unreachable, %lld uncollectable",
                      (long long)(res->collected + res->uncollectable),
                      (long long)res->uncollectable);
    }
}

/* Is generation g due?  Young by its count, or by bytes (bytes=
 * replaces the count; young-cap= adds to it). */
static bool
is_due(struct gc_heap *heap, const struct cpython_state *st, int g)
{
    if (g == 0 && heap->is_bytes_due) {
        return true;
    }
    if (g == 0 && st->is_bytes_only) {
        return false;
    }
    return (int64_t)heap->gens[g].count > heap->gens[g].threshold;
}

/* gc_select_generation: the oldest generation over its threshold, with
 * the 25% rule guarding generation 2 (a skip for the decision log); -1
 * if none. */
static int
select_generation(struct gc_heap *heap)
{
    struct cpython_state *st = state_of(heap);
    if (st->ngens == 1) {
        return is_due(heap, st, 0) ? GC_NGENS - 1 : -1;
    }
    for (int g = GC_NGENS - 1; g >= 0; g--) {
        if (st->ngens == 2 && g == 1) {
            continue; /* not in use */
        }
        if (is_due(heap, st, g)) {
            if (g == GC_NGENS - 1 && st->has_pending_rule &&
                st->long_lived_pending <
                    st->long_lived_total / st->pending_divisor) {
                gc_emit_skip(heap, g, GC_SKIP_PENDING_RULE);
                continue;
            }
            return g;
        }
    }
    return -1;
}

static bool
st_bytes_only(struct gc_heap *heap)
{
    return state_of(heap)->is_bytes_only;
}

static void
cpython_trigger(struct gc_heap *heap, bool is_safepoint)
{
    if (heap->profile >= GC_PROFILE_3_13 && !is_safepoint) {
        heap->is_gc_scheduled = true; /* _Py_ScheduleGC */
        return;
    }
    /* threshold0 == 0 turns every automatic collection off, bytes too. */
    if (!heap->is_enabled || heap->gens[0].threshold == 0) {
        return;
    }
    /* By bytes when only the byte trigger made young due. */
    bool by_bytes = heap->is_bytes_due &&
                    (st_bytes_only(heap) ||
                     (int64_t)heap->gens[0].count <= heap->gens[0].threshold);
    int gen = select_generation(heap);
    if (gen >= 0) {
        gc_collect_with_callback(heap, gen,
                                 by_bytes ? GC_REASON_BYTES
                                          : GC_REASON_THRESHOLD);
    }
}

/* The allocation-side test of _PyObject_GC_Alloc: count[0] >
 * threshold[0], enabled, threshold[0] != 0.  A negative threshold makes
 * every counted allocation collect. */
static void
cpython_retrigger(struct gc_heap *heap)
{
    int64_t t0 = heap->gens[0].threshold;
    if (!heap->is_enabled || t0 == 0 || state_of(heap)->is_bytes_only) {
        heap->trigger_count = UINT64_MAX;
    }
    else {
        heap->trigger_count = t0 < 0 ? 0 : (uint64_t)t0;
    }
}

/* Liveness: a full collection examines every generation, so garbage is
 * freed by the next one (the 25% rule only delays it). */
static uint64_t
cpython_sweeps(const struct gc_heap *heap, const void *state)
{
    (void)heap;
    return ((const struct cpython_state *)state)->full_collections;
}


const struct gc_collector gc_collector_cpython = {
    .name = "cpython",
    .description = "CPython's three-generation cycle collector (reference)",
    .options = cpython_options,
    .init = cpython_init,
    .destroy = cpython_destroy,
    .caps = cpython_caps,
    .collect = cpython_collect,
    .trigger = cpython_trigger,
    .retrigger = cpython_retrigger,
    .sweeps = cpython_sweeps,
    .sweep_bound = 1,
};

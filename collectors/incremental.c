/* collectors/incremental.c -- incremental collection of the old
 * generation, after CPython 3.14.0's design (reverted there in 2026 and
 * re-proposed as PEP 848; docs/semantics.md 5).
 *
 * Spaces: generation 0 is young; generation 1 is the old "pending"
 * space, not yet examined in the current old cycle; generation 2 is old
 * "visited".  An automatic collection (and collect(1)) takes all young
 * objects plus one increment: seeds taken from pending, each with its
 * whole transitive closure over the tracked heap, until the work budget
 * is spent.  collect(0) takes young only; collect(2) everything.
 * Survivors go to visited; when pending runs dry the spaces flip.
 *
 * Invariant that makes it safe and complete:
 *   - Safe: a set examined is closed under nothing in particular, so
 *     references from outside it count as outside references (gc_refs >
 *     0) and keep their targets alive.  Only objects referenced from
 *     nowhere outside the set can be freed, which is what the shared
 *     core needs.
 *   - Complete: a garbage cycle is freed in the increment that takes one
 *     of its members as a seed, because a seed's closure contains every
 *     object reachable from it, so the whole cycle and everything it
 *     reaches; garbage that only other garbage refers to is freed with
 *     (or after) the garbage that refers to it.  Every old object is a
 *     seed within one old cycle: seeds leave pending for good, new
 *     survivors go to visited, and pending is refilled only by the flip.
 *   - Frozen objects sit in no space, and a closure could not tell them
 *     from old ones, so this collector does not offer gc.freeze.
 *
 * What it models: CPython 3.14.0-3.14.4, the releases that shipped the
 * incremental collector; 3.14.5 went back to the generational one
 * (python/cpython#148726), which is profile 3.14 of `cpython`.  No
 * 3.14.0-3.14.4 interpreter is in Debian's archive today, so this
 * collector is held to the semantics every collector keeps
 * (conformance, the differential test), not to an oracle's logs; its
 * trigger and budget come from reading 3.14's Python/gc.c, not from a
 * measurement.
 *
 * Options and where their defaults come from:
 *   budget=0    objects per increment; 0 as 3.14.0's gc.c: the young
 *               count plus old size / threshold1.
 *   count=      what the allocation trigger counts.
 *     trackable 3.14.0: every container allocated, tracked or not, which
 *               made programs making many untracked tuples collect far
 *               too often (CPython issue 139951).
 *     tracked   (default) 3.14.2 and later, as the issue filed for this
 *               collector puts it: the fix, GH-140262, backported to 3.14
 *               as GH-140447 in October 2025, counts only objects still
 *               tracked and leaves tuples of atoms untracked from
 *               creation; the latter is profile 3.14's tuple rule.
 *   trigger=    the same choice named by release: 3.14.0 is
 *               count=trackable, 3.14.2 count=tracked (CPython issue
 *               142516 bisected its memory growth to that backport).
 *               Give count or trigger, not both.
 * Thresholds are the profile's (2000/10/10 on 3.13+); 3.14.0 reported
 * (2000, 10, 0) and ignored threshold2, which this collector never
 * reads either. */
#include "gc-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define YOUNG 0
#define PENDING 1
#define VISITED 2

struct inc_state {
    uint64_t budget;     /* 0: automatic */
    bool count_tracked;
    uint64_t old_estimate; /* objects in pending + visited, roughly */
    uint64_t old_cycles;   /* the sweeps: old cycles done, collect(2)s */
};

static gc_init_fn inc_init;
static gc_destroy_fn inc_destroy;
static gc_caps_fn inc_caps;
static gc_collect_fn inc_collect;
static gc_trigger_fn inc_trigger;
static gc_retrigger_fn inc_retrigger;
static gc_sweeps_fn inc_sweeps;

static const struct gc_option inc_options[] = {
    {"budget", "0",
     "objects per increment; 0: young count + old size / threshold1, as "
     "3.14.0's gc.c",
     GC_OPT_COUNT, 0, 1000000000, NULL, NULL},
    {"count", "tracked",
     "what the allocation trigger counts (tracked: 3.14.2+, trackable: "
     "3.14.0)",
     GC_OPT_WORD, 0, 0, "tracked|trackable", "trigger"},
    {"trigger", "count",
     "count=trackable or count=tracked, by release (count: as count= says)",
     GC_OPT_WORD, 0, 0, "count|3.14.0|3.14.2", "count"},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

static enum gc_status
inc_init(struct gc_heap *heap, const struct gc_option_value *opts,
         size_t nopts, void **state, char *err, size_t err_bytes)
{
    struct gc_option_value scratch[3];
    uint64_t budget =
        gc_option_get(inc_options, opts, nopts, "budget", &scratch[0])->u[0];
    /* count=tracked|trackable, or trigger=3.14.2|3.14.0 by release (the
     * table lets one of them be given). */
    int trigger =
        gc_option_get(inc_options, opts, nopts, "trigger", &scratch[1])->word;
    bool count_tracked =
        trigger == 0 ? gc_option_get(inc_options, opts, nopts, "count",
                                     &scratch[2])
                               ->word == 0
                     : trigger == 2;
    *state = NULL;
    (void)err;
    (void)err_bytes;
    struct inc_state *st = gc_mem_alloc(heap, sizeof *st);
    if (st == NULL) {
        snprintf(err, err_bytes, "out of memory");
        return GC_ENOMEM;
    }
    st->budget = budget;
    st->count_tracked = count_tracked;
    st->old_estimate = 0;
    st->old_cycles = 0;
    *state = st;
    return GC_OK;
}

static void
inc_destroy(struct gc_heap *heap, void *state)
{
    gc_mem_free(heap, state, sizeof(struct inc_state));
}

static uint32_t
inc_caps(const struct gc_heap *heap, const void *state)
{
    (void)state;
    return (gc_profile_caps(heap->profile) &
            ~(GC_CAP_GENERATIONS | GC_CAP_LONG_LIVED_RULE |
              GC_CAP_DEFAULT_THRESHOLDS | GC_CAP_FREEZE)) |
           GC_CAP_INCREMENTAL;
}

static void
inc_retrigger(struct gc_heap *heap)
{
    int64_t t0 = heap->gens[0].threshold;
    if (!heap->is_enabled || t0 == 0) {
        heap->trigger_count = UINT64_MAX;
    }
    else {
        heap->trigger_count = t0 < 0 ? 0 : (uint64_t)t0;
    }
}

/* ---- building an increment ---------------------------------------- */

/* Appends to set (young) seeds from pending with their closures until
 * the budget is spent; returns the objects added.  Young objects are
 * members from the start, but their referents are not pulled in: only
 * the seeds' closures matter for completeness. */
static uint64_t
build_increment(struct gc_heap *heap, struct gc_head *set, uint64_t budget)
{
    struct gc_head *pending = &heap->gens[PENDING].head;
    for (struct gc_head *h = gc_head_next(set); h != set;
         h = gc_head_next(h)) {
        h->prev |= GC_PREV_COLLECTING;
    }
    struct gc_region r = {.set = set, .cursor = gc_head_prev(set)};
    while (r.added < budget && !gc_glist_is_empty(pending)) {
        gc_cycles_region_add(&r, gc_head_next(pending));
        gc_cycles_region_close(&r);
    }
    gc_cycles_region_unmark(set);
    return r.added;
}

static uint64_t
auto_budget(struct gc_heap *heap, const struct inc_state *st,
            uint64_t young)
{
    if (st->budget != 0) {
        return st->budget;
    }
    int64_t t1 = heap->gens[1].threshold > 0 ? heap->gens[1].threshold : 10;
    uint64_t b = young + st->old_estimate / (uint64_t)t1;
    uint64_t floor = heap->gens[0].threshold > 0
                         ? (uint64_t)heap->gens[0].threshold
                         : 700;
    return b > floor ? b : floor;
}

static void
inc_collect(struct gc_heap *heap, int gen, enum gc_reason why,
            struct gc_collect_result *res)
{
    (void)why;
    struct inc_state *st = heap->collector_state;
    struct gc_head *young = &heap->gens[YOUNG].head;
    struct gc_head *pending = &heap->gens[PENDING].head;
    struct gc_head *visited = &heap->gens[VISITED].head;
    struct gc_head *old = visited;
    if (gen + 1 < GC_NGENS) {
        heap->gens[gen + 1].count++;
    }
    for (int g = 0; g <= gen; g++) {
        heap->gens[g].count = 0;
    }
    if (gen == 2) {
        /* Everything, and a fresh old cycle afterwards. */
        gc_glist_merge(pending, young);
        gc_glist_merge(visited, young);
        old = pending;
    }
    uint64_t taken = 0;
    if (gen == 1) {
        if (gc_glist_is_empty(pending)) {
            gc_glist_merge(visited, pending); /* flip */
        }
        uint64_t n = gc_glist_size(young);
        taken = build_increment(heap, young, auto_budget(heap, st, n));
    }
    struct gc_head unreachable;
    res->visited = gc_cycles_deduce_unreachable(heap, young, &unreachable);
    gc_cycles_untrack_tuples(heap, young);
    if (gen == 2) {
        gc_cycles_untrack_dicts(heap, young);
        st->old_estimate = gc_glist_size(young);
    }
    else {
        uint64_t survivors = gc_glist_size(young);
        gc_emit_promoted(heap, VISITED, survivors);
        st->old_estimate = st->old_estimate > taken
                               ? st->old_estimate - taken + survivors
                               : survivors;
    }
    gc_glist_merge(young, old);
    gc_emit_phase_end(heap, GC_PHASE_UNTRACK);
    gc_cycles_handle_unreachable(heap, &unreachable, old, old, res);
    if (gen == 2) {
        gc_free_lists_clear(heap);
        st->old_cycles++;
    }
    if (gen == 1 && gc_glist_is_empty(pending)) {
        gc_glist_merge(visited, pending); /* the old cycle is done */
        st->old_cycles++;
    }
    inc_retrigger(heap);
}

static void
inc_trigger(struct gc_heap *heap, bool is_safepoint)
{
    struct inc_state *st = heap->collector_state;
    if (heap->profile >= GC_PROFILE_3_13 && !is_safepoint) {
        heap->is_gc_scheduled = true;
        return;
    }
    if (!heap->is_enabled || heap->gens[0].count <= heap->trigger_count) {
        return;
    }
    if (st->count_tracked) {
        /* Only young objects still tracked count; look again once enough
         * more allocations could have made up the difference. */
        uint64_t tracked = gc_glist_size(&heap->gens[YOUNG].head);
        uint64_t t0 = (uint64_t)heap->gens[0].threshold;
        if (heap->gens[0].threshold > 0 && tracked <= t0) {
            heap->trigger_count = heap->gens[0].count + (t0 - tracked);
            return;
        }
    }
    gc_collect_with_callback(heap, 1, GC_REASON_THRESHOLD);
}

/* Liveness: by the end of an old cycle every object that was old when
 * it began has been a seed or in a seed's closure; garbage found in the
 * middle of one is all old (pending) after the flip that ends it, so the
 * next whole cycle frees it: two sweeps. */
static uint64_t
inc_sweeps(const struct gc_heap *heap, const void *state)
{
    (void)heap;
    return ((const struct inc_state *)state)->old_cycles;
}


const struct gc_collector gc_collector_incremental = {
    .name = "incremental",
    .description = "young collections plus increments of the old space: "
                   "CPython 3.14.0-3.14.4's collector (count=trackable: "
                   "3.14.0's trigger, count=tracked: 3.14.2+'s; no such "
                   "interpreter in Debian's archive to measure)",
    .options = inc_options,
    .init = inc_init,
    .destroy = inc_destroy,
    .caps = inc_caps,
    .collect = inc_collect,
    .trigger = inc_trigger,
    .retrigger = inc_retrigger,
    .sweeps = inc_sweeps,
    .sweep_bound = 2,
};

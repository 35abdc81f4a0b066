/* collectors/trialdel.c -- synchronous cycle collection by trial
 * deletion (Bacon and Rajan, "Concurrent Cycle Collection in Reference
 * Counted Systems", 2001), as PHP's collector does it.
 *
 * A decrement that leaves a container's count above zero may have cut
 * the last outside reference to a cycle, so the container becomes a
 * candidate root in a buffer (once: a side table remembers who is in).
 * A container that dies leaves the buffer.  When the buffer holds
 * `buffer` candidates a collection runs over the candidates and
 * everything they reach: the shared core's update/subtract/move phases
 * are trial deletion's mark-gray/scan/collect-white, computed over that
 * subgraph, so a variant differs from the reference only in which
 * objects it examines and when.
 *
 * Why it finds every cycle: garbage is made garbage by a decrement that
 * leaves some member of it above zero (its internal references), which
 * buffers that member; the closure of a member contains the whole cycle.
 * Why it is safe: references from outside the examined subgraph count
 * as outside references.  Frozen objects could be pulled into a closure
 * unseen, so gc.freeze is not offered.  All survivors stay in one
 * population (generation 0); gc.collect() runs over the buffer too, so
 * tuples and dicts are untracked only where a collection looked: the
 * collector does not claim GC_CAP_UNTRACKING.
 *
 * Option: buffer (default 10000, as PHP's GC_ROOT_BUFFER_MAX_ENTRIES). */
#include "gc-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

struct td_state {
    size_t buffer_max;
    struct gc_object **buf;  /* candidate roots */
    size_t n, cap;
    uintptr_t *keys;         /* object -> position in buf (open addressing) */
    uint32_t *pos;
    size_t map_cap, map_n;
    uint64_t collections; /* the sweeps */
};

static gc_init_fn td_init;
static gc_destroy_fn td_destroy;
static gc_caps_fn td_caps;
static gc_collect_fn td_collect;
static gc_trigger_fn td_trigger;
static gc_retrigger_fn td_retrigger;
static gc_object_fn td_decref_hook;
static gc_object_fn td_forget;
static gc_sweeps_fn td_sweeps;

/* ---- the side table --------------------------------------------------- */

static size_t
slot_of(uintptr_t key, size_t cap)
{
    return (size_t)((key >> 4) * 0x9e3779b97f4a7c15ULL) & (cap - 1);
}

static bool
map_find(const struct td_state *st, uintptr_t key, size_t *slot)
{
    if (st->map_cap == 0) {
        return false;
    }
    for (size_t j = slot_of(key, st->map_cap);; j = (j + 1) & (st->map_cap - 1)) {
        if (st->keys[j] == key) {
            *slot = j;
            return true;
        }
        if (st->keys[j] == 0) {
            *slot = j;
            return false;
        }
    }
}

static bool
map_grow(struct gc_heap *heap, struct td_state *st)
{
    size_t cap = st->map_cap ? st->map_cap * 2 : 256;
    uintptr_t *keys = gc_mem_alloc(heap, cap * sizeof *keys);
    uint32_t *pos = gc_mem_alloc(heap, cap * sizeof *pos);
    if (keys == NULL || pos == NULL) {
        gc_mem_free(heap, keys, cap * sizeof *keys);
        gc_mem_free(heap, pos, cap * sizeof *pos);
        return false;
    }
    memset(keys, 0, cap * sizeof *keys);
    for (size_t i = 0; i < st->map_cap; i++) {
        if (st->keys[i] != 0) {
            size_t j = slot_of(st->keys[i], cap);
            while (keys[j] != 0) {
                j = (j + 1) & (cap - 1);
            }
            keys[j] = st->keys[i];
            pos[j] = st->pos[i];
        }
    }
    gc_mem_free(heap, st->keys, st->map_cap * sizeof *st->keys);
    gc_mem_free(heap, st->pos, st->map_cap * sizeof *st->pos);
    st->keys = keys;
    st->pos = pos;
    st->map_cap = cap;
    return true;
}

/* Deletes slot j, shifting later entries of its probe run back. */
static void
map_delete_slot(struct td_state *st, size_t j)
{
    size_t mask = st->map_cap - 1;
    st->keys[j] = 0;
    st->map_n--;
    for (size_t k = (j + 1) & mask; st->keys[k] != 0; k = (k + 1) & mask) {
        size_t home = slot_of(st->keys[k], st->map_cap);
        /* Move k back to j if its home is not in (j, k]. */
        bool between = j < k ? (home > j && home <= k)
                             : (home > j || home <= k);
        if (!between) {
            st->keys[j] = st->keys[k];
            st->pos[j] = st->pos[k];
            st->keys[k] = 0;
            j = k;
        }
    }
}

static void
clear_buffer(struct td_state *st)
{
    if (st->keys != NULL) {
        memset(st->keys, 0, st->map_cap * sizeof *st->keys);
    }
    st->map_n = 0;
    st->n = 0;
}

/* ---- the collector ---------------------------------------------------- */

static const struct gc_option td_options[] = {
    {"buffer", "10000", "candidate roots that start a collection",
     GC_OPT_COUNT, 1, 100000000, NULL, NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

static enum gc_status
td_init(struct gc_heap *heap, const struct gc_option_value *opts,
        size_t nopts, void **state, char *err, size_t err_bytes)
{
    struct gc_option_value scratch;
    size_t buffer_max =
        (size_t)gc_option_get(td_options, opts, nopts, "buffer", &scratch)
            ->u[0];
    *state = NULL;
    struct td_state *st = gc_mem_alloc(heap, sizeof *st);
    if (st == NULL) {
        snprintf(err, err_bytes, "out of memory");
        return GC_ENOMEM;
    }
    memset(st, 0, sizeof *st);
    st->buffer_max = buffer_max;
    *state = st;
    return GC_OK;
}

static void
td_destroy(struct gc_heap *heap, void *state)
{
    struct td_state *st = state;
    gc_mem_free(heap, st->buf, st->cap * sizeof *st->buf);
    gc_mem_free(heap, st->keys, st->map_cap * sizeof *st->keys);
    gc_mem_free(heap, st->pos, st->map_cap * sizeof *st->pos);
    gc_mem_free(heap, st, sizeof *st);
}

static uint32_t
td_caps(const struct gc_heap *heap, const void *state)
{
    (void)state;
    return gc_profile_caps(heap->profile) &
           ~(GC_CAP_GENERATIONS | GC_CAP_LONG_LIVED_RULE |
             GC_CAP_DEFAULT_THRESHOLDS | GC_CAP_FREEZE | GC_CAP_INCREMENTAL |
             GC_CAP_UNTRACKING);
}

/* Allocations never trigger; the buffer does. */
static void
td_retrigger(struct gc_heap *heap)
{
    heap->trigger_count = UINT64_MAX;
}

static bool
may_collect(const struct gc_heap *heap)
{
    return heap->is_enabled && heap->gens[0].threshold != 0 &&
           !heap->is_collecting && !heap->is_destroying;
}

/* Buffers obj unless it is in already; false if memory ran out. */
static bool
add_candidate(struct gc_heap *heap, struct td_state *st,
              struct gc_object *obj)
{
    size_t slot = 0;
    if (map_find(st, (uintptr_t)obj, &slot)) {
        return true; /* already a candidate */
    }
    if ((st->map_n + 1) * 2 > st->map_cap) {
        if (!map_grow(heap, st)) {
            heap->stats.unraisable_errors++;
            return false;
        }
        map_find(st, (uintptr_t)obj, &slot);
    }
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 1024;
        struct gc_object **buf = gc_mem_resize(
            heap, st->buf, st->cap * sizeof *buf, cap * sizeof *buf);
        if (buf == NULL) {
            heap->stats.unraisable_errors++;
            return false;
        }
        st->buf = buf;
        st->cap = cap;
    }
    st->keys[slot] = (uintptr_t)obj;
    st->pos[slot] = (uint32_t)st->n;
    st->map_n++;
    st->buf[st->n++] = obj;
    return true;
}

static void
td_decref_hook(struct gc_heap *heap, struct gc_object *obj)
{
    struct td_state *st = heap->collector_state;
    if (!gc_is_gc(obj) || gc_head_of(obj)->next == 0) {
        return; /* untracked: cannot be in a cycle */
    }
    if (add_candidate(heap, st, obj) && st->n >= st->buffer_max &&
        may_collect(heap)) {
        if (heap->profile >= GC_PROFILE_3_13) {
            heap->is_gc_scheduled = true;
        }
        else {
            gc_collect_with_callback(heap, GC_NGENS - 1, GC_REASON_THRESHOLD);
        }
    }
}

static void
td_forget(struct gc_heap *heap, struct gc_object *obj)
{
    struct td_state *st = heap->collector_state;
    size_t slot;
    if (!map_find(st, (uintptr_t)obj, &slot)) {
        return;
    }
    size_t i = st->pos[slot];
    map_delete_slot(st, slot);
    struct gc_object *last = st->buf[--st->n];
    if (i < st->n) {
        st->buf[i] = last;
        size_t s2;
        if (map_find(st, (uintptr_t)last, &s2)) {
            st->pos[s2] = (uint32_t)i;
        }
    }
}

static void
td_trigger(struct gc_heap *heap, bool is_safepoint)
{
    struct td_state *st = heap->collector_state;
    if (is_safepoint && st->n >= st->buffer_max && may_collect(heap)) {
        gc_collect_with_callback(heap, GC_NGENS - 1, GC_REASON_THRESHOLD);
    }
}

static void
td_collect(struct gc_heap *heap, int gen, enum gc_reason why,
           struct gc_collect_result *res)
{
    (void)why;
    struct td_state *st = heap->collector_state;
    for (int g = 0; g < GC_NGENS; g++) {
        heap->gens[g].count = 0;
    }
    /* The candidates, then everything they reach: the region trial
     * deletion paints gray.  The collecting mark means "in the region"
     * until update_refs sets it again for all. */
    struct gc_head set;
    gc_glist_init(&set);
    struct gc_region r = {.set = &set, .cursor = &set};
    for (size_t i = 0; i < st->n; i++) {
        gc_cycles_region_add(&r, gc_head_of(st->buf[i]));
    }
    clear_buffer(st);
    gc_cycles_region_close(&r);
    gc_cycles_region_unmark(&set);
    struct gc_head *all = &heap->gens[0].head;
    struct gc_head unreachable, kept;
    gc_glist_init(&kept);
    res->visited = gc_cycles_deduce_unreachable(heap, &set, &unreachable);
    gc_cycles_untrack_tuples(heap, &set);
    gc_glist_merge(&set, all);
    gc_emit_phase_end(heap, GC_PHASE_UNTRACK);
    gc_cycles_handle_unreachable(heap, &unreachable, all, &kept, res);
    /* What a resurrection kept may still be garbage (3.8 keeps the whole
     * batch), and no decrement may ever come to buffer it again: make
     * it candidates now. */
    for (struct gc_head *h = gc_head_next(&kept); h != &kept;
         h = gc_head_next(h)) {
        add_candidate(heap, st, gc_object_of(h));
    }
    gc_glist_merge(&kept, all);
    if (gen == GC_NGENS - 1) {
        gc_free_lists_clear(heap);
    }
    st->collections++;
}

/* Liveness: garbage is made by a decrement that leaves a member above
 * zero and buffers it, and a collection takes the whole buffer with all
 * it reaches; what a resurrection kept is buffered again.  So the next
 * collection frees it. */
static uint64_t
td_sweeps(const struct gc_heap *heap, const void *state)
{
    (void)heap;
    return ((const struct td_state *)state)->collections;
}


const struct gc_collector gc_collector_trialdel = {
    .name = "trialdel",
    .description = "Bacon-Rajan trial deletion from a candidate-root buffer",
    .options = td_options,
    .init = td_init,
    .destroy = td_destroy,
    .caps = td_caps,
    .collect = td_collect,
    .trigger = td_trigger,
    .retrigger = td_retrigger,
    .decref_hook = td_decref_hook,
    .forget = td_forget,
    .sweeps = td_sweeps,
    .sweep_bound = 1,
};

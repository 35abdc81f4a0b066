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
 * Options: threshold=T0[/T1[/T2]], pending-rule=on|off, bytes=N,
 * young-cap=N and generations=1|2|3.  bytes=N is a byte trigger as PEP
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

/* Parses "T0[/T1[/T2]]": each a C int, as gc.set_threshold takes. */
static bool
parse_thresholds(const char *text, int64_t out[3], int *n)
{
    const char *p = text;
    *n = 0;
    while (*n < 3) {
        char *end;
        errno = 0;
        long long v = strtoll(p, &end, 10);
        if (end == p || errno != 0 || v < INT32_MIN || v > INT32_MAX) {
            return false;
        }
        out[(*n)++] = v;
        if (*end == '\0') {
            return true;
        }
        if (*end != '/') {
            return false;
        }
        p = end + 1;
    }
    return false;
}

/* A byte threshold in kB, 1 to 2^40 (one line in err otherwise). */
static bool
parse_kb(const char *key, const char *value, uint64_t *out, char *err,
         size_t err_bytes)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(value, &end, 10);
    if (end == value || *end != '\0' || errno != 0 || value[0] == '-' ||
        v == 0 || v > (1ULL << 40)) {
        snprintf(err, err_bytes,
                 "collector 'cpython': bad %s '%s'; expected kB, an integer "
                 "from 1 to 1099511627776, or off",
                 key, value);
        return false;
    }
    *out = v * 1024;
    return true;
}

static enum gc_status
cpython_init(struct gc_heap *heap, const struct gc_option_value *opts,
             size_t nopts, void **state, char *err, size_t err_bytes)
{
    *state = NULL;
    bool has_rule = true;
    int ngens = 3;
    int64_t thresholds[3];
    int nthresholds = 0;
    uint64_t bytes = 0, cap = 0;
    for (size_t i = 0; i < nopts; i++) {
        const char *key = opts[i].key, *value = opts[i].value;
        if ((strcmp(key, "bytes") == 0 || strcmp(key, "young-cap") == 0) &&
            strcmp(value, "off") != 0) {
            if (!parse_kb(key, value, key[0] == 'b' ? &bytes : &cap, err,
                          err_bytes)) {
                return GC_EINVAL;
            }
        }
        else if (strcmp(key, "threshold") == 0) {
            if (!parse_thresholds(value, thresholds, &nthresholds)) {
                snprintf(err, err_bytes,
                         "collector 'cpython': bad threshold '%s'; expected "
                         "T0[/T1[/T2]], integers such as 700/10/10",
                         value);
                return GC_EINVAL;
            }
        }
        else if (strcmp(key, "pending-rule") == 0) {
            if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0) {
                snprintf(err, err_bytes,
                         "collector 'cpython': bad pending-rule '%s'; "
                         "expected on or off",
                         value);
                return GC_EINVAL;
            }
            has_rule = strcmp(value, "on") == 0;
        }
        else if (strcmp(key, "generations") == 0) {
            if (strcmp(value, "1") != 0 && strcmp(value, "2") != 0 &&
                strcmp(value, "3") != 0) {
                snprintf(err, err_bytes,
                         "collector 'cpython': bad generations '%s'; "
                         "expected 1, 2 or 3",
                         value);
                return GC_EINVAL;
            }
            ngens = value[0] - '0';
        }
    }
    struct cpython_state *st = gc_mem_alloc(heap, sizeof *st);
    if (st == NULL) {
        snprintf(err, err_bytes, "out of memory");
        return GC_ENOMEM;
    }
    memset(st, 0, sizeof *st);
    st->has_pending_rule = has_rule;
    st->ngens = ngens;
    st->is_bytes_only = bytes != 0;
    st->trigger_bytes = bytes != 0 ? bytes : cap;
    gc_heap_set_trigger_bytes(heap, st->trigger_bytes);
    for (int g = 0; g < nthresholds; g++) {
        st->has_custom_thresholds |= heap->gens[g].threshold != thresholds[g];
        heap->gens[g].threshold = thresholds[g];
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
    if (!st->has_pending_rule) {
        caps &= ~GC_CAP_LONG_LIVED_RULE;
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
                st->long_lived_pending < st->long_lived_total / 4) {
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

static const struct gc_option cpython_options[] = {
    {"threshold", "700/10/10",
     "T0[/T1[/T2]]: generation thresholds (3.13 profile: 2000/10/10)"},
    {"pending-rule", "on",
     "on|off: skip full collections while pending < total/4"},
    {"generations", "3", "1|2|3: how many generations are in use"},
    {"bytes", "off",
     "N|off: young collection after N kB allocated (PEP 848), not objects"},
    {"young-cap", "off",
     "N|off: also a young collection after N kB allocated (PEP 848: 24576)"},
    {NULL, NULL, NULL},
};

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

/* collectors/gcmodule.c -- the heap's gc module: collect with its
 * callbacks, counts and thresholds, stats, gc.garbage, debug flags,
 * freeze, and the object queries (get_objects, get_referrers,
 * get_referents), each gated on what the heap's profile and collector
 * can do.  Mirrors Modules/gcmodule.c's module functions. */
#include "gc-internal.h"

#include <stdarg.h>
#include <stdio.h>

const char *
gc_phase_name(enum gc_phase phase)
{
    switch (phase) {
#define P(name, text)                                                       \
    case name:                                                              \
        return text;
        GC_PHASE_LIST(P)
#undef P
    case GC_PHASE_COUNT:
        break;
    }
    return "?";
}

const char *
gc_cap_name(uint32_t cap)
{
#define C(name, text)                                                       \
    if (cap == (uint32_t)name) {                                            \
        return text;                                                        \
    }
    GC_CAP_LIST(C)
#undef C
    return "?";
}

uint32_t
gc_profile_caps(enum gc_profile profile)
{
    /* Everything a collector may claim on 2.7; 3.x adds the APIs that
     * arrived with it (semantics.md 5). */
    uint32_t caps = GC_CAP_CYCLES | GC_CAP_GENERATIONS |
                    GC_CAP_LONG_LIVED_RULE | GC_CAP_DEFAULT_THRESHOLDS |
                    GC_CAP_LEGACY_GARBAGE | GC_CAP_AUTOMATIC |
                    GC_CAP_INCREMENTAL | GC_CAP_UNTRACKING;
    if (profile >= GC_PROFILE_3_8) {
        caps |= GC_CAP_FINALIZERS | GC_CAP_FREEZE | GC_CAP_CALLBACKS |
                GC_CAP_STATS | GC_CAP_GET_OBJECTS_GEN;
    }
    if (profile >= GC_PROFILE_3_11) {
        caps |= GC_CAP_IS_FINALIZED;
    }
    if (profile >= GC_PROFILE_3_13) {
        caps |= GC_CAP_DEFERRED;
    }
    if (profile >= GC_PROFILE_3_15) {
        caps |= GC_CAP_STATS_CANDIDATES;
    }
    return caps;
}

uint32_t
gc_heap_caps(const struct gc_heap *heap)
{
    return heap->caps;
}

const struct gc_collector *
gc_heap_collector(const struct gc_heap *heap)
{
    return heap->collector;
}

bool
gc_heap_sweeps(const struct gc_heap *heap, uint64_t *sweeps, unsigned *bound)
{
    if (heap->collector->sweeps == NULL) {
        return false;
    }
    *sweeps = heap->collector->sweeps(heap, heap->collector_state);
    *bound = heap->collector->sweep_bound;
    return true;
}

/* ---- collections -------------------------------------------------- */

void
gc_set_clock(struct gc_heap *heap, gc_clock_fn *fn, void *data)
{
    heap->clock = fn;
    heap->clock_data = data;
}

/* The harness's clock, if it gave one and the profile reports a
 * duration; collectors never read a clock themselves. */
static uint64_t
clock_ns(struct gc_heap *heap)
{
    if (heap->clock == NULL || !(heap->caps & GC_CAP_STATS_CANDIDATES)) {
        return 0;
    }
    return heap->clock(heap->clock_data);
}

static void
invoke_callbacks(struct gc_heap *heap, enum gc_callback_phase phase,
                 int gen, const struct gc_collect_result *r,
                 uint64_t duration_ns)
{
    if (!(heap->caps & GC_CAP_CALLBACKS)) {
        return;
    }
    struct gc_callback_info info = {.generation = gen};
    if (r != NULL) {
        info.collected = r->collected;
        info.uncollectable = r->uncollectable;
        if (heap->caps & GC_CAP_STATS_CANDIDATES) {
            info.candidates = r->visited;
            info.duration_ns = duration_ns;
        }
    }
    /* By index over the live array, as CPython walks gc.callbacks: a
     * callback may remove itself or add another. */
    for (size_t i = 0; i < heap->ncallbacks; i++) {
        struct gc_callback_entry cb = heap->callbacks[i];
        cb.fn(heap, phase, &info, cb.data);
    }
}

int64_t
gc_collect_with_callback(struct gc_heap *heap, int gen, enum gc_reason why)
{
    assert(!heap->is_collecting);
    assert(gen >= 0 && gen < GC_NGENS);
    heap->is_collecting = true;
    invoke_callbacks(heap, GC_CALLBACK_START, gen, NULL, 0);
    uint64_t start_ns = clock_ns(heap);
    if (GCLAB_EVENTS && heap->listener.collect_begin != NULL) {
        heap->listener.collect_begin(heap->listener.data, gen, why);
    }
    struct gc_collect_result r = {0};
    heap->collector->collect(heap, gen, why, &r);
    uint64_t end_ns = clock_ns(heap);
    uint64_t duration_ns = end_ns > start_ns ? end_ns - start_ns : 0;
    struct gc_gen_stats *st = &heap->gen_stats[gen];
    st->collections++;
    st->collected += (uint64_t)r.collected;
    st->uncollectable += (uint64_t)r.uncollectable;
    if (heap->caps & GC_CAP_STATS_CANDIDATES) {
        st->candidates += r.visited;
        st->duration_ns += duration_ns;
    }
    if (GCLAB_EVENTS && heap->listener.collect_end != NULL) {
        heap->listener.collect_end(heap->listener.data, gen, r.visited,
                                   (uint64_t)r.collected,
                                   (uint64_t)r.uncollectable);
    }
    invoke_callbacks(heap, GC_CALLBACK_STOP, gen, &r, duration_ns);
    heap->is_collecting = false;
    if (heap->checks > 0) {
        gc_heap_assert_valid(heap, heap->checks);
    }
    return r.collected + r.uncollectable;
}

int64_t
gc_collect(struct gc_heap *heap, int gen)
{
    if (gen < 0 || gen >= GC_NGENS) {
        return -1;
    }
    /* gc.collect() from a finalizer run by a collection does nothing. */
    if (heap->is_collecting) {
        return 0;
    }
    return gc_collect_with_callback(heap, gen, GC_REASON_MANUAL);
}

void
gc_safepoint(struct gc_heap *heap)
{
    if (heap->is_gc_scheduled && !heap->is_collecting) {
        heap->is_gc_scheduled = false;
        heap->collector->trigger(heap, true);
    }
}

static void
retrigger(struct gc_heap *heap)
{
    if (heap->collector->retrigger != NULL) {
        heap->collector->retrigger(heap);
    }
}

void
gc_enable(struct gc_heap *heap)
{
    heap->is_enabled = true;
    retrigger(heap);
}

void
gc_disable(struct gc_heap *heap)
{
    heap->is_enabled = false;
    retrigger(heap);
}

bool
gc_isenabled(const struct gc_heap *heap)
{
    return heap->is_enabled;
}

void
gc_get_count(const struct gc_heap *heap, int64_t count[3])
{
    for (int g = 0; g < GC_NGENS; g++) {
        count[g] = (int64_t)heap->gens[g].count;
    }
}

uint64_t
gc_heap_count0(const struct gc_heap *heap)
{
    return heap->gens[0].count;
}

void
gc_get_threshold(const struct gc_heap *heap, int64_t threshold[3])
{
    for (int g = 0; g < GC_NGENS; g++) {
        threshold[g] = heap->gens[g].threshold;
    }
}

enum gc_status
gc_set_threshold(struct gc_heap *heap, int n, const int64_t *values)
{
    if (n < 1 || n > GC_NGENS) {
        return GC_EINVAL;
    }
    for (int g = 0; g < n; g++) {
        if (values[g] < INT32_MIN || values[g] > INT32_MAX) {
            return GC_ERANGE; /* OverflowError: a C int */
        }
    }
    for (int g = 0; g < n; g++) {
        heap->gens[g].threshold = values[g];
    }
    retrigger(heap);
    return GC_OK;
}

enum gc_status
gc_get_stats(const struct gc_heap *heap, struct gc_gen_stats stats[3])
{
    if (!(heap->caps & GC_CAP_STATS)) {
        return GC_EUNSUPPORTED;
    }
    memcpy(stats, heap->gen_stats, sizeof heap->gen_stats);
    return GC_OK;
}

enum gc_status
gc_callback_add(struct gc_heap *heap, gc_callback_fn *fn, void *data)
{
    if (!(heap->caps & GC_CAP_CALLBACKS)) {
        return GC_EUNSUPPORTED;
    }
    if (heap->ncallbacks == heap->callbacks_cap) {
        size_t cap = heap->callbacks_cap ? heap->callbacks_cap * 2 : 4;
        struct gc_callback_entry *cbs = gc_mem_resize(
            heap, heap->callbacks, heap->callbacks_cap * sizeof *cbs,
            cap * sizeof *cbs);
        if (cbs == NULL) {
            return GC_ENOMEM;
        }
        heap->callbacks = cbs;
        heap->callbacks_cap = cap;
    }
    heap->callbacks[heap->ncallbacks++] =
        (struct gc_callback_entry){.fn = fn, .data = data};
    return GC_OK;
}

enum gc_status
gc_callback_remove(struct gc_heap *heap, gc_callback_fn *fn, void *data)
{
    if (!(heap->caps & GC_CAP_CALLBACKS)) {
        return GC_EUNSUPPORTED;
    }
    for (size_t i = 0; i < heap->ncallbacks; i++) {
        if (heap->callbacks[i].fn == fn && heap->callbacks[i].data == data) {
            memmove(&heap->callbacks[i], &heap->callbacks[i + 1],
                    (heap->ncallbacks - i - 1) * sizeof *heap->callbacks);
            heap->ncallbacks--;
            return GC_OK;
        }
    }
    return GC_ENOTFOUND;
}

struct gc_object *
gc_garbage(struct gc_heap *heap)
{
    return heap->garbage;
}

bool
gc_garbage_append(struct gc_heap *heap, struct gc_object *obj)
{
    if (gc_list_append(heap, heap->garbage, obj) != GC_OK) {
        heap->stats.unraisable_errors++;
        return false;
    }
    return true;
}

void
gc_set_debug(struct gc_heap *heap, unsigned flags)
{
    heap->debug = flags;
}

unsigned
gc_get_debug(const struct gc_heap *heap)
{
    return heap->debug;
}

void
gc_set_debug_output(struct gc_heap *heap, gc_debug_output_fn *fn,
                    void *data)
{
    heap->debug_output = fn;
    heap->debug_output_data = data;
}

void
gc_debug_line(struct gc_heap *heap, const char *fmt, ...)
{
    if (heap->debug_output == NULL) {
        return;
    }
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    heap->debug_output(heap->debug_output_data, line);
}

void
gc_set_listener(struct gc_heap *heap, const struct gc_listener *listener)
{
    if (listener == NULL) {
        memset(&heap->listener, 0, sizeof heap->listener);
    }
    else {
        heap->listener = *listener;
    }
    heap->next_sample_bytes =
        heap->listener.memory_sample != NULL &&
                heap->listener.sample_interval_bytes != 0
            ? gc_heap_gross_allocated_bytes(heap) +
                  heap->listener.sample_interval_bytes
            : UINT64_MAX;
    heap->next_byte_event = heap->trigger_bytes < heap->next_sample_bytes
                                ? heap->trigger_bytes
                                : heap->next_sample_bytes;
    gc_mem_recount(heap); /* the fast path's room ends at the event */
}

const char *
gc_reason_name(enum gc_reason why)
{
    static const char *const names[] = {"threshold", "manual", "shutdown",
                                        "bytes"};
    return (unsigned)why < sizeof names / sizeof *names ? names[why] : "?";
}

const char *
gc_skip_name(enum gc_skip why)
{
    switch (why) {
#define S(name, text)                                                       \
    case name:                                                              \
        return text;
        GC_SKIP_LIST(S)
#undef S
    case GC_SKIP_COUNT:
        break;
    }
    return "?";
}

/* ---- freeze ------------------------------------------------------- */

enum gc_status
gc_freeze(struct gc_heap *heap)
{
    if (!(heap->caps & GC_CAP_FREEZE)) {
        return GC_EUNSUPPORTED;
    }
    for (int g = 0; g < GC_NGENS; g++) {
        gc_glist_merge(&heap->gens[g].head, &heap->permanent);
        heap->gens[g].count = 0;
    }
    return GC_OK;
}

enum gc_status
gc_unfreeze(struct gc_heap *heap)
{
    if (!(heap->caps & GC_CAP_FREEZE)) {
        return GC_EUNSUPPORTED;
    }
    gc_glist_merge(&heap->permanent, &heap->gens[GC_NGENS - 1].head);
    return GC_OK;
}

enum gc_status
gc_get_freeze_count(const struct gc_heap *heap, uint64_t *count)
{
    if (!(heap->caps & GC_CAP_FREEZE)) {
        return GC_EUNSUPPORTED;
    }
    *count = gc_glist_size(&heap->permanent);
    return GC_OK;
}

enum gc_status
gc_is_finalized_api(const struct gc_heap *heap, struct gc_object *obj,
                    bool *out)
{
    if (!(heap->caps & GC_CAP_IS_FINALIZED)) {
        return GC_EUNSUPPORTED;
    }
    *out = gc_is_finalized(obj);
    return GC_OK;
}

/* ---- object queries ------------------------------------------------ */

enum gc_status
gc_get_objects(struct gc_heap *heap, int gen, struct gc_object **out)
{
    *out = NULL;
    if (gen != -1 && !(heap->caps & GC_CAP_GET_OBJECTS_GEN)) {
        return GC_EUNSUPPORTED;
    }
    if (gen >= GC_NGENS || gen < -1) {
        return GC_ERANGE;
    }
    struct gc_object *result = gc_list_new(heap);
    if (result == NULL) {
        return GC_ENOMEM;
    }
    int lo = gen < 0 ? 0 : gen, hi = gen < 0 ? GC_NGENS - 1 : gen;
    for (int g = lo; g <= hi; g++) {
        struct gc_head *list = &heap->gens[g].head;
        for (struct gc_head *h = gc_head_next(list); h != list;
             h = gc_head_next(h)) {
            struct gc_object *obj = gc_object_of(h);
            if (obj != result && gc_list_append(heap, result, obj) != GC_OK) {
                gc_decref(heap, result);
                return GC_ENOMEM;
            }
        }
    }
    *out = result;
    return GC_OK;
}

struct referrers_ctx {
    size_t n;
    struct gc_object *const *objs;
};

static int
visit_is_target(struct gc_object *obj, void *arg)
{
    struct referrers_ctx *ctx = arg;
    for (size_t i = 0; i < ctx->n; i++) {
        if (ctx->objs[i] == obj) {
            return 1;
        }
    }
    return 0;
}

enum gc_status
gc_get_referrers(struct gc_heap *heap, size_t n,
                 struct gc_object *const *objs, struct gc_object **out)
{
    struct referrers_ctx ctx = {.n = n, .objs = objs};
    struct gc_object *result = gc_list_new(heap);
    *out = NULL;
    if (result == NULL) {
        return GC_ENOMEM;
    }
    for (int g = 0; g < GC_NGENS; g++) {
        struct gc_head *list = &heap->gens[g].head;
        for (struct gc_head *h = gc_head_next(list); h != list;
             h = gc_head_next(h)) {
            struct gc_object *obj = gc_object_of(h);
            if (obj == result || gc_traverse(obj, visit_is_target, &ctx) == 0) {
                continue;
            }
            if (gc_list_append(heap, result, obj) != GC_OK) {
                gc_decref(heap, result);
                return GC_ENOMEM;
            }
        }
    }
    *out = result;
    return GC_OK;
}

struct referents_ctx {
    struct gc_heap *heap;
    struct gc_object *result;
};

static int
visit_append(struct gc_object *obj, void *arg)
{
    struct referents_ctx *ctx = arg;
    return gc_list_append(ctx->heap, ctx->result, obj) != GC_OK;
}

enum gc_status
gc_get_referents(struct gc_heap *heap, size_t n,
                 struct gc_object *const *objs, struct gc_object **out)
{
    struct referents_ctx ctx = {.heap = heap, .result = gc_list_new(heap)};
    *out = NULL;
    if (ctx.result == NULL) {
        return GC_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (gc_is_gc(objs[i]) && gc_traverse(objs[i], visit_append, &ctx)) {
            gc_decref(heap, ctx.result);
            return GC_ENOMEM;
        }
    }
    *out = ctx.result;
    return GC_OK;
}

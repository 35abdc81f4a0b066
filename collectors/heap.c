/* collectors/heap.c -- the heap context: allocators and accounting,
 * creation and destruction, the root table, and the entry points that
 * hand work to the heap's collector.
 *
 * Nothing here is global: several heaps can live in one process, and a
 * test makes one per case. */
#include "gc-internal.h"

#include <stdio.h>
#include <stdlib.h>

const char *
gc_status_str(enum gc_status status)
{
    switch (status) {
#define S(name, text)                                                       \
    case name:                                                              \
        return text;
        GC_STATUS_LIST(S)
#undef S
    }
    return "unknown status";
}

/* ---- profiles ---------------------------------------------------- */

static const char *const profile_names[GC_PROFILE_COUNT] = {
    [GC_PROFILE_2_7] = "2.7",
    [GC_PROFILE_3_8] = "3.8",
    [GC_PROFILE_3_11] = "3.11",
    [GC_PROFILE_3_13] = "3.13",
    [GC_PROFILE_3_14] = "3.14",
    [GC_PROFILE_3_15] = "3.15",
};

const char *
gc_profile_name(enum gc_profile profile)
{
    if ((unsigned)profile >= GC_PROFILE_COUNT) {
        return "?";
    }
    return profile_names[profile];
}

/* Measured in Objects/obmalloc.c of v2.7.18 and v3.8.18 (POOL_SIZE is
 * SYSTEM_PAGE_SIZE, ARENA_SIZE 256 << 10) and v3.10+ (16 KiB pools, 1 MiB
 * arenas).  3.8 stands for 3.4 to 3.10 and keeps 3.8's. */
static const struct gc_profile_alloc profile_allocs[GC_PROFILE_COUNT] = {
    [GC_PROFILE_2_7] = {(size_t)4 << 10, (size_t)256 << 10, true},
    [GC_PROFILE_3_8] = {(size_t)4 << 10, (size_t)256 << 10, false},
    [GC_PROFILE_3_11] = {(size_t)16 << 10, (size_t)1 << 20, false},
    [GC_PROFILE_3_13] = {(size_t)16 << 10, (size_t)1 << 20, false},
    [GC_PROFILE_3_14] = {(size_t)16 << 10, (size_t)1 << 20, false},
    [GC_PROFILE_3_15] = {(size_t)16 << 10, (size_t)1 << 20, false},
};

const struct gc_profile_alloc *
gc_profile_alloc(enum gc_profile profile)
{
    assert((unsigned)profile < GC_PROFILE_COUNT);
    return &profile_allocs[profile];
}

enum gc_status
gc_profile_parse(const char *text, enum gc_profile *out)
{
    for (int i = 0; i < GC_PROFILE_COUNT; i++) {
        if (text != NULL && strcmp(text, profile_names[i]) == 0) {
            *out = (enum gc_profile)i;
            return GC_OK;
        }
    }
    return GC_EINVAL;
}

static const char *const layout_names[] = {"alloc-order", "shuffled",
                                           "snapshot"};
#define NLAYOUTS (sizeof layout_names / sizeof layout_names[0])

const char *
gc_layout_name(enum gc_layout layout)
{
    return (unsigned)layout < NLAYOUTS ? layout_names[layout] : "?";
}

enum gc_status
gc_layout_parse(const char *text, enum gc_layout *out)
{
    for (size_t i = 0; i < NLAYOUTS; i++) {
        if (text != NULL && strcmp(text, layout_names[i]) == 0) {
            *out = (enum gc_layout)i;
            return GC_OK;
        }
    }
    return GC_EINVAL;
}

/* ---- allocators -------------------------------------------------- */

static void *
system_alloc(void *ctx, size_t n_bytes)
{
    (void)ctx;
    return malloc(n_bytes);
}

static void *
system_resize(void *ctx, void *ptr, size_t old_bytes, size_t new_bytes)
{
    (void)ctx;
    (void)old_bytes;
    return realloc(ptr, new_bytes);
}

static void
system_free(void *ctx, void *ptr, size_t n_bytes)
{
    (void)ctx;
    (void)n_bytes;
    free(ptr);
}

const struct gc_allocator gc_allocator_system = {
    .alloc = system_alloc,
    .resize = system_resize,
    .free = system_free,
    .ctx = NULL,
};

static bool
failing_should_fail(struct gc_failing_allocator *fa)
{
    fa->calls++;
    if (fa->fail_at != 0 &&
        (fa->calls == fa->fail_at ||
         (fa->is_persistent && fa->calls > fa->fail_at))) {
        fa->failures++;
        return true;
    }
    return false;
}

static void *
failing_alloc(void *ctx, size_t n_bytes)
{
    struct gc_failing_allocator *fa = ctx;
    return failing_should_fail(fa) ? NULL : malloc(n_bytes);
}

static void *
failing_resize(void *ctx, void *ptr, size_t old_bytes, size_t new_bytes)
{
    struct gc_failing_allocator *fa = ctx;
    (void)old_bytes;
    return failing_should_fail(fa) ? NULL : realloc(ptr, new_bytes);
}

void
gc_failing_allocator_init(struct gc_failing_allocator *fa, uint64_t fail_at,
                          bool is_persistent)
{
    memset(fa, 0, sizeof *fa);
    fa->base.alloc = failing_alloc;
    fa->base.resize = failing_resize;
    fa->base.free = system_free;
    fa->base.ctx = fa;
    fa->fail_at = fail_at;
    fa->is_persistent = is_persistent;
}

/* Any allocator but the pool, wrapped to count its large blocks as the
 * pool counts its own (gc_mem_large_added), so that the OS-visible
 * figure is the same on every backend. */
static void *
counted_alloc(void *ctx, size_t n_bytes)
{
    struct gc_heap *heap = ctx;
    void *p = heap->backend.alloc(heap->backend.ctx, n_bytes);
    if (p != NULL && n_bytes > GC_SMALL_REQUEST_THRESHOLD) {
        gc_mem_large_added(heap, n_bytes);
    }
    return p;
}

static void *
counted_resize(void *ctx, void *ptr, size_t old_bytes, size_t new_bytes)
{
    struct gc_heap *heap = ctx;
    void *p = heap->backend.resize(heap->backend.ctx, ptr, old_bytes,
                                   new_bytes);
    if (p != NULL && old_bytes > GC_SMALL_REQUEST_THRESHOLD) {
        gc_mem_large_removed(heap, old_bytes);
    }
    if (p != NULL && new_bytes > GC_SMALL_REQUEST_THRESHOLD) {
        gc_mem_large_added(heap, new_bytes);
    }
    return p;
}

static void
counted_free(void *ctx, void *ptr, size_t n_bytes)
{
    struct gc_heap *heap = ctx;
    if (n_bytes > GC_SMALL_REQUEST_THRESHOLD) {
        gc_mem_large_removed(heap, n_bytes);
    }
    heap->backend.free(heap->backend.ctx, ptr, n_bytes);
}

/* ---- object memory ----------------------------------------------- */

struct gc_object *
gc_atom_alloc(struct gc_heap *heap, const struct gc_type *type,
              size_t n_bytes)
{
    struct gc_object *obj = gc_mem_alloc(heap, n_bytes);
    if (obj == NULL) {
        return NULL;
    }
    obj->refcnt = 1;
    obj->type = type;
    heap->stats.objects_allocated++;
    return obj;
}

void
gc_atom_free(struct gc_heap *heap, struct gc_object *obj, size_t n_bytes)
{
    heap->stats.objects_freed++;
    gc_mem_free(heap, obj, n_bytes);
}

struct gc_object *
gc_container_alloc(struct gc_heap *heap, const struct gc_type *type,
                   size_t n_bytes)
{
    struct gc_head *head = gc_mem_alloc(heap, sizeof *head + n_bytes);
    if (head == NULL) {
        return NULL;
    }
    head->next = 0;
    head->prev = 0;
    heap->stats.objects_allocated++;
    heap->stats.gc_objects_allocated++;
    /* As _PyObject_GC_Alloc: count first, then perhaps collect, before
     * the new object is initialised or tracked, so the collector cannot
     * see it. */
    heap->gens[0].count++;
    if (heap->gens[0].count > heap->trigger_count && !heap->is_collecting) {
        heap->collector->trigger(heap, false);
    }
    /* The stress mode collects where a threshold could have (the object
     * is not tracked yet, so no collector can see it), whatever the
     * collector's own trigger says, so every allocation site of every
     * type is also a collection site.  All three generations take
     * turns: young collections, increments and full ones. */
    if (heap->is_collect_every_alloc && heap->is_enabled &&
        !heap->is_collecting && !heap->is_destroying) {
        gc_collect_with_callback(
            heap, (int)(heap->stats.gc_objects_allocated % GC_NGENS),
            GC_REASON_THRESHOLD);
    }
    if (heap->is_stress && !heap->is_collecting &&
        heap->stats.gc_objects_allocated % 64 == 0) {
        gc_heap_assert_valid(heap, 2);
    }
    struct gc_object *obj = gc_object_of(head);
    obj->refcnt = 1;
    obj->type = type;
    return obj;
}

void
gc_decref_hook(struct gc_heap *heap, struct gc_object *obj)
{
    heap->collector->decref_hook(heap, obj);
}

void
gc_container_free(struct gc_heap *heap, struct gc_object *obj,
                  size_t n_bytes)
{
    assert(gc_head_of(obj)->next == 0);
    if (heap->pub.has_decref_hook) {
        heap->collector->forget(heap, obj);
    }
    if (heap->gens[0].count > 0) {
        heap->gens[0].count--;
    }
    heap->stats.objects_freed++;
    heap->stats.gc_objects_freed++;
    gc_mem_free(heap, gc_head_of(obj), sizeof(struct gc_head) + n_bytes);
}

struct gc_object *
gc_free_list_pop(struct gc_heap *heap, struct gc_free_list *fl,
                 const struct gc_type *type)
{
    struct gc_object *obj = fl->head;
    if (obj == NULL) {
        return NULL;
    }
    struct gc_head *h = gc_head_of(obj);
    fl->head = (struct gc_object *)h->prev;
    fl->n--;
    heap->stats.gc_objects_cached--;
    h->prev = 0; /* a fresh object: not finalized */
    obj->refcnt = 1;
    obj->type = type;
    return obj;
}

void
gc_container_release(struct gc_heap *heap, struct gc_object *obj,
                     size_t n_bytes, struct gc_free_list *fl)
{
    struct gc_head *h = gc_head_of(obj);
    assert(h->next == 0);
    if (fl->n >= fl->max || heap->is_destroying) {
        gc_container_free(heap, obj, n_bytes);
        return;
    }
    if (heap->pub.has_decref_hook) {
        heap->collector->forget(heap, obj);
    }
    h->prev = (uintptr_t)fl->head;
    fl->head = obj;
    fl->n++;
    heap->stats.gc_objects_cached++;
}

static void
drain(struct gc_heap *heap, struct gc_free_list *fl, size_t n_bytes)
{
    while (fl->head != NULL) {
        struct gc_object *obj = gc_free_list_pop(heap, fl, NULL);
        gc_container_free(heap, obj, n_bytes);
    }
}

void
gc_free_lists_clear(struct gc_heap *heap)
{
    struct gc_free_lists *f = &heap->free_lists;
    if (heap->profile != GC_PROFILE_2_7 || heap->is_destroying) {
        drain(heap, &f->list, gc_list_object_bytes(heap->profile));
        drain(heap, &f->dict, gc_dict_object_bytes(heap->profile));
    }
    for (size_t n = 1; n < GC_TUPLE_FREE_SIZES; n++) {
        drain(heap, &f->tuple[n], gc_tuple_object_bytes(heap->profile, n));
    }
}

/* ---- creation and destruction ------------------------------------ */

void
gc_heap_config_init(struct gc_heap_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->profile = GC_PROFILE_DEFAULT;
}

/* The default allocator is the pool (pool.c), as CPython uses pymalloc.
 * Sanitizer builds and GCLAB_MALLOC=malloc (for valgrind) use malloc, so
 * that every block is checked on its own, as PYTHONMALLOC=malloc does
 * for CPython. */
static bool
use_system_malloc(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
    return true;
#endif
#endif
    const char *env = getenv("GCLAB_MALLOC");
    return env != NULL && strcmp(env, "malloc") == 0;
}

/* The verifier level: the build's default, raised by GCLAB_CHECKS=N;
 * GCLAB_STRESS=1 means level 2, also every 64th allocation.  Neither
 * changes when collections happen, and neither does the test knob
 * GCLAB_DEBUG_EXTRA_TRAVERSE=PCT (wasted work for the gates to find). */
static void
read_check_level(struct gc_heap *heap)
{
    heap->checks = GCLAB_CHECKS_DEFAULT;
    const char *env = getenv("GCLAB_CHECKS");
    if (env != NULL && env[0] >= '0' && env[0] <= '2' && env[1] == '\0' &&
        env[0] - '0' > heap->checks) {
        heap->checks = env[0] - '0';
    }
    env = getenv("GCLAB_STRESS");
    if (env != NULL && strcmp(env, "1") == 0) {
        heap->checks = 2;
        heap->is_stress = true;
    }
    /* Test knobs, not settings (debug.c). */
    gc_debug_init(heap);
}

static void
set_err(const struct gc_heap_config *cfg, const char *msg)
{
    if (cfg->err != NULL && cfg->err_bytes > 0) {
        snprintf(cfg->err, cfg->err_bytes, "%s", msg);
    }
}

enum gc_status
gc_heap_new(const struct gc_heap_config *cfg, struct gc_heap **out)
{
    *out = NULL;
    if ((unsigned)cfg->profile >= GC_PROFILE_COUNT) {
        set_err(cfg, "unknown profile");
        return GC_EINVAL;
    }
    /* The heap struct itself comes from calloc, not the allocator, so
     * that gc_heap_destroy can report the allocator's balance last. */
    struct gc_heap *heap = calloc(1, sizeof *heap);
    if (heap == NULL) {
        set_err(cfg, "out of memory");
        return GC_ENOMEM;
    }
    heap->profile = cfg->profile;
    heap->is_pymem_malloc = gc_profile_alloc(cfg->profile)->is_pymem_malloc;
    heap->layout = cfg->layout;
    heap->next_byte_event = UINT64_MAX;
    heap->trigger_bytes = UINT64_MAX;
    heap->next_sample_bytes = UINT64_MAX;
    if (cfg->allocator != NULL || use_system_malloc()) {
        heap->backend =
            cfg->allocator != NULL ? *cfg->allocator : gc_allocator_system;
        heap->alloc = (struct gc_allocator){.alloc = counted_alloc,
                                            .resize = counted_resize,
                                            .free = counted_free,
                                            .ctx = heap};
    }
    else {
        gc_pool_init(&heap->pool, gc_profile_alloc(cfg->profile),
                     cfg->layout, cfg->layout_seed, heap, &heap->alloc);
        heap->has_pool = true;
    }
    for (int g = 0; g < GC_NGENS; g++) {
        gc_glist_init(&heap->gens[g].head);
    }
    heap->gens[0].threshold = heap->profile >= GC_PROFILE_3_13 ? 2000 : 700;
    heap->gens[1].threshold = 10;
    heap->gens[2].threshold = 10;
    gc_glist_init(&heap->permanent);
    heap->trigger_count = UINT64_MAX;
    heap->is_enabled = true;
    heap->collector = cfg->collector ? cfg->collector : gc_collectors[0];
    heap->free_lists.list.max = 80;
    heap->free_lists.dict.max = 80;
    for (size_t n = 1; n < GC_TUPLE_FREE_SIZES; n++) {
        heap->free_lists.tuple[n].max = 2000;
    }
    read_check_level(heap);

    enum gc_status rc = gc_atoms_init(heap);
    if (rc == GC_OK) {
        heap->roots = gc_dict_new(heap);
        heap->garbage = gc_list_new(heap);
        if (heap->roots == NULL || heap->garbage == NULL) {
            rc = GC_ENOMEM;
        }
    }
    if (rc != GC_OK) {
        set_err(cfg, "out of memory");
    }
    else {
        char err[200] = "";
        rc = heap->collector->init(heap, cfg->options, cfg->nopts,
                                   &heap->collector_state, err, sizeof err);
        if (rc != GC_OK) {
            heap->collector = NULL;
            set_err(cfg, err[0] ? err : gc_status_str(rc));
        }
    }
    if (rc != GC_OK) {
        gc_heap_destroy(heap);
        return rc;
    }
    heap->caps = heap->collector->caps(heap, heap->collector_state);
    heap->pub.has_decref_hook = heap->collector->decref_hook != NULL;
    if (heap->collector->retrigger != NULL) {
        heap->collector->retrigger(heap);
    }
    /* Only now: the collector needs its state to collect. */
    heap->is_collect_every_alloc = cfg->is_collect_every_alloc;
    *out = heap;
    return GC_OK;
}

/* Breaks every cycle left in list by clearing its members, as
 * delete_garbage does, but without finalizers.  Members are moved to a
 * private list first so that the walk always makes progress; whatever is
 * still there at the end is held from outside the heap. */
static void
clear_all(struct gc_heap *heap, struct gc_head *list)
{
    struct gc_head done;
    gc_glist_init(&done);
    while (!gc_glist_is_empty(list)) {
        struct gc_head *h = gc_head_next(list);
        struct gc_object *obj = gc_object_of(h);
        gc_glist_remove(h);
        gc_glist_append(h, &done);
        gc_incref(obj);
        if (obj->type->clear != NULL) {
            obj->type->clear(heap, obj);
        }
        gc_decref(heap, obj);
    }
    /* Leaked objects: leave them linked to each other but not to the
     * heap, which is about to go; the byte count reports them. */
    if (!gc_glist_is_empty(&done)) {
        struct gc_head *first = gc_head_next(&done);
        struct gc_head *last = gc_head_prev(&done);
        gc_head_set_prev(first, last);
        last->next = (uintptr_t)first;
    }
}

uint64_t
gc_heap_destroy(struct gc_heap *heap)
{
    if (heap == NULL) {
        return 0;
    }
    heap->is_destroying = true;
    heap->trigger_count = UINT64_MAX;
    heap->pub.has_decref_hook = false;
    /* No state: heap creation failed before the collector's init ran
     * (or in it, which leaves nothing behind). */
    if (heap->collector != NULL && heap->collector->destroy != NULL &&
        heap->collector_state != NULL) {
        heap->collector->destroy(heap, heap->collector_state);
    }
    heap->collector_state = NULL;
    struct gc_object **owned[] = {&heap->roots, &heap->garbage};
    for (size_t i = 0; i < sizeof owned / sizeof *owned; i++) {
        struct gc_object *obj = *owned[i];
        *owned[i] = NULL;
        gc_xdecref(heap, obj);
    }
    gc_mem_free(heap, heap->callbacks,
                heap->callbacks_cap * sizeof *heap->callbacks);
    for (struct gc_class *c = heap->classes; c != NULL; c = c->next_class) {
        gc_class_release_refs(heap, c);
    }
    for (int g = 0; g < GC_NGENS; g++) {
        clear_all(heap, &heap->gens[g].head);
    }
    clear_all(heap, &heap->permanent);
    assert(heap->trash_later == NULL);
    gc_free_lists_clear(heap);
    gc_atoms_fini(heap);
    while (heap->classes != NULL) {
        struct gc_class *c = heap->classes;
        heap->classes = c->next_class;
        gc_class_free(heap, c);
    }
    uint64_t leaked = heap->stats.live_bytes;
    if (heap->has_pool) {
        gc_pool_fini(&heap->pool); /* leaked blocks go with their arena */
    }
    free(heap);
    return leaked;
}

enum gc_profile
gc_heap_profile(const struct gc_heap *heap)
{
    return heap->profile;
}

enum gc_layout
gc_heap_layout(const struct gc_heap *heap)
{
    return heap->layout;
}

void
gc_relist(struct gc_heap *heap, struct gc_object *obj)
{
    if (gc_is_tracked(obj)) {
        gc_untrack(obj);
        gc_track(heap, obj);
    }
}

const struct gc_heap_stats *
gc_heap_stats(const struct gc_heap *heap)
{
    return &heap->stats;
}

uint64_t
gc_heap_arena_peak_bytes(const struct gc_heap *heap)
{
    return heap->has_pool ? (uint64_t)heap->pool.peak_arenas *
                                heap->pool.arena_bytes
                          : 0;
}

uint64_t
gc_heap_os_bytes(const struct gc_heap *heap)
{
    const uint64_t arena = 1024 * 1024;
    const struct gc_heap_stats *s = &heap->stats;
    return (s->small_peak_bytes + arena - 1) / arena * arena +
           s->medium_peak_bytes + s->big_live_bytes;
}

/* The OS-visible bytes only rise when a peak or the big blocks do. */
static void
os_peak_update(struct gc_heap *heap)
{
    uint64_t os = gc_heap_os_bytes(heap);
    if (os > heap->stats.os_peak_bytes) {
        heap->stats.os_peak_bytes = os;
    }
}

/* The peaks after live_bytes rose: live, the small blocks' (live less
 * the large ones) and, when that crosses into another arena, the
 * OS-visible one. */
static inline void
mem_peak(struct gc_heap *heap)
{
    struct gc_heap_stats *s = &heap->stats;
    if (s->live_bytes > s->peak_bytes) {
        s->peak_bytes = s->live_bytes;
    }
    uint64_t small = s->live_bytes - s->medium_live_bytes - s->big_live_bytes;
    if (small > s->small_peak_bytes) {
        bool is_new_arena = (small - 1) >> 20 !=
                                (s->small_peak_bytes - 1) >> 20 ||
                            s->small_peak_bytes == 0;
        s->small_peak_bytes = small;
        if (is_new_arena) {
            os_peak_update(heap);
        }
    }
}

static inline uint64_t
gross_bytes(const struct gc_heap *heap)
{
    return heap->mem_gross_end - heap->mem_room;
}

uint64_t
gc_heap_gross_allocated_bytes(const struct gc_heap *heap)
{
    return gross_bytes(heap);
}

/* Room enough for any run (2^62 bytes), so that mem_gross_end cannot
 * wrap. */
#define MEM_ROOM_MAX ((uint64_t)1 << 62)

static inline void
mem_recount(struct gc_heap *heap)
{
    const struct gc_heap_stats *s = &heap->stats;
    uint64_t gross = gross_bytes(heap);
    uint64_t small = s->live_bytes - s->medium_live_bytes - s->big_live_bytes;
    /* Each peak may be reached but not passed; the byte event is due
     * at its byte. */
    uint64_t to_peak =
        s->peak_bytes > s->live_bytes ? s->peak_bytes - s->live_bytes : 0;
    uint64_t to_small_peak =
        s->small_peak_bytes > small ? s->small_peak_bytes - small : 0;
    uint64_t to_event = heap->next_byte_event > gross
                            ? heap->next_byte_event - gross - 1
                            : 0;
    uint64_t room = MEM_ROOM_MAX;
    room = to_peak < room ? to_peak : room;
    room = to_small_peak < room ? to_small_peak : room;
    room = to_event < room ? to_event : room;
    heap->mem_room = room;
    heap->mem_gross_end = gross + room;
}

void
gc_mem_recount(struct gc_heap *heap)
{
    mem_recount(heap);
}

void *
gc_mem_alloc_slow(struct gc_heap *heap, void *p, size_t n_bytes)
{
    /* The gross allocation with this block, which the room does not
     * show yet. */
    uint64_t gross = gross_bytes(heap) + n_bytes;
    heap->mem_gross_end = gross;
    heap->mem_room = 0;
    mem_peak(heap);
    if (gross >= heap->next_byte_event) {
        gc_byte_event(heap);
    }
    mem_recount(heap);
    return p;
}

void
gc_mem_resized(struct gc_heap *heap, uint64_t grown_bytes)
{
    heap->mem_gross_end += grown_bytes; /* the gross allocation rises */
    mem_peak(heap);
    mem_recount(heap);
}

void
gc_mem_large_added(struct gc_heap *heap, uint64_t n_bytes)
{
    struct gc_heap_stats *s = &heap->stats;
    if (n_bytes < GC_MMAP_THRESHOLD) {
        if ((s->medium_live_bytes += n_bytes) > s->medium_peak_bytes) {
            s->medium_peak_bytes = s->medium_live_bytes;
            os_peak_update(heap);
        }
    }
    else {
        s->big_live_bytes += n_bytes;
        os_peak_update(heap);
    }
    /* No room: the allocation takes the slow path, which takes the live
     * peak once live_bytes holds the block. */
    heap->mem_gross_end -= heap->mem_room;
    heap->mem_room = 0;
}

void
gc_mem_large_removed(struct gc_heap *heap, uint64_t n_bytes)
{
    /* Live and large bytes fall together: the room stands. */
    if (n_bytes < GC_MMAP_THRESHOLD) {
        heap->stats.medium_live_bytes -= n_bytes;
    }
    else {
        heap->stats.big_live_bytes -= n_bytes;
    }
}

/* ---- PyMem on 2.7: malloc ----------------------------------------- */

/* A PyMem block lives in malloc's heap (medium or big, by size) whatever
 * its size, so it is counted as a large block always; the backend is
 * the C library beside the pool, or the given allocator bare (its
 * counting wrapper would count a block over 512 bytes a second time). */
static void *
pymem_raw_alloc(struct gc_heap *heap, size_t n_bytes)
{
    if (heap->has_pool) {
        return malloc(n_bytes ? n_bytes : 1);
    }
    return heap->backend.alloc(heap->backend.ctx, n_bytes);
}

void *
gc_pymem_alloc_malloc(struct gc_heap *heap, size_t n_bytes)
{
    void *p = pymem_raw_alloc(heap, n_bytes);
    if (p == NULL) {
        heap->stats.failed_allocations++;
        return NULL;
    }
    gc_mem_large_added(heap, n_bytes); /* no room: the slow path */
    heap->stats.allocations++;
    heap->stats.live_bytes += n_bytes;
    return gc_mem_alloc_slow(heap, p, n_bytes);
}

void *
gc_pymem_resize_malloc(struct gc_heap *heap, void *ptr, size_t old_bytes,
                       size_t new_bytes)
{
    void *p = heap->has_pool
                  ? realloc(ptr, new_bytes ? new_bytes : 1)
                  : heap->backend.resize(heap->backend.ctx, ptr, old_bytes,
                                         new_bytes);
    if (p == NULL) {
        heap->stats.failed_allocations++;
        return NULL; /* ptr is untouched */
    }
    gc_mem_large_removed(heap, old_bytes);
    gc_mem_large_added(heap, new_bytes);
    gc_mem_account_resize(heap, old_bytes, new_bytes);
    return p;
}

void
gc_pymem_free_malloc(struct gc_heap *heap, void *ptr, size_t n_bytes)
{
    if (ptr == NULL) {
        return;
    }
    gc_mem_account_free(heap, n_bytes);
    gc_mem_large_removed(heap, n_bytes);
    if (heap->has_pool) {
        free(ptr);
    }
    else {
        heap->backend.free(heap->backend.ctx, ptr, n_bytes);
    }
}

void
gc_heap_reset_peak(struct gc_heap *heap)
{
    heap->stats.peak_bytes = heap->stats.live_bytes;
    mem_recount(heap);
}

/* The next byte event: the trigger's or the sample's, whichever is
 * first. */
static void
rearm(struct gc_heap *heap)
{
    heap->next_byte_event = heap->trigger_bytes < heap->next_sample_bytes
                                ? heap->trigger_bytes
                                : heap->next_sample_bytes;
    mem_recount(heap);
}

void
gc_heap_set_trigger_bytes(struct gc_heap *heap, uint64_t bytes)
{
    heap->is_bytes_due = false;
    heap->trigger_bytes =
        bytes == 0 ? UINT64_MAX : gross_bytes(heap) + bytes;
    rearm(heap);
}

/* From gc_mem_alloc: never collects here (the allocation is inside some
 * object's construction); a due byte trigger is a collection scheduled
 * for the next safepoint, as 3.12+ schedules every automatic one. */
void
gc_byte_event(struct gc_heap *heap)
{
    uint64_t now = gross_bytes(heap);
    if (now >= heap->trigger_bytes) {
        heap->trigger_bytes = UINT64_MAX;
        heap->is_bytes_due = true;
        heap->is_gc_scheduled = true;
    }
    if (now >= heap->next_sample_bytes) {
        uint64_t every = heap->listener.sample_interval_bytes;
        if (GCLAB_EVENTS && heap->listener.memory_sample != NULL &&
            every != 0) {
            heap->next_sample_bytes += (now - heap->next_sample_bytes) /
                                           every * every +
                                       every;
            heap->listener.memory_sample(heap->listener.data);
        }
        else {
            heap->next_sample_bytes = UINT64_MAX;
        }
    }
    rearm(heap);
}

enum gc_status
gc_heap_prefault(struct gc_heap *heap, uint64_t bytes)
{
    return heap->has_pool ? gc_pool_prefault(&heap->pool, bytes) : GC_OK;
}

uint64_t
gc_heap_arena_bytes(const struct gc_heap *heap)
{
    return heap->has_pool ? (uint64_t)gc_pool_arena_count(&heap->pool) *
                                heap->pool.arena_bytes
                          : 0;
}

struct gc_object *
gc_none(struct gc_heap *heap)
{
    return heap->none;
}

/* ---- root table -------------------------------------------------- */

enum gc_status
gc_root_set(struct gc_heap *heap, const char *name, struct gc_object *value)
{
    return gc_dict_set_cstr(heap, heap->roots, name, value);
}

struct gc_object *
gc_root_get(struct gc_heap *heap, const char *name)
{
    return gc_dict_get_cstr(heap->roots, name);
}

enum gc_status
gc_root_del(struct gc_heap *heap, const char *name)
{
    return gc_dict_del_cstr(heap, heap->roots, name);
}

struct gc_object *
gc_root_table(struct gc_heap *heap)
{
    return heap->roots;
}

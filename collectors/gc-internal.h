/* collectors/gc-internal.h -- what the files of collectors/ share and
 * nobody else sees: the heap's layout, memory accounting, generation
 * lists, tracking and the trashcan.
 *
 * Invariants (checked by the verifier once it exists):
 *   - a container is tracked iff head->next != 0, and then it is in
 *     exactly one list: a generation or the permanent list;
 *   - outside a collection the low bits of head->prev hold only
 *     GC_PREV_FINALIZED;
 *   - heap->stats.live_bytes is the sum of the sizes of all live blocks
 *     the heap handed out.
 */
#ifndef GCLAB_GC_INTERNAL_H
#define GCLAB_GC_INTERNAL_H

#include "gc.h"

#include <assert.h>
#include <string.h>

#define GC_NGENS 3

/* Nesting of container deallocations before the trashcan defers one
 * (PyTrash_UNWIND_LEVEL, 2.7-3.12).  3.13 uses C-stack headroom instead
 * (about 9,950 levels); gclab keeps 50 on every profile because only the
 * order of finalizers inside one statement would differ, and that order
 * is not part of conformance (docs/scenarios.md). */
#define GC_TRASH_LIMIT 50

/* Shared keys of one class on 3.11+ (CPython's SHARED_KEYS_MAX_SIZE 30
 * minus the one that overflows): an instance that needs one more name
 * gets a separate dict object. */
#define GC_SHARED_KEYS_MAX 29

struct gc_callback_entry {
    gc_callback_fn *fn;
    void *data;
};

/* A free list of dead containers of one shape, as CPython keeps for
 * lists, dicts and tuples: reuse skips the allocator and the
 * generation-0 count, so count[0] moves as the interpreter's does.
 * Members are untracked; their head's prev word links the list. */
struct gc_free_list {
    struct gc_object *head;
    uint32_t n, max;
};

/* Tuples of 1..GC_TUPLE_FREE_SIZES-1 items (PyTuple_MAXSAVESIZE). */
#define GC_TUPLE_FREE_SIZES 20

struct gc_free_lists {
    struct gc_free_list list;  /* 80 (PyList_MAXFREELIST) */
    struct gc_free_list dict;  /* 80 (PyDict_MAXFREELIST) */
    struct gc_free_list tuple[GC_TUPLE_FREE_SIZES]; /* 2000 each */
};

struct gc_gen {
    struct gc_head head; /* list sentinel: next/prev point at heads */
    uint64_t count;
    int64_t threshold;
};

struct gc_class {
    /* The class as an object: an untracked GC head, then refcnt (the
     * heap's reference and one per instance) and type gc_type_class. */
    struct gc_head head;
    struct gc_object ob;
    struct gc_type type; /* an instance's type points here */
    const struct gc_type *base; /* tp_base: object, for every class */
    struct gc_class *next_class; /* the heap's list of classes */
    char *name;
    size_t name_bytes;
    enum gc_finalizer_kind finalizer;
    gc_finalizer_hook_fn *on_finalize;
    void *data;
    struct gc_object *resurrect_into; /* owned reference */
    bool has_slots;
    bool has_values; /* 3.11+ without __slots__: attribute values */
    size_t plain_bytes; /* an instance with neither values nor slots */
    size_t nslots;
    /* Attribute names known to the class, as str objects it owns: slots
     * first (fixed), then, for free attributes on 3.11+, the shared keys
     * in the order instances first stored them. */
    struct gc_object **names;
    size_t nnames, names_cap;
    size_t keys_usable; /* 3.11+: the shared keys' dk_usable */
    struct gc_dict_keys *cached_keys; /* 3.8: ht_cached_keys, or NULL */
    size_t nkeys;       /* 3.11+: names in the shared keys (dk_nentries),
                           after the slots in names */
};

/* What a profile's allocator is (Objects/obmalloc.c and PyMem_Malloc
 * of that version), from gc_profile_alloc. */
struct gc_profile_alloc {
    /* SMALL_REQUEST_THRESHOLD is 512 on every profile:
     * GC_SMALL_REQUEST_THRESHOLD. */
    /* POOL_SIZE and ARENA_SIZE: a page and 256 KiB up to 3.9; 16 KiB and
     * 1 MiB from 3.10 (USE_LARGE_POOLS, USE_LARGE_ARENAS). */
    size_t pool_bytes, arena_bytes;
    /* PyMem_Malloc is the C library's malloc (2.7's PyMem_MALLOC), not
     * pymalloc (3.x): a list's items and a big dict table on 2.7 come
     * from malloc's heap, one stream apart from the objects' pools. */
    bool is_pymem_malloc;
};
const struct gc_profile_alloc *gc_profile_alloc(enum gc_profile profile);

/* The pymalloc-like small-object allocator (pool.c), one per heap. */
#define GC_POOL_CLASSES 32
struct pool_header;
struct gc_pool_arena;
struct gc_pool_reserve {
    void **blocks; /* fresh blocks, to hand out from the end */
    size_t n, cap;
    size_t npools; /* pools carved for this class so far */
};
struct gc_pool {
    struct pool_header *used[GC_POOL_CLASSES]; /* pools with free blocks */
    struct gc_pool_arena *arenas;
    /* Arenas with every pool free, and how many of them to keep mapped
     * rather than unmap: 1, so that a heap hovering at an arena boundary
     * does not map and unmap over and over, or more after a prefault. */
    size_t nempty, keep_empty;
    size_t narenas, peak_arenas;
    /* GC_LAYOUT_SHUFFLED: per class, fresh blocks in random order.  Their
     * pools count them in ref_count, so none empties under them. */
    bool is_shuffled;
    uint64_t rng;
    struct gc_pool_reserve reserve[GC_POOL_CLASSES];
    size_t pool_bytes, arena_bytes; /* the profile's; powers of two */
    struct gc_heap *heap; /* counts its large blocks (gc_mem_large_*) */
};
/* heap may be NULL: then no block is counted. */
void gc_pool_init(struct gc_pool *pool,
                  const struct gc_profile_alloc *geometry,
                  enum gc_layout layout, uint64_t seed, struct gc_heap *heap,
                  struct gc_allocator *out);
void gc_pool_fini(struct gc_pool *pool);
size_t gc_pool_arena_count(const struct gc_pool *pool);
enum gc_status gc_pool_prefault(struct gc_pool *pool, uint64_t bytes);

/* A test knob's hook (debug.c): run inside a collection on the set
 * being collected (n objects), after subtract_refs.  It may traverse;
 * it must not change any object, list or count. */
typedef void gc_debug_hook_fn(struct gc_heap *heap, struct gc_head *set,
                              size_t n);
/* Reads the knobs from the environment into a new heap. */
void gc_debug_init(struct gc_heap *heap);

struct gc_heap {
    struct gc_heap_inline pub; /* first: gc_decref reads it */
    enum gc_profile profile;
    enum gc_layout layout; /* as configured; the pool acts on it */
    /* gc_mem_alloc's fast path: the bytes it may still allocate before
     * a peak (live, or the small blocks') or a byte event could be due,
     * and the gross allocation at which that room runs out, so that
     * gross_allocated_bytes is mem_gross_end - mem_room and needs no
     * count of its own.  Set by gc_mem_recount; a large block sets the
     * room to 0, so that its allocation takes the slow path. */
    uint64_t mem_room, mem_gross_end;
    bool is_pymem_malloc; /* the profile's (gc_profile_alloc) */
    /* Byte events: gross_allocated_bytes reaching next_byte_event calls
     * gc_byte_event, which schedules a byte-triggered collection at
     * trigger_bytes (UINT64_MAX: none) and samples memory at
     * next_sample_bytes (UINT64_MAX: no series).  One compare per
     * allocation either way. */
    uint64_t next_byte_event, trigger_bytes, next_sample_bytes;
    bool is_bytes_due;     /* the byte trigger fired; not yet collected */
    struct gc_allocator alloc;
    bool has_pool;         /* alloc is &pool's */
    /* Any other allocator (malloc, the failing one, a test's), which
     * alloc then wraps to count large blocks as the pool does. */
    struct gc_allocator backend;
    struct gc_pool pool;
    struct gc_heap_stats stats;

    /* Generations, youngest first, and gc.freeze()'s permanent list. */
    struct gc_gen gens[GC_NGENS];
    struct gc_head permanent;
    /* The collector's trigger fires when gens[0].count exceeds this;
     * UINT64_MAX means never. */
    uint64_t trigger_count;
    bool is_enabled;       /* gc.isenabled() */
    bool is_collecting;    /* a collection (with its callbacks) runs */
    bool is_gc_scheduled;  /* 3.13: collect at the next safepoint */
    bool is_destroying;    /* no finalizers or callbacks from here on */
    unsigned debug;        /* GC_DEBUG_* */
    struct gc_gen_stats gen_stats[GC_NGENS];
    struct gc_object *garbage; /* gc.garbage, a list */

    const struct gc_collector *collector;
    void *collector_state;
    uint32_t caps;

    struct gc_listener listener;
    gc_debug_output_fn *debug_output;
    void *debug_output_data;
    gc_clock_fn *clock; /* the harness's, for 3.15's duration; or NULL */
    void *clock_data;
    struct gc_callback_entry *callbacks; /* gc.callbacks */
    size_t ncallbacks, callbacks_cap;

    int checks;            /* verifier level after collections */
    bool is_stress;        /* GCLAB_STRESS: also every 64th allocation */
    bool is_collect_every_alloc; /* the config's stress mode */
    /* TEST KNOBS (debug.c): called inside each collection, after
     * subtract_refs, on the set being collected; NULL unless a knob is
     * set (GCLAB_DEBUG_EXTRA_TRAVERSE=PCT).  A hook, not a listener: it
     * wastes work on purpose so that gclab's gates can be shown to see
     * it, and never reads a clock.  Never a result. */
    gc_debug_hook_fn *debug_hook;
    uint32_t debug_extra_traverse_pct;

    struct gc_free_lists free_lists;
    struct gc_object *roots; /* dict */
    struct gc_object *none;
    struct gc_object *empty_tuple;
    /* Up to gc_small_int_max(profile); the rest stay NULL. */
    struct gc_object *small_ints[GC_SMALL_INT_MAX_3_15 - GC_SMALL_INT_MIN + 1];

    /* Trashcan: container deallocations nested this deep, and the chain
     * of objects whose deallocation was put off. */
    int trash_depth;
    struct gc_object *trash_later;

    /* Refcount cascades: deallocations nested this deep, objects freed
     * when the outermost began, and whether the listener was told. */
    uint32_t cascade_depth;
    uint64_t cascade_first_freed;
    bool is_cascade_announced;

    struct gc_class *classes;
};

/* ---- memory ------------------------------------------------------ */

void gc_byte_event(struct gc_heap *heap);
/* Arms the byte trigger for bytes more of gross allocation from now (0:
 * disarms it). */
void gc_heap_set_trigger_bytes(struct gc_heap *heap, uint64_t bytes);

/* A block above the small threshold allocated (added) or freed: its
 * path's bytes (gc_heap_stats: medium from malloc's heap, big mapped
 * alone) and the OS-visible peak.  Called by the allocator layer, the
 * pool or the wrapper around any other allocator, which tells large
 * blocks from small ones anyway; an addition sends the allocation down
 * gc_mem_alloc's slow path, where the live peak is taken. */
void gc_mem_large_added(struct gc_heap *heap, uint64_t n_bytes);
void gc_mem_large_removed(struct gc_heap *heap, uint64_t n_bytes);
/* The rest of gc_mem_alloc's accounting of p (n_bytes, already in
 * live_bytes): the gross allocation, the peaks, the byte event, and the
 * room again.  Returns p. */
void *gc_mem_alloc_slow(struct gc_heap *heap, void *p, size_t n_bytes);
/* After a resize's live_bytes changed and the gross allocation grew by
 * grown_bytes: the peaks, and the room again. */
void gc_mem_resized(struct gc_heap *heap, uint64_t grown_bytes);
/* mem_room and mem_gross_end from the counts now: after anything that
 * moves the byte event. */
void gc_mem_recount(struct gc_heap *heap);

static inline void *
gc_mem_alloc(struct gc_heap *heap, size_t n_bytes)
{
    void *p = heap->alloc.alloc(heap->alloc.ctx, n_bytes);
    if (p == NULL) {
        heap->stats.failed_allocations++;
        return NULL;
    }
    heap->stats.allocations++;
    heap->stats.live_bytes += n_bytes;
    /* The common case, a small block while no peak and no byte event
     * can be due, is one compare: the allocator counted a large block,
     * and the room covers the peaks and the gross allocation.  Anything
     * else is a tail call, so that no caller saves registers for it.
     * Byte events come only from here, not from resize: an event may
     * walk the heap (the accounting run's mark), and a fresh block is
     * not yet referenced by anything, whereas a resized one may be half
     * moved. */
    if (n_bytes > heap->mem_room) {
        return gc_mem_alloc_slow(heap, p, n_bytes);
    }
    heap->mem_room -= n_bytes;
    return p;
}

/* The counts of a block resized from old_bytes to new_bytes, whatever
 * allocator moved it (gc_mem_resize, 2.7's PyMem). */
static inline void
gc_mem_account_resize(struct gc_heap *heap, size_t old_bytes,
                      size_t new_bytes)
{
    heap->stats.allocations++;
    heap->stats.frees++;
    heap->stats.live_bytes += new_bytes;
    heap->stats.live_bytes -= old_bytes;
    gc_mem_resized(heap, new_bytes > old_bytes ? new_bytes - old_bytes : 0);
}

/* The counts of a block about to be freed (gc_mem_free, 2.7's PyMem). */
static inline void
gc_mem_account_free(struct gc_heap *heap, size_t n_bytes)
{
    assert(heap->stats.live_bytes >= n_bytes);
    heap->stats.frees++;
    /* No peak can rise, so the room stands (it only grows by a free,
     * and is recounted on the slow path). */
    heap->stats.live_bytes -= n_bytes;
}

static inline void *
gc_mem_resize(struct gc_heap *heap, void *ptr, size_t old_bytes,
              size_t new_bytes)
{
    void *p = heap->alloc.resize(heap->alloc.ctx, ptr, old_bytes, new_bytes);
    if (p == NULL) {
        heap->stats.failed_allocations++;
        return NULL; /* ptr is untouched */
    }
    gc_mem_account_resize(heap, old_bytes, new_bytes);
    return p;
}

static inline void
gc_mem_free(struct gc_heap *heap, void *ptr, size_t n_bytes)
{
    if (ptr == NULL) {
        return;
    }
    gc_mem_account_free(heap, n_bytes);
    heap->alloc.free(heap->alloc.ctx, ptr, n_bytes);
}

/* PyMem_Malloc, PyMem_Realloc and PyMem_Free: on 3.x the same as the
 * object allocator (pymalloc); on 2.7 malloc's, which the pool leaves to
 * the C library whatever the size (a given allocator still sees every
 * call), accounted as malloc's heap. */
void *gc_pymem_alloc_malloc(struct gc_heap *heap, size_t n_bytes);
void *gc_pymem_resize_malloc(struct gc_heap *heap, void *ptr,
                             size_t old_bytes, size_t new_bytes);
void gc_pymem_free_malloc(struct gc_heap *heap, void *ptr, size_t n_bytes);

static inline void *
gc_pymem_alloc(struct gc_heap *heap, size_t n_bytes)
{
    return heap->is_pymem_malloc ? gc_pymem_alloc_malloc(heap, n_bytes)
                                 : gc_mem_alloc(heap, n_bytes);
}

static inline void *
gc_pymem_resize(struct gc_heap *heap, void *ptr, size_t old_bytes,
                size_t new_bytes)
{
    return heap->is_pymem_malloc
               ? gc_pymem_resize_malloc(heap, ptr, old_bytes, new_bytes)
               : gc_mem_resize(heap, ptr, old_bytes, new_bytes);
}

static inline void
gc_pymem_free(struct gc_heap *heap, void *ptr, size_t n_bytes)
{
    if (heap->is_pymem_malloc) {
        gc_pymem_free_malloc(heap, ptr, n_bytes);
    }
    else {
        gc_mem_free(heap, ptr, n_bytes);
    }
}

/* Allocates an atom (no GC head) of n_bytes with count 1. */
struct gc_object *gc_atom_alloc(struct gc_heap *heap,
                                const struct gc_type *type, size_t n_bytes);
void gc_atom_free(struct gc_heap *heap, struct gc_object *obj,
                  size_t n_bytes);
/* Allocates a container of n_bytes (object part) behind a zeroed GC head,
 * count 1, untracked.  Adds 1 to the generation-0 count and may run a
 * collection first, as _PyObject_GC_Alloc does on <= 3.11. */
struct gc_object *gc_container_alloc(struct gc_heap *heap,
                                     const struct gc_type *type,
                                     size_t n_bytes);
/* Frees a dead, untracked container; the generation-0 count drops by 1,
 * never below 0 (PyObject_GC_Del). */
void gc_container_free(struct gc_heap *heap, struct gc_object *obj,
                       size_t n_bytes);
/* A dead container from fl, untracked, count 1, type set; NULL if fl is
 * empty.  Nothing is counted: a free-list hit in CPython. */
struct gc_object *gc_free_list_pop(struct gc_heap *heap,
                                   struct gc_free_list *fl,
                                   const struct gc_type *type);
/* Keeps a dead, untracked container on fl if there is room, else frees
 * it (gc_container_free). */
void gc_container_release(struct gc_heap *heap, struct gc_object *obj,
                          size_t n_bytes, struct gc_free_list *fl);
/* Frees what the free lists hold, as a full collection does
 * (clear_freelists); 2.7 keeps its list and dict free lists. */
void gc_free_lists_clear(struct gc_heap *heap);

/* ---- generation lists -------------------------------------------- */

static inline void
gc_glist_init(struct gc_head *list)
{
    list->next = (uintptr_t)list;
    list->prev = (uintptr_t)list;
}

static inline bool
gc_glist_is_empty(const struct gc_head *list)
{
    return list->next == (uintptr_t)list;
}

static inline struct gc_head *
gc_head_next(const struct gc_head *h)
{
    return (struct gc_head *)(h->next & ~GC_NEXT_UNREACHABLE);
}

static inline struct gc_head *
gc_head_prev(const struct gc_head *h)
{
    return (struct gc_head *)(h->prev & ~GC_PREV_FLAGS);
}

static inline void
gc_head_set_prev(struct gc_head *h, struct gc_head *prev)
{
    h->prev = (h->prev & GC_PREV_FLAGS) | (uintptr_t)prev;
}

/* Appends node to list; node must be unlinked. */
static inline void
gc_glist_append(struct gc_head *node, struct gc_head *list)
{
    struct gc_head *last = gc_head_prev(list);
    gc_head_set_prev(node, last);
    node->next = (uintptr_t)list;
    last->next = (uintptr_t)node;
    gc_head_set_prev(list, node);
}

static inline void
gc_glist_remove(struct gc_head *node)
{
    struct gc_head *prev = gc_head_prev(node);
    struct gc_head *next = gc_head_next(node);
    prev->next = (uintptr_t)next;
    gc_head_set_prev(next, prev);
    node->next = 0;
}

/* Moves all of from to the end of to; from becomes empty. */
static inline void
gc_glist_merge(struct gc_head *from, struct gc_head *to)
{
    if (!gc_glist_is_empty(from)) {
        struct gc_head *to_tail = gc_head_prev(to);
        struct gc_head *from_head = gc_head_next(from);
        struct gc_head *from_tail = gc_head_prev(from);
        to_tail->next = (uintptr_t)from_head;
        gc_head_set_prev(from_head, to_tail);
        from_tail->next = (uintptr_t)to;
        gc_head_set_prev(to, from_tail);
    }
    gc_glist_init(from);
}

/* ---- tracking ---------------------------------------------------- */

/* Links a container into generation 0 (_PyObject_GC_TRACK).  The
 * finalized flag survives. */
static inline void
gc_track(struct gc_heap *heap, struct gc_object *obj)
{
    assert(gc_is_gc(obj));
    assert(gc_head_of(obj)->next == 0);
    gc_glist_append(gc_head_of(obj), &heap->gens[0].head);
}

/* Unlinks a tracked container, keeping only its finalized flag. */
static inline void
gc_untrack(struct gc_object *obj)
{
    struct gc_head *h = gc_head_of(obj);
    assert(gc_is_gc(obj));
    if (h->next != 0) {
        gc_glist_remove(h);
        h->prev &= GC_PREV_FINALIZED;
    }
}

/* _PyObject_GC_MAY_BE_TRACKED: a container that is not an untracked
 * tuple.  Dicts and tuples use it to decide whether to be tracked. */
static inline bool
gc_may_be_tracked(struct gc_object *obj)
{
    if (!gc_is_gc(obj)) {
        return false;
    }
    if (obj->type->kind == GC_KIND_TUPLE) {
        return gc_head_of(obj)->next != 0;
    }
    return true;
}

/* ---- trashcan ---------------------------------------------------- */

/* Py_TRASHCAN_BEGIN: returns true if the caller must stop because the
 * object was put on the delete-later chain; otherwise the caller owes a
 * gc_trash_end.  The object must be untracked. */
static inline bool
gc_trash_begin(struct gc_heap *heap, struct gc_object *obj)
{
    if (heap->trash_depth >= GC_TRASH_LIMIT) {
        struct gc_head *h = gc_head_of(obj);
        assert(h->next == 0);
        h->prev = (h->prev & GC_PREV_FLAGS) | (uintptr_t)heap->trash_later;
        heap->trash_later = obj;
        heap->stats.trash_deferred++;
        return true;
    }
    heap->trash_depth++;
    return false;
}

void gc_trash_destroy_chain(struct gc_heap *heap);

static inline void
gc_trash_end(struct gc_heap *heap)
{
    if (--heap->trash_depth <= 0 && heap->trash_later != NULL) {
        gc_trash_destroy_chain(heap);
    }
}

/* ---- gc_refs: the working count of a collection ------------------ */

/* While collecting, prev holds gc_refs << GC_PREV_SHIFT plus the flags
 * (update_refs to move_unreachable), and the list is singly linked. */
static inline intptr_t
gc_get_refs(const struct gc_head *h)
{
    return (intptr_t)(h->prev >> GC_PREV_SHIFT);
}

static inline void
gc_set_refs(struct gc_head *h, intptr_t refs)
{
    h->prev = (h->prev & GC_PREV_FLAGS) | ((uintptr_t)refs << GC_PREV_SHIFT);
}

/* Starts a collection's count for h: refs, the collecting mark, and the
 * finalized flag kept. */
static inline void
gc_reset_refs(struct gc_head *h, intptr_t refs)
{
    h->prev = (h->prev & GC_PREV_FINALIZED) | GC_PREV_COLLECTING |
              ((uintptr_t)refs << GC_PREV_SHIFT);
}

static inline void
gc_decref_refs(struct gc_head *h)
{
    h->prev -= (uintptr_t)1 << GC_PREV_SHIFT;
}

static inline bool
gc_is_collecting(const struct gc_head *h)
{
    return (h->prev & GC_PREV_COLLECTING) != 0;
}

static inline void
gc_clear_collecting(struct gc_head *h)
{
    h->prev &= ~GC_PREV_COLLECTING;
}

/* Moves a node from whatever (doubly linked) list it is in to list. */
static inline void
gc_glist_move(struct gc_head *node, struct gc_head *list)
{
    gc_glist_remove(node);
    gc_glist_append(node, list);
}

static inline size_t
gc_glist_size(const struct gc_head *list)
{
    size_t n = 0;
    for (const struct gc_head *h = gc_head_next(list); h != list;
         h = gc_head_next(h)) {
        n++;
    }
    return n;
}

/* ---- events and collections --------------------------------------- */

/* 0 compiles every event out (meson -Devents=false): a build to measure
 * the listener's cost against, whose records have no GC times. */
#ifndef GCLAB_EVENTS
#define GCLAB_EVENTS 1
#endif

static inline void
gc_emit_skip(struct gc_heap *heap, int gen, enum gc_skip why)
{
    if (GCLAB_EVENTS && heap->listener.skip != NULL) {
        heap->listener.skip(heap->listener.data, gen, why);
    }
}

static inline void
gc_emit_promoted(struct gc_heap *heap, int gen, uint64_t objects)
{
    if (GCLAB_EVENTS && objects > 0 && heap->listener.promoted != NULL) {
        heap->listener.promoted(heap->listener.data, gen, objects);
    }
}

static inline void
gc_emit_phase_end(struct gc_heap *heap, enum gc_phase phase)
{
    if (GCLAB_EVENTS && heap->listener.phase_end != NULL) {
        heap->listener.phase_end(heap->listener.data, phase);
    }
}

/* collect_with_callback: the one way any collector runs a collection,
 * so that callbacks, stats, events and the verifier see every one. */
int64_t gc_collect_with_callback(struct gc_heap *heap, int gen,
                                 enum gc_reason why);
/* A debug line for the heap's debug output, printf-style. */
void gc_debug_line(struct gc_heap *heap, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Runs the verifier at `level` and aborts with its message on failure. */
void gc_heap_assert_valid(struct gc_heap *heap, int level);
/* Appends obj to gc.garbage; a failure counts as unraisable. */
bool gc_garbage_append(struct gc_heap *heap, struct gc_object *obj);

/* ---- the cycle-finding core (cycles.c) ---------------------------- */

/* Returns how many objects young held: the objects visited. */
size_t gc_cycles_deduce_unreachable(struct gc_heap *heap,
                                    struct gc_head *young,
                                    struct gc_head *unreachable);
/* A region: the set a collection will examine, built from seeds and
 * their closures over the tracked heap (incremental, trialdel).  Members
 * carry the collecting mark while it is built.  Frozen objects cannot be
 * told from others, so collectors that build regions offer no freeze.
 * Start with cursor = the last member already traversed (the set's head
 * for none). */
struct gc_region {
    struct gc_head *set;
    struct gc_head *cursor;
    uint64_t added;
};
/* Adds a tracked object not yet in the region. */
void gc_cycles_region_add(struct gc_region *r, struct gc_head *h);
/* Adds everything reachable from the members after the cursor. */
void gc_cycles_region_close(struct gc_region *r);
/* Drops the building marks, before the collection proper. */
void gc_cycles_region_unmark(struct gc_head *set);

/* Untracks the tuples (every collection) and dicts (full collections)
 * of list that hold no container.  On 2.7 tuples are untracked by
 * move_unreachable instead, as 2.7 did; then this does nothing. */
void gc_cycles_untrack_tuples(struct gc_heap *heap, struct gc_head *list);
/* Full collections up to 3.13; 3.14 removed dict untracking. */
void gc_cycles_untrack_dicts(struct gc_heap *heap, struct gc_head *list);
/* kept: where what a resurrection kept goes (may be old). */
void gc_cycles_handle_unreachable(struct gc_heap *heap,
                                  struct gc_head *unreachable,
                                  struct gc_head *old, struct gc_head *kept,
                                  struct gc_collect_result *res);

/* ---- shared by the types ----------------------------------------- */

extern const struct gc_type gc_type_none;
extern const struct gc_type gc_type_int;
extern const struct gc_type gc_type_str;
extern const struct gc_type gc_type_bytes;
extern const struct gc_type gc_type_list;
extern const struct gc_type gc_type_tuple;
extern const struct gc_type gc_type_dict;
extern const struct gc_type gc_type_weakref;
extern const struct gc_type gc_type_instance; /* template for classes */
extern const struct gc_type gc_type_class;    /* a class as an object */

/* The class whose embedded type is t: an instance's obj->type. */
static inline struct gc_class *
gc_class_of_type(const struct gc_type *t)
{
    return (struct gc_class *)((char *)(uintptr_t)t -
                               offsetof(struct gc_class, type));
}

/* The class that is obj, an object of type gc_type_class. */
static inline struct gc_class *
gc_class_of_object(const struct gc_object *obj)
{
    return (struct gc_class *)((char *)(uintptr_t)obj -
                               offsetof(struct gc_class, ob));
}

/* Clears every weakref to a dying object and runs the callbacks of those
 * that have one, in list order (PyObject_ClearWeakRefs).  The list head
 * lives in the object; the object's count may be 0. */
void gc_weakrefs_clear(struct gc_heap *heap, struct gc_object **weaklist);
/* Clears one weakref: unlinks it and forgets its callback (the cycle
 * collector's tp_clear of a weakref). */
void gc_weakref_forget(struct gc_object *wr);
/* _PyWeakref_ClearRef: unlinks wr from its referent, which then reads
 * NULL, but keeps its callback for the collector to call. */
void gc_weakref_clear_ref(struct gc_object *wr);
gc_weakref_callback_fn *gc_weakref_callback(const struct gc_object *wr,
                                            void **data);
/* The weakref after wr in its referent's list, or NULL. */
struct gc_object *gc_weakref_next(const struct gc_object *wr);

/* The address of an object's weakref list head, or NULL if its type does
 * not support weakrefs. */
struct gc_object **gc_weaklist_of(struct gc_object *obj);

/* Runs obj's PEP 442 finalizer once, keeping it alive for the call
 * (PyObject_CallFinalizerFromDealloc).  Returns true if it resurrected:
 * the count is above zero again. */
bool gc_call_finalizer_from_dealloc(struct gc_heap *heap,
                                    struct gc_object *obj);

uint64_t gc_str_hash(const struct gc_object *str);
uint64_t gc_str_hash_cstr(const char *text, size_t n_bytes);

/* CPython 2.7's GC head is 32 bytes (a union aligned as a long double),
 * 3.x's and the model's 16.  A 2.7 list or tuple allocates the
 * difference too, so that its block is 2.7's size: the same pymalloc
 * class, as many objects a page, as much memory for a collection to
 * stream through.  So does a plain instance (64 bytes, as 2.7's); the
 * dict allocates 2.7's object size (types/dict27.c). */
static inline size_t
gc_head_extra_bytes(enum gc_profile profile)
{
    return profile == GC_PROFILE_2_7 ? 16 : 0;
}

/* Object sizes the free lists need (each type's file knows its own). */
size_t gc_list_object_bytes(enum gc_profile profile);
size_t gc_dict_object_bytes(enum gc_profile profile);
size_t gc_tuple_object_bytes(enum gc_profile profile, size_t len);

size_t gc_list_capacity(const struct gc_object *list);
size_t gc_dict_table_size(const struct gc_object *dict); /* 0: no table */
/* 3.x: what sys.getsizeof counts past the dict object: its keys block
 * (CPython's size) unless shared, and a split table's values. */
size_t gc_dict_sizeof_extra_bytes(const struct gc_object *dict);

/* 3.8's key-sharing instance dicts (PEP 412).  A class without
 * __slots__ caches shared keys (_PyDict_NewKeysForClass); its
 * instances' dicts start as split tables on them. */
struct gc_dict_keys *gc_dict_keys_new_shared(struct gc_heap *heap);
/* Drops a reference to shared keys (NULL: nothing). */
void gc_dict_keys_release(struct gc_heap *heap, struct gc_dict_keys *keys);
/* The keys block's bytes, which sys.getsizeof counts in the class. */
size_t gc_dict_keys_sizeof(const struct gc_dict_keys *keys);
/* _PyObjectDict_SetItem of 3.8: stores value (NULL: deletes) under key
 * in *dictp, which is made first if NULL, split while the class caches
 * keys; then updates the class's *cached as 3.8 does when the table
 * stops sharing them. */
enum gc_status gc_dict_set_for_instance(struct gc_heap *heap,
                                        struct gc_dict_keys **cached,
                                        struct gc_object **dictp,
                                        struct gc_object *key,
                                        struct gc_object *value);

/* Small ints, None and () are created by heap.c. */
enum gc_status gc_atoms_init(struct gc_heap *heap);
void gc_atoms_fini(struct gc_heap *heap);
struct gc_object *gc_tuple_empty_new(struct gc_heap *heap);
void gc_class_release_refs(struct gc_heap *heap, struct gc_class *cls);
void gc_class_free(struct gc_heap *heap, struct gc_class *cls);

#endif /* GCLAB_GC_INTERNAL_H */

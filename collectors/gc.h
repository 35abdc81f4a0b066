/* collectors/gc.h -- the one contract of gclab's object world: status
 * codes, profiles, the object header, types, the heap and its allocator,
 * the built-in object API and the collector interface.
 *
 * Everything outside collectors/ includes this header and nothing else
 * from this folder.  The model follows CPython: every object starts with
 * a reference count and a type; a container (a type with GC_TYPE_GC) is
 * preceded by a two-word GC head, exactly as PyGC_Head on 3.8+.  When a
 * count reaches zero the object is destroyed at once, in the order of the
 * heap's profile (docs/semantics.md section 2).
 *
 * Reference conventions, as in CPython's C API: a function returning
 * `struct gc_object *` from a constructor returns a NEW reference (the
 * caller owns it and must gc_decref it); getters return BORROWED
 * references; arguments are borrowed, and a container that stores one
 * takes its own reference.
 */
#ifndef GCLAB_GC_H
#define GCLAB_GC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- status codes ------------------------------------------------ */

/* S(name, description): 0 is GC_OK; everything else is a failure. */
#define GC_STATUS_LIST(S)                                                   \
    S(GC_OK, "ok")                                                          \
    S(GC_ENOMEM, "out of memory")                                           \
    S(GC_EINVAL, "invalid argument")                                        \
    S(GC_ETYPE, "wrong object type")                                        \
    S(GC_ENOTFOUND, "not found")                                            \
    S(GC_ERANGE, "index out of range")                                      \
    S(GC_EUNSUPPORTED, "not supported by this heap")                        \
    S(GC_EIO, "input/output error")

enum gc_status {
#define S(name, text) name,
    GC_STATUS_LIST(S)
#undef S
};

const char *gc_status_str(enum gc_status status);

/* Returns from the calling function with expr's status when it is not
 * GC_OK: for callers that hold nothing that needs releasing. */
#define GC_TRY(expr)                                                        \
    do {                                                                    \
        enum gc_status gc_try_rc_ = (expr);                                 \
        if (gc_try_rc_ != GC_OK) {                                          \
            return gc_try_rc_;                                              \
        }                                                                   \
    } while (0)

/* ---- profiles ---------------------------------------------------- */

/* A profile fixes what one CPython version does: object layout (instance
 * dicts or inline values), finalizer and weakref order, default
 * thresholds.  Ordered, so `profile >= GC_PROFILE_3_11` reads as a
 * version test. */
enum gc_profile {
    GC_PROFILE_2_7,  /* 2.7.18: legacy __del__, separate instance dicts */
    GC_PROFILE_3_8,  /* 3.8.18 (3.4-3.10): PEP 442, separate dicts */
    GC_PROFILE_3_11, /* 3.11.7 (3.11-3.12): inline values */
    GC_PROFILE_3_13, /* 3.13.0: as 3.11, threshold 2000, deferred gc */
    GC_PROFILE_3_14, /* 3.14.10 (3.14.5+, generational again; the
                      * default, the release most people run): dicts
                      * tracked from creation and never untracked, a
                      * tuple of atoms untracked from creation */
    GC_PROFILE_3_15, /* 3.15.2: as 3.14; stats and callbacks carry
                      * candidates and duration; small ints to 1024 */
};
#define GC_PROFILE_COUNT 6
#define GC_PROFILE_DEFAULT GC_PROFILE_3_14

const char *gc_profile_name(enum gc_profile profile); /* "3.11" */
/* Every profile's name, space-separated, for messages. */
#define GC_PROFILE_NAMES "2.7 3.8 3.11 3.13 3.14 3.15"
/* Parses one of GC_PROFILE_NAMES. */
enum gc_status gc_profile_parse(const char *text, enum gc_profile *out);

/* ---- object header and GC head ----------------------------------- */

/* Two words just before every container, as CPython's PyGC_Head (3.8+).
 *
 *   word  between collections          during a collection
 *   next  next head in the generation   same; bit 0 GC_NEXT_UNREACHABLE
 *         list; 0 means untracked       while in the tentatively
 *                                       unreachable list
 *   prev  previous head, low 2 bits     gc_refs << GC_PREV_SHIFT, plus
 *         are GC_PREV_* flags           the flags; the list is singly
 *                                       linked meanwhile
 *
 * A dead object waiting in the trashcan's delete-later chain is untracked
 * (next == 0) and its prev word links the chain, flags preserved. */
struct gc_head {
    uintptr_t next;
    uintptr_t prev;
};
_Static_assert(sizeof(struct gc_head) == 16, "CPython's head is 16 bytes");

#define GC_NEXT_UNREACHABLE ((uintptr_t)1)
#define GC_PREV_FINALIZED ((uintptr_t)1)  /* finalizer ran; never again */
#define GC_PREV_COLLECTING ((uintptr_t)2) /* in the generation collected */
#define GC_PREV_SHIFT 2
#define GC_PREV_FLAGS ((uintptr_t)3)

struct gc_type;

/* The header every object starts with (PyObject). */
struct gc_object {
    intptr_t refcnt;
    const struct gc_type *type;
};
_Static_assert(sizeof(struct gc_object) == 16, "header is refcnt + type");

/* ---- types ------------------------------------------------------- */

struct gc_heap;

/* A traversal visits each reference an object holds; a non-zero return
 * from visit stops it and is returned (CPython's visitproc). */
typedef int gc_visit_fn(struct gc_object *obj, void *arg);
typedef int gc_traverse_fn(struct gc_object *self, gc_visit_fn *visit,
                           void *arg);
/* Drops the references that could be part of a cycle (tp_clear). */
typedef void gc_clear_fn(struct gc_heap *heap, struct gc_object *self);
/* Runs a finalizer on an object the caller keeps alive. */
typedef void gc_finalize_fn(struct gc_heap *heap, struct gc_object *self);
/* Called when the count reaches zero: finalize, clear weakrefs, drop
 * references and free, in the profile's order. */
typedef void gc_dealloc_fn(struct gc_heap *heap, struct gc_object *self);

enum gc_kind {
    GC_KIND_NONE,
    GC_KIND_INT,
    GC_KIND_STR,
    GC_KIND_INSTANCE,
    GC_KIND_LIST,
    GC_KIND_TUPLE,
    GC_KIND_DICT,
    GC_KIND_WEAKREF,
    GC_KIND_TYPE, /* a class (a heap type): see gc_class_new */
    GC_KIND_BYTES, /* an untracked byte string: a payload */
};

#define GC_TYPE_GC ((uint32_t)1)        /* a container with a GC head */
#define GC_TYPE_WEAKREFS ((uint32_t)2) /* can be the target of a weakref */

struct gc_type {
    const char *name;
    enum gc_kind kind;
    uint32_t flags;
    gc_traverse_fn *traverse; /* NULL for atoms */
    gc_clear_fn *clear;       /* NULL for atoms */
    gc_finalize_fn *finalize; /* PEP 442 tp_finalize, run at most once */
    gc_finalize_fn *legacy_del; /* tp_del (2.7 __del__): in a cycle, the
                                   cycle is uncollectable */
    gc_dealloc_fn *dealloc;
    /* tp_is_gc: whether this object of a GC type is a container after
     * all; NULL when every one is.  CPython sets it on type objects
     * (type_is_gc: heap types only) and asks it at every visit. */
    bool (*is_gc)(const struct gc_object *self);
};

/* _PyObject_IS_GC (PyObject_IS_GC on 2.7): the type's flag, then its
 * tp_is_gc where it has one, the test each visit of a collection makes
 * of the object it visits. */
static inline bool
gc_is_gc(const struct gc_object *obj)
{
    const struct gc_type *t = obj->type;
    return (t->flags & GC_TYPE_GC) != 0 && (t->is_gc == NULL || t->is_gc(obj));
}

static inline struct gc_head *
gc_head_of(struct gc_object *obj)
{
    return (struct gc_head *)obj - 1;
}

static inline struct gc_object *
gc_object_of(struct gc_head *head)
{
    return (struct gc_object *)(head + 1);
}

static inline bool
gc_is_tracked(struct gc_object *obj)
{
    return gc_is_gc(obj) && gc_head_of(obj)->next != 0;
}

static inline bool
gc_is_finalized(struct gc_object *obj)
{
    return gc_is_gc(obj) && (gc_head_of(obj)->prev & GC_PREV_FINALIZED);
}

/* ---- reference counting ------------------------------------------ */

/* Destroys an object whose count just reached zero.  Called only by
 * gc_decref. */
void gc_object_dealloc(struct gc_heap *heap, struct gc_object *obj);

/* The one field of the heap that inline code reads: whether the
 * collector wants to hear of decrements that leave a count above zero
 * (trial deletion's candidate roots).  Private; the first member of
 * struct gc_heap. */
struct gc_heap_inline {
    bool has_decref_hook;
};
void gc_decref_hook(struct gc_heap *heap, struct gc_object *obj);

static inline struct gc_object *
gc_incref(struct gc_object *obj)
{
    obj->refcnt++;
    return obj;
}

static inline void
gc_decref(struct gc_heap *heap, struct gc_object *obj)
{
    if (--obj->refcnt == 0) {
        gc_object_dealloc(heap, obj);
    }
    else if (((const struct gc_heap_inline *)(const void *)heap)
                 ->has_decref_hook) {
        gc_decref_hook(heap, obj);
    }
}

static inline void
gc_xdecref(struct gc_heap *heap, struct gc_object *obj)
{
    if (obj != NULL) {
        gc_decref(heap, obj);
    }
}

static inline intptr_t
gc_refcount(const struct gc_object *obj)
{
    return obj->refcnt;
}

/* ---- allocators -------------------------------------------------- */

/* Every byte a heap uses goes through its allocator.  Sizes are passed to
 * resize and free so that accounting needs no per-block header. */
struct gc_allocator {
    void *(*alloc)(void *ctx, size_t n_bytes);
    void *(*resize)(void *ctx, void *ptr, size_t old_bytes,
                    size_t new_bytes);
    void (*free)(void *ctx, void *ptr, size_t n_bytes);
    void *ctx;
};

/* malloc/realloc/free. */
extern const struct gc_allocator gc_allocator_system;

/* Fails allocation number fail_at (1-based, counting alloc and resize
 * calls since init), and every later one if is_persistent; fail_at 0
 * never fails.  Otherwise passes through to the system allocator. */
struct gc_failing_allocator {
    struct gc_allocator base; /* hand &fa->base to the heap */
    uint64_t fail_at;
    bool is_persistent;
    uint64_t calls;    /* alloc + resize calls so far */
    uint64_t failures; /* how many returned NULL */
};
void gc_failing_allocator_init(struct gc_failing_allocator *fa,
                               uint64_t fail_at, bool is_persistent);

/* ---- the heap ---------------------------------------------------- */

struct gc_collector;

/* Where the pool allocator places small blocks.  ALLOC_ORDER is
 * pymalloc's: a class's blocks are carved from a pool in address order,
 * so objects allocated together sit together.  SHUFFLED hands fresh
 * blocks out in a random order over a window that grows with the heap
 * (up to 16 MiB per size class), so neighbours in allocation order -- and
 * in the collector's lists -- are far apart in memory, as in a long-
 * running, fragmented process.  Freed blocks are reused the same way in
 * both.  SNAPSHOT is ALLOC_ORDER for the pool; it tells a workload that
 * knows where its objects sat in a real heap (the snapshot workload on a
 * file with addresses) to allocate them in that address order, so that
 * the pool's layout mirrors the real one.  Only the pool has a layout:
 * heaps on malloc (sanitizer builds, GCLAB_MALLOC=malloc) ignore it. */
enum gc_layout {
    GC_LAYOUT_ALLOC_ORDER,
    GC_LAYOUT_SHUFFLED,
    GC_LAYOUT_SNAPSHOT,
};
const char *gc_layout_name(enum gc_layout layout); /* "alloc-order" */
/* GC_EINVAL for a name that is neither. */
enum gc_status gc_layout_parse(const char *text, enum gc_layout *out);

struct gc_heap_config {
    enum gc_profile profile;
    enum gc_layout layout;
    uint64_t layout_seed; /* the shuffle's, for GC_LAYOUT_SHUFFLED */
    const struct gc_allocator *allocator; /* NULL: gc_allocator_system */
    const struct gc_collector *collector; /* NULL: the default collector */
    const struct gc_option_value *options; /* the collector's, or NULL */
    size_t nopts;
    /* Stress: every container allocation collects, inside the allocation
     * and on every profile, cycling through generations 0, 1 and 2,
     * while the heap is enabled.  For oracles that do not depend on
     * when collections happen (gclab fuzz --collect-every-alloc). */
    bool is_collect_every_alloc;
    char *err;                            /* one line on failure, or NULL */
    size_t err_bytes;
};

/* Every heap counts its memory: this is the counting allocator layered
 * over whichever backend the config names. */
struct gc_heap_stats {
    uint64_t live_bytes;        /* allocated and not yet freed */
    uint64_t peak_bytes;        /* highest live_bytes seen */
    uint64_t allocations;       /* successful alloc calls */
    uint64_t frees;
    uint64_t failed_allocations;
    uint64_t objects_allocated; /* objects of every type */
    uint64_t objects_freed;
    uint64_t gc_objects_allocated; /* containers only */
    uint64_t gc_objects_freed;
    uint64_t trash_deferred;    /* deallocations put off by the trashcan */
    uint64_t gc_objects_cached; /* dead containers held by free lists */
    /* Errors inside finalizers that CPython would print as "Exception
     * ignored in ..." and go on: e.g. a resurrecting finalizer that ran
     * out of memory appending to its list (the object then dies). */
    uint64_t unraisable_errors;
    /* Memory as the program would see it (the series of gclab run;
     * bytes ever requested are gc_heap_gross_allocated_bytes): the live
     * bytes split by the path pymalloc gives them -- small blocks (up
     * to GC_SMALL_REQUEST_THRESHOLD) from arenas, medium ones (up to
     * GC_MMAP_THRESHOLD) from malloc's heap, big ones mapped on their
     * own -- with the peaks that gc_heap_os_bytes needs. */
    uint64_t small_peak_bytes; /* small live = live - medium - big */
    uint64_t medium_live_bytes, medium_peak_bytes;
    uint64_t big_live_bytes;
    uint64_t os_peak_bytes; /* the highest gc_heap_os_bytes yet */
};
/* glibc's default M_MMAP_THRESHOLD: blocks from here up are mapped on
 * their own and unmapped when freed; smaller ones come from a heap
 * that malloc reuses but does not give back. */
#define GC_MMAP_THRESHOLD ((uint64_t)128 * 1024)
/* pymalloc's SMALL_REQUEST_THRESHOLD: requests up to it are small
 * blocks, from arenas.  512 on every profile: 2.7.18's PyObject_Malloc
 * too compares n - 1 with 0x1ff and shifts by 4 (16-byte classes;
 * objdump of pyenv's libpython2.7), which puts its 280-byte dicts in
 * pools.  A constant, so that the pool and the heap's counters test it
 * without a load. */
#define GC_SMALL_REQUEST_THRESHOLD 512

void gc_heap_config_init(struct gc_heap_config *cfg);
enum gc_status gc_heap_new(const struct gc_heap_config *cfg,
                           struct gc_heap **out);
/* Frees every object without running finalizers or weakref callbacks (as
 * a scenario ends: what is alive is not finalized), then the heap.
 * Returns the bytes still allocated just before the heap itself went:
 * anything but 0 is a leak, that is, a reference the caller still held
 * or a refcounting bug. */
uint64_t gc_heap_destroy(struct gc_heap *heap);

enum gc_profile gc_heap_profile(const struct gc_heap *heap);
enum gc_layout gc_heap_layout(const struct gc_heap *heap);
/* Moves a tracked container to the end of generation 0's list, as
 * untracking and tracking it again would; an untracked object is left
 * alone.  For a loader that places objects in memory in one order and
 * must list them in another (the snapshot workload). */
void gc_relist(struct gc_heap *heap, struct gc_object *obj);
const struct gc_heap_stats *gc_heap_stats(const struct gc_heap *heap);
/* Bytes ever requested (allocations, and resizes' growth): the x axis of
 * the memory series and the byte trigger's clock. */
uint64_t gc_heap_gross_allocated_bytes(const struct gc_heap *heap);
/* Bytes the heap's small-object pools hold mapped (the profile's
 * arenas: 256 KiB up to 3.8, 1 MiB from 3.11); 0
 * when the heap uses malloc (a given allocator, a sanitizer build, or
 * GCLAB_MALLOC=malloc). */
uint64_t gc_heap_arena_bytes(const struct gc_heap *heap);
/* The most the pools ever held mapped. */
uint64_t gc_heap_arena_peak_bytes(const struct gc_heap *heap);
/* OS-visible memory, modelled from the counters above and nothing
 * else, so that it is the same on the pool, on malloc (sanitizer
 * builds, GCLAB_MALLOC=malloc) and with --prefault: the 1 MiB arenas
 * the small blocks' peak needed (an arena goes back only once every
 * block in it is free, which in a long-running heap with survivors
 * scattered through it is as good as never), plus the peak of
 * malloc's heap (it reuses freed blocks but keeps their pages), plus
 * the big blocks live now (mapped alone, unmapped when freed).  It
 * never falls while the small and medium blocks stay at their peak:
 * what a process's size does under an allocator that keeps pages. */
uint64_t gc_heap_os_bytes(const struct gc_heap *heap);
/* Starts peak_bytes over from the live bytes now, for a region's peak. */
void gc_heap_reset_peak(struct gc_heap *heap);
/* Maps and writes arenas for bytes more of small objects now, kept
 * mapped while empty, so that a measured region that follows does not
 * pay first-touch page faults for them.  Nothing on malloc heaps. */
enum gc_status gc_heap_prefault(struct gc_heap *heap, uint64_t bytes);

/* Singletons of the heap (borrowed): None, the empty tuple. */
struct gc_object *gc_none(struct gc_heap *heap);

/* ---- root table -------------------------------------------------- */

/* Named roots, like a module namespace.  The table is a dict object, so
 * collectors see it as CPython sees a module's __dict__.  Keys are
 * attribute-style names. */
enum gc_status gc_root_set(struct gc_heap *heap, const char *name,
                           struct gc_object *value);
struct gc_object *gc_root_get(struct gc_heap *heap, const char *name);
enum gc_status gc_root_del(struct gc_heap *heap, const char *name);
/* The table itself (borrowed), a dict. */
struct gc_object *gc_root_table(struct gc_heap *heap);

/* ---- atoms: int, str (never tracked) ----------------------------- */

#define GC_SMALL_INT_MIN (-5)
#define GC_SMALL_INT_MAX 256       /* 2.7-3.14 */
#define GC_SMALL_INT_MAX_3_15 1024 /* 3.15 (measured: -5..1024) */
/* The largest int a profile caches (the smallest is always -5). */
int64_t gc_small_int_max(enum gc_profile profile);

/* Values in -5..256 come from the heap's cache: the same object each
 * time, with its count raised. */
struct gc_object *gc_int_new(struct gc_heap *heap, int64_t value);
int64_t gc_int_value(const struct gc_object *obj);

struct gc_object *gc_str_new(struct gc_heap *heap, const char *text,
                             size_t n_bytes);
struct gc_object *gc_str_from_cstr(struct gc_heap *heap, const char *text);
const char *gc_str_cstr(const struct gc_object *obj); /* NUL-terminated */
size_t gc_str_len(const struct gc_object *obj);
bool gc_str_equal(const struct gc_object *a, const struct gc_object *b);

/* bytes of n_bytes (bytes(n)): an untracked atom whose
 * sys.getsizeof is the profile's (2.7 str: 37 + n; 3.x: 33 + n), and
 * which takes exactly that from the heap's allocator, as CPython's
 * PyBytes_FromStringAndSize asks pymalloc (a small block up to the
 * profile's threshold, malloc above).  The content is not written:
 * nothing reads it.  GC_EINVAL for a size Python refuses (above
 * GC_BYTES_MAX, as PY_SSIZE_T_MAX less the header), GC_ENOMEM. */
#define GC_BYTES_MAX ((uint64_t)INT64_MAX - 64)
enum gc_status gc_bytes_new(struct gc_heap *heap, uint64_t n_bytes,
                            struct gc_object **out);
uint64_t gc_bytes_len(const struct gc_object *obj);

/* ---- list -------------------------------------------------------- */

struct gc_object *gc_list_new(struct gc_heap *heap);
enum gc_status gc_list_append(struct gc_heap *heap, struct gc_object *list,
                              struct gc_object *item);
size_t gc_list_len(const struct gc_object *list);
struct gc_object *gc_list_get(const struct gc_object *list, size_t index);
enum gc_status gc_list_set(struct gc_heap *heap, struct gc_object *list,
                           size_t index, struct gc_object *item);
/* Removes the last item and returns it as a new reference, or NULL if
 * the list is empty. */
struct gc_object *gc_list_pop(struct gc_heap *heap, struct gc_object *list);
/* Removes the item at index (list.pop(i)), dropping the list's
 * reference. */
enum gc_status gc_list_remove_at(struct gc_heap *heap,
                                 struct gc_object *list, size_t index);
/* del l[:]: drops every item, last to first, as CPython does. */
void gc_list_clear(struct gc_heap *heap, struct gc_object *list);

/* ---- tuple ------------------------------------------------------- */

/* A tuple made at run time of n items (borrowed; the tuple takes its
 * references).  n == 0 gives the shared, untracked empty tuple.  A NULL
 * item stands for None. */
struct gc_object *gc_tuple_new(struct gc_heap *heap, size_t n,
                               struct gc_object *const *items);
size_t gc_tuple_len(const struct gc_object *tuple);
struct gc_object *gc_tuple_get(const struct gc_object *tuple, size_t index);

/* ---- dict (string keys) ------------------------------------------ */

/* Created untracked; tracked as soon as it stores a value that may be
 * tracked (a container that is not an untracked tuple), as CPython's
 * MAINTAIN_TRACKING.  Iteration and release follow insertion order. */
struct gc_object *gc_dict_new(struct gc_heap *heap);
/* key is a str object (borrowed). */
enum gc_status gc_dict_set(struct gc_heap *heap, struct gc_object *dict,
                           struct gc_object *key, struct gc_object *value);
enum gc_status gc_dict_set_cstr(struct gc_heap *heap, struct gc_object *dict,
                                const char *key, struct gc_object *value);
struct gc_object *gc_dict_get(const struct gc_object *dict,
                              const struct gc_object *key);
struct gc_object *gc_dict_get_cstr(const struct gc_object *dict,
                                   const char *key);
enum gc_status gc_dict_del(struct gc_heap *heap, struct gc_object *dict,
                           const struct gc_object *key);
enum gc_status gc_dict_del_cstr(struct gc_heap *heap, struct gc_object *dict,
                                const char *key);
size_t gc_dict_len(const struct gc_object *dict);
void gc_dict_clear(struct gc_heap *heap, struct gc_object *dict);
/* Iterates live entries in insertion order: start with *pos = 0; returns
 * false at the end.  Key and value are borrowed. */
bool gc_dict_next(const struct gc_object *dict, size_t *pos,
                  struct gc_object **key, struct gc_object **value);

/* ---- classes and instances --------------------------------------- */

enum gc_finalizer_kind {
    GC_FIN_NONE,
    GC_FIN_FINALIZER,  /* __del__: PEP 442 tp_finalize on 3.x */
    GC_FIN_RESURRECT,  /* __del__ that appends self to a list */
    GC_FIN_LEGACY,     /* C tp_del: a cycle holding it is uncollectable */
};

struct gc_class;

/* Observer called each time an instance's finalizer runs, before any
 * resurrection; it may do anything the object API allows, including
 * dropping or storing references. */
typedef void gc_finalizer_hook_fn(struct gc_heap *heap,
                                  struct gc_object *self, void *data);

struct gc_class_spec {
    const char *name;
    enum gc_finalizer_kind finalizer;
    gc_finalizer_hook_fn *on_finalize; /* may be NULL */
    void *data;
    /* GC_FIN_RESURRECT: the list the finalizer appends self to.  The
     * class holds a reference to it until the heap is destroyed. */
    struct gc_object *resurrect_into;
    /* __slots__: when has_slots, instances hold exactly these nslots
     * attributes and never a dict (nslots may be 0: __slots__ = ()).
     * Otherwise attributes are free, stored as the profile stores them. */
    bool has_slots;
    size_t nslots;
    const char *const *slots;
};

/* Classes belong to the heap and live until it is destroyed.  A class is
 * also an object, as a heap type is in CPython: a GC object (kind
 * GC_KIND_TYPE) that every instance holds a reference to and visits last
 * in its traversal, so gc.get_referents(inst) ends with the class and a
 * collection pays for that visit as CPython's subtype_traverse does.  It
 * is never tracked (the model's classes are made outside the program, and
 * tracking them would change the generations' counts), so collectors skip
 * it.  gc_class_object gives it.  Errors:
 * GC_EINVAL for a bad spec (no name, resurrect without a list, slot
 * names repeated), GC_ENOMEM. */
enum gc_status gc_class_new(struct gc_heap *heap,
                            const struct gc_class_spec *spec,
                            struct gc_class **out);
const char *gc_class_name(const struct gc_class *cls);
struct gc_object *gc_class_object(struct gc_class *cls);
struct gc_class *gc_instance_class(const struct gc_object *inst);

struct gc_object *gc_instance_new(struct gc_heap *heap, struct gc_class *cls);
/* inst.name = value.  GC_ETYPE if inst is not an instance, GC_ENOTFOUND if
 * a slotted class has no such slot (AttributeError), GC_ENOMEM. */
enum gc_status gc_attr_set(struct gc_heap *heap, struct gc_object *inst,
                           const char *name, struct gc_object *value);
/* Borrowed; NULL if unset. */
struct gc_object *gc_attr_get(struct gc_heap *heap, struct gc_object *inst,
                              const char *name);
/* del inst.name: GC_ENOTFOUND if it is not set. */
enum gc_status gc_attr_del(struct gc_heap *heap, struct gc_object *inst,
                           const char *name);
/* The instance's separate __dict__ object (borrowed), or NULL: present on
 * 2.7/3.8 once an attribute was stored; on 3.11+ only when the class's
 * shared keys overflowed. */
struct gc_object *gc_instance_dict(const struct gc_object *inst);

/* ---- weakrefs ---------------------------------------------------- */

/* Called when the referent dies (or its weakref is cleared by the cycle
 * collector and the weakref itself is not garbage).  wr is alive for the
 * call; its referent already reads NULL. */
typedef void gc_weakref_callback_fn(struct gc_heap *heap,
                                    struct gc_object *wr, void *data);

/* weakref.ref(referent[, callback]).  Without a callback, an existing
 * callback-less weakref to the same object is shared, as CPython does.
 * GC_ETYPE if the referent cannot be weakly referenced (only instances
 * can); GC_ENOMEM. */
enum gc_status gc_weakref_new(struct gc_heap *heap,
                              struct gc_object *referent,
                              gc_weakref_callback_fn *callback, void *data,
                              struct gc_object **out);
/* The referent (borrowed), or NULL once cleared: calling the weakref. */
struct gc_object *gc_weakref_get(const struct gc_object *wr);
/* Number of weakrefs currently pointing at obj. */
size_t gc_weakref_count(const struct gc_object *obj);

/* ---- sizes ------------------------------------------------------- */

/* sys.getsizeof(obj) as the heap's profile's CPython reports it: the
 * object with its GC head (32 bytes on 2.7, 16 on 3.x) and, for 3.11+
 * instances, the pre-header; a list's item array and a dict's table
 * count, as CPython's __sizeof__ counts them; an instance's separate
 * __dict__ does not.  Measured on 2.7.18, 3.8.18, 3.11.7 and 3.13.0. */
size_t gc_object_py_sizeof(const struct gc_heap *heap,
                           const struct gc_object *obj);

/* ---- references --------------------------------------------------- */

/* Calls visit on every reference obj holds (gc.get_referents order);
 * atoms have none. */
int gc_traverse(struct gc_object *obj, gc_visit_fn *visit, void *arg);

/* ---- the gc module ----------------------------------------------- */

/* The heap's face of Python's gc module.  Everything here goes through
 * the heap's collector; what a profile lacks (callbacks and freeze on
 * 2.7, is_finalized before 3.9) answers GC_EUNSUPPORTED. */

#define GC_NGENERATIONS 3

/* gc.collect(gen): what Python returns, the number of unreachable
 * objects found; -1 for an invalid generation (ValueError).  From a
 * finalizer or callback run by a collection it does nothing and
 * returns 0. */
int64_t gc_collect(struct gc_heap *heap, int gen);
void gc_enable(struct gc_heap *heap);
void gc_disable(struct gc_heap *heap);
bool gc_isenabled(const struct gc_heap *heap);
/* gc.get_count(): generation counts, youngest first. */
void gc_get_count(const struct gc_heap *heap, int64_t count[3]);
uint64_t gc_heap_count0(const struct gc_heap *heap);
void gc_get_threshold(const struct gc_heap *heap, int64_t threshold[3]);
/* gc.set_threshold(t0[, t1[, t2]]): n values, 1 <= n <= 3 (GC_EINVAL
 * otherwise); the rest stay.  Negative values are stored, as CPython
 * does; threshold0 == 0 disables automatic collection. */
enum gc_status gc_set_threshold(struct gc_heap *heap, int n,
                                const int64_t *values);

/* An interpreter's eval-breaker check (calls, loop back-edges).  On
 * profile 3.13 an automatic collection waits for the next one. */
void gc_safepoint(struct gc_heap *heap);

struct gc_gen_stats {
    uint64_t collections;
    uint64_t collected;
    uint64_t uncollectable;
    /* 3.15 (GC_CAP_STATS_CANDIDATES): objects in the generations
     * examined, and the time the collections took as the heap's clock
     * (gc_set_clock) tells it; 0 without a clock. */
    uint64_t candidates;
    uint64_t duration_ns;
};
/* gc.get_stats() (3.4+). */
enum gc_status gc_get_stats(const struct gc_heap *heap,
                            struct gc_gen_stats stats[3]);

/* gc.callbacks (3.3+): called with "start" before and "stop" after
 * every collection, automatic or not. */
enum gc_callback_phase { GC_CALLBACK_START, GC_CALLBACK_STOP };
struct gc_callback_info {
    int generation;
    int64_t collected;     /* 0 at start */
    int64_t uncollectable; /* 0 at start */
    uint64_t candidates;   /* 0 at start; 3.15 (GC_CAP_STATS_CANDIDATES) */
    uint64_t duration_ns;  /* 0 at start; 3.15, from the heap's clock */
};

/* The clock behind the 3.15 `duration` of stats and callbacks: the
 * harness provides it (collectors never read one); none, duration 0. */
typedef uint64_t gc_clock_fn(void *data); /* nanoseconds */
void gc_set_clock(struct gc_heap *heap, gc_clock_fn *fn, void *data);
typedef void gc_callback_fn(struct gc_heap *heap,
                            enum gc_callback_phase phase,
                            const struct gc_callback_info *info,
                            void *data);
enum gc_status gc_callback_add(struct gc_heap *heap, gc_callback_fn *fn,
                               void *data);
enum gc_status gc_callback_remove(struct gc_heap *heap, gc_callback_fn *fn,
                                  void *data);

/* gc.garbage (borrowed): a list the heap holds, so its items stay
 * alive. */
struct gc_object *gc_garbage(struct gc_heap *heap);

#define GC_DEBUG_STATS 1u
#define GC_DEBUG_COLLECTABLE 2u
#define GC_DEBUG_UNCOLLECTABLE 4u
#define GC_DEBUG_SAVEALL 32u
#define GC_DEBUG_LEAK 38u
/* gc.set_debug / get_debug.  Debug lines (without their newline) go to
 * the heap's debug output, if one is set; collectors never print. */
void gc_set_debug(struct gc_heap *heap, unsigned flags);
unsigned gc_get_debug(const struct gc_heap *heap);
typedef void gc_debug_output_fn(void *data, const char *line);
void gc_set_debug_output(struct gc_heap *heap, gc_debug_output_fn *fn,
                         void *data);

/* gc.freeze / unfreeze / get_freeze_count (3.7+). */
enum gc_status gc_freeze(struct gc_heap *heap);
enum gc_status gc_unfreeze(struct gc_heap *heap);
enum gc_status gc_get_freeze_count(const struct gc_heap *heap,
                                   uint64_t *count);
/* gc.is_finalized (3.9+): *out as Python returns it. */
enum gc_status gc_is_finalized_api(const struct gc_heap *heap,
                                   struct gc_object *obj, bool *out);

/* gc.get_objects([generation]) as a new list, the list itself left out;
 * gen -1 means all.  Generations other than -1 need 3.8+
 * (GC_EUNSUPPORTED on 2.7); gen >= 3 or < -1 is GC_ERANGE. */
enum gc_status gc_get_objects(struct gc_heap *heap, int gen,
                              struct gc_object **out);
/* gc.get_referrers(*objs): tracked objects in generations 0-2 that
 * refer to any of objs.  gc.get_referents(*objs): what each container
 * traverses, in traversal order. */
enum gc_status gc_get_referrers(struct gc_heap *heap, size_t n,
                                struct gc_object *const *objs,
                                struct gc_object **out);
enum gc_status gc_get_referents(struct gc_heap *heap, size_t n,
                                struct gc_object *const *objs,
                                struct gc_object **out);

/* ---- events ------------------------------------------------------ */

/* Collectors announce; the harness measures.  A collection is reported
 * from just after the "start" callbacks to just before the "stop"
 * ones, what CPython's gc.callbacks see of it. */
enum gc_reason {
    GC_REASON_THRESHOLD, /* an allocation crossed the trigger */
    GC_REASON_MANUAL,    /* gc.collect() */
    GC_REASON_SHUTDOWN,
    GC_REASON_BYTES,     /* bytes allocated crossed the byte trigger */
};
const char *gc_reason_name(enum gc_reason why); /* "threshold" */

/* Why a collection that was due did not run (the decision log). */
#define GC_SKIP_LIST(S)                                                     \
    S(GC_SKIP_PENDING_RULE, "pending-rule")                                 \
    S(GC_SKIP_MEMORY, "memory-deferral")
enum gc_skip {
#define S(name, text) name,
    GC_SKIP_LIST(S)
#undef S
        GC_SKIP_COUNT
};
const char *gc_skip_name(enum gc_skip why);

#define GC_PHASE_LIST(P)                                                    \
    P(GC_PHASE_UPDATE_REFS, "update_refs")                                  \
    P(GC_PHASE_SUBTRACT_REFS, "subtract_refs")                              \
    P(GC_PHASE_MOVE_UNREACHABLE, "move_unreachable")                        \
    P(GC_PHASE_UNTRACK, "untrack")                                          \
    P(GC_PHASE_LEGACY_FINALIZERS, "move_legacy_finalizers")                 \
    P(GC_PHASE_WEAKREFS, "handle_weakrefs")                                 \
    P(GC_PHASE_FINALIZE, "finalize_garbage")                                \
    P(GC_PHASE_RESURRECTION, "handle_resurrected_objects")                  \
    P(GC_PHASE_DELETE_GARBAGE, "delete_garbage")

enum gc_phase {
#define P(name, text) name,
    GC_PHASE_LIST(P)
#undef P
        GC_PHASE_COUNT
};
const char *gc_phase_name(enum gc_phase phase);

struct gc_listener {
    void *data;
    void (*collect_begin)(void *data, int gen, enum gc_reason why);
    void (*phase_end)(void *data, enum gc_phase phase);
    void (*collect_end)(void *data, int gen, uint64_t visited,
                        uint64_t collected, uint64_t uncollectable);
    /* A refcount cascade outside collections -- one decref freeing a
     * structure, like `del` of a long chain -- once it has freed
     * GC_CASCADE_ANNOUNCE objects (so the many small ones cost nothing),
     * and when its outermost deallocation returns, with the objects it
     * freed in all.  May be NULL. */
    void (*cascade_begin)(void *data);
    void (*cascade_end)(void *data, uint64_t freed);
    /* The decision log: a due collection of gen was skipped, and
     * survivors moved into gen (objects) by a collection.  May be
     * NULL. */
    void (*skip)(void *data, int gen, enum gc_skip why);
    void (*promoted)(void *data, int gen, uint64_t objects);
    /* Called every sample_interval_bytes of gross allocation (0: never),
     * at the allocation that crosses the mark, for a memory series.  It
     * must not allocate from the heap. */
    void (*memory_sample)(void *data);
    uint64_t sample_interval_bytes;
};
#define GC_CASCADE_ANNOUNCE 64
/* Copies *listener; NULL removes it. */
void gc_set_listener(struct gc_heap *heap, const struct gc_listener *listener);

/* ---- collectors ---------------------------------------------------- */

/* Capabilities are asked of a heap: they depend on the collector, its
 * options and the profile.  Conformance tests skip on them. */
#define GC_CAP_LIST(C)                                                      \
    C(GC_CAP_CYCLES, "cycles")                                              \
    C(GC_CAP_GENERATIONS, "generations")                                    \
    C(GC_CAP_LONG_LIVED_RULE, "long-lived-rule")                            \
    C(GC_CAP_DEFAULT_THRESHOLDS, "default-thresholds")                      \
    C(GC_CAP_FINALIZERS, "finalizers")                                      \
    C(GC_CAP_LEGACY_GARBAGE, "legacy-garbage")                              \
    C(GC_CAP_FREEZE, "freeze")                                              \
    C(GC_CAP_CALLBACKS, "callbacks")                                        \
    C(GC_CAP_STATS, "stats")                                                \
    C(GC_CAP_IS_FINALIZED, "is-finalized")                                  \
    C(GC_CAP_GET_OBJECTS_GEN, "get-objects-generation")                     \
    C(GC_CAP_AUTOMATIC, "automatic")                                        \
    C(GC_CAP_UNTRACKING, "untracking")                                      \
    C(GC_CAP_DEFERRED, "deferred-to-safepoint")                             \
    C(GC_CAP_INCREMENTAL, "incremental")                                    \
    C(GC_CAP_STATS_CANDIDATES, "stats-candidates")

enum gc_cap_bit {
#define C(name, text) name##_BIT,
    GC_CAP_LIST(C)
#undef C
        GC_CAP_COUNT
};
enum gc_cap {
#define C(name, text) name = 1 << name##_BIT,
    GC_CAP_LIST(C)
#undef C
};
const char *gc_cap_name(uint32_t cap); /* one bit */
uint32_t gc_heap_caps(const struct gc_heap *heap);
/* What the profile alone allows (callbacks, freeze, ...): collectors
 * intersect their own capabilities with it. */
uint32_t gc_profile_caps(enum gc_profile profile);

/* What an option's value is.  gc_option_parse reads every value of a
 * spec against its option's type and range, once; owners (collectors'
 * init, workloads) then read the typed value and never see a bad one. */
enum gc_option_type {
    GC_OPT_COUNT,    /* an integer from min to max */
    GC_OPT_COUNTS,   /* one to three integers from min to max, "a/b/c" */
    GC_OPT_REAL,     /* a number above min (exclusive) up to max */
    GC_OPT_WORD,     /* one of words, "a|b|c" */
    GC_OPT_KB_OR_OFF, /* "off", or kB: an integer from min to max */
    GC_OPT_TEXT       /* any text: a path; its owner reads it */
};

/* A "key=value" of a spec, after parsing: the text and its typed value
 * (by the option's type: n integers in u, a number in real, the index
 * of a word in word; kB-or-off gives u[0] in bytes, 0 for off). */
struct gc_option_value {
    const char *key;
    const char *value;
    uint64_t u[3];
    int64_t i[3]; /* GC_OPT_COUNTS: the integers, signed */
    unsigned n;
    double real;
    int word;
};

/* An option a collector or a workload accepts: "name=value" in its
 * spec.  Declared once, in a table: the parser, the defaults, gclab
 * list's help and sweep's knobs all come from it. */
struct gc_option {
    const char *name;
    const char *default_value;
    const char *help;
    enum gc_option_type type;
    double min, max;      /* GC_OPT_COUNT(S), GC_OPT_REAL, GC_OPT_KB_OR_OFF */
    const char *words;    /* GC_OPT_WORD: "on|off" */
    const char *excludes; /* an option that may not be given with this one */
};

/* Reads text as a value of option o of owner (such as "collector
 * 'cpython'") into out.  GC_EINVAL with one line in err naming the
 * option, its type and its range. */
enum gc_status gc_option_parse(const char *owner, const struct gc_option *o,
                               const char *text, struct gc_option_value *out,
                               char *err, size_t err_bytes);
/* o's type and range in words, as messages and gclab list give them:
 * "an integer from 1 to 100000000", "on|off", ... */
void gc_option_describe(const struct gc_option *o, char *buf, size_t bytes);
/* The option named name in table (terminated by a NULL name), or NULL. */
const struct gc_option *gc_option_find(const struct gc_option *table,
                                       const char *name);
/* Parses "key=value,..." (text is cut up in place; values point into it)
 * against table into opts (at most max of them): an unknown key, a key
 * given twice, a bad value, or two options that exclude each other get
 * GC_EINVAL and one line in err.  profile, when not NULL, takes the
 * value of a "profile" key. */
enum gc_status gc_options_parse(const char *owner,
                                const struct gc_option *table, char *text,
                                struct gc_option_value *opts, size_t *nopts,
                                size_t max, const char **profile, char *err,
                                size_t err_bytes);
/* The typed value of option name: the one given in opts, else the
 * table's default (parsed the same way into *scratch). */
const struct gc_option_value *
gc_option_get(const struct gc_option *table, const struct gc_option_value *opts,
              size_t nopts, const char *name, struct gc_option_value *scratch);

/* What one collection did; the sum is gc.collect()'s result. */
struct gc_collect_result {
    uint64_t visited;      /* objects in the generations examined */
    int64_t collected;     /* m */
    int64_t uncollectable; /* n */
};

/* Parses opts (already checked against the option table) into the
 * collector's state; a bad value writes one line naming it to err. */
typedef enum gc_status gc_init_fn(struct gc_heap *heap,
                                  const struct gc_option_value *opts,
                                  size_t nopts, void **state, char *err,
                                  size_t err_bytes);
typedef void gc_destroy_fn(struct gc_heap *heap, void *state);
typedef uint32_t gc_caps_fn(const struct gc_heap *heap, const void *state);
/* Collects generation gen (and every younger one). */
typedef void gc_collect_fn(struct gc_heap *heap, int gen, enum gc_reason why,
                           struct gc_collect_result *result);
/* An allocation took the generation-0 count past the heap's trigger, or
 * a safepoint found a collection scheduled: decide whether to collect. */
typedef void gc_trigger_fn(struct gc_heap *heap, bool is_safepoint);
/* Enablement or thresholds changed: recompute the heap's trigger. */
typedef void gc_retrigger_fn(struct gc_heap *heap);
/* With has_decref_hook: a decrement left obj's count above zero, and a
 * container is about to be freed (forget it). */
typedef void gc_object_fn(struct gc_heap *heap, struct gc_object *obj);
/* Liveness, what a cycle collector promises without gc.collect(2): the
 * sweeps it has completed, each a run of collections that together
 * examined every object tracked when the run began with all it reaches.
 * Garbage there is when this reads E is freed by the time it reads E +
 * the collector's sweep_bound.  Not promised for what legacy finalizers,
 * frozen objects or gc.garbage keep; on 3.8 a batch that a resurrection
 * kept starts counting again. */
typedef uint64_t gc_sweeps_fn(const struct gc_heap *heap, const void *state);

struct gc_collector {
    const char *name;        /* CLI and results key, e.g. "cpython" */
    const char *description; /* one line */
    const struct gc_option *options; /* terminated by a NULL name */
    gc_init_fn *init;        /* required */
    gc_destroy_fn *destroy;  /* may be NULL */
    gc_caps_fn *caps;        /* required */
    gc_collect_fn *collect;  /* required */
    gc_trigger_fn *trigger;  /* NULL: allocations never collect */
    gc_retrigger_fn *retrigger; /* NULL: the trigger never fires */
    gc_object_fn *decref_hook;  /* NULL: no candidate roots */
    gc_object_fn *forget;       /* with decref_hook */
    gc_sweeps_fn *sweeps;       /* NULL: no liveness promise */
    unsigned sweep_bound;       /* in sweeps, at least 1 */
};

/* The registry (registry.c): NULL-terminated, the reference first. */
extern const struct gc_collector *const gc_collectors[];
const struct gc_collector *gc_collector_find(const char *name);

/* A parsed collector spec, "name[:key=value,...]".  profile= is taken
 * out here, since every collector accepts it. */
#define GC_SPEC_MAX_OPTIONS 16
struct gc_spec {
    const struct gc_collector *collector;
    enum gc_profile profile;
    bool has_profile;
    size_t nopts;
    struct gc_option_value opts[GC_SPEC_MAX_OPTIONS];
    char text[256]; /* the keys and values point in here */
};
/* GC_EINVAL with one line in err naming what was wrong and what is
 * allowed (the known collectors, or the collector's options). */
enum gc_status gc_spec_parse(const char *text, struct gc_spec *spec,
                             char *err, size_t err_bytes);
/* The spec's effective options, "key=value,..." with defaults filled
 * in, for records. */
void gc_spec_format(const struct gc_spec *spec, char *buf, size_t bytes);
/* Fills cfg's profile, collector and options from a parsed spec; the
 * rest of cfg (layout, allocator, err) is the caller's. */
void gc_spec_config(const struct gc_spec *spec, struct gc_heap_config *cfg);
/* Creates a heap from a spec; the allocator may be NULL. */
enum gc_status gc_heap_new_spec(const char *spec,
                                const struct gc_allocator *allocator,
                                struct gc_heap **out, char *err,
                                size_t err_bytes);
const struct gc_collector *gc_heap_collector(const struct gc_heap *heap);
/* The heap's collector's liveness promise (gc_sweeps_fn): false if it
 * makes none; else the sweeps completed so far and the bound. */
bool gc_heap_sweeps(const struct gc_heap *heap, uint64_t *sweeps,
                    unsigned *bound);

/* ---- verification -------------------------------------------------- */

/* Checks the heap's invariants at a level: 1 list linkage and flags,
 * 2 also that no refcount is below the references other tracked
 * objects hold.  Returns GC_OK or GC_EINVAL with one line in err naming
 * the object, its type and the rule.  Not during a collection. */
enum gc_status gc_heap_verify(struct gc_heap *heap, int level, char *err,
                              size_t err_bytes);
/* The oracle mark: the containers no reference from outside the
 * tracked objects can reach -- garbage that refcounting cannot free and
 * no collection has freed yet -- counted, with their bytes as
 * gc_object_py_sizeof counts them.  Found as a full collection finds
 * them (refcounts less internal references give the roots; a mark from
 * the roots), but without changing anything, so the harness can call it
 * from a collection's begin event.  Payloads (bytes) that only the
 * garbage holds are counted; other untracked objects held only by the
 * garbage (ints, str, untracked tuples and dicts) are not.  O(tracked); one
 * malloc'd stack.  GC_ENOMEM, or GC_EINVAL if a refcount is below the
 * references to it (as gc_heap_verify level 2 reports). */
enum gc_status gc_heap_garbage(struct gc_heap *heap, uint64_t *objects,
                               uint64_t *bytes);
/* The level applied automatically after collections: -Dchecks, raised
 * by GCLAB_CHECKS=N; GCLAB_STRESS=1 means 2 after every collection and
 * every 64th container allocation. */
int gc_heap_check_level(const struct gc_heap *heap);

#endif /* GCLAB_GC_H */

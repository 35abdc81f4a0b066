/* collectors/types/tuple.c -- tuple: a fixed array of references made at
 * run time.  Tracked at creation, except the shared empty tuple, which
 * never is.  The cycle collector untracks a surviving tuple that holds
 * no container (semantics.md 1.3); tp_clear leaves NULL items behind. */
#include "../gc-internal.h"

struct gc_tuple {
    struct gc_object ob;
    size_t len;
    struct gc_object *items[];
};

#define AS_TUPLE(o) ((struct gc_tuple *)(o))

/* CPython's size, where the model's struct is smaller: 2.7's bigger GC
 * head, and from 3.14 the hash cached in every tuple (sys.getsizeof(())
 * is 48, not 40). */
static size_t
tuple_bytes(enum gc_profile profile, size_t len)
{
    return sizeof(struct gc_tuple) + len * sizeof(struct gc_object *) +
           gc_head_extra_bytes(profile) +
           (profile >= GC_PROFILE_3_14 ? sizeof(uint64_t) : 0);
}

static int
tuple_traverse(struct gc_object *self, gc_visit_fn *visit, void *arg)
{
    struct gc_tuple *t = AS_TUPLE(self);
    for (size_t i = t->len; i-- > 0;) {
        if (t->items[i] != NULL) {
            int rc = visit(t->items[i], arg);
            if (rc != 0) {
                return rc;
            }
        }
    }
    return 0;
}

static void
tuple_clear(struct gc_heap *heap, struct gc_object *self)
{
    struct gc_tuple *t = AS_TUPLE(self);
    for (size_t i = t->len; i-- > 0;) {
        struct gc_object *item = t->items[i];
        t->items[i] = NULL;
        gc_xdecref(heap, item);
    }
}

static void
tuple_dealloc(struct gc_heap *heap, struct gc_object *self)
{
    gc_untrack(self);
    if (gc_trash_begin(heap, self)) {
        return;
    }
    size_t len = AS_TUPLE(self)->len;
    tuple_clear(heap, self);
    if (len > 0 && len < GC_TUPLE_FREE_SIZES) {
        gc_container_release(heap, self, tuple_bytes(heap->profile, len),
                             &heap->free_lists.tuple[len]);
    }
    else {
        gc_container_free(heap, self, tuple_bytes(heap->profile, len));
    }
    gc_trash_end(heap);
}

const struct gc_type gc_type_tuple = {
    .name = "tuple",
    .kind = GC_KIND_TUPLE,
    .flags = GC_TYPE_GC,
    .traverse = tuple_traverse,
    .clear = tuple_clear,
    .dealloc = tuple_dealloc,
};

size_t
gc_tuple_object_bytes(enum gc_profile profile, size_t len)
{
    return tuple_bytes(profile, len);
}

static struct gc_object *
tuple_alloc(struct gc_heap *heap, size_t len)
{
    if (len > (SIZE_MAX - sizeof(struct gc_tuple)) / sizeof(void *) / 2) {
        return NULL;
    }
    struct gc_object *obj = NULL;
    if (len > 0 && len < GC_TUPLE_FREE_SIZES) {
        obj = gc_free_list_pop(heap, &heap->free_lists.tuple[len],
                               &gc_type_tuple);
    }
    if (obj == NULL) {
        obj = gc_container_alloc(heap, &gc_type_tuple,
                                 tuple_bytes(heap->profile, len));
    }
    if (obj != NULL) {
        AS_TUPLE(obj)->len = len;
    }
    return obj;
}

struct gc_object *
gc_tuple_empty_new(struct gc_heap *heap)
{
    return tuple_alloc(heap, 0);
}

struct gc_object *
gc_tuple_new(struct gc_heap *heap, size_t n,
             struct gc_object *const *items)
{
    if (n == 0) {
        return gc_incref(heap->empty_tuple);
    }
    struct gc_object *obj = tuple_alloc(heap, n);
    if (obj == NULL) {
        return NULL;
    }
    struct gc_tuple *t = AS_TUPLE(obj);
    bool has_gc_item = false;
    for (size_t i = 0; i < n; i++) {
        struct gc_object *item = items[i] != NULL ? items[i] : heap->none;
        t->items[i] = gc_incref(item);
        has_gc_item = has_gc_item || gc_is_gc(item);
    }
    /* 3.14+ (#140262) leaves a tuple of atoms untracked from creation.
     * The test is the item's type, not its tracking: a tuple holding an
     * untracked tuple is tracked (measured on 3.14.10 and 3.15.2). */
    if (has_gc_item || heap->profile < GC_PROFILE_3_14) {
        gc_track(heap, obj);
    }
    return obj;
}

size_t
gc_tuple_len(const struct gc_object *tuple)
{
    assert(tuple->type == &gc_type_tuple);
    return ((const struct gc_tuple *)tuple)->len;
}

struct gc_object *
gc_tuple_get(const struct gc_object *tuple, size_t index)
{
    assert(tuple->type == &gc_type_tuple);
    const struct gc_tuple *t = (const struct gc_tuple *)tuple;
    return index < t->len ? t->items[index] : NULL;
}

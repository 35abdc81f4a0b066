/* collectors/types/int.c -- None and int, the atoms every heap starts
 * with.  Ints -5..256 are preallocated per heap and shared, as CPython's
 * small-int cache: `int('256') is int('256')` holds, 257 and -6 do not.
 * Atoms have no GC head and are never tracked. */
#include "../gc-internal.h"

struct gc_int {
    struct gc_object ob;
    int64_t value;
};

static void
none_dealloc(struct gc_heap *heap, struct gc_object *self)
{
    /* Only the heap's own reference can be the last one. */
    assert(heap->is_destroying);
    gc_atom_free(heap, self, sizeof *self);
}

const struct gc_type gc_type_none = {
    .name = "NoneType",
    .kind = GC_KIND_NONE,
    .dealloc = none_dealloc,
};

static void
int_dealloc(struct gc_heap *heap, struct gc_object *self)
{
    gc_atom_free(heap, self, sizeof(struct gc_int));
}

const struct gc_type gc_type_int = {
    .name = "int",
    .kind = GC_KIND_INT,
    .dealloc = int_dealloc,
};

static struct gc_object *
int_alloc(struct gc_heap *heap, int64_t value)
{
    struct gc_int *i =
        (struct gc_int *)gc_atom_alloc(heap, &gc_type_int, sizeof *i);
    if (i == NULL) {
        return NULL;
    }
    i->value = value;
    return &i->ob;
}

int64_t
gc_small_int_max(enum gc_profile profile)
{
    return profile >= GC_PROFILE_3_15 ? GC_SMALL_INT_MAX_3_15
                                      : GC_SMALL_INT_MAX;
}

struct gc_object *
gc_int_new(struct gc_heap *heap, int64_t value)
{
    if (value >= GC_SMALL_INT_MIN && value <= gc_small_int_max(heap->profile)) {
        return gc_incref(heap->small_ints[value - GC_SMALL_INT_MIN]);
    }
    return int_alloc(heap, value);
}

int64_t
gc_int_value(const struct gc_object *obj)
{
    assert(obj->type == &gc_type_int);
    return ((const struct gc_int *)obj)->value;
}

enum gc_status
gc_atoms_init(struct gc_heap *heap)
{
    heap->none = gc_atom_alloc(heap, &gc_type_none, sizeof(struct gc_object));
    if (heap->none == NULL) {
        return GC_ENOMEM;
    }
    for (int64_t v = GC_SMALL_INT_MIN; v <= gc_small_int_max(heap->profile);
         v++) {
        struct gc_object *obj = int_alloc(heap, v);
        if (obj == NULL) {
            return GC_ENOMEM;
        }
        heap->small_ints[v - GC_SMALL_INT_MIN] = obj;
    }
    heap->empty_tuple = gc_tuple_empty_new(heap);
    return heap->empty_tuple != NULL ? GC_OK : GC_ENOMEM;
}

/* Drops the heap's references to its singletons.  Anyone still holding
 * one keeps it alive, and the leak check reports it. */
void
gc_atoms_fini(struct gc_heap *heap)
{
    if (heap->empty_tuple != NULL) {
        gc_decref(heap, heap->empty_tuple);
        heap->empty_tuple = NULL;
    }
    for (size_t i = 0; i < sizeof heap->small_ints / sizeof *heap->small_ints;
         i++) {
        if (heap->small_ints[i] != NULL) {
            gc_decref(heap, heap->small_ints[i]);
            heap->small_ints[i] = NULL;
        }
    }
    if (heap->none != NULL) {
        gc_decref(heap, heap->none);
        heap->none = NULL;
    }
}

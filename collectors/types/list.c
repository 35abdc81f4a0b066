/* collectors/types/list.c -- list: a growable array of references,
 * tracked from creation.  Items are released last to first on clear and
 * dealloc, and traversed last to first, as CPython's listobject.c. */
#include "../gc-internal.h"

struct gc_list {
    struct gc_object ob;
    size_t len;
    size_t cap;
    struct gc_object **items;
};

#define AS_LIST(o) ((struct gc_list *)(o))

static int
list_traverse(struct gc_object *self, gc_visit_fn *visit, void *arg)
{
    struct gc_list *l = AS_LIST(self);
    for (size_t i = l->len; i-- > 0;) {
        int rc = visit(l->items[i], arg);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

/* _list_clear: detach the array first, so code run by a finalizer of an
 * item sees an empty list rather than a half-released one. */
static void
list_clear(struct gc_heap *heap, struct gc_object *self)
{
    struct gc_list *l = AS_LIST(self);
    struct gc_object **items = l->items;
    size_t len = l->len, cap = l->cap;
    l->items = NULL;
    l->len = 0;
    l->cap = 0;
    for (size_t i = len; i-- > 0;) {
        gc_decref(heap, items[i]);
    }
    gc_pymem_free(heap, items, cap * sizeof *items);
}

static void
list_dealloc(struct gc_heap *heap, struct gc_object *self)
{
    gc_untrack(self);
    if (gc_trash_begin(heap, self)) {
        return;
    }
    list_clear(heap, self);
    gc_container_release(heap, self, gc_list_object_bytes(heap->profile),
                         &heap->free_lists.list);
    gc_trash_end(heap);
}

const struct gc_type gc_type_list = {
    .name = "list",
    .kind = GC_KIND_LIST,
    .flags = GC_TYPE_GC,
    .traverse = list_traverse,
    .clear = list_clear,
    .dealloc = list_dealloc,
};

size_t
gc_list_object_bytes(enum gc_profile profile)
{
    return sizeof(struct gc_list) + gc_head_extra_bytes(profile);
}

struct gc_object *
gc_list_new(struct gc_heap *heap)
{
    struct gc_object *obj =
        gc_free_list_pop(heap, &heap->free_lists.list, &gc_type_list);
    if (obj == NULL) {
        obj = gc_container_alloc(heap, &gc_type_list,
                                 gc_list_object_bytes(heap->profile));
    }
    if (obj == NULL) {
        return NULL;
    }
    struct gc_list *l = AS_LIST(obj);
    l->len = 0;
    l->cap = 0;
    l->items = NULL;
    gc_track(heap, obj);
    return obj;
}

/* list_resize's over-allocation: about 1/8 extra, so appends are
 * amortised O(1). */
static enum gc_status
list_reserve(struct gc_heap *heap, struct gc_list *l, size_t need)
{
    if (need <= l->cap) {
        return GC_OK;
    }
    if (need > SIZE_MAX / sizeof(struct gc_object *) / 2) {
        return GC_ENOMEM;
    }
    size_t cap = need + (need >> 3) + (need < 9 ? 3 : 6);
    struct gc_object **items;
    if (l->items == NULL) {
        items = gc_pymem_alloc(heap, cap * sizeof *items);
    }
    else {
        items = gc_pymem_resize(heap, l->items, l->cap * sizeof *items,
                                cap * sizeof *items);
    }
    if (items == NULL) {
        return GC_ENOMEM;
    }
    l->items = items;
    l->cap = cap;
    return GC_OK;
}

enum gc_status
gc_list_append(struct gc_heap *heap, struct gc_object *list,
               struct gc_object *item)
{
    if (list->type != &gc_type_list) {
        return GC_ETYPE;
    }
    struct gc_list *l = AS_LIST(list);
    enum gc_status rc = list_reserve(heap, l, l->len + 1);
    if (rc != GC_OK) {
        return rc;
    }
    l->items[l->len++] = gc_incref(item);
    return GC_OK;
}

size_t
gc_list_len(const struct gc_object *list)
{
    assert(list->type == &gc_type_list);
    return AS_LIST(list)->len;
}

struct gc_object *
gc_list_get(const struct gc_object *list, size_t index)
{
    assert(list->type == &gc_type_list);
    const struct gc_list *l = (const struct gc_list *)list;
    return index < l->len ? l->items[index] : NULL;
}

enum gc_status
gc_list_set(struct gc_heap *heap, struct gc_object *list, size_t index,
            struct gc_object *item)
{
    if (list->type != &gc_type_list) {
        return GC_ETYPE;
    }
    struct gc_list *l = AS_LIST(list);
    if (index >= l->len) {
        return GC_ERANGE;
    }
    /* Store before releasing: the old item's death may run code that
     * reads this list. */
    struct gc_object *old = l->items[index];
    l->items[index] = gc_incref(item);
    gc_decref(heap, old);
    return GC_OK;
}

struct gc_object *
gc_list_pop(struct gc_heap *heap, struct gc_object *list)
{
    (void)heap;
    assert(list->type == &gc_type_list);
    struct gc_list *l = AS_LIST(list);
    if (l->len == 0) {
        return NULL;
    }
    return l->items[--l->len]; /* the list's reference passes to the caller */
}

enum gc_status
gc_list_remove_at(struct gc_heap *heap, struct gc_object *list, size_t index)
{
    if (list->type != &gc_type_list) {
        return GC_ETYPE;
    }
    struct gc_list *l = AS_LIST(list);
    if (index >= l->len) {
        return GC_ERANGE;
    }
    struct gc_object *old = l->items[index];
    memmove(&l->items[index], &l->items[index + 1],
            (l->len - index - 1) * sizeof *l->items);
    l->len--;
    gc_decref(heap, old);
    return GC_OK;
}

void
gc_list_clear(struct gc_heap *heap, struct gc_object *list)
{
    assert(list->type == &gc_type_list);
    list_clear(heap, list);
}

size_t
gc_list_capacity(const struct gc_object *list)
{
    return ((const struct gc_list *)list)->cap;
}

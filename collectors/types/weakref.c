/* collectors/types/weakref.c -- weakref.ref with an optional callback.
 *
 * A weakref is a container (tracked from creation, as in CPython) that
 * does not own its referent.  The referent keeps a doubly linked list of
 * its weakrefs: the callback-less one, which is shared, first; weakrefs
 * with callbacks after it, newest first (weakref___new__'s insert_head /
 * insert_after).  Callbacks are C functions, so a weakref holds no
 * references and its traversal visits nothing. */
#include "../gc-internal.h"

struct gc_weakref {
    struct gc_object ob;
    struct gc_object *referent; /* borrowed; NULL once cleared */
    gc_weakref_callback_fn *callback;
    void *data;
    struct gc_weakref *prev, *next; /* in the referent's list */
};

#define AS_WR(o) ((struct gc_weakref *)(o))

/* Unlinks wr from its referent's list (clear_weakref). */
static void
unlink_wr(struct gc_weakref *wr)
{
    if (wr->referent == NULL) {
        return;
    }
    struct gc_object **list = gc_weaklist_of(wr->referent);
    if (*list == &wr->ob) {
        *list = wr->next != NULL ? &wr->next->ob : NULL;
    }
    if (wr->prev != NULL) {
        wr->prev->next = wr->next;
    }
    if (wr->next != NULL) {
        wr->next->prev = wr->prev;
    }
    wr->prev = wr->next = NULL;
    wr->referent = NULL;
}

void
gc_weakref_clear_ref(struct gc_object *obj)
{
    unlink_wr(AS_WR(obj));
}

void
gc_weakref_forget(struct gc_object *obj)
{
    struct gc_weakref *wr = AS_WR(obj);
    unlink_wr(wr);
    wr->callback = NULL;
    wr->data = NULL;
}

/* The callback is C code, not an object: nothing to visit.  (CPython
 * visits wr_callback; a module-level function is never garbage, so the
 * counts agree.) */
static int
weakref_traverse(struct gc_object *self, gc_visit_fn *visit, void *arg)
{
    (void)self;
    (void)visit;
    (void)arg;
    return 0;
}

static void
weakref_clear(struct gc_heap *heap, struct gc_object *self)
{
    (void)heap;
    gc_weakref_forget(self);
}

static void
weakref_dealloc(struct gc_heap *heap, struct gc_object *self)
{
    gc_untrack(self);
    gc_weakref_forget(self);
    gc_container_free(heap, self, sizeof(struct gc_weakref));
}

const struct gc_type gc_type_weakref = {
    .name = "weakref",
    .kind = GC_KIND_WEAKREF,
    .flags = GC_TYPE_GC,
    .traverse = weakref_traverse,
    .clear = weakref_clear,
    .dealloc = weakref_dealloc,
};

enum gc_status
gc_weakref_new(struct gc_heap *heap, struct gc_object *referent,
               gc_weakref_callback_fn *callback, void *data,
               struct gc_object **out)
{
    *out = NULL;
    struct gc_object **list = gc_weaklist_of(referent);
    if (list == NULL) {
        return GC_ETYPE;
    }
    struct gc_weakref *basic = NULL;
    if (*list != NULL && AS_WR(*list)->callback == NULL) {
        basic = AS_WR(*list);
    }
    if (callback == NULL && basic != NULL) {
        *out = gc_incref(&basic->ob);
        return GC_OK;
    }
    struct gc_object *obj =
        gc_container_alloc(heap, &gc_type_weakref, sizeof(struct gc_weakref));
    if (obj == NULL) {
        return GC_ENOMEM;
    }
    struct gc_weakref *wr = AS_WR(obj);
    wr->referent = referent;
    wr->callback = callback;
    wr->data = data;
    wr->prev = wr->next = NULL;
    /* The allocation may have run a collection that changed the list. */
    struct gc_weakref *head = *list != NULL ? AS_WR(*list) : NULL;
    if (callback != NULL && head != NULL && head->callback == NULL) {
        wr->prev = head; /* insert_after the basic ref */
        wr->next = head->next;
        if (head->next != NULL) {
            head->next->prev = wr;
        }
        head->next = wr;
    }
    else {
        wr->next = head; /* insert_head */
        if (head != NULL) {
            head->prev = wr;
        }
        *list = obj;
    }
    gc_track(heap, obj);
    *out = obj;
    return GC_OK;
}

struct gc_object *
gc_weakref_get(const struct gc_object *wr)
{
    assert(wr->type == &gc_type_weakref);
    return ((const struct gc_weakref *)wr)->referent;
}

struct gc_object *
gc_weakref_next(const struct gc_object *wr)
{
    const struct gc_weakref *w = (const struct gc_weakref *)wr;
    return w->next != NULL ? &w->next->ob : NULL;
}

gc_weakref_callback_fn *
gc_weakref_callback(const struct gc_object *wr, void **data)
{
    const struct gc_weakref *w = (const struct gc_weakref *)wr;
    if (data != NULL) {
        *data = w->data;
    }
    return w->callback;
}

size_t
gc_weakref_count(const struct gc_object *obj)
{
    struct gc_object **list = gc_weaklist_of((struct gc_object *)obj);
    size_t n = 0;
    if (list != NULL) {
        for (struct gc_object *w = *list; w != NULL;
             w = AS_WR(w)->next != NULL ? &AS_WR(w)->next->ob : NULL) {
            n++;
        }
    }
    return n;
}

/* PyObject_ClearWeakRefs: first clear every weakref, so that no callback
 * can reach the dying object through another one, then call the
 * callbacks in list order.  Weakrefs with a callback are kept alive for
 * the call and chained through their (now unused) next links; nothing
 * is allocated, so this cannot fail. */
void
gc_weakrefs_clear(struct gc_heap *heap, struct gc_object **weaklist)
{
    struct gc_weakref *pending = NULL, **tail = &pending;
    while (*weaklist != NULL) {
        struct gc_weakref *wr = AS_WR(*weaklist);
        *weaklist = wr->next != NULL ? &wr->next->ob : NULL;
        if (wr->next != NULL) {
            wr->next->prev = NULL;
        }
        wr->referent = NULL;
        wr->prev = wr->next = NULL;
        if (wr->callback != NULL && wr->ob.refcnt > 0 &&
            !heap->is_destroying) {
            gc_incref(&wr->ob);
            *tail = wr;
            tail = &wr->next;
        }
        else {
            wr->callback = NULL;
        }
    }
    while (pending != NULL) {
        struct gc_weakref *wr = pending;
        pending = wr->next;
        wr->next = NULL;
        gc_weakref_callback_fn *callback = wr->callback;
        void *data = wr->data;
        wr->callback = NULL;
        wr->data = NULL;
        if (callback != NULL) { /* a collection may have cleared it */
            callback(heap, &wr->ob, data);
        }
        gc_decref(heap, &wr->ob);
    }
}

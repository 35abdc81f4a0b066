/* collectors/object.c -- immediate destruction: the dealloc entry point,
 * the trashcan that keeps deep chains off the C stack, and the calling
 * convention for finalizers on the refcount path.
 *
 * Each type's dealloc follows CPython's subtype_dealloc order, which
 * differs by profile (docs/semantics.md section 2):
 *   3.x  untrack; PEP 442 finalizer once (may resurrect); clear weakrefs
 *        and run their callbacks; legacy tp_del (may resurrect); drop
 *        references; free.
 *   2.7  untrack; clear weakrefs and run callbacks; __del__ on every
 *        death (may resurrect); drop references; free.
 * The 2.7 order falls out of the same code because 2.7 instances with
 * __del__ get it as legacy_del (see types/instance.c). */
#include "gc-internal.h"

/* Counts the deallocations nested under the outermost one to tell the
 * listener of large refcount cascades (gc.h); collections' own frees are
 * part of their pause and are not counted. */
void
gc_object_dealloc(struct gc_heap *heap, struct gc_object *obj)
{
    assert(obj->refcnt == 0);
#if GCLAB_EVENTS
    if (heap->cascade_depth++ == 0) {
        heap->cascade_first_freed = heap->stats.objects_freed;
    }
    else if (!heap->is_cascade_announced && !heap->is_collecting &&
             heap->stats.objects_freed - heap->cascade_first_freed >=
                 GC_CASCADE_ANNOUNCE &&
             heap->listener.cascade_begin != NULL) {
        heap->is_cascade_announced = true;
        heap->listener.cascade_begin(heap->listener.data);
    }
#endif
    obj->type->dealloc(heap, obj);
#if GCLAB_EVENTS
    if (--heap->cascade_depth == 0 && heap->is_cascade_announced) {
        heap->is_cascade_announced = false;
        if (heap->listener.cascade_end != NULL) {
            heap->listener.cascade_end(
                heap->listener.data,
                heap->stats.objects_freed - heap->cascade_first_freed);
        }
    }
#endif
}

/* _PyTrash_thread_destroy_chain: deallocate what the trashcan put off.
 * Each one runs one level deep, so a chain of any length unwinds in a
 * loop rather than in recursion. */
void
gc_trash_destroy_chain(struct gc_heap *heap)
{
    while (heap->trash_later != NULL) {
        struct gc_object *obj = heap->trash_later;
        struct gc_head *h = gc_head_of(obj);
        heap->trash_later = (struct gc_object *)(h->prev & ~GC_PREV_FLAGS);
        h->prev &= GC_PREV_FLAGS;
        heap->trash_depth++;
        obj->type->dealloc(heap, obj);
        heap->trash_depth--;
    }
}

bool
gc_call_finalizer_from_dealloc(struct gc_heap *heap, struct gc_object *obj)
{
    assert(obj->refcnt == 0);
    struct gc_head *h = gc_head_of(obj);
    if (obj->type->finalize == NULL || (h->prev & GC_PREV_FINALIZED)) {
        return false;
    }
    /* Temporarily resurrect, and track again as subtype_dealloc does, so
     * a collection started by the finalizer sees a consistent object;
     * that also moves it into generation 0. */
    gc_untrack(obj);
    gc_track(heap, obj);
    obj->refcnt = 1;
    obj->type->finalize(heap, obj);
    h->prev |= GC_PREV_FINALIZED;
    if (--obj->refcnt != 0) {
        return true; /* resurrected: it stays tracked, in generation 0 */
    }
    gc_untrack(obj);
    return false;
}

int
gc_traverse(struct gc_object *obj, gc_visit_fn *visit, void *arg)
{
    if (obj->type->traverse == NULL) {
        return 0;
    }
    return obj->type->traverse(obj, visit, arg);
}

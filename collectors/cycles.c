/* collectors/cycles.c -- the cycle-finding core every cycle-finding
 * collector shares: CPython's algorithm (gcmodule.c 3.8-3.12, gc.c 3.13)
 * function for function, with its phase names, and the per-profile
 * differences of docs/semantics.md section 4.
 *
 * A collector decides when to run and over which list of objects; this
 * file decides which of them are garbage and what happens to them.
 *
 * Contracts:
 *   gc_cycles_deduce_unreachable(young, unreachable): young holds
 *     tracked containers with no collecting mark.  After it, young holds
 *     exactly those reachable from outside young (collecting mark
 *     cleared, doubly linked again) and unreachable the rest, each with
 *     its collecting mark and GC_NEXT_UNREACHABLE set.
 *   gc_cycles_handle_unreachable(unreachable, old, kept): consumes that
 *     unreachable list; every object that survives ends with no marks in
 *     old (legacy garbage, kept by DEBUG_SAVEALL, alive after tp_clear)
 *     or in kept (what a finalizer's resurrection kept: on 3.8 the whole
 *     batch, garbage included).  kept may be old.
 */
#include "gc-internal.h"

/* ---- deduce_unreachable ------------------------------------------- */

/* After this, gc_refs of every object in containers is its refcount:
 * the collecting mark says "in the set being examined". */
static size_t
update_refs(struct gc_head *containers)
{
    size_t n = 0;
    for (struct gc_head *h = gc_head_next(containers); h != containers;
         h = gc_head_next(h)) {
        struct gc_object *obj = gc_object_of(h);
        assert(obj->refcnt > 0);
        gc_reset_refs(h, obj->refcnt);
        n++;
    }
    return n;
}

static int
visit_decref(struct gc_object *obj, void *arg)
{
    (void)arg;
    if (gc_is_gc(obj)) {
        struct gc_head *h = gc_head_of(obj);
        /* Only references between members of the set are subtracted;
         * the rest are outside references and keep their object alive. */
        if (gc_is_collecting(h)) {
            assert(gc_get_refs(h) > 0 && "refcount is too small");
            gc_decref_refs(h);
        }
    }
    return 0;
}

/* After this, gc_refs counts only references from outside the set, so
 * anything above 0 is directly reachable: a root of this collection. */
static void
subtract_refs(struct gc_head *containers)
{
    for (struct gc_head *h = gc_head_next(containers); h != containers;
         h = gc_head_next(h)) {
        struct gc_object *obj = gc_object_of(h);
        obj->type->traverse(obj, visit_decref, NULL);
    }
}

static int
visit_reachable(struct gc_object *obj, void *arg)
{
    struct gc_head *reachable = arg;
    if (!gc_is_gc(obj)) {
        return 0;
    }
    struct gc_head *h = gc_head_of(obj);
    /* Objects of other generations, and those move_unreachable already
     * scanned (their mark is cleared), need nothing. */
    if (!gc_is_collecting(h)) {
        return 0;
    }
    assert(h->next != 0);
    if (h->next & GC_NEXT_UNREACHABLE) {
        /* Tentatively unreachable, but reachable after all: back to the
         * tail of young, where the scan will reach it again.  The list
         * helpers do not know the unreachable bit, so unlink by hand. */
        struct gc_head *prev = gc_head_prev(h);
        struct gc_head *next = gc_head_next(h);
        prev->next = h->next; /* keeps prev's unreachable bit */
        gc_head_set_prev(next, prev);
        gc_glist_append(h, reachable);
        gc_set_refs(h, 1);
    }
    else if (gc_get_refs(h) == 0) {
        /* Still ahead in young: tell the scan it is reachable. */
        gc_set_refs(h, 1);
    }
    return 0;
}

static bool tuple_may_untrack(struct gc_object *t);

/* Splits young into reachable (stays, in rescan order) and tentatively
 * unreachable (moved, marked).  young is singly linked on entry (prev
 * holds gc_refs) and doubly linked again on exit.  With untrack_tuples
 * (2.7, whose move_unreachable did what 3.x's untrack_tuples pass does),
 * a reachable tuple that holds no container leaves the list as soon as
 * it has been traversed. */
static void
move_unreachable(struct gc_head *young, struct gc_head *unreachable,
                 bool untrack_tuples)
{
    struct gc_head *prev = young;
    struct gc_head *h = gc_head_next(young);
    while (h != young) {
        if (gc_get_refs(h) != 0) {
            struct gc_object *obj = gc_object_of(h);
            obj->type->traverse(obj, visit_reachable, young);
            if (untrack_tuples && obj->type->kind == GC_KIND_TUPLE &&
                tuple_may_untrack(obj)) {
                /* Unlink by hand: the next node's prev holds gc_refs
                 * until the scan reaches it and relinks it to prev. */
                prev->next = h->next;
                h->next = 0;
                h->prev &= GC_PREV_FINALIZED;
                h = gc_head_next(prev);
                continue;
            }
            /* Relink prev and drop the collecting mark: h is reachable. */
            h->prev = (h->prev & GC_PREV_FINALIZED) | (uintptr_t)prev;
            prev = h;
        }
        else {
            /* No outside references seen yet: tentatively unreachable.
             * young is singly linked here, so only prev->next changes. */
            prev->next = h->next;
            struct gc_head *last = gc_head_prev(unreachable);
            last->next = GC_NEXT_UNREACHABLE | (uintptr_t)h;
            gc_head_set_prev(h, last);
            h->next = GC_NEXT_UNREACHABLE | (uintptr_t)unreachable;
            gc_head_set_prev(unreachable, h);
        }
        h = gc_head_next(prev);
    }
    young->prev = (uintptr_t)prev;
    unreachable->next &= ~GC_NEXT_UNREACHABLE;
}

size_t
gc_cycles_deduce_unreachable(struct gc_heap *heap, struct gc_head *young,
                             struct gc_head *unreachable)
{
    size_t n = update_refs(young);
    gc_emit_phase_end(heap, GC_PHASE_UPDATE_REFS);
    subtract_refs(young);
    if (heap->debug_hook != NULL) {
        heap->debug_hook(heap, young, n); /* test knobs only (debug.c) */
    }
    gc_emit_phase_end(heap, GC_PHASE_SUBTRACT_REFS);
    gc_glist_init(unreachable);
    move_unreachable(young, unreachable, heap->profile == GC_PROFILE_2_7);
    gc_emit_phase_end(heap, GC_PHASE_MOVE_UNREACHABLE);
    return n;
}

/* ---- regions: subsets of the heap a collector examines -------------- */

/* While a region is built, the collecting mark means "in the region";
 * update_refs sets it again for every member, so building leaves
 * nothing behind once gc_cycles_region_unmark has run. */

static int
visit_add_to_region(struct gc_object *obj, void *arg)
{
    struct gc_region *r = arg;
    if (gc_is_gc(obj)) {
        struct gc_head *h = gc_head_of(obj);
        if (h->next != 0 && !gc_is_collecting(h)) {
            gc_glist_move(h, r->set);
            h->prev |= GC_PREV_COLLECTING;
            r->added++;
        }
    }
    return 0;
}

void
gc_cycles_region_add(struct gc_region *r, struct gc_head *h)
{
    if (h->next != 0 && !gc_is_collecting(h)) {
        gc_glist_move(h, r->set);
        h->prev |= GC_PREV_COLLECTING;
        r->added++;
    }
}

void
gc_cycles_region_close(struct gc_region *r)
{
    /* Breadth first from the first member not yet traversed; what the
     * traversals add lands at the end and is reached in turn. */
    while (r->cursor != gc_head_prev(r->set)) {
        r->cursor = gc_head_next(r->cursor);
        struct gc_object *obj = gc_object_of(r->cursor);
        obj->type->traverse(obj, visit_add_to_region, r);
    }
}

void
gc_cycles_region_unmark(struct gc_head *set)
{
    for (struct gc_head *h = gc_head_next(set); h != set;
         h = gc_head_next(h)) {
        gc_clear_collecting(h);
    }
}

/* ---- untracking ---------------------------------------------------- */

static bool
tuple_may_untrack(struct gc_object *t)
{
    size_t n = gc_tuple_len(t);
    for (size_t i = 0; i < n; i++) {
        struct gc_object *item = gc_tuple_get(t, i);
        /* A NULL item: not fully built (or cleared); leave it tracked. */
        if (item == NULL || gc_may_be_tracked(item)) {
            return false;
        }
    }
    return true;
}

void
gc_cycles_untrack_tuples(struct gc_heap *heap, struct gc_head *list)
{
    if (heap->profile == GC_PROFILE_2_7) {
        return; /* done by move_unreachable */
    }
    struct gc_head *next;
    for (struct gc_head *h = gc_head_next(list); h != list; h = next) {
        struct gc_object *obj = gc_object_of(h);
        next = gc_head_next(h);
        if (obj->type->kind == GC_KIND_TUPLE && tuple_may_untrack(obj)) {
            gc_untrack(obj);
        }
    }
}

static int
visit_may_be_tracked(struct gc_object *obj, void *arg)
{
    (void)arg;
    return gc_may_be_tracked(obj);
}

void
gc_cycles_untrack_dicts(struct gc_heap *heap, struct gc_head *list)
{
    if (heap->profile >= GC_PROFILE_3_14) {
        return;
    }
    struct gc_head *next;
    for (struct gc_head *h = gc_head_next(list); h != list; h = next) {
        struct gc_object *obj = gc_object_of(h);
        next = gc_head_next(h);
        if (obj->type->kind == GC_KIND_DICT &&
            gc_traverse(obj, visit_may_be_tracked, NULL) == 0) {
            gc_untrack(obj);
        }
    }
}

/* ---- legacy finalizers --------------------------------------------- */

static bool
has_legacy_finalizer(struct gc_object *obj)
{
    return obj->type->legacy_del != NULL;
}

/* Moves the unreachable objects with a legacy finalizer into finalizers,
 * clearing every unreachable bit on the way: unreachable becomes an
 * ordinary list. */
static void
move_legacy_finalizers(struct gc_head *unreachable,
                       struct gc_head *finalizers)
{
    struct gc_head *next;
    for (struct gc_head *h = gc_head_next(unreachable); h != unreachable;
         h = next) {
        assert(h->next & GC_NEXT_UNREACHABLE);
        h->next &= ~GC_NEXT_UNREACHABLE;
        next = gc_head_next(h);
        if (has_legacy_finalizer(gc_object_of(h))) {
            gc_clear_collecting(h);
            gc_glist_move(h, finalizers);
        }
    }
}

static int
visit_move(struct gc_object *obj, void *arg)
{
    struct gc_head *to = arg;
    if (gc_is_gc(obj)) {
        struct gc_head *h = gc_head_of(obj);
        if (gc_is_collecting(h)) {
            gc_glist_move(h, to);
            gc_clear_collecting(h);
        }
    }
    return 0;
}

/* Whatever a legacy finalizer can reach must stay intact for it: move
 * it out of the unreachable set too.  The list grows as we walk it. */
static void
move_legacy_finalizer_reachable(struct gc_head *finalizers)
{
    for (struct gc_head *h = gc_head_next(finalizers); h != finalizers;
         h = gc_head_next(h)) {
        struct gc_object *obj = gc_object_of(h);
        obj->type->traverse(obj, visit_move, finalizers);
    }
}

/* ---- weakrefs ------------------------------------------------------ */

/* Clears every weakref to an unreachable object before anything can
 * run, so that no callback can reach one.  Callbacks run only for
 * weakrefs that are not garbage themselves.  Returns how many weakrefs
 * their callback's end freed; those count as collected.
 *
 * 3.15 clears only the weakrefs that have a callback here; the others,
 * and weakrefs that are garbage themselves, wait for clear_weakrefs
 * after the finalizers, on what is still unreachable then.  So a
 * finalizer sees its object through a plain weakref, and one to an
 * object a finalizer resurrects survives (measured on 3.15.2:
 * tests/probes/fin.py, docs/cpython-3.14-3.15.md). */
static int64_t
handle_weakrefs(struct gc_heap *heap, struct gc_head *unreachable,
                struct gc_head *old)
{
    struct gc_head wrcb_to_call;
    gc_glist_init(&wrcb_to_call);
    /* bpo-38006 (3.8.0 on): a weakref that is itself garbage is cleared
     * first, so its callback cannot run from delete_garbage when its
     * referent dies outside the set.  2.7 never did this. */
    bool is_315 = heap->profile >= GC_PROFILE_3_15;
    bool clear_trash_weakrefs = heap->profile >= GC_PROFILE_3_8 && !is_315;
    struct gc_head *next;
    for (struct gc_head *h = gc_head_next(unreachable); h != unreachable;
         h = next) {
        struct gc_object *obj = gc_object_of(h);
        next = gc_head_next(h);
        if (clear_trash_weakrefs && obj->type->kind == GC_KIND_WEAKREF) {
            gc_weakref_clear_ref(obj);
        }
        struct gc_object **wrlist = gc_weaklist_of(obj);
        if (wrlist == NULL) {
            continue;
        }
        struct gc_object *after;
        for (struct gc_object *wr = *wrlist; wr != NULL; wr = after) {
            after = gc_weakref_next(wr);
            if (is_315 && gc_weakref_callback(wr, NULL) == NULL) {
                continue; /* clear_weakrefs, after the finalizers */
            }
            gc_weakref_clear_ref(wr);
            if (gc_weakref_callback(wr, NULL) == NULL) {
                continue;
            }
            /* A weakref that is garbage too gets no callback. */
            if (gc_is_collecting(gc_head_of(wr))) {
                continue;
            }
            gc_incref(wr); /* so it cannot go before its callback ran */
            gc_glist_move(gc_head_of(wr), &wrcb_to_call);
        }
    }
    /* Every weakref to the garbage is clear: callbacks can no longer
     * resurrect anything through one. */
    int64_t freed = 0;
    while (!gc_glist_is_empty(&wrcb_to_call)) {
        struct gc_head *h = gc_head_next(&wrcb_to_call);
        struct gc_object *wr = gc_object_of(h);
        void *data;
        gc_weakref_callback_fn *cb = gc_weakref_callback(wr, &data);
        if (cb != NULL && !heap->is_destroying) {
            cb(heap, wr, data);
        }
        gc_decref(heap, wr);
        if (gc_head_next(&wrcb_to_call) == h) {
            gc_glist_move(h, old); /* still alive */
        }
        else {
            freed++;
        }
    }
    gc_emit_phase_end(heap, GC_PHASE_WEAKREFS);
    return freed;
}

/* 3.15: after the finalizers, every weakref to what is still
 * unreachable, and every weakref that is unreachable itself, is
 * cleared before delete_garbage can expose a half-cleared object. */
static void
clear_weakrefs(struct gc_head *unreachable)
{
    for (struct gc_head *h = gc_head_next(unreachable); h != unreachable;
         h = gc_head_next(h)) {
        struct gc_object *obj = gc_object_of(h);
        if (obj->type->kind == GC_KIND_WEAKREF) {
            gc_weakref_clear_ref(obj);
        }
        struct gc_object **wrlist = gc_weaklist_of(obj);
        while (wrlist != NULL && *wrlist != NULL) {
            gc_weakref_clear_ref(*wrlist); /* advances *wrlist */
        }
    }
}

/* ---- finalizers and resurrection ----------------------------------- */

/* PEP 442: run each finalizer once.  A finalizer may free anything, so
 * the walk always takes the head of the list and parks it in seen. */
static void
finalize_garbage(struct gc_heap *heap, struct gc_head *collectable)
{
    struct gc_head seen;
    gc_glist_init(&seen);
    while (!gc_glist_is_empty(collectable)) {
        struct gc_head *h = gc_head_next(collectable);
        struct gc_object *obj = gc_object_of(h);
        gc_glist_move(h, &seen);
        if (!(h->prev & GC_PREV_FINALIZED) && obj->type->finalize != NULL) {
            h->prev |= GC_PREV_FINALIZED;
            gc_incref(obj);
            obj->type->finalize(heap, obj);
            gc_decref(heap, obj);
        }
    }
    gc_glist_merge(&seen, collectable);
    gc_emit_phase_end(heap, GC_PHASE_FINALIZE);
}

static void
clear_collecting_all(struct gc_head *list)
{
    for (struct gc_head *h = gc_head_next(list); h != list;
         h = gc_head_next(h)) {
        gc_clear_collecting(h);
    }
}

static void
clear_unreachable_mask(struct gc_head *list)
{
    for (struct gc_head *h = gc_head_next(list); h != list;
         h = gc_head_next(h)) {
        assert(h->next & GC_NEXT_UNREACHABLE);
        h->next &= ~GC_NEXT_UNREACHABLE;
    }
}

/* 3.9+: what a finalizer made reachable again, and all it reaches, goes
 * to old; the rest is the final unreachable set. */
static void
handle_resurrected_objects(struct gc_heap *heap, struct gc_head *unreachable,
                           struct gc_head *still_unreachable,
                           struct gc_head *old)
{
    clear_collecting_all(unreachable);
    struct gc_head *resurrected = unreachable;
    update_refs(resurrected);
    subtract_refs(resurrected);
    gc_glist_init(still_unreachable);
    move_unreachable(resurrected, still_unreachable, false);
    clear_unreachable_mask(still_unreachable);
    gc_glist_merge(resurrected, old);
    gc_emit_phase_end(heap, GC_PHASE_RESURRECTION);
}

/* 3.4-3.8 (check_garbage): if anything in the set is referenced from
 * outside now, nothing is freed this time.  Clears the collecting marks
 * and relinks prev either way. */
static bool
check_garbage(struct gc_head *collectable)
{
    bool is_resurrected = false;
    for (struct gc_head *h = gc_head_next(collectable); h != collectable;
         h = gc_head_next(h)) {
        gc_set_refs(h, gc_object_of(h)->refcnt);
    }
    subtract_refs(collectable);
    struct gc_head *prev = collectable;
    for (struct gc_head *h = gc_head_next(collectable); h != collectable;
         h = gc_head_next(h)) {
        if (gc_get_refs(h) != 0) {
            is_resurrected = true;
        }
        h->prev = (h->prev & GC_PREV_FINALIZED) | (uintptr_t)prev;
        prev = h;
    }
    return is_resurrected;
}

/* ---- delete_garbage ------------------------------------------------- */

/* Breaks the cycles: tp_clear each object (or, with DEBUG_SAVEALL, keep
 * it in gc.garbage).  Refcounting frees what that releases; what is
 * still alive afterwards moves to old and may die later. */
static void
delete_garbage(struct gc_heap *heap, struct gc_head *collectable,
               struct gc_head *old)
{
    while (!gc_glist_is_empty(collectable)) {
        struct gc_head *h = gc_head_next(collectable);
        struct gc_object *obj = gc_object_of(h);
        assert(obj->refcnt > 0);
        if (heap->debug & GC_DEBUG_SAVEALL) {
            gc_garbage_append(heap, obj);
        }
        else if (obj->type->clear != NULL) {
            gc_incref(obj);
            obj->type->clear(heap, obj);
            gc_decref(heap, obj);
        }
        if (gc_head_next(collectable) == h) {
            gc_clear_collecting(h);
            gc_glist_move(h, old);
        }
    }
    gc_emit_phase_end(heap, GC_PHASE_DELETE_GARBAGE);
}

static void
debug_cycle(struct gc_heap *heap, const char *what, struct gc_object *obj)
{
    gc_debug_line(heap, "gc: %s <%s %p>", what, obj->type->name,
                  (void *)obj);
}

/* ---- the rest of a collection --------------------------------------- */

void
gc_cycles_handle_unreachable(struct gc_heap *heap,
                             struct gc_head *unreachable,
                             struct gc_head *old, struct gc_head *kept,
                             struct gc_collect_result *res)
{
    int64_t m = 0, n = 0;
    struct gc_head finalizers;
    gc_glist_init(&finalizers);
    move_legacy_finalizers(unreachable, &finalizers);
    move_legacy_finalizer_reachable(&finalizers);
    gc_emit_phase_end(heap, GC_PHASE_LEGACY_FINALIZERS);

    if (heap->debug & GC_DEBUG_COLLECTABLE) {
        for (struct gc_head *h = gc_head_next(unreachable); h != unreachable;
             h = gc_head_next(h)) {
            debug_cycle(heap, "collectable", gc_object_of(h));
        }
    }

    if (heap->profile == GC_PROFILE_2_7) {
        /* 2.7 counts the collectable set before the weakrefs, and has no
         * PEP 442 finalizers, so nothing can resurrect. */
        m = (int64_t)gc_glist_size(unreachable);
        m += handle_weakrefs(heap, unreachable, old);
        delete_garbage(heap, unreachable, old);
    }
    else {
        m += handle_weakrefs(heap, unreachable, old);
        finalize_garbage(heap, unreachable);
        if (heap->profile >= GC_PROFILE_3_11) {
            struct gc_head final_unreachable;
            handle_resurrected_objects(heap, unreachable, &final_unreachable,
                                       kept);
            if (heap->profile >= GC_PROFILE_3_15) {
                clear_weakrefs(&final_unreachable);
            }
            m += (int64_t)gc_glist_size(&final_unreachable);
            delete_garbage(heap, &final_unreachable, old);
        }
        else if (check_garbage(unreachable)) {
            /* 3.8: one resurrection keeps the whole batch, uncounted. */
            gc_emit_phase_end(heap, GC_PHASE_RESURRECTION);
            gc_glist_merge(unreachable, kept);
        }
        else {
            gc_emit_phase_end(heap, GC_PHASE_RESURRECTION);
            m += (int64_t)gc_glist_size(unreachable);
            delete_garbage(heap, unreachable, old);
        }
    }

    /* Legacy garbage still alive now is uncollectable: those with the
     * finalizer (or all, under DEBUG_SAVEALL) go to gc.garbage. */
    for (struct gc_head *h = gc_head_next(&finalizers); h != &finalizers;
         h = gc_head_next(h)) {
        struct gc_object *obj = gc_object_of(h);
        n++;
        if (heap->debug & GC_DEBUG_UNCOLLECTABLE) {
            debug_cycle(heap, "uncollectable", obj);
        }
    }
    for (struct gc_head *h = gc_head_next(&finalizers); h != &finalizers;
         h = gc_head_next(h)) {
        struct gc_object *obj = gc_object_of(h);
        if (((heap->debug & GC_DEBUG_SAVEALL) || has_legacy_finalizer(obj)) &&
            !gc_garbage_append(heap, obj)) {
            break;
        }
    }
    gc_glist_merge(&finalizers, old);
    res->collected += m;
    res->uncollectable += n;
}

/* collectors/verify.c -- the heap verifier.
 *
 * Level 1 costs O(1), so debug builds can afford it after every
 * collection: list heads are sane and count[0] never exceeds the live
 * containers.  Level 2 walks everything: links agree both ways, no
 * collection marks are left outside a collection, every member is a
 * live container, and, as CPython's debug builds check, no tracked
 * object's refcount is below the references other tracked objects hold
 * to it ("refcount is too small").  That last check borrows the prev
 * words, as a collection does, and relinks them before returning.
 * Nothing here changes when a collection happens. */
#include "gc-internal.h"

#include <stdio.h>
#include <stdlib.h>

static enum gc_status
fail(char *err, size_t bytes, const char *rule, struct gc_object *obj)
{
    if (obj != NULL) {
        snprintf(err, bytes, "%s: object %p of type %s, refcount %lld",
                 rule, (void *)obj, obj->type->name, (long long)obj->refcnt);
    }
    else {
        snprintf(err, bytes, "%s", rule);
    }
    return GC_EINVAL;
}

static enum gc_status
check_list(struct gc_head *list, uint64_t limit, uint64_t *count, char *err,
           size_t bytes)
{
    struct gc_head *prev = list;
    uint64_t n = 0;
    if (list->next & GC_NEXT_UNREACHABLE) {
        return fail(err, bytes, "list head carries the unreachable bit", NULL);
    }
    for (struct gc_head *h = gc_head_next(list); h != list;
         h = gc_head_next(h)) {
        struct gc_object *obj = gc_object_of(h);
        if (++n > limit) {
            return fail(err, bytes, "list longer than the live containers",
                        NULL);
        }
        if (gc_head_prev(h) != prev) {
            return fail(err, bytes, "prev link disagrees with next", obj);
        }
        if (h->next & GC_NEXT_UNREACHABLE) {
            return fail(err, bytes, "unreachable bit outside a collection",
                        obj);
        }
        if (h->prev & GC_PREV_COLLECTING) {
            return fail(err, bytes, "collecting mark outside a collection",
                        obj);
        }
        if (!gc_is_gc(obj) || obj->refcnt <= 0) {
            return fail(err, bytes, "dead or non-container object in a list",
                        obj);
        }
        prev = h;
    }
    if (gc_head_prev(list) != prev) {
        return fail(err, bytes, "list head's prev is not the last member",
                    NULL);
    }
    *count += n;
    return GC_OK;
}

struct refs_ctx {
    struct gc_object *too_small; /* the first offender */
};

static int
visit_decref_checked(struct gc_object *obj, void *arg)
{
    struct refs_ctx *ctx = arg;
    if (gc_is_gc(obj)) {
        struct gc_head *h = gc_head_of(obj);
        if (gc_is_collecting(h)) {
            if (gc_get_refs(h) == 0) {
                ctx->too_small = obj;
                return 1;
            }
            gc_decref_refs(h);
        }
    }
    return 0;
}

/* The lists a collection can see: the generations, then gc.freeze()'s. */
#define NLISTS (GC_NGENS + 1)
static void
all_lists(struct gc_heap *heap, struct gc_head *lists[NLISTS])
{
    for (int g = 0; g < GC_NGENS; g++) {
        lists[g] = &heap->gens[g].head;
    }
    lists[GC_NGENS] = &heap->permanent;
}

/* Borrows every tracked object's prev word for refcount less internal
 * references, as update_refs and subtract_refs do; *too_small names an
 * object whose refcount is below them.  Every head is left marked
 * collecting, until relink(). */
static void
subtract_internal_refs(struct gc_head *lists[NLISTS],
                       struct gc_object **too_small)
{
    for (int i = 0; i < NLISTS; i++) {
        for (struct gc_head *h = gc_head_next(lists[i]); h != lists[i];
             h = gc_head_next(h)) {
            gc_reset_refs(h, gc_object_of(h)->refcnt);
        }
    }
    struct refs_ctx ctx = {NULL};
    for (int i = 0; i < NLISTS && ctx.too_small == NULL; i++) {
        for (struct gc_head *h = gc_head_next(lists[i]);
             h != lists[i] && ctx.too_small == NULL; h = gc_head_next(h)) {
            gc_traverse(gc_object_of(h), visit_decref_checked, &ctx);
        }
    }
    *too_small = ctx.too_small;
}

/* Gives back the prev words: next links were never touched. */
static void
relink(struct gc_head *lists[NLISTS])
{
    for (int i = 0; i < NLISTS; i++) {
        struct gc_head *prev = lists[i];
        for (struct gc_head *h = gc_head_next(lists[i]); h != lists[i];
             h = gc_head_next(h)) {
            h->prev = (h->prev & GC_PREV_FINALIZED) | (uintptr_t)prev;
            prev = h;
        }
    }
}

static enum gc_status
check_refcounts(struct gc_heap *heap, char *err, size_t bytes)
{
    struct gc_head *lists[NLISTS];
    all_lists(heap, lists);
    struct gc_object *too_small;
    subtract_internal_refs(lists, &too_small);
    relink(lists);
    if (too_small != NULL) {
        return fail(err, bytes, "refcount is too small", too_small);
    }
    return GC_OK;
}

struct mark_ctx {
    struct gc_object **stack;
    size_t n;
};

/* A tracked object still marked collecting has not been reached yet:
 * clear the mark and scan it later.  The stack has room for every
 * tracked object, and each is pushed at most once. */
static int
visit_mark(struct gc_object *obj, void *arg)
{
    struct mark_ctx *ctx = arg;
    if (gc_is_gc(obj)) {
        struct gc_head *h = gc_head_of(obj);
        if (gc_is_collecting(h)) {
            gc_clear_collecting(h);
            ctx->stack[ctx->n++] = obj;
        }
    }
    return 0;
}

/* The payloads (bytes) the garbage refers to, with repeats. */
struct payload_refs {
    struct gc_object **v;
    size_t n, cap;
    bool has_failed;
};

static int
visit_payload(struct gc_object *obj, void *arg)
{
    struct payload_refs *r = arg;
    if (obj->type->kind != GC_KIND_BYTES || r->has_failed) {
        return 0;
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 256;
        struct gc_object **v = realloc(r->v, cap * sizeof *v);
        if (v == NULL) {
            r->has_failed = true;
            return 0;
        }
        r->v = v;
        r->cap = cap;
    }
    r->v[r->n++] = obj;
    return 0;
}

static int
by_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (struct gc_object *const *)a;
    uintptr_t y = (uintptr_t) * (struct gc_object *const *)b;
    return x < y ? -1 : x > y;
}

/* Adds the payloads that only the garbage holds -- every reference to
 * them comes from a garbage container, so they go when it goes -- to
 * objects and bytes. */
static enum gc_status
add_payloads(struct gc_heap *heap, struct gc_head *lists[], int nlists,
             uint64_t *objects, uint64_t *bytes)
{
    struct payload_refs r = {NULL, 0, 0, false};
    for (int i = 0; i < nlists; i++) {
        for (struct gc_head *h = gc_head_next(lists[i]); h != lists[i];
             h = gc_head_next(h)) {
            if (gc_is_collecting(h)) {
                gc_traverse(gc_object_of(h), visit_payload, &r);
            }
        }
    }
    if (r.n > 1) {
        qsort(r.v, r.n, sizeof *r.v, by_address);
    }
    for (size_t i = 0, j; i < r.n && !r.has_failed; i = j) {
        for (j = i + 1; j < r.n && r.v[j] == r.v[i]; j++) {
        }
        if ((intptr_t)(j - i) == r.v[i]->refcnt) {
            (*objects)++;
            *bytes += gc_object_py_sizeof(heap, r.v[i]);
        }
    }
    free(r.v);
    return r.has_failed ? GC_ENOMEM : GC_OK;
}

enum gc_status
gc_heap_garbage(struct gc_heap *heap, uint64_t *objects, uint64_t *bytes)
{
    *objects = *bytes = 0;
    struct gc_head *lists[NLISTS];
    all_lists(heap, lists);
    size_t tracked = 0;
    for (int i = 0; i < NLISTS; i++) {
        tracked += gc_glist_size(lists[i]);
    }
    /* malloc, not the heap's allocator: the accounting must not move
     * the heap's own byte counts or allocation-driven triggers. */
    struct mark_ctx ctx = {malloc((tracked ? tracked : 1) * sizeof *ctx.stack),
                           0};
    if (ctx.stack == NULL) {
        return GC_ENOMEM;
    }
    struct gc_object *too_small;
    subtract_internal_refs(lists, &too_small);
    if (too_small == NULL) {
        /* Roots: what something outside the tracked objects holds. */
        for (int i = 0; i < NLISTS; i++) {
            for (struct gc_head *h = gc_head_next(lists[i]); h != lists[i];
                 h = gc_head_next(h)) {
                if (gc_get_refs(h) > 0) {
                    visit_mark(gc_object_of(h), &ctx);
                }
            }
        }
        while (ctx.n > 0) {
            gc_traverse(ctx.stack[--ctx.n], visit_mark, &ctx);
        }
        for (int i = 0; i < NLISTS; i++) {
            for (struct gc_head *h = gc_head_next(lists[i]); h != lists[i];
                 h = gc_head_next(h)) {
                if (gc_is_collecting(h)) {
                    (*objects)++;
                    *bytes += gc_object_py_sizeof(heap, gc_object_of(h));
                }
            }
        }
    }
    enum gc_status rc = too_small != NULL ? GC_EINVAL
                        : add_payloads(heap, lists, NLISTS, objects, bytes);
    relink(lists);
    free(ctx.stack);
    return rc;
}

static enum gc_status
check_head(struct gc_head *list, char *err, size_t bytes)
{
    if ((list->next & GC_NEXT_UNREACHABLE) || (list->prev & GC_PREV_FLAGS) ||
        gc_head_next(list) == NULL || gc_head_prev(list) == NULL ||
        gc_head_prev(gc_head_next(list)) != list) {
        return fail(err, bytes, "broken generation list head", NULL);
    }
    return GC_OK;
}

enum gc_status
gc_heap_verify(struct gc_heap *heap, int level, char *err, size_t bytes)
{
    if (level <= 0 || heap->is_collecting) {
        return GC_OK;
    }
    uint64_t live = heap->stats.gc_objects_allocated -
                    heap->stats.gc_objects_freed;
    struct gc_head *lists[NLISTS];
    all_lists(heap, lists);
    enum gc_status rc = GC_OK;
    for (int i = 0; i <= GC_NGENS && rc == GC_OK; i++) {
        rc = check_head(lists[i], err, bytes);
    }
    if (rc == GC_OK && heap->gens[0].count > live) {
        rc = fail(err, bytes, "count[0] exceeds the live containers", NULL);
    }
    if (level < 2) {
        return rc;
    }
    uint64_t tracked = 0;
    for (int i = 0; i <= GC_NGENS && rc == GC_OK; i++) {
        rc = check_list(lists[i], live, &tracked, err, bytes);
    }
    if (rc == GC_OK) {
        rc = check_refcounts(heap, err, bytes);
    }
    return rc;
}

void
gc_heap_assert_valid(struct gc_heap *heap, int level)
{
    char err[256];
    if (gc_heap_verify(heap, level, err, sizeof err) != GC_OK) {
        fprintf(stderr, "gclab: heap check failed: %s\n", err);
        abort();
    }
}

int
gc_heap_check_level(const struct gc_heap *heap)
{
    return heap->checks;
}

/* harness/measure/gbench.c -- the cases google-benchmark runs (gclab micro
 * --gbench): incref/decref, allocation and free per type, a young
 * collection of 700 fresh instances, a full collection of a live ring
 * at 1e4/1e5/1e6 objects (items: objects, so the rate reads as objects
 * per second), and the traversal of one object. */
#include "gbench.h"
#include "gc.h"

#include <stdlib.h>

struct ctx {
    struct gc_heap *heap;
    struct gc_class *cls;
    struct gc_object *obj;
    long n;
};

static void *
setup_heap(long n)
{
    struct ctx *c = calloc(1, sizeof *c);
    char err[200];
    struct gc_class_spec spec = {.name = "Node"};
    if (c == NULL ||
        gc_heap_new_spec("cpython", NULL, &c->heap, err, sizeof err) !=
            GC_OK ||
        gc_class_new(c->heap, &spec, &c->cls) != GC_OK) {
        free(c);
        return NULL;
    }
    gc_disable(c->heap);
    c->n = n;
    c->obj = gc_instance_new(c->heap, c->cls);
    return c;
}

static void
teardown(void *p)
{
    struct ctx *c = p;
    gc_decref(c->heap, c->obj);
    gc_heap_destroy(c->heap);
    free(c);
}

static int64_t
one(void *p)
{
    (void)p;
    return 1;
}

static int64_t
n_items(void *p)
{
    return ((struct ctx *)p)->n;
}

static void
incref_decref(void *p)
{
    struct ctx *c = p;
    gc_incref(c->obj);
    __asm__ volatile("" ::: "memory");
    gc_decref(c->heap, c->obj);
}

static void
instance_new_free(void *p)
{
    struct ctx *c = p;
    gc_decref(c->heap, gc_instance_new(c->heap, c->cls));
}

static void
list_new_free(void *p)
{
    struct ctx *c = p;
    gc_decref(c->heap, gc_list_new(c->heap));
}

static void
dict_new_free(void *p)
{
    struct ctx *c = p;
    struct gc_object *d = gc_dict_new(c->heap);
    gc_dict_set_cstr(c->heap, d, "k", c->obj);
    gc_decref(c->heap, d);
}

static void
tuple_new_free(void *p)
{
    struct ctx *c = p;
    struct gc_object *items[2] = {c->obj, c->obj};
    gc_decref(c->heap, gc_tuple_new(c->heap, 2, items));
}

/* Making n fresh instances and one young collection over them: the
 * allocation is part of the figure (a collection needs new objects). */
static void
young(void *p)
{
    struct ctx *c = p;
    struct gc_object *keep = gc_list_new(c->heap);
    for (long i = 0; i < c->n; i++) {
        struct gc_object *x = gc_instance_new(c->heap, c->cls);
        gc_list_append(c->heap, keep, x);
        gc_decref(c->heap, x);
    }
    gc_collect(c->heap, 2); /* start each iteration from an empty gen 0 */
    gc_collect(c->heap, 0);
    gc_decref(c->heap, keep);
}

static int64_t
young_items(void *p)
{
    (void)p;
    return 1; /* per collection */
}

/* A full collection over a live ring of n instances. */
static void *
setup_ring(long n)
{
    struct ctx *c = setup_heap(n);
    if (c == NULL) {
        return NULL;
    }
    struct gc_object *first = gc_instance_new(c->heap, c->cls), *prev = first;
    for (long i = 1; i < n; i++) {
        struct gc_object *x = gc_instance_new(c->heap, c->cls);
        gc_attr_set(c->heap, prev, "next", x);
        gc_decref(c->heap, x);
        prev = x;
    }
    gc_attr_set(c->heap, prev, "next", first);
    gc_root_set(c->heap, "ring", first);
    gc_decref(c->heap, first);
    gc_collect(c->heap, 2);
    return c;
}

static void
full(void *p)
{
    struct ctx *c = p;
    gc_collect(c->heap, 2);
}

static int
count(struct gc_object *obj, void *arg)
{
    (void)obj;
    ++*(int64_t *)arg;
    return 0;
}

static void
traverse(void *p)
{
    struct ctx *c = p;
    int64_t n = 0;
    gc_traverse(gc_root_get(c->heap, "ring"), count, &n);
    __asm__ volatile("" : : "r"(n) : "memory");
}

static const long no_arg[] = {1, 0};
static const long young_args[] = {700, 0};
static const long ring_args[] = {10000, 100000, 1000000, 0};
static const long traverse_args[] = {100, 0};

const struct gc_gbench_case gc_gbench_cases[] = {
    {"incref_decref", no_arg, setup_heap, incref_decref, one, teardown},
    {"instance_new_free", no_arg, setup_heap, instance_new_free, one,
     teardown},
    {"list_new_free", no_arg, setup_heap, list_new_free, one, teardown},
    {"dict_new_free", no_arg, setup_heap, dict_new_free, one, teardown},
    {"tuple2_new_free", no_arg, setup_heap, tuple_new_free, one, teardown},
    {"alloc_and_young_collection", young_args, setup_heap, young,
     young_items,
     teardown},
    {"full_collection_ring", ring_args, setup_ring, full, n_items, teardown},
    {"traverse_instance", traverse_args, setup_ring, traverse, one,
     teardown},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};

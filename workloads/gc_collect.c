/* workloads/gc_collect.c -- after pyperformance's bm_gc_collect: each
 * loop calls gc.collect(), builds `cycles` rings of links + 1 Nodes
 * (next and prev, so every ring is a doubly linked cycle) held by one
 * list, drops the list and calls gc.collect() again, which finds them
 * all.  Node's __init__ sets next and prev to None; link_next is a
 * method call, which creates no bound method. */
#include "workload.h"

struct bench {
    struct gc_heap *heap;
    struct gc_class *node;
};

/* Node(): the allocation, then __init__. */
static struct gc_object *
new_node(struct bench *b)
{
    struct gc_heap *heap = b->heap;
    struct gc_object *n = gc_instance_new(heap, b->node);
    if (n == NULL) {
        return NULL;
    }
    gc_safepoint(heap); /* __init__'s entry */
    if (gc_attr_set(heap, n, "next", gc_none(heap)) != GC_OK ||
        gc_attr_set(heap, n, "prev", gc_none(heap)) != GC_OK) {
        gc_decref(heap, n);
        return NULL;
    }
    return n;
}

/* self.next = next; self.next.prev = self */
static enum gc_status
link_next(struct bench *b, struct gc_object *self, struct gc_object *next)
{
    gc_safepoint(b->heap); /* the call */
    enum gc_status rc = gc_attr_set(b->heap, self, "next", next);
    return rc != GC_OK ? rc : gc_attr_set(b->heap, next, "prev", self);
}

static enum gc_status
create_cycle(struct bench *b, struct gc_object *node, uint64_t n_links)
{
    struct gc_heap *heap = b->heap;
    gc_safepoint(heap); /* the call */
    if (n_links == 0) {
        return GC_OK;
    }
    struct gc_object *current = gc_incref(node);
    enum gc_status rc = GC_OK;
    for (uint64_t i = 0; i < n_links && rc == GC_OK; i++) {
        struct gc_object *next_node = NULL;
        WORKLOAD_STEP(rc, next_node = new_node(b));
        WORKLOAD_STEP_OK(rc, link_next(b, current, next_node));
        /* current = next_node, after a failure too: the ring made so
         * far hangs off node, and current (NULL if next_node was never
         * made) is all there is to drop. */
        gc_decref(heap, current);
        current = next_node;
        gc_safepoint(heap); /* the loop's back-edge */
    }
    WORKLOAD_STEP_OK(rc, link_next(b, current, node));
    gc_xdecref(heap, current);
    return rc;
}

/* A list of n_cycles rings, or NULL when memory runs out, with every
 * ring made so far dropped. */
static struct gc_object *
create_gc_cycles(struct bench *b, uint64_t n_cycles, uint64_t n_links)
{
    struct gc_heap *heap = b->heap;
    gc_safepoint(heap); /* the call */
    struct gc_object *cycles = gc_list_new(heap);
    if (cycles == NULL) {
        return NULL;
    }
    enum gc_status rc = GC_OK;
    for (uint64_t i = 0; i < n_cycles && rc == GC_OK; i++) {
        struct gc_object *node = NULL;
        WORKLOAD_STEP(rc, node = new_node(b));
        WORKLOAD_STEP_OK(rc, gc_list_append(heap, cycles, node));
        WORKLOAD_STEP_OK(rc, create_cycle(b, node, n_links));
        gc_xdecref(heap, node);
        gc_safepoint(heap); /* the loop's back-edge */
    }
    if (rc != GC_OK) {
        gc_decref(heap, cycles); /* its rings are cyclic garbage now */
        cycles = NULL;
    }
    return cycles;
}

static enum gc_status
gc_collect_bench(struct gc_heap *heap, const struct gc_workload_params *p,
                 uint64_t *checksum)
{
    extern const struct gc_workload gc_workload_gc_collect;
    const struct gc_workload *w = &gc_workload_gc_collect;
    char err[160];
    uint64_t loops, cycles, links;
    if (!gc_workload_option_u64(p, w, "loops", &loops, err,
                                sizeof err) ||
        !gc_workload_option_u64(p, w, "cycles", &cycles, err,
                                sizeof err) ||
        !gc_workload_option_u64(p, w, "links", &links, err,
                                sizeof err)) {
        return GC_EINVAL;
    }
    if (cycles == 0) {
        cycles = p->size / (links + 1) > 0 ? p->size / (links + 1) : 1;
    }
    struct gc_class_spec ns = {.name = "Node"};
    struct bench b = {.heap = heap};
    if (gc_class_new(heap, &ns, &b.node) != GC_OK) {
        return GC_ENOMEM;
    }
    uint64_t sum = 0;
    for (uint64_t i = 0; i < loops; i++) {
        gc_collect(heap, 2);
        struct gc_object *all_cycles = create_gc_cycles(&b, cycles, links);
        if (all_cycles == NULL) {
            return GC_ENOMEM;
        }
        sum += gc_list_len(all_cycles) * (links + 1);
        gc_decref(heap, all_cycles);
        gc_collect(heap, 2);
        gc_safepoint(heap); /* the loop's back-edge */
    }
    *checksum = sum;
    return GC_OK;
}

static const struct gc_option options[] = {
    {"loops", "20", "rounds of collect, build, drop, collect",
     GC_OPT_COUNT, 1, 100000000, NULL, NULL},
    {"cycles", "0", "rings per round (0: size / (links + 1))",
     GC_OPT_COUNT, 0, 100000000, NULL, NULL},
    {"links", "20", "nodes in a ring besides its first",
     GC_OPT_COUNT, 0, 100000000, NULL, NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

extern const char gc_twin_gc_collect[];

const struct gc_workload gc_workload_gc_collect = {
    .name = "gc-collect",
    .description = "pyperformance's gc_collect: rings of nodes dropped, "
                   "then gc.collect()",
    .default_size = 2000,
    .cost_ns_per_object = 5000,
    .options = options,
    .run = gc_collect_bench,
    .twin = gc_twin_gc_collect,
};

/* workloads/binary_trees.c -- GCBench-style trees of instances: a tree
 * of the given depth lives throughout while short-lived trees of depth
 * min_depth, min_depth + 2, ... up to depth are built and dropped, 4 <<
 * (depth - d) of each kind per depth d: top-down (Populate: a node,
 * then its children) and bottom-up (MakeTree: the children, then their
 * node).  Node is a plain class whose __init__(left, right) stores both;
 * trees are acyclic, so refcounting frees them, but every node is a
 * container the collector counts (two on 3.8, with its dict).  The
 * checksum is the number of nodes counted. */
#include "workload.h"

struct trees {
    struct gc_heap *heap;
    struct gc_class *node;
};

/* Node(left, right): the allocation, then __init__ (a call: its entry
 * is a safepoint) storing both; NULL stands for None. */
static struct gc_object *
new_node(struct trees *t, struct gc_object *left, struct gc_object *right)
{
    struct gc_heap *heap = t->heap;
    struct gc_object *n = gc_instance_new(heap, t->node);
    if (n == NULL) {
        return NULL;
    }
    gc_safepoint(heap);
    if (gc_attr_set(heap, n, "left", left ? left : gc_none(heap)) != GC_OK ||
        gc_attr_set(heap, n, "right", right ? right : gc_none(heap)) !=
            GC_OK) {
        gc_decref(heap, n);
        return NULL;
    }
    return n;
}

/* Bottom-up: both subtrees, then the node holding them. */
static struct gc_object *
make_tree(struct trees *t, uint64_t depth)
{
    gc_safepoint(t->heap); /* the call */
    if (depth == 0) {
        return new_node(t, NULL, NULL);
    }
    struct gc_object *l = make_tree(t, depth - 1);
    if (l == NULL) {
        return NULL;
    }
    struct gc_object *r = make_tree(t, depth - 1);
    if (r == NULL) {
        gc_decref(t->heap, l);
        return NULL;
    }
    struct gc_object *n = new_node(t, l, r);
    gc_decref(t->heap, l);
    gc_decref(t->heap, r);
    return n;
}

/* Top-down: two leaves stored in node, then each populated. */
static enum gc_status
populate(struct trees *t, uint64_t depth, struct gc_object *node)
{
    struct gc_heap *heap = t->heap;
    gc_safepoint(heap); /* the call */
    if (depth == 0) {
        return GC_OK;
    }
    depth--;
    static const char *const sides[2] = {"left", "right"};
    for (int s = 0; s < 2; s++) {
        struct gc_object *leaf = new_node(t, NULL, NULL);
        if (leaf == NULL) {
            return GC_ENOMEM;
        }
        enum gc_status rc = gc_attr_set(heap, node, sides[s], leaf);
        gc_decref(heap, leaf);
        if (rc != GC_OK) {
            return rc;
        }
    }
    for (int s = 0; s < 2; s++) {
        enum gc_status rc =
            populate(t, depth, gc_attr_get(heap, node, sides[s]));
        if (rc != GC_OK) {
            return rc;
        }
    }
    return GC_OK;
}

static uint64_t
count(struct trees *t, struct gc_object *node)
{
    gc_safepoint(t->heap); /* the call */
    if (node == gc_none(t->heap)) {
        return 0;
    }
    return 1 + count(t, gc_attr_get(t->heap, node, "left")) +
           count(t, gc_attr_get(t->heap, node, "right"));
}

static enum gc_status
binary_trees(struct gc_heap *heap, const struct gc_workload_params *p,
             uint64_t *checksum)
{
    extern const struct gc_workload gc_workload_binary_trees;
    const struct gc_workload *w = &gc_workload_binary_trees;
    char err[160];
    uint64_t depth, min_depth;
    if (!gc_workload_option_u64(p, w, "depth", &depth, err,
                                sizeof err) ||
        !gc_workload_option_u64(p, w, "min_depth", &min_depth, err,
                                sizeof err)) {
        return GC_EINVAL;
    }
    if (depth == 0) {
        /* The deepest tree of at most size nodes. */
        while (depth < 30 && ((uint64_t)1 << (depth + 2)) - 1 <= p->size) {
            depth++;
        }
    }
    struct gc_class_spec ns = {.name = "Node"};
    struct trees t = {.heap = heap};
    if (gc_class_new(heap, &ns, &t.node) != GC_OK) {
        return GC_ENOMEM;
    }
    struct gc_object *long_lived = make_tree(&t, depth);
    if (long_lived == NULL) {
        return GC_ENOMEM;
    }
    uint64_t sum = 0;
    enum gc_status rc = GC_OK;
    for (uint64_t d = min_depth; d <= depth && rc == GC_OK; d += 2) {
        for (uint64_t i = 0; i < ((uint64_t)4 << (depth - d)) && rc == GC_OK;
             i++) {
            /* Two locals, not one reused: after a failure the second
             * tree is never made, and the first was dropped already. */
            struct gc_object *down = NULL, *up = NULL;
            WORKLOAD_STEP(rc, down = new_node(&t, NULL, NULL));
            WORKLOAD_STEP_OK(rc, populate(&t, d, down));
            if (rc == GC_OK) {
                sum += count(&t, down);
            }
            gc_xdecref(heap, down);
            WORKLOAD_STEP(rc, up = make_tree(&t, d));
            if (rc == GC_OK) {
                sum += count(&t, up);
            }
            gc_xdecref(heap, up);
            gc_safepoint(heap); /* the loop's back-edge */
        }
        gc_safepoint(heap);
    }
    sum += count(&t, long_lived);
    gc_decref(heap, long_lived);
    if (rc != GC_OK) {
        return GC_ENOMEM;
    }
    *checksum = sum;
    return GC_OK;
}

static const struct gc_option options[] = {
    {"depth", "0", "depth of the long-lived and deepest trees (0: the "
                   "deepest of at most size nodes)",
     GC_OPT_COUNT, 0, 30, NULL, NULL},
    {"min_depth", "4", "depth of the shallowest short-lived trees",
     GC_OPT_COUNT, 0, 30, NULL, NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

extern const char gc_twin_binary_trees[];

const struct gc_workload gc_workload_binary_trees = {
    .name = "binary-trees",
    .description = "GCBench-style trees of instances: one long-lived, many "
                   "short-lived built top-down and bottom-up",
    .default_size = 2000,
    .cost_ns_per_object = 6000,
    .options = options,
    .run = binary_trees,
    .twin = gc_twin_binary_trees,
};

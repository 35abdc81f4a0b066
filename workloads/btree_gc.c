/* workloads/btree_gc.c -- after pyperformance's btree_gc_only: n Records
 * (two attributes) are made once; each loop inserts (key, record) tuples
 * in a shuffled key order (Fisher-Yates with an LCG seeded from --seed)
 * into a B-tree of minimum degree `degree`, calls gc.collect(), checks
 * the tree and drops it.  BNode has __slots__ items, nodes and parent:
 * lists of items and children, and a pointer back to the parent, so a
 * dropped tree is cyclic garbage.  Insertion splits full nodes on the
 * way down (CLRS), as the benchmark does; a split slices the child's
 * lists into new ones, exactly as child.items[middle + 1:] does. */
#include "workload.h"

#include <stdio.h>

struct btree {
    struct gc_heap *heap;
    struct gc_class *bnode, *tree;
    size_t full; /* 2 * degree - 1 */
    size_t degree;
};

/* list.insert(index, item): no allocation but the item array's. */
static enum gc_status
list_insert(struct gc_heap *heap, struct gc_object *list, size_t index,
            struct gc_object *item)
{
    size_t n = gc_list_len(list);
    if (index >= n) {
        return gc_list_append(heap, list, item);
    }
    enum gc_status rc = gc_list_append(heap, list, gc_list_get(list, n - 1));
    for (size_t j = n - 1; j > index && rc == GC_OK; j--) {
        rc = gc_list_set(heap, list, j, gc_list_get(list, j - 1));
    }
    return rc == GC_OK ? gc_list_set(heap, list, index, item) : rc;
}

/* list[lo:hi], a new list. */
static struct gc_object *
list_slice(struct gc_heap *heap, struct gc_object *list, size_t lo, size_t hi)
{
    struct gc_object *s = gc_list_new(heap);
    for (size_t i = lo; s != NULL && i < hi; i++) {
        if (gc_list_append(heap, s, gc_list_get(list, i)) != GC_OK) {
            gc_decref(heap, s);
            return NULL;
        }
    }
    return s;
}

/* BNode(): items = [], nodes = parent = None. */
static struct gc_object *
new_bnode(struct btree *t)
{
    struct gc_heap *heap = t->heap;
    struct gc_object *node = gc_instance_new(heap, t->bnode), *items;
    if (node == NULL) {
        return NULL;
    }
    gc_safepoint(heap); /* __init__'s entry */
    if ((items = gc_list_new(heap)) == NULL ||
        gc_attr_set(heap, node, "items", items) != GC_OK ||
        gc_attr_set(heap, node, "nodes", gc_none(heap)) != GC_OK ||
        gc_attr_set(heap, node, "parent", gc_none(heap)) != GC_OK) {
        gc_xdecref(heap, items);
        gc_decref(heap, node);
        return NULL;
    }
    gc_decref(heap, items);
    return node;
}

/* Slices attribute name of from at [lo:hi] into attribute name of to. */
static enum gc_status
move_slice(struct btree *t, struct gc_object *to, struct gc_object *from,
           const char *name, size_t lo, size_t hi)
{
    struct gc_object *s =
        list_slice(t->heap, gc_attr_get(t->heap, from, name), lo, hi);
    if (s == NULL) {
        return GC_ENOMEM;
    }
    enum gc_status rc = gc_attr_set(t->heap, to, name, s);
    gc_decref(t->heap, s);
    return rc;
}

static size_t
get_position(struct btree *t, struct gc_object *items, int64_t key)
{
    gc_safepoint(t->heap); /* the call */
    size_t n = gc_list_len(items);
    for (size_t position = 0; position < n; position++) {
        if (gc_int_value(gc_tuple_get(gc_list_get(items, position), 0)) >=
            key) {
            return position;
        }
        gc_safepoint(t->heap); /* the loop's back-edge */
    }
    return n;
}

/* Moves the upper half of a full child of node into a new node after
 * it, and the middle item up into node.  After a failure the tree is
 * left half-split but every reference counted, for the caller to drop. */
static enum gc_status
split_child(struct btree *t, struct gc_object *node, size_t position,
            struct gc_object *child)
{
    struct gc_heap *heap = t->heap;
    gc_safepoint(heap); /* the call */
    struct gc_object *bigger = NULL, *splitting, *items;
    enum gc_status rc = GC_OK;
    WORKLOAD_STEP(rc, bigger = new_bnode(t));
    WORKLOAD_STEP_OK(rc, gc_attr_set(heap, bigger, "parent", node));
    size_t middle = t->degree - 1;
    items = gc_attr_get(heap, child, "items");
    splitting = gc_incref(gc_list_get(items, middle));
    WORKLOAD_STEP_OK(rc, move_slice(t, bigger, child, "items", middle + 1,
                                    gc_list_len(items)));
    WORKLOAD_STEP_OK(rc, move_slice(t, child, child, "items", 0, middle));
    struct gc_object *nodes = gc_attr_get(heap, child, "nodes");
    if (rc == GC_OK && nodes != gc_none(heap)) {
        WORKLOAD_STEP_OK(rc, move_slice(t, bigger, child, "nodes",
                                        middle + 1, gc_list_len(nodes)));
        WORKLOAD_STEP_OK(rc,
                         move_slice(t, child, child, "nodes", 0, middle + 1));
        /* Still None if the first slice failed: test rc first. */
        nodes = gc_attr_get(heap, bigger, "nodes");
        for (size_t i = 0; rc == GC_OK && i < gc_list_len(nodes); i++) {
            WORKLOAD_STEP_OK(rc, gc_attr_set(heap, gc_list_get(nodes, i),
                                             "parent", bigger));
            gc_safepoint(heap); /* the loop's back-edge */
        }
    }
    WORKLOAD_STEP_OK(rc, list_insert(heap, gc_attr_get(heap, node, "items"),
                                     position, splitting));
    WORKLOAD_STEP_OK(rc, list_insert(heap, gc_attr_get(heap, node, "nodes"),
                                     position + 1, bigger));
    gc_decref(heap, splitting);
    gc_xdecref(heap, bigger);
    return rc;
}

/* The root is full: a new root above it, holding it as its one child,
 * which is then split, so the tree grows at the top. */
static enum gc_status
split_root(struct btree *t, struct gc_object *tree, struct gc_object *root)
{
    struct gc_heap *heap = t->heap;
    struct gc_object *node = NULL, *nodes = NULL;
    enum gc_status rc = GC_OK;
    WORKLOAD_STEP(rc, node = new_bnode(t));
    WORKLOAD_STEP(rc, nodes = gc_list_new(heap)); /* [root] */
    WORKLOAD_STEP_OK(rc, gc_list_append(heap, nodes, root));
    WORKLOAD_STEP_OK(rc, gc_attr_set(heap, node, "nodes", nodes));
    gc_xdecref(heap, nodes);
    WORKLOAD_STEP_OK(rc, gc_attr_set(heap, root, "parent", node));
    WORKLOAD_STEP_OK(rc, split_child(t, node, 0, root));
    WORKLOAD_STEP_OK(rc, gc_attr_set(heap, tree, "root", node));
    gc_xdecref(heap, node); /* the tree holds it */
    return rc;
}

static enum gc_status
insert(struct btree *t, struct gc_object *tree, struct gc_object *item)
{
    struct gc_heap *heap = t->heap;
    gc_safepoint(heap); /* the call */
    struct gc_object *node = gc_attr_get(heap, tree, "root");
    if (gc_list_len(gc_attr_get(heap, node, "items")) == t->full) {
        WORKLOAD_TRY_OK(split_root(t, tree, node));
        node = gc_attr_get(heap, tree, "root");
    }
    int64_t key = gc_int_value(gc_tuple_get(item, 0));
    for (;;) {
        size_t position =
            get_position(t, gc_attr_get(heap, node, "items"), key);
        struct gc_object *nodes = gc_attr_get(heap, node, "nodes");
        if (nodes == gc_none(heap)) {
            return list_insert(heap, gc_attr_get(heap, node, "items"),
                               position, item);
        }
        struct gc_object *child = gc_list_get(nodes, position);
        if (gc_list_len(gc_attr_get(heap, child, "items")) == t->full) {
            WORKLOAD_TRY_OK(split_child(t, node, position, child));
            struct gc_object *items = gc_attr_get(heap, node, "items");
            if (key >
                gc_int_value(gc_tuple_get(gc_list_get(items, position), 0))) {
                position++;
            }
            child = gc_list_get(gc_attr_get(heap, node, "nodes"), position);
        }
        node = child;
        gc_safepoint(heap); /* the loop's back-edge */
    }
}

/* Sum of key x depth + record.a % 3 over the items, depth from 1. */
static uint64_t
count(struct btree *t, struct gc_object *node, uint64_t depth)
{
    struct gc_heap *heap = t->heap;
    gc_safepoint(heap); /* the call */
    uint64_t total = 0;
    struct gc_object *items = gc_attr_get(heap, node, "items");
    for (size_t i = 0; i < gc_list_len(items); i++) {
        struct gc_object *item = gc_list_get(items, i);
        total += (uint64_t)gc_int_value(gc_tuple_get(item, 0)) * depth +
                 (uint64_t)gc_int_value(
                     gc_attr_get(heap, gc_tuple_get(item, 1), "a")) %
                     3;
        gc_safepoint(heap);
    }
    struct gc_object *nodes = gc_attr_get(heap, node, "nodes");
    if (nodes != gc_none(heap)) {
        for (size_t i = 0; i < gc_list_len(nodes); i++) {
            total += count(t, gc_list_get(nodes, i), depth + 1);
            gc_safepoint(heap);
        }
    }
    return total;
}

static enum gc_status
btree_gc(struct gc_heap *heap, const struct gc_workload_params *p,
         uint64_t *checksum)
{
    extern const struct gc_workload gc_workload_btree_gc;
    const struct gc_workload *w = &gc_workload_btree_gc;
    char err[160];
    uint64_t n, loops, degree;
    if (!gc_workload_option_u64(p, w, "n", &n, err,
                                sizeof err) ||
        !gc_workload_option_u64(p, w, "loops", &loops, err,
                                sizeof err) ||
        !gc_workload_option_u64(p, w, "degree", &degree, err,
                                sizeof err)) {
        return GC_EINVAL;
    }
    if (n == 0) {
        n = p->size;
    }
    static const char *const bnode_slots[] = {"items", "nodes", "parent"};
    static const char *const tree_slots[] = {"root"};
    struct gc_class_spec rs = {.name = "Record"};
    struct gc_class_spec bs = {
        .name = "BNode", .has_slots = true, .nslots = 3, .slots = bnode_slots};
    struct gc_class_spec ts = {
        .name = "BTree", .has_slots = true, .nslots = 1, .slots = tree_slots};
    struct gc_class *record;
    struct btree t = {.heap = heap, .degree = degree, .full = 2 * degree - 1};
    WORKLOAD_TRY_OK(gc_class_new(heap, &rs, &record));
    WORKLOAD_TRY_OK(gc_class_new(heap, &bs, &t.bnode));
    WORKLOAD_TRY_OK(gc_class_new(heap, &ts, &t.tree));
    char buf[48];
    struct gc_object *records, *ids = NULL;
    WORKLOAD_TRY(records = gc_list_new(heap));
    enum gc_status rc = GC_OK;
    for (uint64_t i = 0; i < n && rc == GC_OK; i++) {
        struct gc_object *r = NULL, *a = NULL, *b = NULL;
        WORKLOAD_STEP(rc, r = gc_instance_new(heap, record));
        gc_safepoint(heap); /* Record() is a call */
        WORKLOAD_STEP(rc, a = gc_int_new(heap, (int64_t)i));
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, r, "a", a));
        gc_xdecref(heap, a);
        snprintf(buf, sizeof buf, "node %llu", (unsigned long long)i);
        WORKLOAD_STEP(rc, b = gc_str_from_cstr(heap, buf));
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, r, "b", b));
        gc_xdecref(heap, b);
        WORKLOAD_STEP_OK(rc, gc_list_append(heap, records, r));
        gc_xdecref(heap, r);
        gc_safepoint(heap); /* the loop's back-edge */
    }
    WORKLOAD_STEP(rc, ids = gc_list_new(heap));
    for (uint64_t i = 0; i < n && rc == GC_OK; i++) {
        struct gc_object *v = NULL;
        WORKLOAD_STEP(rc, v = gc_int_new(heap, (int64_t)i));
        WORKLOAD_STEP_OK(rc, gc_list_append(heap, ids, v));
        gc_xdecref(heap, v);
        gc_safepoint(heap);
    }
    uint64_t x = p->seed;
    for (uint64_t i = n > 0 ? n - 1 : 0; i > 0 && rc == GC_OK; i--) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        uint64_t j = (x >> 33) % (i + 1);
        struct gc_object *tmp = gc_incref(gc_list_get(ids, i));
        WORKLOAD_STEP_OK(rc, gc_list_set(heap, ids, i, gc_list_get(ids, j)));
        WORKLOAD_STEP_OK(rc, gc_list_set(heap, ids, j, tmp));
        gc_decref(heap, tmp);
        gc_safepoint(heap);
    }
    uint64_t sum = 0;
    for (uint64_t l = 0; l < loops && rc == GC_OK; l++) {
        struct gc_object *tree = NULL, *root = NULL;
        WORKLOAD_STEP(rc, tree = gc_instance_new(heap, t.tree));
        gc_safepoint(heap); /* BTree.__init__ */
        WORKLOAD_STEP(rc, root = new_bnode(&t));
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, tree, "root", root));
        gc_xdecref(heap, root);
        for (uint64_t k = 0; k < n && rc == GC_OK; k++) {
            struct gc_object *key = gc_list_get(ids, k), *item = NULL;
            struct gc_object *pair[2] = {
                key, gc_list_get(records, (size_t)gc_int_value(key))};
            WORKLOAD_STEP(rc, item = gc_tuple_new(heap, 2, pair));
            WORKLOAD_STEP_OK(rc, insert(&t, tree, item));
            gc_xdecref(heap, item);
            gc_safepoint(heap);
        }
        /* After a failure the run is over, and a failed insert may
         * have left the tree half-split, which count cannot read. */
        if (rc == GC_OK) {
            gc_collect(heap, 2);
            sum += count(&t, gc_attr_get(heap, tree, "root"), 1);
        }
        gc_xdecref(heap, tree); /* del tree: its nodes are cyclic garbage */
        gc_safepoint(heap);
    }
    gc_xdecref(heap, ids);
    gc_decref(heap, records);
    if (rc != GC_OK) {
        return GC_ENOMEM;
    }
    *checksum = sum;
    return GC_OK;
}

static const struct gc_option options[] = {
    {"n", "0", "records, and keys inserted per tree (0: size)",
     GC_OPT_COUNT, 0, 100000000, NULL, NULL},
    {"loops", "5", "trees built, each followed by gc.collect()",
     GC_OPT_COUNT, 1, 100000000, NULL, NULL},
    {"degree", "16", "the B-tree's minimum degree",
     GC_OPT_COUNT, 2, 100000, NULL, NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

extern const char gc_twin_btree_gc[];

const struct gc_workload gc_workload_btree_gc = {
    .name = "btree-gc",
    .description = "pyperformance's btree_gc_only: a B-tree with parent "
                   "pointers built, collected and dropped",
    .default_size = 2000,
    .cost_ns_per_object = 10000,
    .options = options,
    .run = btree_gc,
    .twin = gc_twin_btree_gc,
};

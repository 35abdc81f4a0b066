/* workloads/cycles.c -- cyclic garbage: each round builds a ring of k
 * instances (.next) and a doubly linked list of k instances (.prev,
 * .next), keeps them for one round, then drops them.  Only the cycle
 * collector frees them; refcounting alone leaks every round. */
#include "workload.h"

/* A ring (or doubly linked list) of k nodes, or NULL when memory ran
 * out: then nothing of it is left, since a half-linked one would send
 * the walk below off its end. */
static struct gc_object *
ring(struct gc_heap *heap, struct gc_class *node, uint64_t k, bool is_dll)
{
    struct gc_object *first = gc_instance_new(heap, node), *prev = first;
    if (first == NULL) {
        return NULL;
    }
    enum gc_status rc = GC_OK;
    for (uint64_t i = 1; i < k && rc == GC_OK; i++) {
        struct gc_object *x = gc_instance_new(heap, node);
        if (x == NULL) {
            rc = GC_ENOMEM;
            break;
        }
        rc = gc_attr_set(heap, prev, "next", x);
        if (is_dll && rc == GC_OK) {
            rc = gc_attr_set(heap, x, "prev", prev);
        }
        gc_decref(heap, x);
        prev = x;
        gc_safepoint(heap);
    }
    if (!is_dll && rc == GC_OK) {
        rc = gc_attr_set(heap, prev, "next", first);
    }
    if (rc != GC_OK) {
        gc_decref(heap, first);
        return NULL;
    }
    return first;
}

static enum gc_status
cycles(struct gc_heap *heap, const struct gc_workload_params *p,
       uint64_t *checksum)
{
    extern const struct gc_workload gc_workload_cycles;
    char err[160];
    uint64_t rounds, k;
    if (!gc_workload_option_u64(p, &gc_workload_cycles, "rounds", &rounds, err, sizeof err) ||
        !gc_workload_option_u64(p, &gc_workload_cycles, "k", &k, err, sizeof err)) {
        return GC_EINVAL;
    }
    if (k == 0) {
        k = p->size / 4 > 1 ? p->size / 4 : 2; /* two rounds of two */
    }
    struct gc_class_spec ns = {.name = "Node"};
    struct gc_class *node;
    if (gc_class_new(heap, &ns, &node) != GC_OK) {
        return GC_ENOMEM;
    }
    struct gc_object *keep = gc_list_new(heap);
    if (keep == NULL) {
        return GC_ENOMEM;
    }
    uint64_t sum = 0;
    for (uint64_t r = 0; r < rounds; r++) {
        struct gc_object *a = ring(heap, node, k, false);
        struct gc_object *b = a != NULL ? ring(heap, node, k, true) : NULL;
        enum gc_status rc = b != NULL ? GC_OK : GC_ENOMEM;
        if (rc == GC_OK) {
            gc_list_clear(heap, keep); /* last round's: garbage */
            rc = gc_list_append(heap, keep, a);
        }
        if (rc == GC_OK) {
            rc = gc_list_append(heap, keep, b);
        }
        gc_xdecref(heap, a);
        gc_xdecref(heap, b);
        if (rc != GC_OK) {
            gc_decref(heap, keep);
            return GC_ENOMEM;
        }
        /* Walk the ring once round: what the twin sums too. */
        struct gc_object *x = gc_attr_get(heap, a, "next");
        uint64_t n = 1;
        while (x != a) {
            x = gc_attr_get(heap, x, "next");
            n++;
        }
        sum += n;
        gc_safepoint(heap);
    }
    gc_decref(heap, keep);
    *checksum = sum;
    return GC_OK;
}

static const struct gc_option options[] = {
    {"rounds", "100", "rounds of a ring and a doubly linked list",
     GC_OPT_COUNT, 1, 100000000, NULL, NULL},
    {"k", "0", "nodes in each (0: size / 4)",
     GC_OPT_COUNT, 0, 100000000, NULL, NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

extern const char gc_twin_cycles[];

const struct gc_workload gc_workload_cycles = {
    .name = "cycles",
    .description = "rings and doubly linked lists of instances becoming "
                   "garbage each round",
    .default_size = 2000,
    .cost_ns_per_object = 12000,
    .options = options,
    .run = cycles,
    .twin = gc_twin_cycles,
};

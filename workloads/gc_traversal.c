/* workloads/gc_traversal.c -- after pyperformance's bm_gc_traversal:
 * `levels` lists, list n holding min(n, width) references to list n - 1
 * (with width >= levels, the benchmark's triangle of n_levels^2 / 2
 * references), all alive, then gc.collect() twice per loop: the cost of
 * traversing live objects that no collection can free.  Each level is
 * [None] * k in the twin: a one-item list, the repeated list it makes,
 * and the first one freed. */
#include "workload.h"

static enum gc_status
gc_traversal(struct gc_heap *heap, const struct gc_workload_params *p,
             uint64_t *checksum)
{
    extern const struct gc_workload gc_workload_gc_traversal;
    const struct gc_workload *w = &gc_workload_gc_traversal;
    char err[160];
    uint64_t levels, width, loops;
    if (!gc_workload_option_u64(p, w, "levels", &levels, err,
                                sizeof err) ||
        !gc_workload_option_u64(p, w, "width", &width, err,
                                sizeof err) ||
        !gc_workload_option_u64(p, w, "loops", &loops, err,
                                sizeof err)) {
        return GC_EINVAL;
    }
    if (levels == 0) {
        levels = p->size;
    }
    /* create_recursive_containers(levels, width), a call */
    gc_safepoint(heap);
    struct gc_object *current, *none = gc_none(heap);
    WORKLOAD_TRY(current = gc_list_new(heap));
    enum gc_status rc = GC_OK;
    for (uint64_t n = 0; n < levels && rc == GC_OK; n++) {
        uint64_t k = n < width ? n : width;
        struct gc_object *one = NULL, *new_list = NULL;
        WORKLOAD_STEP(rc, one = gc_list_new(heap)); /* [None] */
        WORKLOAD_STEP_OK(rc, gc_list_append(heap, one, none));
        WORKLOAD_STEP(rc, new_list = gc_list_new(heap)); /* ... * k */
        for (uint64_t i = 0; i < k && rc == GC_OK; i++) {
            WORKLOAD_STEP_OK(rc, gc_list_append(heap, new_list, none));
        }
        gc_xdecref(heap, one);
        for (uint64_t i = 0; i < k && rc == GC_OK; i++) {
            WORKLOAD_STEP_OK(rc, gc_list_set(heap, new_list, i, current));
            gc_safepoint(heap); /* the inner loop's back-edge */
        }
        /* After a failure too: the chain lives on in new_list as far
         * as it was stored, and current (NULL if new_list was never
         * made) is all there is to drop at the end. */
        gc_decref(heap, current);
        current = new_list;
        gc_safepoint(heap); /* the outer loop's back-edge */
    }
    uint64_t sum = 0;
    for (uint64_t i = 0; i < loops && rc == GC_OK; i++) {
        gc_collect(heap, 2);
        gc_collect(heap, 2);
        sum += gc_list_len(current);
        gc_safepoint(heap);
    }
    for (struct gc_object *x = current; rc == GC_OK && gc_list_len(x) > 0;
         x = gc_list_get(x, 0)) {
        sum++;
        gc_safepoint(heap);
    }
    gc_xdecref(heap, current);
    if (rc != GC_OK) {
        return GC_ENOMEM;
    }
    *checksum = sum;
    return GC_OK;
}

static const struct gc_option options[] = {
    {"levels", "0", "lists in the chain (0: size)",
     GC_OPT_COUNT, 0, 100000000, NULL, NULL},
    {"width", "100", "references a list holds to the one before, at most",
     GC_OPT_COUNT, 0, 100000000, NULL, NULL},
    {"loops", "10", "rounds of two gc.collect() calls",
     GC_OPT_COUNT, 1, 100000000, NULL, NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

extern const char gc_twin_gc_traversal[];

const struct gc_workload gc_workload_gc_traversal = {
    .name = "gc-traversal",
    .description = "pyperformance's gc_traversal: a large live graph of "
                   "lists, collected repeatedly",
    .default_size = 2000,
    .cost_ns_per_object = 19000,
    .options = options,
    .run = gc_traversal,
    .twin = gc_twin_gc_traversal,
};

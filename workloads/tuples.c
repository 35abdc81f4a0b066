/* workloads/tuples.c -- tuples of atoms, kept: each is tracked when
 * made and untracked by the first collection that sees it (CPython
 * issue 139951: a collector that counts every container allocation
 * instead of the tracked ones collects far too often here). */
#include "workload.h"

static enum gc_status
tuples(struct gc_heap *heap, const struct gc_workload_params *p,
       uint64_t *checksum)
{
    extern const struct gc_workload gc_workload_tuples;
    char err[160];
    uint64_t n, rounds;
    if (!gc_workload_option_u64(p, &gc_workload_tuples, "n", &n, err, sizeof err) ||
        !gc_workload_option_u64(p, &gc_workload_tuples, "rounds", &rounds, err, sizeof err)) {
        return GC_EINVAL;
    }
    if (n == 0) {
        n = p->size;
    }
    if (n == 0) {
        return GC_EINVAL; /* keep[-1] below: IndexError in the twin */
    }
    uint64_t sum = 0;
    enum gc_status rc = GC_OK;
    for (uint64_t r = 0; r < rounds && rc == GC_OK; r++) {
        struct gc_object *keep = gc_list_new(heap);
        if (keep == NULL) {
            return GC_ENOMEM;
        }
        for (uint64_t i = 0; i < n && rc == GC_OK; i++) {
            struct gc_object *a = NULL, *b = NULL, *t = NULL;
            WORKLOAD_STEP(rc, a = gc_int_new(heap, (int64_t)i));
            WORKLOAD_STEP(rc, b = gc_int_new(heap, (int64_t)(i + r)));
            struct gc_object *items[3] = {a, b, a};
            WORKLOAD_STEP(rc, t = gc_tuple_new(heap, 3, items));
            WORKLOAD_STEP_OK(rc, gc_list_append(heap, keep, t));
            gc_xdecref(heap, t);
            gc_xdecref(heap, a);
            gc_xdecref(heap, b);
            gc_safepoint(heap);
        }
        /* keep[-1] exists once all n >= 1 appends succeeded. */
        if (rc == GC_OK) {
            sum += (uint64_t)gc_int_value(gc_tuple_get(
                       gc_list_get(keep, gc_list_len(keep) - 1), 1)) +
                   gc_list_len(keep);
        }
        gc_decref(heap, keep);
    }
    if (rc != GC_OK) {
        return GC_ENOMEM;
    }
    *checksum = sum;
    return GC_OK;
}

static const struct gc_option options[] = {
    {"n", "0", "tuples per round (0: size)",
     GC_OPT_COUNT, 0, 100000000, NULL, NULL},
    {"rounds", "20", "rounds",
     GC_OPT_COUNT, 1, 100000000, NULL, NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

extern const char gc_twin_tuples[];

const struct gc_workload gc_workload_tuples = {
    .name = "tuples",
    .description = "tuples of atoms that become untrackable",
    .default_size = 2000,
    .cost_ns_per_object = 3000,
    .options = options,
    .run = tuples,
    .twin = gc_twin_tuples,
};

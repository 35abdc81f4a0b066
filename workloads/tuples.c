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
    if (!gc_workload_option_u64(p, &gc_workload_tuples, "n", 0, 100000000,
                                &n, err, sizeof err) ||
        !gc_workload_option_u64(p, &gc_workload_tuples, "rounds", 1,
                                100000000, &rounds, err, sizeof err)) {
        return GC_EINVAL;
    }
    if (n == 0) {
        n = p->size;
    }
    uint64_t sum = 0;
    for (uint64_t r = 0; r < rounds; r++) {
        struct gc_object *keep = gc_list_new(heap);
        if (keep == NULL) {
            return GC_ENOMEM;
        }
        for (uint64_t i = 0; i < n; i++) {
            struct gc_object *a = gc_int_new(heap, (int64_t)i);
            struct gc_object *b = gc_int_new(heap, (int64_t)(i + r));
            struct gc_object *items[3] = {a, b, a};
            struct gc_object *t = a && b ? gc_tuple_new(heap, 3, items) : NULL;
            if (t == NULL) {
                return GC_ENOMEM;
            }
            gc_list_append(heap, keep, t);
            gc_decref(heap, t);
            gc_decref(heap, a);
            gc_decref(heap, b);
            gc_safepoint(heap);
        }
        sum += (uint64_t)gc_int_value(
                   gc_tuple_get(gc_list_get(keep, gc_list_len(keep) - 1), 1)) +
               gc_list_len(keep);
        gc_decref(heap, keep);
    }
    *checksum = sum;
    return GC_OK;
}

static const struct gc_option options[] = {
    {"n", "0", "tuples per round (0: size)"},
    {"rounds", "20", "rounds"},
    {NULL, NULL, NULL},
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

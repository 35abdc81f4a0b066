/* workloads/small_cycles.c -- a long stream of small cycles hung off an
 * old container: pair i (two instances pointing at each other) goes in
 * slot i % m of a list that lives throughout, so the pair it replaces
 * becomes cyclic garbage.  The list soon sits in the oldest generation,
 * so young collections see only references from it, and a pair that
 * survived long enough to be promoted waits for an older collection. */
#include "workload.h"

static enum gc_status
small_cycles(struct gc_heap *heap, const struct gc_workload_params *p,
             uint64_t *checksum)
{
    extern const struct gc_workload gc_workload_small_cycles;
    const struct gc_workload *w = &gc_workload_small_cycles;
    char err[160];
    uint64_t n, m;
    if (!gc_workload_option_u64(p, w, "n", &n, err,
                                sizeof err) ||
        !gc_workload_option_u64(p, w, "m", &m, err,
                                sizeof err)) {
        return GC_EINVAL;
    }
    if (m == 0) {
        m = p->size / 4 > 0 ? p->size / 4 : 1;
    }
    if (n == 0) {
        n = 25 * p->size;
    }
    struct gc_class_spec ps = {.name = "Pair"};
    struct gc_class *pair;
    WORKLOAD_TRY_OK(gc_class_new(heap, &ps, &pair));
    struct gc_object *old;
    WORKLOAD_TRY(old = gc_list_new(heap));
    uint64_t sum = 0;
    enum gc_status rc = GC_OK;
    for (uint64_t i = 0; i < n && rc == GC_OK; i++) {
        struct gc_object *a = NULL, *b = NULL, *io = NULL;
        WORKLOAD_STEP(rc, a = gc_instance_new(heap, pair));
        gc_safepoint(heap); /* Pair() is a call */
        WORKLOAD_STEP(rc, b = gc_instance_new(heap, pair));
        gc_safepoint(heap);
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, a, "other", b));
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, b, "other", a));
        WORKLOAD_STEP(rc, io = gc_int_new(heap, (int64_t)i));
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, a, "i", io));
        gc_xdecref(heap, io);
        if (i < m) {
            WORKLOAD_STEP_OK(rc, gc_list_append(heap, old, a));
        }
        else {
            WORKLOAD_STEP_OK(rc, gc_list_set(heap, old, i % m, a));
        }
        gc_xdecref(heap, a);
        gc_xdecref(heap, b);
        if (rc == GC_OK) {
            sum += (uint64_t)gc_int_value(
                       gc_attr_get(heap, gc_list_get(old, i % m), "i")) %
                   7;
        }
        gc_safepoint(heap); /* the loop's back-edge */
    }
    sum += gc_list_len(old);
    gc_decref(heap, old);
    if (rc != GC_OK) {
        return GC_ENOMEM;
    }
    *checksum = sum;
    return GC_OK;
}

static const struct gc_option options[] = {
    {"n", "0", "pairs made in all (0: 25 x size)",
     GC_OPT_COUNT, 0, 1000000000, NULL, NULL},
    {"m", "0", "pairs the old list keeps (0: size / 4)",
     GC_OPT_COUNT, 0, 100000000, NULL, NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

extern const char gc_twin_small_cycles[];

const struct gc_workload gc_workload_small_cycles = {
    .name = "small-cycles",
    .description = "a stream of 2-cycles hung off an old list that keeps "
                   "only the last m",
    .default_size = 2000,
    .cost_ns_per_object = 12000,
    .options = options,
    .run = small_cycles,
    .twin = gc_twin_small_cycles,
};

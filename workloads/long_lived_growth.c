/* workloads/long_lived_growth.c -- a heap that keeps growing: n small
 * lists appended one at a time to a list that lives throughout, with a
 * little short-lived garbage per step.  Under the 25% rule full
 * collections come at geometrically spaced sizes, so GC time grows
 * linearly with n; with pending-rule=off it grows quadratically. */
#include "workload.h"

static enum gc_status
long_lived_growth(struct gc_heap *heap, const struct gc_workload_params *p,
                  uint64_t *checksum)
{
    extern const struct gc_workload gc_workload_long_lived_growth;
    char err[160];
    uint64_t n;
    if (!gc_workload_option_u64(p, &gc_workload_long_lived_growth, "n", &n, err, sizeof err)) {
        return GC_EINVAL;
    }
    if (n == 0) {
        n = p->size;
    }
    struct gc_object *keep = gc_list_new(heap);
    if (keep == NULL) {
        return GC_ENOMEM;
    }
    uint64_t sum = 0;
    enum gc_status rc = GC_OK;
    for (uint64_t i = 0; i < n && rc == GC_OK; i++) {
        struct gc_object *v = NULL, *item = NULL, *tmp = NULL;
        WORKLOAD_STEP(rc, v = gc_int_new(heap, (int64_t)i));
        WORKLOAD_STEP(rc, item = gc_list_new(heap));
        WORKLOAD_STEP(rc, tmp = gc_list_new(heap)); /* garbage at once */
        WORKLOAD_STEP_OK(rc, gc_list_append(heap, item, v));
        WORKLOAD_STEP_OK(rc, gc_list_append(heap, tmp, item));
        WORKLOAD_STEP_OK(rc, gc_list_append(heap, keep, item));
        gc_xdecref(heap, tmp);
        gc_xdecref(heap, item);
        gc_xdecref(heap, v);
        gc_safepoint(heap);
    }
    /* Safe after a failure too: an item is kept only once it holds its
     * int. */
    for (size_t i = 0; i < gc_list_len(keep); i += 997) {
        sum += (uint64_t)gc_int_value(gc_list_get(gc_list_get(keep, i), 0));
    }
    sum += gc_list_len(keep);
    gc_decref(heap, keep);
    if (rc != GC_OK) {
        return GC_ENOMEM;
    }
    *checksum = sum;
    return GC_OK;
}

static const struct gc_option options[] = {
    {"n", "0", "lists kept in all (0: size)",
     GC_OPT_COUNT, 0, 100000000, NULL, NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

extern const char gc_twin_long_lived_growth[];

const struct gc_workload gc_workload_long_lived_growth = {
    .name = "long-lived-growth",
    .description = "a heap that keeps growing: the 25% rule's amortised "
                   "linear cost",
    .default_size = 20000,
    .cost_ns_per_object = 200,
    .options = options,
    .run = long_lived_growth,
    .twin = gc_twin_long_lived_growth,
};

/* workloads/alloc_churn.c -- short-lived records in batches: nothing
 * survives a batch.  Per record, as the twin does it in Python:
 *     t = (b, j); l = [t, j]; d = {"l": l}; append(Rec(d, t, j))
 * with Rec a __slots__ class and append the batch list's bound method
 * (a container of its own).  Four containers per record, so allocs/4
 * records in all.  Tuples, lists and dicts come back from the free
 * lists between batches, exactly what makes CPython's collection counts
 * what they are (9167/833/75 for allocs=10000000,batch=1000 on 3.11). */
#include "workload.h"

#include <string.h>

static enum gc_status
alloc_churn(struct gc_heap *heap, const struct gc_workload_params *p,
            uint64_t *checksum)
{
    extern const struct gc_workload gc_workload_alloc_churn;
    const struct gc_workload *w = &gc_workload_alloc_churn;
    char err[160];
    uint64_t batch, allocs;
    if (!gc_workload_option_u64(p, w, "batch", &batch, err,
                                sizeof err) ||
        !gc_workload_option_u64(p, w, "allocs", &allocs,
                                err, sizeof err)) {
        return GC_EINVAL;
    }
    /* Defaults from --size: a batch of records holds about size
     * containers at the peak; 100 batches. */
    if (batch == 0) {
        batch = p->size / 4 > 0 ? p->size / 4 : 1;
    }
    if (allocs == 0) {
        allocs = 400 * batch;
    }
    static const char *const rec_slots[] = {"d", "t", "s"};
    static const char *const method_slots[] = {"self"};
    struct gc_class_spec rs = {
        .name = "Rec", .has_slots = true, .nslots = 3, .slots = rec_slots};
    struct gc_class_spec ms = {.name = "method",
                               .has_slots = true,
                               .nslots = 1,
                               .slots = method_slots};
    struct gc_class *rec, *method;
    if (gc_class_new(heap, &rs, &rec) != GC_OK ||
        gc_class_new(heap, &ms, &method) != GC_OK) {
        return GC_ENOMEM;
    }
    struct gc_object *key = gc_str_from_cstr(heap, "l"); /* a constant */
    WORKLOAD_TRY(key);
    uint64_t sum = 0, batches = allocs / (4 * batch);
    enum gc_status rc = GC_OK;
    for (uint64_t b = 0; b < batches && rc == GC_OK; b++) {
        struct gc_object *acc = NULL, *append = NULL, *bo = NULL;
        WORKLOAD_STEP(rc, acc = gc_list_new(heap));
        WORKLOAD_STEP(rc, append = gc_instance_new(heap, method));
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, append, "self", acc));
        WORKLOAD_STEP(rc, bo = gc_int_new(heap, (int64_t)b));
        for (uint64_t j = 0; j < batch && rc == GC_OK; j++) {
            struct gc_object *jo = NULL, *t = NULL, *l = NULL, *d = NULL,
                             *r = NULL;
            WORKLOAD_STEP(rc, jo = gc_int_new(heap, (int64_t)j));
            struct gc_object *items[2] = {bo, jo};
            WORKLOAD_STEP(rc, t = gc_tuple_new(heap, 2, items));
            WORKLOAD_STEP(rc, l = gc_list_new(heap));
            WORKLOAD_STEP_OK(rc, gc_list_append(heap, l, t));
            WORKLOAD_STEP_OK(rc, gc_list_append(heap, l, jo));
            WORKLOAD_STEP(rc, d = gc_dict_new(heap));
            WORKLOAD_STEP_OK(rc, gc_dict_set(heap, d, key, l));
            WORKLOAD_STEP(rc, r = gc_instance_new(heap, rec));
            WORKLOAD_STEP_OK(rc, gc_attr_set(heap, r, "d", d));
            WORKLOAD_STEP_OK(rc, gc_attr_set(heap, r, "t", t));
            WORKLOAD_STEP_OK(rc, gc_attr_set(heap, r, "s", jo));
            WORKLOAD_STEP_OK(rc, gc_list_append(heap, acc, r));
            gc_xdecref(heap, r);
            gc_xdecref(heap, d);
            gc_xdecref(heap, l);
            gc_xdecref(heap, t);
            gc_xdecref(heap, jo);
            gc_safepoint(heap); /* the loop's back-edge */
        }
        /* The last record's j, read back through the structure (batch
         * >= 1, so there is one once every append succeeded). */
        if (rc == GC_OK) {
            struct gc_object *last = gc_list_get(acc, gc_list_len(acc) - 1);
            sum += (uint64_t)gc_int_value(gc_attr_get(heap, last, "s")) +
                   gc_list_len(acc);
        }
        gc_xdecref(heap, bo);
        gc_xdecref(heap, acc);    /* del acc: the bound method holds it */
        gc_xdecref(heap, append); /* del append: now the batch dies */
        gc_safepoint(heap);
    }
    gc_decref(heap, key);
    if (rc != GC_OK) {
        return GC_ENOMEM;
    }
    *checksum = sum;
    return GC_OK;
}

static const struct gc_option options[] = {
    {"allocs", "0", "containers to allocate in all (0: 400 x batch)",
     GC_OPT_COUNT, 0, 9223372036854775807.0, NULL, NULL},
    {"batch", "0", "records per batch (0: size / 4)",
     GC_OPT_COUNT, 0, 100000000, NULL, NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

extern const char gc_twin_alloc_churn[];

const struct gc_workload gc_workload_alloc_churn = {
    .name = "alloc-churn",
    .description = "short-lived records of 4 containers in batches; "
                   "nothing survives a batch",
    .default_size = 2000,
    .cost_ns_per_object = 10000,
    .options = options,
    .run = alloc_churn,
    .twin = gc_twin_alloc_churn,
};

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
    if (!gc_workload_option_u64(p, w, "batch", 0, 100000000, &batch, err,
                                sizeof err) ||
        !gc_workload_option_u64(p, w, "allocs", 0, UINT64_MAX / 2, &allocs,
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
    for (uint64_t b = 0; b < batches; b++) {
        struct gc_object *acc, *append, *bo;
        WORKLOAD_TRY(acc = gc_list_new(heap));
        WORKLOAD_TRY(append = gc_instance_new(heap, method));
        gc_attr_set(heap, append, "self", acc);
        WORKLOAD_TRY(bo = gc_int_new(heap, (int64_t)b));
        for (uint64_t j = 0; j < batch; j++) {
            struct gc_object *jo, *t, *l, *d, *r;
            WORKLOAD_TRY(jo = gc_int_new(heap, (int64_t)j));
            struct gc_object *items[2] = {bo, jo};
            WORKLOAD_TRY(t = gc_tuple_new(heap, 2, items));
            WORKLOAD_TRY(l = gc_list_new(heap));
            gc_list_append(heap, l, t);
            gc_list_append(heap, l, jo);
            WORKLOAD_TRY(d = gc_dict_new(heap));
            gc_dict_set(heap, d, key, l);
            WORKLOAD_TRY(r = gc_instance_new(heap, rec));
            gc_attr_set(heap, r, "d", d);
            gc_attr_set(heap, r, "t", t);
            gc_attr_set(heap, r, "s", jo);
            gc_list_append(heap, acc, r);
            gc_decref(heap, r);
            gc_decref(heap, d);
            gc_decref(heap, l);
            gc_decref(heap, t);
            gc_decref(heap, jo);
            gc_safepoint(heap); /* the loop's back-edge */
        }
        /* The last record's j, read back through the structure. */
        struct gc_object *last = gc_list_get(acc, gc_list_len(acc) - 1);
        sum += (uint64_t)gc_int_value(gc_attr_get(heap, last, "s")) +
               gc_list_len(acc);
        gc_decref(heap, bo);
        gc_decref(heap, acc);    /* del acc: the bound method holds it */
        gc_decref(heap, append); /* del append: now the batch dies */
        gc_safepoint(heap);
    }
    gc_decref(heap, key);
    *checksum = sum;
    return GC_OK;
}

static const struct gc_option options[] = {
    {"allocs", "0", "containers to allocate in all (0: 400 x batch)"},
    {"batch", "0", "records per batch (0: size / 4)"},
    {NULL, NULL, NULL},
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

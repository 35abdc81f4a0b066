/* workloads/payload.c -- the steps the payload workloads share: a
 * payload attribute (bytes(n), or None for none) and a slot of a list
 * that holds the last `live` objects. */
#include "workload.h"

enum gc_status
gc_workload_set_payload(struct gc_heap *heap, struct gc_object *obj,
                        const char *name, uint64_t n_bytes)
{
    struct gc_object *payload = NULL;
    if (n_bytes > 0) {
        GC_TRY(gc_bytes_new(heap, n_bytes, &payload));
    }
    enum gc_status rc =
        gc_attr_set(heap, obj, name, payload ? payload : gc_none(heap));
    gc_xdecref(heap, payload);
    return rc;
}

enum gc_status
gc_workload_hold(struct gc_heap *heap, struct gc_object *list, uint64_t i,
                 uint64_t live, struct gc_object *obj)
{
    return i < live ? gc_list_append(heap, list, obj)
                    : gc_list_set(heap, list, i % live, obj);
}

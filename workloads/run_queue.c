/* workloads/run_queue.c -- Tim Peters' test from the CPython GC
 * maintainers' grid (nascheme/cyclotron): a run queue of `live` nodes,
 * each referring to itself and carrying a payload of `payload` bytes.
 * Node i takes slot i % live, so the node it replaces becomes a
 * self-cycle of garbage holding its payload: memory that only a
 * collection gives back and that object counts do not see. */
#include "workload.h"

struct opts {
    uint64_t n, live, payload;
};

static bool
read_opts(const struct gc_workload_params *p, struct opts *o, char *err,
          size_t err_bytes)
{
    extern const struct gc_workload gc_workload_run_queue;
    const struct gc_workload *w = &gc_workload_run_queue;
    if (!gc_workload_option_u64(p, w, "n", &o->n, err,
                                err_bytes) ||
        !gc_workload_option_u64(p, w, "live", &o->live, err,
                                err_bytes) ||
        !gc_workload_option_u64(p, w, "payload", &o->payload, err, err_bytes)) {
        return false;
    }
    /* At the default size, 2,000,000 nodes through a queue of 100: long
     * enough for several full collections, which the garbage promoted
     * into the older generations waits for (about 200,000 nodes apart
     * at 3.13's thresholds). */
    if (o->live == 0) {
        o->live = p->size / 1000 > 0 ? p->size / 1000 : 1;
    }
    if (o->n == 0) {
        o->n = 20 * p->size;
    }
    return true;
}

static bool
check(const struct gc_workload_params *p, char *err, size_t err_bytes)
{
    struct opts o;
    return read_opts(p, &o, err, err_bytes);
}

static enum gc_status
run_queue(struct gc_heap *heap, const struct gc_workload_params *p,
          uint64_t *checksum)
{
    char err[160];
    struct opts o;
    if (!read_opts(p, &o, err, sizeof err)) {
        return GC_EINVAL;
    }
    struct gc_class_spec ns = {.name = "Node"};
    struct gc_class *node_class;
    WORKLOAD_TRY_OK(gc_class_new(heap, &ns, &node_class));
    struct gc_object *queue;
    WORKLOAD_TRY(queue = gc_list_new(heap));
    uint64_t sum = 0;
    enum gc_status rc = GC_OK;
    for (uint64_t i = 0; i < o.n && rc == GC_OK; i++) {
        struct gc_object *node = NULL, *io = NULL;
        WORKLOAD_STEP(rc, node = gc_instance_new(heap, node_class));
        gc_safepoint(heap); /* Node() is a call */
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, node, "me", node));
        WORKLOAD_STEP_OK(rc, gc_workload_set_payload(heap, node, "payload",
                                                     o.payload));
        WORKLOAD_STEP(rc, io = gc_int_new(heap, (int64_t)i));
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, node, "i", io));
        gc_xdecref(heap, io);
        WORKLOAD_STEP_OK(rc, gc_workload_hold(heap, queue, i, o.live, node));
        gc_xdecref(heap, node);
        if (rc == GC_OK) {
            sum += (uint64_t)gc_int_value(gc_attr_get(
                       heap, gc_list_get(queue, i % o.live), "i")) %
                   7;
        }
        gc_safepoint(heap); /* the loop's back-edge */
    }
    sum += gc_list_len(queue);
    gc_decref(heap, queue);
    if (rc != GC_OK) {
        return GC_ENOMEM;
    }
    *checksum = sum;
    return GC_OK;
}

static const struct gc_option options[] = {
    {"n", "0", "nodes made in all (0: 20 x size)",
     GC_OPT_COUNT, 0, 1000000000, NULL, NULL},
    {"live", "0", "nodes the run queue holds (0: size / 1000)",
     GC_OPT_COUNT, 0, 100000000, NULL, NULL},
    {"payload", "10240", "bytes each node carries (0: none, only containers)",
     GC_OPT_COUNT, 0, 1099511627776.0, NULL, NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

extern const char gc_twin_run_queue[];

const struct gc_workload gc_workload_run_queue = {
    .name = "run-queue",
    .description = "Tim Peters' test: self-referencing nodes with a 10 KB "
                   "payload each through a run queue",
    .default_size = 100000,
    .cost_ns_per_object = 20000,
    .options = options,
    .run = run_queue,
    .twin = gc_twin_run_queue,
    .check = check,
};

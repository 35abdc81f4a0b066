/* workloads/payload_cycles.c -- the CPython GC maintainers' grid
 * (nascheme/cyclotron) as options: rings of `cycle` instances, the
 * first carrying a payload of `payload` bytes, `live` rings held at a
 * time.  Ring i takes slot i % live, so the ring it replaces becomes
 * cyclic garbage with its payload.  Sweeping payload at a fixed cycle
 * and live set shows what a trigger that counts objects does not see. */
#include "workload.h"

struct opts {
    uint64_t n, cycle, payload, live;
};

static bool
read_opts(const struct gc_workload_params *p, struct opts *o, char *err,
          size_t err_bytes)
{
    extern const struct gc_workload gc_workload_payload_cycles;
    const struct gc_workload *w = &gc_workload_payload_cycles;
    if (!gc_workload_option_u64(p, w, "n", &o->n, err,
                                err_bytes) ||
        !gc_workload_option_u64(p, w, "cycle", &o->cycle, err,
                                err_bytes) ||
        !gc_workload_option_u64(p, w, "payload", &o->payload, err, err_bytes) ||
        !gc_workload_option_u64(p, w, "live", &o->live, err,
                                err_bytes)) {
        return false;
    }
    if (o->live == 0) {
        o->live = p->size / o->cycle > 0 ? p->size / o->cycle : 1;
    }
    if (o->n == 0) {
        o->n = 20 * (p->size / o->cycle > 0 ? p->size / o->cycle : 1);
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
payload_cycles(struct gc_heap *heap, const struct gc_workload_params *p,
               uint64_t *checksum)
{
    char err[160];
    struct opts o;
    if (!read_opts(p, &o, err, sizeof err)) {
        return GC_EINVAL;
    }
    struct gc_class_spec is = {.name = "Item"};
    struct gc_class *item;
    WORKLOAD_TRY_OK(gc_class_new(heap, &is, &item));
    struct gc_object *rings;
    WORKLOAD_TRY(rings = gc_list_new(heap));
    uint64_t sum = 0;
    enum gc_status rc = GC_OK;
    for (uint64_t i = 0; i < o.n && rc == GC_OK; i++) {
        struct gc_object *first = NULL, *prev = NULL, *io = NULL;
        WORKLOAD_STEP(rc, first = gc_instance_new(heap, item));
        gc_safepoint(heap); /* Item() is a call */
        if (first != NULL) {
            prev = gc_incref(first);
        }
        for (uint64_t k = 1; k < o.cycle && rc == GC_OK; k++) {
            struct gc_object *it = NULL;
            WORKLOAD_STEP(rc, it = gc_instance_new(heap, item));
            gc_safepoint(heap);
            WORKLOAD_STEP_OK(rc, gc_attr_set(heap, prev, "next", it));
            if (it != NULL) {
                gc_decref(heap, prev);
                prev = it; /* the reference it came with */
            }
            gc_safepoint(heap); /* the inner loop's back-edge */
        }
        if (prev != NULL) {
            WORKLOAD_STEP_OK(rc, gc_attr_set(heap, prev, "next", first));
        }
        WORKLOAD_STEP_OK(rc, gc_workload_set_payload(heap, first, "payload",
                                                     o.payload));
        WORKLOAD_STEP(rc, io = gc_int_new(heap, (int64_t)i));
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, first, "i", io));
        gc_xdecref(heap, io);
        WORKLOAD_STEP_OK(rc, gc_workload_hold(heap, rings, i, o.live, first));
        gc_xdecref(heap, first);
        gc_xdecref(heap, prev);
        if (rc == GC_OK) {
            sum += (uint64_t)gc_int_value(gc_attr_get(
                       heap, gc_list_get(rings, i % o.live), "i")) %
                   7;
        }
        gc_safepoint(heap); /* the loop's back-edge */
    }
    sum += gc_list_len(rings);
    gc_decref(heap, rings);
    if (rc != GC_OK) {
        return GC_ENOMEM;
    }
    *checksum = sum;
    return GC_OK;
}

static const struct gc_option options[] = {
    {"n", "0", "rings made in all (0: 20 x size / cycle)",
     GC_OPT_COUNT, 0, 1000000000, NULL, NULL},
    {"cycle", "4", "instances per ring",
     GC_OPT_COUNT, 1, 1000000, NULL, NULL},
    {"payload", "10240", "bytes the first of each ring carries (0: none)",
     GC_OPT_COUNT, 0, 1099511627776.0, NULL, NULL},
    {"live", "0", "rings held at a time (0: size / cycle)",
     GC_OPT_COUNT, 0, 100000000, NULL, NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

extern const char gc_twin_payload_cycles[];

const struct gc_workload gc_workload_payload_cycles = {
    .name = "payload-cycles",
    .description = "cyclotron's grid: rings of `cycle` objects with a "
                   "payload, `live` of them held",
    .default_size = 2000,
    .cost_ns_per_object = 20000,
    .options = options,
    .run = payload_cycles,
    .twin = gc_twin_payload_cycles,
    .check = check,
};

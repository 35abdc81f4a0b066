/* workloads/finalizers.c -- cyclic garbage with finalizers: each step
 * builds a 2-cycle of F instances (class F with a __del__ that does
 * nothing, GC_FIN_FINALIZER); every `every`-th step also hangs an R on
 * it, in a cycle with the first F, whose __del__ appends self to
 * `saved` (GC_FIN_RESURRECT), a list the workload clears every round.
 * Only the cycle collector finalizes them (on 2.7, legacy __del__ makes
 * the cycles uncollectable: they go to gc.garbage), so the checksum
 * counts the objects built, never finalizer calls. */
#include "workload.h"

static enum gc_status
finalizers(struct gc_heap *heap, const struct gc_workload_params *p,
           uint64_t *checksum)
{
    extern const struct gc_workload gc_workload_finalizers;
    const struct gc_workload *w = &gc_workload_finalizers;
    char err[160];
    uint64_t rounds, n, every;
    if (!gc_workload_option_u64(p, w, "rounds", &rounds, err,
                                sizeof err) ||
        !gc_workload_option_u64(p, w, "n", &n, err,
                                sizeof err) ||
        !gc_workload_option_u64(p, w, "every", &every, err,
                                sizeof err)) {
        return GC_EINVAL;
    }
    if (n == 0) {
        n = p->size / 2 > 0 ? p->size / 2 : 1;
    }
    struct gc_object *saved, *a = NULL, *b = NULL, *c = NULL;
    WORKLOAD_TRY(saved = gc_list_new(heap));
    struct gc_class_spec fs = {.name = "F", .finalizer = GC_FIN_FINALIZER};
    struct gc_class_spec rs = {
        .name = "R", .finalizer = GC_FIN_RESURRECT, .resurrect_into = saved};
    struct gc_class *f, *r;
    enum gc_status rc = gc_class_new(heap, &fs, &f);
    if (rc == GC_OK) {
        rc = gc_class_new(heap, &rs, &r);
    }
    /* Out of memory anywhere: drop what is held and return, so the heap
     * keeps only what a Python program that raised MemoryError would. */
    uint64_t sum = 0;
    for (uint64_t round = 0; round < rounds && rc == GC_OK; round++) {
        for (uint64_t i = 0; i < n && rc == GC_OK; i++) {
            WORKLOAD_STEP(rc, a = gc_instance_new(heap, f));
            gc_safepoint(heap); /* F() is a call */
            WORKLOAD_STEP(rc, b = gc_instance_new(heap, f));
            gc_safepoint(heap);
            WORKLOAD_STEP_OK(rc, gc_attr_set(heap, a, "other", b));
            WORKLOAD_STEP_OK(rc, gc_attr_set(heap, b, "other", a));
            if (i % every == 0) {
                WORKLOAD_STEP(rc, c = gc_instance_new(heap, r));
                gc_safepoint(heap);
                WORKLOAD_STEP_OK(rc, gc_attr_set(heap, c, "peer", a));
                WORKLOAD_STEP_OK(rc, gc_attr_set(heap, a, "peer", c));
                gc_xdecref(heap, c);
                c = NULL;
                sum++;
            }
            gc_xdecref(heap, a);
            gc_xdecref(heap, b);
            a = b = NULL;
            sum += 2;
            gc_safepoint(heap); /* the loop's back-edge */
        }
        if (rc == GC_OK) {
            gc_list_clear(heap, saved); /* del saved[:] */
            gc_safepoint(heap);
        }
    }
    gc_decref(heap, saved); /* the class R keeps it */
    if (rc != GC_OK) {
        return GC_ENOMEM;
    }
    *checksum = sum;
    return GC_OK;
}

static const struct gc_option options[] = {
    {"rounds", "50", "rounds, each ending with del saved[:]",
     GC_OPT_COUNT, 1, 100000000, NULL, NULL},
    {"n", "0", "2-cycles of F per round (0: size / 2)",
     GC_OPT_COUNT, 0, 100000000, NULL, NULL},
    {"every", "10", "one step in every also hangs a resurrecting R",
     GC_OPT_COUNT, 1, 100000000, NULL, NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

extern const char gc_twin_finalizers[];

const struct gc_workload gc_workload_finalizers = {
    .name = "finalizers",
    .description = "cycles with finalizers, some resurrecting into a list "
                   "cleared every round",
    .default_size = 2000,
    .cost_ns_per_object = 9000,
    .options = options,
    .run = finalizers,
    .twin = gc_twin_finalizers,
};

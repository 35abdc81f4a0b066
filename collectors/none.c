/* collectors/none.c -- reference counting only: the negative control.
 * Objects die when their count reaches zero and never otherwise, so
 * every cycle leaks until the heap is destroyed.  It claims no cycle
 * capability; the conformance suite runs its cycle tests anyway and they
 * must fail, which shows the suite can fail. */
#include "gc-internal.h"

static gc_init_fn none_init;
static gc_caps_fn none_caps;
static gc_collect_fn none_collect;

static enum gc_status
none_init(struct gc_heap *heap, const struct gc_option_value *opts,
          size_t nopts, void **state, char *err, size_t err_bytes)
{
    (void)heap;
    (void)opts;
    (void)nopts;
    (void)err;
    (void)err_bytes;
    *state = NULL;
    return GC_OK;
}

static uint32_t
none_caps(const struct gc_heap *heap, const void *state)
{
    (void)state;
    /* The gc module's bookkeeping APIs exist, as on any interpreter; no
     * collection ever finds anything. */
    return gc_profile_caps(heap->profile) &
           (GC_CAP_CALLBACKS | GC_CAP_STATS | GC_CAP_IS_FINALIZED |
            GC_CAP_FREEZE | GC_CAP_GET_OBJECTS_GEN |
            GC_CAP_STATS_CANDIDATES);
}

static void
none_collect(struct gc_heap *heap, int gen, enum gc_reason why,
             struct gc_collect_result *result)
{
    (void)heap;
    (void)gen;
    (void)why;
    (void)result;
}

static const struct gc_option none_options[] = {
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL}};

const struct gc_collector gc_collector_none = {
    .name = "none",
    .description = "reference counting only; never finds a cycle",
    .options = none_options,
    .init = none_init,
    .caps = none_caps,
    .collect = none_collect,
};

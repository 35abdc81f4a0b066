/* collectors/none.c -- reference counting only: the negative control.
 * Objects die when their count reaches zero and never otherwise, so
 * every cycle leaks until the heap is destroyed.  The conformance suite
 * runs against it and must fail its cycle tests. */
#include "gc-internal.h"

static gc_init_fn none_init;
static gc_collect_fn none_collect;

static enum gc_status
none_init(struct gc_heap *heap, const char *options, void **state)
{
    (void)heap;
    *state = NULL;
    if (options != NULL && options[0] != '\0') {
        return GC_EINVAL; /* takes no options */
    }
    return GC_OK;
}

static int64_t
none_collect(struct gc_heap *heap, int gen, enum gc_reason why)
{
    (void)heap;
    (void)gen;
    (void)why;
    return 0;
}

static const struct gc_option none_options[] = {{NULL, NULL, NULL}};

const struct gc_collector gc_collector_none = {
    .name = "none",
    .description = "reference counting only; never finds a cycle",
    .options = none_options,
    .init = none_init,
    .collect = none_collect,
};

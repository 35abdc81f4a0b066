/* collectors/debug.c -- test knobs that waste work on purpose, so that
 * gclab's gates can be shown to see a regression of a known size.
 * They sit behind one hook in the heap (gc_debug_hook_fn), called by
 * cycles.c inside every collection when set; it is not a listener, so
 * it runs whether events are compiled in or not, and like every
 * collector file it never reads a clock.  Never a result: gclab run,
 * bench and check refuse to measure with a knob set unless told
 * (--allow-debug), and will not write a baseline under one.
 *
 * GCLAB_DEBUG_EXTRA_TRAVERSE=PCT: after subtract_refs, traverse PCT% of
 * a pass over the set being collected once more, visiting each
 * reference and changing nothing -- the kind of slip that leaves every
 * counter exact and only time and instruction counts show.  100 is one
 * whole extra pass (what "1" meant before it took a percentage); 5
 * traverses the first 5% of the set once more; up to 10000 (a hundred
 * passes).  How
 * much that adds to gc_cpu_ns depends on the workload: the collection
 * does more than traverse (scripts/compare-trials.sh measures it). */
#include "gc-internal.h"

#include <stdlib.h>
#include <string.h>

#define DEBUG_EXTRA_TRAVERSE_MAX_PCT 10000

static int
visit_nothing(struct gc_object *obj, void *arg)
{
    (void)obj;
    ++*(uint64_t *)arg;
    return 0;
}

/* Whole passes first, then the first (pct mod 100)% of the set once
 * more: the walk itself touches every member it passes (a cache miss
 * each on a large set), so a small share must walk only its share, or
 * 1% would cost nearly what a pass costs. */
static void
extra_traverse(struct gc_heap *heap, struct gc_head *set, size_t n)
{
    uint64_t visits = 0;
    uint32_t pct = heap->debug_extra_traverse_pct;
    for (uint32_t pass = 0; pass < pct / 100; pass++) {
        for (struct gc_head *h = gc_head_next(set); h != set;
             h = gc_head_next(h)) {
            struct gc_object *obj = gc_object_of(h);
            obj->type->traverse(obj, visit_nothing, &visits);
        }
    }
    size_t share = (size_t)((uint64_t)n * (pct % 100) / 100);
    struct gc_head *h = gc_head_next(set);
    for (size_t i = 0; i < share && h != set; i++, h = gc_head_next(h)) {
        struct gc_object *obj = gc_object_of(h);
        obj->type->traverse(obj, visit_nothing, &visits);
    }
}

void
gc_debug_init(struct gc_heap *heap)
{
    heap->debug_hook = NULL;
    heap->debug_extra_traverse_pct = 0;
    const char *env = getenv("GCLAB_DEBUG_EXTRA_TRAVERSE");
    if (env == NULL || *env == '\0') {
        return;
    }
    char *end;
    long pct = strtol(env, &end, 10);
    /* A knob, not input: a value it cannot read wastes nothing. */
    if (*end != '\0' || pct <= 0 || pct > DEBUG_EXTRA_TRAVERSE_MAX_PCT) {
        return;
    }
    heap->debug_extra_traverse_pct = (uint32_t)pct;
    heap->debug_hook = extra_traverse;
}

/* tests/t-policy.c -- when the variant collectors collect, as their
 * headers state it: full collects once the containers allocated since
 * its last collection exceed max(min, ratio x that collection's
 * survivors); incremental examines at least its budget of old objects
 * per automatic collection.  (The reference's policy is the
 * conformance suite's: thresholds, generations and the 25% rule.) */
#include "support.h"

#include <stdlib.h>

struct starts {
    int n;
    uint64_t allocated_at_first; /* the caller's allocation counter */
    uint64_t *counter;
};

static void
on_gc(struct gc_heap *heap, enum gc_callback_phase phase,
      const struct gc_callback_info *info, void *data)
{
    (void)heap;
    (void)info;
    struct starts *s = data;
    if (phase == GC_CALLBACK_START && s->n++ == 0) {
        s->allocated_at_first = *s->counter;
    }
}

static int64_t
tracked(struct gc_heap *heap)
{
    struct gc_object *all = NULL;
    check_int(gc_get_objects(heap, -1, &all), ==, GC_OK);
    int64_t n = all != NULL ? (int64_t)gc_list_len(all) : 0;
    gc_xdecref(heap, all);
    return n;
}

/* Keeps n instances, collects, then allocates instances until the first
 * automatic collection; returns at which allocation it came, and the
 * survivors of the manual collection in *survivors. */
static uint64_t
first_automatic(const char *spec, int n, int64_t *survivors)
{
    char err[256];
    struct gc_heap *heap = NULL;
    uint64_t allocated = 0;
    if (gc_heap_new_spec(spec, NULL, &heap, err, sizeof err) != GC_OK) {
        tap_diag("%s", err);
        check(false);
        return 0;
    }
    struct gc_class_spec cs = {.name = "K"};
    struct gc_class *cls;
    check_int(gc_class_new(heap, &cs, &cls), ==, GC_OK);
    struct gc_object *keep = gc_list_new(heap);
    gc_root_set(heap, "keep", keep);
    gc_decref(heap, keep);
    gc_disable(heap);
    for (int i = 0; i < n; i++) {
        struct gc_object *o = gc_instance_new(heap, cls);
        gc_list_append(heap, keep, o);
        gc_decref(heap, o);
    }
    gc_collect(heap, 2);
    *survivors = tracked(heap);
    gc_collect(heap, 2); /* the count the query's list left goes */
    struct starts s = {.counter = &allocated};
    check_int(gc_callback_add(heap, on_gc, &s), ==, GC_OK);
    gc_enable(heap);
    while (s.n == 0 && allocated < 10000000) {
        allocated++;
        struct gc_object *o = gc_instance_new(heap, cls);
        gc_list_append(heap, keep, o);
        gc_decref(heap, o);
        gc_safepoint(heap);
    }
    check_uint(gc_heap_destroy(heap), ==, 0);
    return s.allocated_at_first;
}

int
main(void)
{
    static const struct {
        const char *spec;
        int kept;
        double ratio;
        uint64_t min;
    } full[] = {
        {"full:profile=3.11", 100, 0.25, 700},
        {"full:profile=3.11", 20000, 0.25, 700},
        {"full:profile=3.13,ratio=1,min=50", 3000, 1.0, 50},
        {"full:profile=3.8,ratio=0.01,min=300", 5000, 0.01, 300},
    };
    for (size_t i = 0; i < sizeof full / sizeof *full; i++) {
        char name[160];
        snprintf(name, sizeof name,
                 "%s with %d kept: the first automatic collection comes "
                 "after max(min, ratio x survivors) allocations",
                 full[i].spec, full[i].kept);
        TEST(name) {
            int64_t survivors = 0;
            uint64_t at = first_automatic(full[i].spec, full[i].kept,
                                          &survivors);
            double scaled = full[i].ratio * (double)survivors;
            uint64_t want = scaled > (double)full[i].min ? (uint64_t)scaled
                                                         : full[i].min;
            tap_diag("%lld survivors: collected at allocation %llu",
                     (long long)survivors, (unsigned long long)at);
            check_uint(at, ==, want + 1); /* count > trigger */
        }
    }
    return tap_done();
}

/* tests/t-policy.c -- when the variant collectors collect, as their
 * headers state it: full collects once the containers allocated since
 * its last collection exceed max(min, ratio x that collection's
 * survivors); incremental takes at least its budget of old objects
 * per automatic collection, so an old cycle ends within pending/budget
 * of them.  (The reference's policy is the
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

/* A heap of a collector spec the test knows to be valid. */
static struct gc_heap *
spec_heap(const char *spec)
{
    char err[256];
    struct gc_heap *heap = NULL;
    if (gc_heap_new_spec(spec, NULL, &heap, err, sizeof err) != GC_OK) {
        tap_diag("%s: %s", spec, err);
        check(false);
    }
    return heap;
}

/* Collections of every generation so far. */
static uint64_t
collections(const struct gc_heap *heap)
{
    struct gc_gen_stats st[3];
    gc_get_stats(heap, st);
    return st[0].collections + st[1].collections + st[2].collections;
}

/* How many collections one eval-breaker check runs. */
static uint64_t
safepoint_collections(struct gc_heap *heap)
{
    uint64_t before = collections(heap);
    gc_safepoint(heap);
    return collections(heap) - before;
}

/* The reason of the first automatic collection, for a listener. */
static void
on_why(void *data, int gen, enum gc_reason why)
{
    (void)gen;
    enum gc_reason *first = data;
    if (*first == GC_REASON_MANUAL && why != GC_REASON_MANUAL) {
        *first = why;
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

static void
count_gc(struct gc_heap *heap, enum gc_callback_phase phase,
         const struct gc_callback_info *info, void *data)
{
    (void)heap;
    (void)info;
    *(int *)data += phase == GC_CALLBACK_START;
}

/* incremental: after collect(2) every old object is pending, and each
 * automatic collection takes at least budget of them (seeds with their
 * closures), so the old cycle ends -- a sweep -- within
 * ceil(pending / budget) automatic collections.  The objects are held
 * from C, not from a container, so that no closure takes them all. */
static void
increments_take_their_budget(const char *spec, int kept, uint64_t budget)
{
    char err[256];
    struct gc_heap *heap = NULL;
    if (gc_heap_new_spec(spec, NULL, &heap, err, sizeof err) != GC_OK) {
        tap_diag("%s", err);
        check(false);
        return;
    }
    struct gc_class_spec cs = {.name = "K"};
    struct gc_class *cls;
    check_int(gc_class_new(heap, &cs, &cls), ==, GC_OK);
    /* Room for twice the collections allowed, each after at most
     * threshold0 + 1 (2001 on 3.13) allocations. */
    size_t most_collections = ((size_t)kept + 100 + budget - 1) / budget;
    size_t cap = (size_t)kept + 2 * most_collections * 2001, n = 0;
    struct gc_object **held = malloc(cap * sizeof *held);
    gc_disable(heap);
    for (int i = 0; i < kept && held != NULL; i++) {
        held[n++] = gc_instance_new(heap, cls);
    }
    gc_collect(heap, 2);
    int64_t pending = tracked(heap);
    uint64_t sweeps0 = 0, sweeps = 0;
    unsigned bound;
    check(gc_heap_sweeps(heap, &sweeps0, &bound));
    sweeps = sweeps0;
    int collections = 0;
    check_int(gc_callback_add(heap, count_gc, &collections), ==, GC_OK);
    gc_enable(heap);
    while (held != NULL && n < cap && sweeps == sweeps0) {
        held[n++] = gc_instance_new(heap, cls);
        gc_safepoint(heap);
        gc_heap_sweeps(heap, &sweeps, &bound);
    }
    for (size_t i = 0; i < n; i++) {
        gc_decref(heap, held[i]);
    }
    free(held);
    int most = (int)(((uint64_t)pending + budget - 1) / budget);
    tap_diag("%lld pending, budget %llu: the old cycle took %d collections",
             (long long)pending, (unsigned long long)budget, collections);
    check_int(sweeps, ==, sweeps0 + 1);
    check_int(collections, >=, 1);
    check_int(collections, <=, most);
    check_uint(gc_heap_destroy(heap), ==, 0);
}

/* A trialdel heap with a rooted list *keep (its first candidate) and
 * automatic collections counted in *collections; NULL on a bad spec. */
static struct gc_heap *
counted_heap(const char *spec, struct gc_object **keep, int *collections)
{
    char err[256];
    struct gc_heap *heap = NULL;
    if (gc_heap_new_spec(spec, NULL, &heap, err, sizeof err) != GC_OK) {
        tap_diag("%s", err);
        check(false);
        return NULL;
    }
    *keep = gc_list_new(heap);
    gc_root_set(heap, "keep", *keep);
    gc_decref(heap, *keep);
    *collections = 0;
    check_int(gc_callback_add(heap, count_gc, collections), ==, GC_OK);
    return heap;
}

/* trialdel: a collection takes the whole candidate buffer, so one comes
 * per `buffer` candidates.  Each step keeps a new list: the decrement
 * that leaves it held by the kept list makes it a candidate. */
static void
trialdel_collects_per_buffer(const char *spec, int buffer, int steps)
{
    struct gc_object *keep;
    int collections;
    struct gc_heap *heap = counted_heap(spec, &keep, &collections);
    if (heap == NULL) {
        return;
    }
    for (int i = 0; i < steps; i++) {
        struct gc_object *o = gc_list_new(heap);
        gc_list_append(heap, keep, o);
        gc_decref(heap, o);
        gc_safepoint(heap);
    }
    tap_diag("%d candidates, buffer %d: %d collections", steps + 1, buffer,
             collections);
    /* keep itself is the first candidate */
    check_int(collections, ==, (steps + 1) / buffer);
    check_uint(gc_heap_destroy(heap), ==, 0);
}

/* trialdel: a candidate that dies leaves the buffer, so dead
 * candidates never bring a collection forward (nor leave it pointers to
 * freed objects).  Lists die, then instances stay: a dead list's
 * address is not taken over by a live instance (a new list would reuse
 * it, from the free list, and hide the stale entry). */
static void
trialdel_dead_candidates_leave(const char *spec, int buffer)
{
    struct gc_object *keep;
    int collections;
    struct gc_heap *heap = counted_heap(spec, &keep, &collections);
    if (heap == NULL) {
        return;
    }
    struct gc_class_spec cs = {.name = "K"};
    struct gc_class *cls;
    check_int(gc_class_new(heap, &cs, &cls), ==, GC_OK);
    int n = buffer - 10; /* keep + n < buffer, keep + 2n > buffer */
    for (int i = 0; i < n; i++) {
        struct gc_object *d = gc_list_new(heap);
        gc_list_append(heap, keep, d);
        gc_decref(heap, d);
        gc_safepoint(heap);
    }
    while (gc_list_len(keep) > 0) {
        gc_list_remove_at(heap, keep, 0);
    }
    for (int i = 0; i < n; i++) {
        struct gc_object *o = gc_instance_new(heap, cls);
        gc_list_append(heap, keep, o);
        gc_decref(heap, o);
        gc_safepoint(heap);
    }
    check_int(collections, ==, 0);
    check_uint(gc_heap_destroy(heap), ==, 0);
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
    static const struct {
        const char *spec;
        int kept;
        uint64_t budget;
    } inc[] = {
        {"incremental:profile=3.11,budget=100", 3000, 100},
        {"incremental:profile=3.13,budget=1000", 20000, 1000},
        {"incremental:profile=3.8", 30000, 700}, /* automatic: >= t0 */
    };
    for (size_t i = 0; i < sizeof inc / sizeof *inc; i++) {
        char name[160];
        snprintf(name, sizeof name,
                 "%s, %d kept: each increment takes at least its budget",
                 inc[i].spec, inc[i].kept);
        TEST(name) {
            increments_take_their_budget(inc[i].spec, inc[i].kept,
                                         inc[i].budget);
        }
    }
    static const char *const td[] = {"trialdel:profile=3.11,buffer=50",
                                     "trialdel:profile=3.13,buffer=50"};
    for (size_t i = 0; i < sizeof td / sizeof *td; i++) {
        char name[160];
        snprintf(name, sizeof name,
                 "%s: one automatic collection per 50 candidates", td[i]);
        TEST(name) {
            trialdel_collects_per_buffer(td[i], 50, 999);
        }
        snprintf(name, sizeof name,
                 "%s: candidates that die leave the buffer", td[i]);
        TEST(name) {
            trialdel_dead_candidates_leave(td[i], 50);
        }
    }
    TEST("3.13: a collection scheduled by an allocation is dropped at the "
         "safepoint when no longer due (generations=1 after a manual "
         "collection; threshold0 set to 0), and run when still due") {
        /* _Py_ScheduleGC sets a flag; _Py_RunGC at the next eval
         * breaker checks the thresholds again.  What happened between
         * decides. */
        static const char *const specs[] = {
            "cpython:profile=3.13,generations=1", "cpython:profile=3.13",
            "cpython:profile=3.13,generations=1"};
        for (int c = 0; c < 3; c++) {
            struct gc_heap *heap = spec_heap(specs[c]);
            struct gc_object *keep = gc_list_new(heap);
            int64_t t[3];
            gc_get_threshold(heap, t);
            for (int64_t i = 0; i <= t[0] + 1; i++) {
                struct gc_object *l = gc_list_new(heap);
                gc_list_append(heap, keep, l);
                gc_decref(heap, l);
            }
            if (c == 0) {
                gc_collect(heap, 0); /* young, now empty, is not due */
            }
            else if (c == 1) {
                int64_t zero = 0; /* automatic collection off */
                gc_set_threshold(heap, 1, &zero);
            }
            uint64_t ran = safepoint_collections(heap);
            check_uint(ran, ==, c == 2 ? 1 : 0); /* the control runs one */
            gc_decref(heap, keep);
            gc_collect(heap, 2);
            check_uint(gc_heap_destroy(heap), ==, 0);
        }
    }
    TEST("3.13: gc.disable() between the scheduling allocation and the "
         "safepoint holds back every collector; enabled, each runs one") {
        static const char *const specs[] = {
            "cpython:profile=3.13", "full:profile=3.13",
            "incremental:profile=3.13,count=tracked", "trialdel:profile=3.13"};
        for (size_t k = 0; k < 2 * sizeof specs / sizeof *specs; k++) {
            size_t c = k / 2;
            bool is_disabled = k % 2 == 0;
            struct gc_heap *heap = spec_heap(specs[c]);
            struct gc_object *keep = gc_list_new(heap);
            for (int i = 0; i < 20000; i++) { /* past every trigger */
                struct gc_object *l = gc_list_new(heap);
                struct gc_object *m = gc_list_new(heap);
                gc_list_append(heap, keep, l);
                gc_list_append(heap, m, m); /* and garbage for trialdel */
                gc_decref(heap, l);
                gc_decref(heap, m);
            }
            if (is_disabled) {
                gc_disable(heap);
            }
            uint64_t ran = safepoint_collections(heap);
            if (ran != !is_disabled) {
                tap_diag("%s: %llu collections, %s", specs[c],
                         (unsigned long long)ran,
                         is_disabled ? "disabled" : "enabled");
            }
            check_uint(ran, ==, is_disabled ? 0 : 1);
            gc_enable(heap);
            gc_safepoint(heap);
            gc_decref(heap, keep);
            gc_collect(heap, 2);
            check_uint(gc_heap_destroy(heap), ==, 0);
        }
    }
    TEST("the budget's and trigger's fallbacks: incremental with "
         "threshold1 0 or threshold0 -1 still collects, and frees cycles") {
        /* auto_budget divides by threshold1, 10 when it is not above 0;
         * count=tracked looks again after threshold0 - tracked
         * allocations, and every allocation when threshold0 is not
         * above 0. */
        static const int64_t thresholds[][3] = {{700, 0, 0}, {-1, 10, 10}};
        for (int k = 0; k < 2; k++) {
            struct gc_heap *heap =
                spec_heap("incremental:profile=3.14,count=tracked");
            gc_set_threshold(heap, 3, thresholds[k]);
            for (int i = 0; i < 3000; i++) { /* 3000 two-list cycles */
                struct gc_object *a = gc_list_new(heap);
                struct gc_object *b = gc_list_new(heap);
                gc_list_append(heap, a, b);
                gc_list_append(heap, b, a);
                gc_decref(heap, a);
                gc_decref(heap, b);
                gc_safepoint(heap); /* where 3.14 runs what was scheduled */
            }
            struct gc_gen_stats st[3];
            gc_get_stats(heap, st);
            uint64_t runs = collections(heap);
            uint64_t freed = st[0].collected + st[1].collected +
                             st[2].collected;
            tap_diag("thresholds %lld/%lld: %llu collections, %llu freed",
                     (long long)thresholds[k][0], (long long)thresholds[k][1],
                     (unsigned long long)runs, (unsigned long long)freed);
            check_uint(runs, >, 3);
            check_uint(freed, >, 3000); /* more than half, no gc.collect */
            gc_collect(heap, 2);
            check_uint(gc_heap_destroy(heap), ==, 0);
        }
    }
    TEST("full:defer=live collects at once when the count is 40 times "
         "over its trigger, whatever memory did") {
        struct gc_heap *heap = spec_heap("full:defer=live,min=100");
        /* 16 MB live at the collection: 5000 lists more are under the
         * 10% growth that defers, and 50 times min=100 in count. */
        struct gc_object *keep = gc_list_new(heap), *big = NULL;
        check_int(gc_bytes_new(heap, 16u << 20, &big), ==, GC_OK);
        gc_list_append(heap, keep, big);
        gc_decref(heap, big);
        gc_collect(heap, 2); /* the memory mark deferral compares with */
        gc_disable(heap);
        for (int i = 0; i < 5000; i++) {
            struct gc_object *l = gc_list_new(heap);
            gc_list_append(heap, keep, l);
            gc_decref(heap, l);
        }
        gc_enable(heap);
        struct gc_gen_stats before[3], after[3];
        gc_get_stats(heap, before);
        struct gc_object *one = gc_list_new(heap); /* count past trigger */
        gc_safepoint(heap);
        gc_get_stats(heap, after);
        check_uint(after[2].collections, ==, before[2].collections + 1);
        gc_decref(heap, one);
        gc_decref(heap, keep);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("pending-rule=off: a due full collection is never held back by "
         "the 25% rule") {
        /* Everything kept, thresholds 10/1/1: generation 2 is often
         * due; with the rule, some of those wait for pending to reach
         * a quarter of the last full survivors (11 against 26 here). */
        uint64_t fulls[2];
        for (int off = 0; off < 2; off++) {
            struct gc_heap *heap = spec_heap(
                off ? "cpython:profile=3.11,threshold=10/1/1,pending-rule=off"
                    : "cpython:profile=3.11,threshold=10/1/1,pending-rule=on");
            struct gc_object *keep = gc_list_new(heap);
            gc_root_set(heap, "keep", keep);
            gc_decref(heap, keep);
            for (int i = 0; i < 2000; i++) {
                struct gc_object *l = gc_list_new(heap);
                gc_list_append(heap, keep, l);
                gc_decref(heap, l);
            }
            struct gc_gen_stats st[3];
            gc_get_stats(heap, st);
            fulls[off] = st[2].collections;
            check_uint(gc_heap_destroy(heap), ==, 0);
        }
        tap_diag("full collections: %llu with the rule, %llu without",
                 (unsigned long long)fulls[0], (unsigned long long)fulls[1]);
        check_uint(fulls[1], >, fulls[0]);
    }
    TEST("young-cap due together with the count: the collection is the "
         "count's; with the count under its threshold, the bytes'") {
        for (int n = 0; n < 2; n++) {
            struct gc_heap *heap =
                spec_heap("cpython:profile=3.11,threshold=100,young-cap=1");
            enum gc_reason first = GC_REASON_MANUAL;
            struct gc_listener l = {.data = &first, .collect_begin = on_why};
            gc_set_listener(heap, &l);
            struct gc_object *keep = gc_list_new(heap);
            gc_disable(heap);
            for (int i = 0; i < (n == 0 ? 200 : 50); i++) {
                struct gc_object *l1 = gc_list_new(heap), *b = NULL;
                gc_bytes_new(heap, 2048, &b); /* 1 kB cap: due at once */
                gc_list_append(heap, l1, b);
                gc_list_append(heap, keep, l1);
                gc_decref(heap, b);
                gc_decref(heap, l1);
            }
            gc_enable(heap);
            gc_safepoint(heap);
            check_str(gc_reason_name(first),
                      gc_reason_name(n == 0 ? GC_REASON_THRESHOLD
                                            : GC_REASON_BYTES));
            gc_decref(heap, keep);
            check_uint(gc_heap_destroy(heap), ==, 0);
        }
    }
    return tap_done();
}

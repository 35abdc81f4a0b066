/* tests/t-liveness.c -- every cycle collector frees unreachable cycles
 * without gc.collect(2), within the bound it declares (gc_heap_sweeps):
 * garbage made when the collector had completed E sweeps is gone once
 * it has completed E + bound, and it does complete them.
 *
 * The program only allocates: a list it keeps grows by one instance per
 * step (so generations fill and the 25% rule lets full collections
 * through), and now and then it drops garbage of three shapes, each
 * watched through a weakref to one member: small fresh rings; rings of
 * instances taken from the kept list at random places, so their members
 * have different ages and sit in different generations or old spaces;
 * and rings of a block of kept objects longer than an increment's
 * budget.  A collector that examines only part of the heap per
 * collection and misses what the parts reach (an increment without its
 * seeds' closures) never frees the last two kinds. */
#include "support.h"

#include <stdlib.h>

#define MAX_ITEMS 256

struct item {
    struct gc_object *wr; /* to one member; NULL once seen freed */
    uint64_t made_at;     /* sweeps completed when it became garbage */
    int members;
};

struct run {
    struct gc_heap *heap;
    struct gc_class *cls;
    struct gc_object *keep;
    struct item items[MAX_ITEMS];
    int nitems, nfreed;
    uint64_t rng, sweeps, worst_lag;
    unsigned bound;
    bool has_failed;
};

static uint64_t
next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static uint64_t
sweeps_of(struct run *r)
{
    uint64_t sweeps = 0;
    unsigned bound = 0;
    gc_heap_sweeps(r->heap, &sweeps, &bound);
    return sweeps;
}

/* Links members into a ring through attribute "o", watches the first
 * and drops the caller's references. */
static void
make_ring(struct run *r, struct gc_object **members, int n)
{
    if (r->nitems == MAX_ITEMS) {
        for (int i = 0; i < n; i++) {
            gc_decref(r->heap, members[i]);
        }
        return;
    }
    struct item *it = &r->items[r->nitems++];
    check_int(gc_weakref_new(r->heap, members[0], NULL, NULL, &it->wr), ==,
              GC_OK);
    for (int i = 0; i < n; i++) {
        gc_attr_set(r->heap, members[i], "o", members[(i + 1) % n]);
    }
    for (int i = 0; i < n; i++) {
        gc_decref(r->heap, members[i]);
    }
    gc_safepoint(r->heap);
    it->made_at = sweeps_of(r);
    it->members = n;
}

static void
fresh_ring(struct run *r, int n)
{
    struct gc_object *m[8];
    for (int i = 0; i < n; i++) {
        m[i] = gc_instance_new(r->heap, r->cls);
    }
    make_ring(r, m, n);
}

/* Takes n kept objects: at random places, or a block at a random place;
 * each is removed from the kept list, a new reference returned. */
static void
take_kept(struct run *r, struct gc_object **out, int n, bool is_block)
{
    size_t len = gc_list_len(r->keep);
    size_t at = (size_t)(next_random(&r->rng) % (len - (size_t)n));
    for (int i = 0; i < n; i++) {
        size_t k = is_block ? at : (size_t)(next_random(&r->rng) % len);
        out[i] = gc_incref(gc_list_get(r->keep, k));
        gc_list_remove_at(r->heap, r->keep, k);
        len--;
    }
}

static void
aged_ring(struct run *r, int n, bool is_block)
{
    struct gc_object **m = malloc((size_t)n * sizeof *m);
    if (m == NULL) {
        return;
    }
    take_kept(r, m, n, is_block);
    make_ring(r, m, n);
    free(m);
}

/* Looks at every watched structure: freed ones leave, live ones must be
 * within the bound.  Returns how many are still alive. */
static int
watch(struct run *r, const char *spec)
{
    uint64_t now = sweeps_of(r);
    int alive = 0;
    for (int i = 0; i < r->nitems; i++) {
        struct item *it = &r->items[i];
        if (it->wr == NULL) {
            continue;
        }
        if (gc_weakref_get(it->wr) == NULL) {
            uint64_t lag = now - it->made_at;
            r->worst_lag = lag > r->worst_lag ? lag : r->worst_lag;
            gc_decref(r->heap, it->wr);
            it->wr = NULL;
            r->nfreed++;
            continue;
        }
        alive++;
        if (now >= it->made_at + r->bound && !r->has_failed) {
            tap_diag("%s: a ring of %d made after sweep %llu is alive after "
                     "sweep %llu (bound %u)",
                     spec, it->members, (unsigned long long)it->made_at,
                     (unsigned long long)now, r->bound);
            r->has_failed = true;
        }
    }
    return alive;
}

/* t0 > 0: gc.set_threshold(t0, 5, 5) first. */
static void
run_liveness(const char *spec, int64_t t0, long min_steps, long max_steps)
{
    char err[256];
    struct run r = {.rng = 0x9e3779b97f4a7c15ULL};
    if (gc_heap_new_spec(spec, NULL, &r.heap, err, sizeof err) != GC_OK) {
        tap_diag("%s", err);
        check(false);
        return;
    }
    if (t0 > 0) {
        int64_t t[3] = {t0, 5, 5};
        check_int(gc_set_threshold(r.heap, 3, t), ==, GC_OK);
    }
    check(gc_heap_sweeps(r.heap, &r.sweeps, &r.bound));
    check_uint(r.bound, >=, 1);
    struct gc_class_spec cs = {.name = "N"};
    check_int(gc_class_new(r.heap, &cs, &r.cls), ==, GC_OK);
    r.keep = gc_list_new(r.heap);
    gc_root_set(r.heap, "keep", r.keep);
    gc_decref(r.heap, r.keep);
    long step;
    int alive = 0;
    for (step = 0; step < max_steps; step++) {
        struct gc_object *o = gc_instance_new(r.heap, r.cls);
        gc_list_append(r.heap, r.keep, o);
        gc_decref(r.heap, o);
        gc_safepoint(r.heap);
        if (step < min_steps && step > 100) {
            if (step % 61 == 0) {
                fresh_ring(&r, 2 + (int)(next_random(&r.rng) % 6));
            }
            if (step % 397 == 0) {
                aged_ring(&r, 2 + (int)(next_random(&r.rng) % 40), false);
            }
            if (step % 3001 == 0) {
                aged_ring(&r, 1500, true);
            }
        }
        alive = watch(&r, spec);
        if (step >= min_steps && alive == 0 && sweeps_of(&r) > r.bound) {
            break;
        }
    }
    uint64_t sweeps = sweeps_of(&r);
    /* The lag is seen at the end of a step, which may complete several
     * sweeps (a ring of 1500 buffers as many candidates). */
    tap_diag("%s: %d rings freed in %ld steps and %llu sweeps, seen freed "
             "up to %llu sweeps after they were made, bound %u",
             spec, r.nfreed, step, (unsigned long long)sweeps,
             (unsigned long long)r.worst_lag, r.bound);
    check(!r.has_failed);
    check_int(alive, ==, 0); /* all freed, without collect(2) */
    check_int(r.nfreed, >=, 20);
    check_uint(sweeps, >, r.bound); /* the bound was tested */
    for (int i = 0; i < r.nitems; i++) {
        gc_xdecref(r.heap, r.items[i].wr);
    }
    check_uint(gc_heap_destroy(r.heap), ==, 0);
}

int
main(void)
{
    /* Small thresholds keep sweeps frequent; the defaults once. */
    static const struct {
        const char *spec;
        int64_t t0;
    } runs[] = {
        {"cpython", 100},     {"cpython:generations=2", 100},
        {"full", 0},          {"incremental", 100},
        {"incremental:budget=64", 0}, {"trialdel:buffer=500", 0},
    };
    static const char *const profiles[] = {"2.7",  "3.8",  "3.11",
                                           "3.13", "3.14", "3.15"};
    char spec[128], name[256];
    for (size_t s = 0; s < sizeof runs / sizeof *runs; s++) {
        for (size_t p = 0; p < sizeof profiles / sizeof *profiles; p++) {
            snprintf(spec, sizeof spec, "%s%sprofile=%s", runs[s].spec,
                     strchr(runs[s].spec, ':') ? "," : ":", profiles[p]);
            snprintf(name, sizeof name,
                     "%s%s: unreachable cycles freed within the declared "
                     "bound, without collect(2)",
                     spec, runs[s].t0 ? " (thresholds 100/5/5)" : "");
            TEST(name) {
                /* One failure says it; the rest would only take long. */
                if (tap_failures() > 0) {
                    tap_skip("an earlier run failed");
                }
                else {
                    run_liveness(spec, runs[s].t0, 12000, 100000);
                }
            }
        }
    }
    TEST("cpython at default thresholds (3.11)") {
        if (tap_failures() > 0) {
            tap_skip("an earlier run failed");
        }
        else {
            run_liveness("cpython:profile=3.11", 0, 12000, 400000);
        }
    }
    TEST("trialdel at its default buffer (3.11)") {
        if (tap_failures() > 0) {
            tap_skip("an earlier run failed");
        }
        else {
            run_liveness("trialdel:profile=3.11", 0, 12000, 100000);
        }
    }
    TEST("none makes no liveness promise") {
        struct gc_heap *heap = NULL;
        char err[128];
        uint64_t sweeps = 0;
        unsigned bound = 0;
        check_int(gc_heap_new_spec("none", NULL, &heap, err, sizeof err), ==,
                  GC_OK);
        check(!gc_heap_sweeps(heap, &sweeps, &bound));
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    return tap_done();
}

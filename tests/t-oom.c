/* tests/t-oom.c -- out of memory at every allocation of a small program
 * that touches every allocating path (heap creation, classes, each
 * type, resizes of lists, dicts and attribute tables, weakrefs, the
 * 3.11 shared-keys overflow).  Each failure must come back as GC_ENOMEM,
 * leave a heap that destroys cleanly, and leak nothing; ASan and
 * valgrind runs of this test check the memory itself. */
#include "support.h"

/* Stores a new reference under a root name and drops the local one, so
 * that whatever happens next, the heap owns everything made so far. */
static enum gc_status
keep(struct gc_heap *heap, const char *name, struct gc_object *obj)
{
    if (obj == NULL) {
        return GC_ENOMEM;
    }
    enum gc_status rc = gc_root_set(heap, name, obj);
    gc_decref(heap, obj);
    return rc;
}

static void
noop_callback(struct gc_heap *heap, struct gc_object *wr, void *data)
{
    (void)heap;
    (void)wr;
    (*(int *)data)++;
}

static enum gc_status
program(struct gc_heap *heap, int *callbacks)
{
    struct gc_object *saved = gc_list_new(heap);
    GC_TRY(keep(heap, "saved", saved));
    struct gc_class_spec node_spec = {.name = "Node",
                                      .finalizer = GC_FIN_RESURRECT,
                                      .resurrect_into = saved};
    struct gc_class *node;
    GC_TRY(gc_class_new(heap, &node_spec, &node));
    static const char *const slots[] = {"d", "t", "s"};
    struct gc_class_spec rec_spec = {.name = "Rec", .has_slots = true,
                                     .nslots = 3, .slots = slots};
    struct gc_class *rec;
    GC_TRY(gc_class_new(heap, &rec_spec, &rec));

    /* A ring of five instances. */
    GC_TRY(keep(heap, "ring", gc_instance_new(heap, node)));
    struct gc_object *prev = gc_root_get(heap, "ring");
    for (int i = 1; i < 5; i++) {
        struct gc_object *n = gc_instance_new(heap, node);
        if (n == NULL) {
            return GC_ENOMEM;
        }
        enum gc_status rc = gc_attr_set(heap, prev, "next", n);
        gc_decref(heap, n);
        GC_TRY(rc);
        prev = n;
    }
    GC_TRY(gc_attr_set(heap, prev, "next", gc_root_get(heap, "ring")));

    /* A list that resizes several times, of ints and strs. */
    GC_TRY(keep(heap, "l", gc_list_new(heap)));
    struct gc_object *l = gc_root_get(heap, "l");
    for (int i = 0; i < 40; i++) {
        struct gc_object *v = (i & 1) ? gc_int_new(heap, 1000 + i)
                                      : gc_str_from_cstr(heap, "item");
        if (v == NULL) {
            return GC_ENOMEM;
        }
        enum gc_status rc = gc_list_append(heap, l, v);
        gc_decref(heap, v);
        GC_TRY(rc);
    }

    /* A dict that resizes, holding tuples and the list. */
    GC_TRY(keep(heap, "d", gc_dict_new(heap)));
    struct gc_object *d = gc_root_get(heap, "d");
    char key[16];
    for (int i = 0; i < 20; i++) {
        struct gc_object *items[2] = {l, gc_list_get(l, (size_t)i)};
        struct gc_object *t = gc_tuple_new(heap, 2, items);
        if (t == NULL) {
            return GC_ENOMEM;
        }
        snprintf(key, sizeof key, "k%d", i);
        enum gc_status rc = gc_dict_set_cstr(heap, d, key, t);
        gc_decref(heap, t);
        GC_TRY(rc);
    }

    /* Slotted records, weakrefs with callbacks. */
    GC_TRY(keep(heap, "r", gc_instance_new(heap, rec)));
    GC_TRY(gc_attr_set(heap, gc_root_get(heap, "r"), "d", d));
    struct gc_object *w;
    GC_TRY(gc_weakref_new(heap, gc_root_get(heap, "ring"), noop_callback,
                          callbacks, &w));
    GC_TRY(keep(heap, "w", w));
    struct gc_object *victim = gc_instance_new(heap, node);
    if (victim == NULL) {
        return GC_ENOMEM;
    }
    enum gc_status rc = gc_weakref_new(heap, victim, noop_callback,
                                       callbacks, &w);
    gc_decref(heap, victim); /* resurrects into saved */
    GC_TRY(rc);
    GC_TRY(keep(heap, "w2", w));

    /* More attribute names than 3.11's shared keys hold. */
    GC_TRY(keep(heap, "wide", gc_instance_new(heap, node)));
    for (int i = 0; i < 32; i++) {
        snprintf(key, sizeof key, "a%d", i);
        GC_TRY(gc_attr_set(heap, gc_root_get(heap, "wide"), key, l));
    }
    GC_TRY(gc_root_del(heap, "ring")); /* the ring is garbage now */
    /* Collect it: finalizers resurrect into saved, whose appends may
     * fail (counted as unraisable); then everything else. */
    gc_collect(heap, 2);
    gc_list_clear(heap, gc_root_get(heap, "saved"));
    gc_collect(heap, 2);
    return GC_OK;
}

static void
every_allocation(enum gc_profile profile, bool is_persistent)
{
    char name[160];
    uint64_t k, failures = 0, leaks = 0, wrong = 0, heap_failures = 0;
    enum gc_status rc = GC_ENOMEM;
    bool injected = true;
    /* Until a run passes its last allocation without a failure. */
    for (k = 1; injected && k < 100000; k++) {
        struct gc_failing_allocator fa;
        gc_failing_allocator_init(&fa, k, is_persistent);
        struct gc_heap_config cfg;
        gc_heap_config_init(&cfg);
        cfg.profile = profile;
        cfg.allocator = &fa.base;
        struct gc_heap *heap;
        int callbacks = 0;
        rc = gc_heap_new(&cfg, &heap);
        injected = fa.failures != 0;
        if (rc == GC_OK) {
            /* Automatic collections at failure points too. */
            int64_t fifty = 50;
            gc_set_threshold(heap, 1, &fifty);
        }
        if (rc != GC_OK) {
            heap_failures++;
            wrong += rc != GC_ENOMEM || heap != NULL || fa.failures == 0;
            continue;
        }
        rc = program(heap, &callbacks);
        injected = fa.failures != 0;
        if (rc != GC_OK) {
            failures++;
            wrong += rc != GC_ENOMEM || fa.failures == 0;
        }
        else {
            /* Success despite a failure: only where Python would print
             * "Exception ignored" (a finalizer's own allocation). */
            wrong += fa.failures != 0 &&
                     gc_heap_stats(heap)->unraisable_errors == 0;
        }
        leaks += gc_heap_destroy(heap) != 0;
    }
    snprintf(name, sizeof name,
             "%s: %s failure at each of %llu allocations gives ENOMEM and "
             "leaks nothing", gc_profile_name(profile),
             is_persistent ? "a persistent" : "a single",
             (unsigned long long)(k - 2));
    TEST(name) {
        check_int(rc, ==, GC_OK); /* the run without a failure passed */
        check_uint(heap_failures, >, 250); /* the small-int cache alone */
        check_uint(failures, >, 50);
        check_uint(wrong, ==, 0);
        check_uint(leaks, ==, 0);
    }
}

int
main(void)
{
    for (size_t i = 0; i < NPROFILES; i++) {
        every_allocation(all_profiles[i], false);
        every_allocation(all_profiles[i], true);
    }
    /* Heap creation fails cleanly at each of its allocations on every
     * collector: the collectors' own state included. */
    static const char *const specs[] = {"cpython", "full", "incremental",
                                        "trialdel", "none"};
    for (size_t s = 0; s < sizeof specs / sizeof *specs; s++) {
        char name[96];
        snprintf(name, sizeof name,
                 "%s: heap creation fails at each allocation with ENOMEM",
                 specs[s]);
        TEST(name) {
            enum gc_status rc = GC_ENOMEM;
            uint64_t k, wrong = 0;
            for (k = 1; rc == GC_ENOMEM && k < 100000; k++) {
                struct gc_failing_allocator fa;
                gc_failing_allocator_init(&fa, k, false);
                struct gc_heap *heap = NULL;
                char err[200];
                rc = gc_heap_new_spec(specs[s], &fa.base, &heap, err,
                                      sizeof err);
                wrong += rc != GC_OK && (rc != GC_ENOMEM || heap != NULL);
                if (rc == GC_OK) {
                    wrong += fa.failures != 0;
                    wrong += gc_heap_destroy(heap) != 0;
                }
            }
            check_int(rc, ==, GC_OK);
            check_uint(k, >, 3);
            check_uint(wrong, ==, 0);
        }
    }
    TEST("a single failure in a list append leaves the list unchanged") {
        struct gc_failing_allocator fa;
        gc_failing_allocator_init(&fa, 0, false);
        struct gc_heap_config cfg;
        gc_heap_config_init(&cfg);
        cfg.allocator = &fa.base;
        struct gc_heap *heap;
        check_int(gc_heap_new(&cfg, &heap), ==, GC_OK);
        struct gc_object *l = gc_list_new(heap);
        fa.fail_at = fa.calls + 1;
        check_int(gc_list_append(heap, l, l), ==, GC_ENOMEM);
        check_uint(gc_list_len(l), ==, 0);
        check_int(gc_refcount(l), ==, 1);
        check_int(gc_list_append(heap, l, gc_none(heap)), ==, GC_OK);
        check_uint(gc_list_len(l), ==, 1);
        check_uint(gc_heap_stats(heap)->failed_allocations, ==, 1);
        gc_decref(heap, l);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    return tap_done();
}

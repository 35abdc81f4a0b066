/* tests/t-switches.c -- the environment switches a heap reads when it
 * is made (collectors/heap.c): GCLAB_CHECKS=N raises the verifier's
 * level, GCLAB_STRESS=1 verifies every 64th allocation too, and
 * GCLAB_MALLOC=malloc puts objects in malloc blocks instead of the
 * pool; the test knob GCLAB_DEBUG_EXTRA_TRAVERSE=PCT (debug.c) wastes
 * traversals.  None of them may change what a program sees: the same program
 * gives the same collection results, counts and statistics under each
 * setting, unreadable values included.  Only the arena figures say
 * whether the pool is in use. */
#include "support.h"

#include <stdlib.h>

struct outcome {
    int64_t collected[8];
    int64_t count[3];
    uint64_t freed, allocated;
    uint64_t arena_bytes, arena_peak_bytes;
};

/* A finalizer that allocates while the collection runs. */
static void
allocate_in_finalizer(struct gc_heap *heap, struct gc_object *self,
                      void *data)
{
    (void)self;
    (void)data;
    gc_xdecref(heap, gc_list_new(heap));
}

/* Rings of instances of every size up to 7 (one member of each with a
 * finalizer) and a list of 500 kept ones, with automatic collections at
 * a low threshold, then each generation collected by hand. */
static void
program(enum gc_profile p, struct outcome *out)
{
    memset(out, 0, sizeof *out);
    struct gc_heap *heap = new_heap(p);
    if (heap == NULL) {
        check(false);
        return;
    }
    int64_t t[3] = {50, 5, 5};
    gc_set_threshold(heap, 3, t);
    struct gc_class_spec cs = {.name = "N"};
    struct gc_class_spec fs = {.name = "F",
                               .finalizer = GC_FIN_FINALIZER,
                               .on_finalize = allocate_in_finalizer};
    struct gc_class *cls, *fin;
    check_int(gc_class_new(heap, &cs, &cls), ==, GC_OK);
    check_int(gc_class_new(heap, &fs, &fin), ==, GC_OK);
    struct gc_object *keep = gc_list_new(heap);
    for (int i = 0; i < 500; i++) {
        struct gc_object *o = gc_instance_new(heap, cls);
        gc_list_append(heap, keep, o);
        gc_decref(heap, o);
        int n = 1 + i % 7;
        struct gc_object *ring[7];
        for (int k = 0; k < n; k++) {
            ring[k] = gc_instance_new(heap, k == 0 ? fin : cls);
        }
        for (int k = 0; k < n; k++) {
            gc_attr_set(heap, ring[k], "next", ring[(k + 1) % n]);
        }
        for (int k = 0; k < n; k++) {
            gc_decref(heap, ring[k]);
        }
        gc_safepoint(heap);
    }
    check_int(gc_heap_prefault(heap, 1 << 20), ==, GC_OK);
    gc_get_count(heap, out->count);
    for (int g = 0; g < 3; g++) {
        out->collected[g] = gc_collect(heap, g);
    }
    gc_decref(heap, keep);
    out->collected[3] = gc_collect(heap, 2);
    out->freed = gc_heap_stats(heap)->objects_freed;
    out->allocated = gc_heap_stats(heap)->gc_objects_allocated;
    out->arena_bytes = gc_heap_arena_bytes(heap);
    out->arena_peak_bytes = gc_heap_arena_peak_bytes(heap);
    check_uint(gc_heap_destroy(heap), ==, 0);
}

static bool
same_results(const struct outcome *a, const struct outcome *b)
{
    return memcmp(a->collected, b->collected, sizeof a->collected) == 0 &&
           memcmp(a->count, b->count, sizeof a->count) == 0 &&
           a->freed == b->freed && a->allocated == b->allocated;
}

int
main(void)
{
    static const char *const names[] = {"GCLAB_CHECKS", "GCLAB_STRESS",
                                        "GCLAB_MALLOC",
                                        "GCLAB_DEBUG_EXTRA_TRAVERSE"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        unsetenv(names[i]);
    }
    static const struct {
        const char *name, *value;
    } settings[] = {
        {"GCLAB_CHECKS", "0"},   {"GCLAB_CHECKS", "1"},
        {"GCLAB_CHECKS", "2"},   {"GCLAB_CHECKS", "3"},
        {"GCLAB_CHECKS", "12"},  {"GCLAB_CHECKS", "x"},
        {"GCLAB_CHECKS", "/"},   {"GCLAB_STRESS", "1"},
        {"GCLAB_STRESS", "0"},   {"GCLAB_MALLOC", "malloc"},
        {"GCLAB_MALLOC", "pool"},
        {"GCLAB_DEBUG_EXTRA_TRAVERSE", "250"},
        {"GCLAB_DEBUG_EXTRA_TRAVERSE", "30"},
        {"GCLAB_DEBUG_EXTRA_TRAVERSE", ""},
        {"GCLAB_DEBUG_EXTRA_TRAVERSE", "0"},
        {"GCLAB_DEBUG_EXTRA_TRAVERSE", "10001"},
        {"GCLAB_DEBUG_EXTRA_TRAVERSE", "5x"},
    };
    static const enum gc_profile profiles[] = {GC_PROFILE_2_7,
                                               GC_PROFILE_3_13};
    for (size_t pi = 0; pi < sizeof profiles / sizeof *profiles; pi++) {
        enum gc_profile p = profiles[pi];
        struct outcome plain;
        program(p, &plain);
        for (size_t i = 0; i < sizeof settings / sizeof *settings; i++) {
            char name[128];
            snprintf(name, sizeof name, "%s: %s=%s changes no result",
                     gc_profile_name(p), settings[i].name,
                     settings[i].value);
            TEST(name) {
                struct outcome got;
                setenv(settings[i].name, settings[i].value, 1);
                program(p, &got);
                unsetenv(settings[i].name);
                check(same_results(&plain, &got));
                bool is_malloc = strcmp(settings[i].value, "malloc") == 0;
                if (is_malloc) {
                    /* no pool, so no arenas */
                    check_uint(got.arena_bytes, ==, 0);
                    check_uint(got.arena_peak_bytes, ==, 0);
                }
                else {
                    /* the pool, unless the build always uses malloc
                     * (sanitizers) */
                    check_uint(got.arena_bytes, ==, plain.arena_bytes);
                }
            }
        }
        TEST("the program made cycles for the collections to find") {
            check_int(plain.collected[0] + plain.collected[1] +
                          plain.collected[2], >, 0);
            check_uint(plain.freed, >=, 500); /* the kept ones at least */
        }
    }
    return tap_done();
}

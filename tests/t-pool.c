/* tests/t-pool.c -- the heap's default small-object allocator, seen
 * through the object API: blocks of every size class are distinct and
 * usable, freed blocks are reused, and arenas go back to the system
 * when their objects die; the shuffled layout scatters fresh blocks,
 * reuses freed ones, and frees everything.  (Sanitizer builds and GCLAB_MALLOC=malloc use
 * malloc instead; then the arena checks are skipped.) */
#include "gc-internal.h" /* the pool on its own */
#include "support.h"

#include <stdlib.h>

/* Of n objects allocated one after another, the share of neighbours
 * whose addresses go up by exactly one block -- 1.0 when placed in
 * allocation order. */
static double
adjacent_share(struct gc_object **objs, int n)
{
    int adjacent = 0;
    for (int i = 1; i < n; i++) {
        adjacent += (char *)objs[i] - (char *)objs[i - 1] ==
                    (char *)objs[1] - (char *)objs[0];
    }
    return (double)adjacent / (n - 1);
}

static struct gc_heap *
new_layout_heap(enum gc_layout layout, uint64_t seed)
{
    struct gc_heap_config cfg;
    gc_heap_config_init(&cfg);
    cfg.profile = GC_PROFILE_3_11;
    cfg.layout = layout;
    cfg.layout_seed = seed;
    struct gc_heap *heap = NULL;
    return gc_heap_new(&cfg, &heap) == GC_OK ? heap : NULL;
}

/* A chain of n instances built and dropped twice, on a heap of the
 * layout: the share of allocation-order neighbours in the first build,
 * and whether every object was freed (the heap balances to 0). */
static bool
layout_chain(enum gc_layout layout, uint64_t seed, int n, double *share)
{
    struct gc_heap *heap = new_layout_heap(layout, seed);
    struct gc_class *cls;
    struct gc_class_spec spec = {.name = "Node"};
    struct gc_object **objs = malloc((size_t)n * sizeof *objs);
    if (heap == NULL || objs == NULL ||
        gc_class_new(heap, &spec, &cls) != GC_OK) {
        free(objs);
        return false;
    }
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < n; i++) {
            objs[i] = gc_instance_new(heap, cls);
        }
        if (round == 0) {
            *share = adjacent_share(objs, n);
        }
        for (int i = 0; i + 1 < n; i++) {
            gc_attr_set(heap, objs[i], "next", objs[i + 1]);
        }
        for (int i = 1; i < n; i++) {
            gc_decref(heap, objs[i]);
        }
        gc_decref(heap, objs[0]); /* the chain goes by refcount */
    }
    free(objs);
    return gc_heap_destroy(heap) == 0;
}

int
main(void)
{
    struct gc_heap *heap = new_heap(GC_PROFILE_3_11);
    gc_disable(heap);
    bool has_pool = gc_heap_arena_bytes(heap) > 0;

    TEST("tuples of 0..70 items (every size class) keep their items") {
        enum { N = 4000 };
        static struct gc_object *tuples[N];
        struct gc_object *items[70];
        for (int i = 0; i < 70; i++) {
            items[i] = gc_int_new(heap, i);
        }
        for (int i = 0; i < N; i++) {
            tuples[i] = gc_tuple_new(heap, (size_t)(i % 70) + 1, items);
        }
        /* Free every third in a scrambled order, then make more, so
         * freed blocks are reused between live ones. */
        for (int i = 0; i < N; i += 3) {
            gc_decref(heap, tuples[(i * 7919) % N]);
            tuples[(i * 7919) % N] = NULL;
        }
        for (int i = 0; i < N; i++) {
            if (tuples[i] == NULL) {
                tuples[i] = gc_tuple_new(heap, (size_t)(i % 70) + 1, items);
            }
        }
        bool intact = true;
        for (int i = 0; i < N; i++) {
            size_t n = gc_tuple_len(tuples[i]);
            intact &= n == (size_t)(i % 70) + 1;
            intact &= ((uintptr_t)gc_head_of(tuples[i]) & 15) == 0;
            for (size_t k = 0; k < n; k++) {
                intact &= gc_int_value(gc_tuple_get(tuples[i], k)) ==
                          (int64_t)k;
            }
        }
        check(intact);
        for (int i = 0; i < N; i++) {
            gc_decref(heap, tuples[i]);
        }
        for (int i = 0; i < 70; i++) {
            gc_decref(heap, items[i]);
        }
    }
    TEST("a freed block is the next one handed out in its class") {
        struct gc_object *a = gc_list_new(heap);
        struct gc_object *b = gc_list_new(heap);
        void *where = a;
        gc_decref(heap, a);
        struct gc_object *c = gc_list_new(heap);
        if (!has_pool) {
            tap_skip("heap uses malloc");
        }
        check(!has_pool || (void *)c == where);
        gc_decref(heap, b);
        gc_decref(heap, c);
    }
    TEST("a block freed in a full pool is the next one handed out") {
        /* Instances have no free list: the block goes back to its pool,
         * which pymalloc offers first again, so churn in an old, full
         * pool reuses it rather than growing the heap. */
        struct gc_class_spec cs = {.name = "P"};
        struct gc_class *cls;
        check_int(gc_class_new(heap, &cs, &cls), ==, GC_OK);
        enum { N = 4000 };
        struct gc_object **objs = malloc(N * sizeof *objs);
        for (int i = 0; objs != NULL && i < N; i++) {
            objs[i] = gc_instance_new(heap, cls);
        }
        int reused = 0;
        for (int i = 100; objs != NULL && i < N / 2; i += 97) {
            void *where = objs[i];
            gc_decref(heap, objs[i]);
            objs[i] = gc_instance_new(heap, cls);
            reused += (void *)objs[i] == where;
        }
        if (!has_pool) {
            tap_skip("heap uses malloc");
        }
        check(!has_pool || reused == (N / 2 - 100 + 96) / 97);
        for (int i = 0; objs != NULL && i < N; i++) {
            gc_decref(heap, objs[i]);
        }
        free(objs);
    }
    TEST("arenas are returned when a million objects die") {
        if (!has_pool) {
            tap_skip("heap uses malloc");
        }
        uint64_t before = gc_heap_arena_bytes(heap);
        struct gc_object *l = gc_list_new(heap);
        for (int i = 0; i < 1000000; i++) {
            struct gc_object *t = gc_tuple_new(heap, 1, &l);
            gc_list_append(heap, l, t);
            gc_decref(heap, t);
        }
        uint64_t peak = gc_heap_arena_bytes(heap);
        check(!has_pool || peak > before + 40 * 1024 * 1024);
        gc_list_clear(heap, l);
        gc_decref(heap, l);
        gc_collect(heap, 2); /* the tuple free list held 2000 */
        /* One empty arena may be kept for reuse. */
        check(!has_pool || gc_heap_arena_bytes(heap) <= before + (1 << 20));
    }
    TEST("layout shuffled scatters a chain that alloc-order keeps in order") {
        double ordered = 0, shuffled = 0, again = 0;
        bool freed = layout_chain(GC_LAYOUT_ALLOC_ORDER, 1, 20000, &ordered);
        freed &= layout_chain(GC_LAYOUT_SHUFFLED, 1, 20000, &shuffled);
        freed &= layout_chain(GC_LAYOUT_SHUFFLED, 2, 20000, &again);
        if (!has_pool) {
            tap_skip("heap uses malloc");
        }
        check(freed);
        tap_diag("adjacent neighbours: alloc-order %.3f, shuffled %.3f",
                 ordered, shuffled);
        check(!has_pool || (ordered > 0.95 && shuffled < 0.05 && again < 0.05));
    }
    TEST("layout names parse and print") {
        enum gc_layout l = GC_LAYOUT_ALLOC_ORDER;
        check(gc_layout_parse("shuffled", &l) == GC_OK &&
              l == GC_LAYOUT_SHUFFLED);
        check(strcmp(gc_layout_name(GC_LAYOUT_ALLOC_ORDER), "alloc-order") == 0);
        check(gc_layout_parse("random", &l) == GC_EINVAL &&
              gc_layout_parse(NULL, &l) == GC_EINVAL);
    }
    check_no_leak(heap);
    TEST("the pool on its own: zero bytes, large blocks, and resizes "
         "within a class, across classes and across the threshold keep "
         "what they hold") {
        struct gc_pool pool;
        struct gc_allocator a;
        gc_pool_init(&pool, gc_profile_alloc(GC_PROFILE_3_13),
                     GC_LAYOUT_ALLOC_ORDER, 1, NULL, &a);
        /* malloc's, both: sizes 0 and over the threshold. */
        void *zero = a.alloc(a.ctx, 0);
        check(zero != NULL);
        a.free(a.ctx, zero, 0);
        check_uint(gc_pool_arena_count(&pool), ==, 0);
        unsigned char *p = a.alloc(a.ctx, 20);
        for (int i = 0; i < 20; i++) {
            p[i] = (unsigned char)i;
        }
        /* 20 -> 24: the same 8-byte class, the same block. */
        check(a.resize(a.ctx, p, 20, 24) == p);
        /* 24 -> 100 (another class), -> 4000 (malloc), -> 6000
         * (realloc), -> 300 (back in the pool), -> 0 (malloc). */
        static const size_t steps[] = {24, 100, 4000, 6000, 300, 0};
        bool kept = true;
        for (size_t k = 1; k < sizeof steps / sizeof *steps; k++) {
            p = a.resize(a.ctx, p, steps[k - 1], steps[k]);
            check(p != NULL);
            size_t n = steps[k] < 20 ? steps[k] : 20;
            for (size_t i = 0; i < n; i++) {
                kept &= p[i] == (unsigned char)i;
            }
        }
        check(kept);
        a.free(a.ctx, p, 0);
        /* A NULL block resized is an allocation. */
        p = a.resize(a.ctx, NULL, 0, 40);
        check(p != NULL);
        a.free(a.ctx, p, 40);
        gc_pool_fini(&pool);
    }
    return tap_done();
}

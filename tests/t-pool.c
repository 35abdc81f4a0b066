/* tests/t-pool.c -- the heap's default small-object allocator, seen
 * through the object API: blocks of every size class are distinct and
 * usable, freed blocks are reused, and arenas go back to the system
 * when their objects die.  (Sanitizer builds and GCLAB_MALLOC=malloc use
 * malloc instead; then the arena checks are skipped.) */
#include "support.h"

#include <stdlib.h>

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
    check_no_leak(heap);
    return tap_done();
}

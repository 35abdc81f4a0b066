/* tests/t-bytes.c -- payloads (gc_bytes_new) and the memory they make:
 * sys.getsizeof per profile as measured (2.7.18 str 37 + n; 3.8.18,
 * 3.11.7, 3.13.0 bytes 33 + n), live bytes, the allocator's path
 * (small blocks up to 512 bytes, 256 on 2.7), refcount freeing, sizes
 * Python refuses, running out of memory, the OS-visible model, and the
 * memory triggers: the byte trigger of cpython and full's deferral. */
#include "support.h"

#include <stdint.h>

static const uint64_t sizes[] = {0, 1, 10, 100, 1000, 10000, 100000};
/* sys.getsizeof(b"x" * n) for each of sizes, 2.7 then 3.x. */
static const size_t py27[] = {37, 38, 47, 137, 1037, 10037, 100037};
static const size_t py3[] = {33, 34, 43, 133, 1033, 10033, 100033};

static struct gc_heap *
heap_of(const char *spec)
{
    struct gc_heap *heap = NULL;
    char err[256];
    if (gc_heap_new_spec(spec, NULL, &heap, err, sizeof err) != GC_OK) {
        fprintf(stderr, "%s: %s\n", spec, err);
    }
    return heap;
}

int
main(void)
{
    TEST("sys.getsizeof and live bytes of bytes(n) on every profile") {
        for (size_t p = 0; p < NPROFILES; p++) {
            struct gc_heap *heap = new_heap(all_profiles[p]);
            for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
                uint64_t before = gc_heap_stats(heap)->live_bytes;
                struct gc_object *b;
                check_int(gc_bytes_new(heap, sizes[i], &b), ==, GC_OK);
                size_t want = all_profiles[p] == GC_PROFILE_2_7 ? py27[i]
                                                                : py3[i];
                check_uint(gc_object_py_sizeof(heap, b), ==, want);
                check_uint(gc_heap_stats(heap)->live_bytes - before, ==,
                           want);
                check(!gc_is_gc(b));
                gc_decref(heap, b); /* refcounting frees it at once */
                check_uint(gc_heap_stats(heap)->live_bytes, ==, before);
            }
            check_uint(gc_heap_destroy(heap), ==, 0);
        }
    }
    /* 2.7.18's too: its PyObject_Malloc compares n - 1 with 0x1ff. */
    TEST("the small-block threshold is 512 bytes on every profile") {
        for (size_t p = 0; p < NPROFILES; p++) {
            struct gc_heap *heap = new_heap(all_profiles[p]);
            size_t limit = 512;
            size_t header = all_profiles[p] == GC_PROFILE_2_7 ? 37 : 33;
            const struct gc_heap_stats *s = gc_heap_stats(heap);
            uint64_t medium = s->medium_live_bytes;
            uint64_t small = s->live_bytes - medium - s->big_live_bytes;
            struct gc_object *a, *b;
            check_int(gc_bytes_new(heap, limit - header, &a), ==, GC_OK);
            check_int(gc_bytes_new(heap, limit - header + 1, &b), ==, GC_OK);
            check_uint(s->live_bytes - s->medium_live_bytes -
                           s->big_live_bytes - small,
                       ==, limit);
            check_uint(s->medium_live_bytes - medium, ==, limit + 1);
            gc_decref(heap, a);
            gc_decref(heap, b);
            check_uint(gc_heap_destroy(heap), ==, 0);
        }
    }
    TEST("sizes Python refuses: 2^63 and 2^64-1 (-1) are GC_EINVAL") {
        struct gc_heap *heap = new_heap(GC_PROFILE_3_13);
        uint64_t before = gc_heap_stats(heap)->live_bytes;
        struct gc_object *b = (struct gc_object *)1;
        check_int(gc_bytes_new(heap, (uint64_t)1 << 63, &b), ==, GC_EINVAL);
        check(b == NULL);
        check_int(gc_bytes_new(heap, UINT64_MAX, &b), ==, GC_EINVAL);
        check_uint(gc_heap_stats(heap)->live_bytes, ==, before);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("a payload allocation that fails is GC_ENOMEM and leaks nothing") {
        struct gc_failing_allocator fa;
        gc_failing_allocator_init(&fa, 0, false);
        struct gc_heap_config cfg;
        gc_heap_config_init(&cfg);
        cfg.profile = GC_PROFILE_3_13;
        cfg.allocator = &fa.base;
        struct gc_heap *heap = NULL;
        check_int(gc_heap_new(&cfg, &heap), ==, GC_OK);
        fa.fail_at = fa.calls + 1;
        struct gc_object *b = (struct gc_object *)1;
        check_int(gc_bytes_new(heap, 10000, &b), ==, GC_ENOMEM);
        check(b == NULL);
        check_uint(fa.failures, ==, 1);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("the oracle mark counts payloads only the garbage holds") {
        struct gc_heap *heap = new_heap(GC_PROFILE_3_13);
        struct gc_object *l = gc_list_new(heap), *b, *shared;
        check_int(gc_bytes_new(heap, 10000, &b), ==, GC_OK);
        check_int(gc_bytes_new(heap, 5000, &shared), ==, GC_OK);
        gc_list_append(heap, l, b);
        gc_list_append(heap, l, b); /* twice: both references garbage's */
        gc_list_append(heap, l, shared);
        gc_list_append(heap, l, l);
        uint64_t list_bytes = gc_object_py_sizeof(heap, l);
        gc_decref(heap, b);
        gc_decref(heap, l);
        uint64_t objects, bytes;
        check_int(gc_heap_garbage(heap, &objects, &bytes), ==, GC_OK);
        /* shared is held from here too, so it would outlive the cycle */
        check_uint(objects, ==, 2);
        check_uint(bytes, ==, list_bytes + 10033);
        gc_decref(heap, shared);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("OS-visible memory holds the small and medium peaks, not big") {
        struct gc_heap *heap = new_heap(GC_PROFILE_3_13);
        uint64_t os0 = gc_heap_os_bytes(heap);
        struct gc_object *m, *big;
        check_int(gc_bytes_new(heap, 10000, &m), ==, GC_OK);
        check_int(gc_bytes_new(heap, 1000000, &big), ==, GC_OK);
        check_uint(gc_heap_os_bytes(heap) - os0, ==, 10033 + 1000033);
        gc_decref(heap, m);
        gc_decref(heap, big);
        /* malloc's heap keeps the medium block's pages; the big one was
         * mapped alone and goes back. */
        check_uint(gc_heap_os_bytes(heap) - os0, ==, 10033);
        check_uint(gc_heap_os_bytes(heap) % 1024, ==, 10033 % 1024);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("OS-visible memory is the same on the pool and on malloc") {
        uint64_t os[2], peak[2];
        for (int k = 0; k < 2; k++) {
            struct gc_heap_config cfg;
            gc_heap_config_init(&cfg);
            cfg.profile = GC_PROFILE_3_13;
            cfg.allocator = k ? &gc_allocator_system : NULL;
            struct gc_heap *heap = NULL;
            check_int(gc_heap_new(&cfg, &heap), ==, GC_OK);
            struct gc_object *keep = gc_list_new(heap);
            for (int i = 0; i < 3000; i++) {
                struct gc_object *l = gc_list_new(heap), *b;
                gc_bytes_new(heap, (uint64_t)(i % 7) * 5000, &b);
                gc_list_append(heap, l, b);
                gc_decref(heap, b);
                if (i % 3 == 0) {
                    gc_list_append(heap, keep, l);
                }
                gc_decref(heap, l);
            }
            gc_decref(heap, keep);
            os[k] = gc_heap_os_bytes(heap);
            peak[k] = gc_heap_stats(heap)->os_peak_bytes;
            check_uint(gc_heap_destroy(heap), ==, 0);
        }
        check_uint(os[0], ==, os[1]);
        check_uint(peak[0], ==, peak[1]);
        check_uint(peak[0], >, 3000 / 3 * 10000);
    }
    TEST("the byte trigger: a young collection after N kB, at a safepoint") {
        struct gc_heap *heap = heap_of("cpython:profile=3.13,bytes=64");
        struct gc_gen_stats st[3];
        struct gc_object *list = gc_list_new(heap);
        /* 64 kB of payloads held by one list: no container counted past
         * the object threshold, yet young collections run. */
        for (int i = 0; i < 100; i++) {
            struct gc_object *b;
            check_int(gc_bytes_new(heap, 1000, &b), ==, GC_OK);
            check_int(gc_list_append(heap, list, b), ==, GC_OK);
            gc_decref(heap, b);
            gc_safepoint(heap);
        }
        gc_get_stats(heap, st);
        check_uint(st[0].collections, ==, 1); /* 100 x 1033 bytes > 64 kB */
        gc_decref(heap, list);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("without bytes= payloads never trigger a collection") {
        struct gc_heap *heap = heap_of("cpython:profile=3.13");
        struct gc_gen_stats st[3];
        for (int i = 0; i < 1000; i++) {
            struct gc_object *b;
            check_int(gc_bytes_new(heap, 1000, &b), ==, GC_OK);
            gc_decref(heap, b);
            gc_safepoint(heap);
        }
        gc_get_stats(heap, st);
        check_uint(st[0].collections + st[1].collections + st[2].collections,
                   ==, 0);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("full:defer=os waits for 40x; defer=live collects on 10% growth") {
        uint64_t runs[2];
        const char *specs[] = {"full:profile=3.13,min=100,defer=os",
                               "full:profile=3.13,min=100,defer=live"};
        for (int k = 0; k < 2; k++) {
            struct gc_heap *heap = heap_of(specs[k]);
            /* Self-cycles with a 10 kB payload each: garbage at once. */
            for (int i = 0; i < 3000; i++) {
                struct gc_object *l = gc_list_new(heap), *b;
                check_int(gc_bytes_new(heap, 10000, &b), ==, GC_OK);
                gc_list_append(heap, l, b);
                gc_list_append(heap, l, l);
                gc_decref(heap, b);
                gc_decref(heap, l);
                gc_safepoint(heap);
            }
            struct gc_gen_stats st[3];
            gc_get_stats(heap, st);
            runs[k] = st[2].collections;
            check_uint(gc_heap_destroy(heap), ==, 0);
        }
        /* live: each time 10% more than the last collection left is
         * live, every ~100 cycles once the heap is small.  os: the
         * process never shrinks, so each collection waits for 10% above
         * the highest size yet, which rises: far fewer collections. */
        tap_diag("full:defer=os %llu collections, defer=live %llu",
             (unsigned long long)runs[0], (unsigned long long)runs[1]);
        check_uint(runs[1], >, 25);
        check_uint(runs[0] * 2, <, runs[1]);
    }
    return tap_done();
}

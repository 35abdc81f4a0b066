/* tests/t-deep.c -- freeing very deep structures by reference count
 * must not overflow the C stack: the trashcan defers deallocations
 * nested 50 deep and drains them in a loop (semantics.md 2.1).
 * Usage: t-deep [DEPTH], default 10,000,000. */
#include "support.h"

#include <stdlib.h>

static void
on_fin_count(struct gc_heap *heap, struct gc_object *self, void *data)
{
    (void)heap;
    (void)self;
    (*(uint64_t *)data)++;
}

int
main(int argc, char **argv)
{
    uint64_t depth = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
    char name[128];

    for (size_t p = 0; p < NPROFILES; p += 3) { /* 2.7 and 3.13 */
        struct gc_heap *heap = new_heap(all_profiles[p]);
        snprintf(name, sizeof name,
                 "%s: a chain of %llu nested lists is freed by one decref",
                 gc_profile_name(all_profiles[p]),
                 (unsigned long long)depth);
        TEST(name) {
            struct gc_object *head = gc_list_new(heap);
            bool ok = head != NULL;
            for (uint64_t i = 1; ok && i < depth; i++) {
                struct gc_object *outer = gc_list_new(heap);
                ok = outer && gc_list_append(heap, outer, head) == GC_OK;
                gc_decref(heap, head);
                head = outer;
            }
            check(ok);
            uint64_t live = gc_heap_stats(heap)->live_bytes;
            check_uint(live, >, depth * 48);
            const struct gc_heap_stats *st = gc_heap_stats(heap);
            uint64_t dead = st->gc_objects_freed + st->gc_objects_cached;
            gc_decref(heap, head);
            /* freed, or kept on the list free list */
            check_uint(st->gc_objects_freed + st->gc_objects_cached - dead,
                       ==, depth);
            check_uint(gc_heap_stats(heap)->trash_deferred, >, 0);
        }
        check_no_leak(heap);
    }

    /* Instances whose attribute dicts (3.8) or inline values (3.11) hold
     * the next one, each with a finalizer: every one must run. */
    enum gc_profile shapes[] = {GC_PROFILE_3_8, GC_PROFILE_3_11};
    for (size_t p = 0; p < 2; p++) {
        uint64_t n = depth / 10, finalized = 0;
        struct gc_heap *heap = new_heap(shapes[p]);
        struct gc_class_spec spec = {.name = "N",
                                     .finalizer = GC_FIN_FINALIZER,
                                     .on_finalize = on_fin_count,
                                     .data = &finalized};
        struct gc_class *cls;
        gc_class_new(heap, &spec, &cls);
        snprintf(name, sizeof name,
                 "%s: a chain of %llu instances with finalizers is freed, "
                 "each finalized once", gc_profile_name(shapes[p]),
                 (unsigned long long)n);
        TEST(name) {
            struct gc_object *head = gc_instance_new(heap, cls);
            bool ok = head != NULL;
            for (uint64_t i = 1; ok && i < n; i++) {
                struct gc_object *node = gc_instance_new(heap, cls);
                ok = node && gc_attr_set(heap, node, "next", head) == GC_OK;
                gc_decref(heap, head);
                head = node;
            }
            check(ok);
            gc_decref(heap, head);
            check_uint(finalized, ==, n);
            check_uint(gc_heap_stats(heap)->live_bytes, <, 1 << 20);
        }
        check_no_leak(heap);
    }
    return tap_done();
}

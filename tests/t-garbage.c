/* tests/t-garbage.c -- the oracle mark (gc_heap_garbage) finds exactly
 * the garbage a full collection then frees, on every profile, and
 * changes nothing: counts, lists and the next collection are as they
 * would have been without it. */
#include "support.h"

#include <stdlib.h>

/* A ring of n lists, the caller's reference dropped: garbage. */
static void
make_ring(struct gc_heap *heap, int n, uint64_t *bytes)
{
    struct gc_object *first = gc_list_new(heap), *cur = first;
    for (int i = 1; i < n; i++) {
        struct gc_object *next = gc_list_new(heap);
        gc_list_append(heap, cur, next);
        gc_decref(heap, next);
        cur = next;
    }
    gc_list_append(heap, cur, first);
    for (struct gc_object *o = first;;) {
        *bytes += gc_object_py_sizeof(heap, o);
        o = gc_list_get(o, 0);
        if (o == first) {
            break;
        }
    }
    gc_decref(heap, first);
}

static const char *
named(char *buf, const char *prof, const char *what)
{
    snprintf(buf, 128, "%s: %s", prof, what);
    return buf;
}

int
main(void)
{
    char name[128];
    for (size_t p = 0; p < NPROFILES; p++) {
        struct gc_heap *heap = new_heap(all_profiles[p]);
        gc_disable(heap);
        gc_collect(heap, 2);
        const char *prof = gc_profile_name(all_profiles[p]);

        TEST(named(name, prof, "an empty heap holds no garbage")) {
            uint64_t n = 1, bytes = 1;
            check(gc_heap_garbage(heap, &n, &bytes) == GC_OK);
            check_uint(n, ==, 0);
            check_uint(bytes, ==, 0);
        }

        /* Garbage: two rings (one made of an instance and a dict too)
         * and a list only a ring holds.  Not garbage: a ring held by a
         * root, a ring held only by this C code (an outside reference),
         * and a live list a garbage ring points into. */
        uint64_t want_bytes = 0;
        int want_objects = 0;
        make_ring(heap, 50, &want_bytes);
        want_objects += 50;
        struct gc_class *cls;
        struct gc_class_spec spec = {.name = "Node"};
        gc_class_new(heap, &spec, &cls);
        struct gc_object *inst = gc_instance_new(heap, cls);
        struct gc_object *d = gc_dict_new(heap);
        struct gc_object *hidden = gc_list_new(heap);
        struct gc_object *live = gc_list_new(heap);
        gc_dict_set_cstr(heap, d, "inst", inst);
        gc_attr_set(heap, inst, "d", d);
        gc_attr_set(heap, inst, "hidden", hidden);
        gc_attr_set(heap, inst, "live", live);
        want_bytes += gc_object_py_sizeof(heap, inst) +
                      gc_object_py_sizeof(heap, d) +
                      gc_object_py_sizeof(heap, hidden);
        /* 2.7 and 3.8 keep an instance's attributes in a dict of its own:
         * garbage too. */
        struct gc_object *idict = gc_instance_dict(inst);
        want_bytes += idict ? gc_object_py_sizeof(heap, idict) : 0;
        want_objects += 3 + (idict != NULL);
        gc_decref(heap, inst);
        gc_decref(heap, d);
        gc_decref(heap, hidden);
        struct gc_object *rooted = gc_list_new(heap);
        gc_list_append(heap, rooted, rooted);
        gc_root_set(heap, "rooted", rooted);
        gc_decref(heap, rooted);
        struct gc_object *held = gc_list_new(heap);
        gc_list_append(heap, held, held);

        TEST(named(name, prof, "the mark counts the garbage and its bytes")) {
            uint64_t n = 0, bytes = 0;
            check(gc_heap_garbage(heap, &n, &bytes) == GC_OK);
            check_uint(n, ==, (uint64_t)want_objects);
            check_uint(bytes, ==, want_bytes);
        }
        TEST(named(name, prof, "it changes nothing a collection sees")) {
            int64_t before[3], after[3];
            gc_get_count(heap, before);
            uint64_t n = 0, bytes = 0;
            gc_heap_garbage(heap, &n, &bytes);
            gc_get_count(heap, after);
            char err[256] = "";
            check(gc_heap_verify(heap, 2, err, sizeof err) == GC_OK);
            check_str(err, "");
            check(memcmp(before, after, sizeof before) == 0);
            /* The full collection frees exactly what the mark found. */
            check_int(gc_collect(heap, 2), ==, want_objects);
            check(gc_heap_garbage(heap, &n, &bytes) == GC_OK);
            check_uint(n, ==, 0);
            check_uint(bytes, ==, 0);
            check_int(gc_refcount(live), ==, 1); /* the ring's ref is gone */
        }
        TEST(named(name, prof, "a refcount below its references is reported")) {
            struct gc_object *l = gc_list_new(heap);
            gc_list_append(heap, held, l); /* held's ref, and ours */
            l->refcnt -= 2;                /* now below held's reference */
            uint64_t n, bytes;
            check(gc_heap_garbage(heap, &n, &bytes) == GC_EINVAL);
            l->refcnt += 2;
            char err[256] = "";
            check(gc_heap_verify(heap, 2, err, sizeof err) == GC_OK);
            gc_decref(heap, l);
        }
        gc_list_clear(heap, held);
        gc_decref(heap, held);
        gc_decref(heap, live);
        gc_root_del(heap, "rooted");
        gc_collect(heap, 2);
        check_no_leak(heap);
    }
    return tap_done();
}

/* tests/t-inline-values.c -- where 3.11+ keep an instance's attributes,
 * and when a class's shared keys are full, as CPython does:
 *   - 3.13: one block (_PyType_AllocNoTrack + _PyInlineValuesSize): 72
 *     bytes with one value of capacity, 96 with four; 3.11: the instance
 *     and a values array apart;
 *   - the capacity rule: the keys' reserve (dk_usable, 30) shrinks with
 *     each instance made and each name added; a name the full keys lack
 *     gives the instance a dict.  On 3.11.7 and 3.13.0 (gc.get_referents
 *     shows the dict):
 *       class A: pass; objs = [A() for _ in range(40)]; a = objs[-1]
 *       a.x = 1    # no dict
 *       a.y = 2    # a dict
 *       objs[0].z = 3   # a dict
 *       class C: pass; c = C(); 30 names on c   # a dict at the 30th
 *       class D: pass; objs = [D() for _ in range(40)]
 *       del objs[-1].q (AttributeError); objs[-1].x = 1   # a dict */
#include "support.h"

static struct gc_class *
make_class(struct gc_heap *heap, const char *name)
{
    struct gc_class_spec spec = {.name = name};
    struct gc_class *cls = NULL;
    gc_class_new(heap, &spec, &cls);
    return cls;
}

/* Makes n instances of cls into objs, each given names[0..nnames) as
 * it is made (an __init__ that sets them). */
static void
make(struct gc_heap *heap, struct gc_class *cls, struct gc_object **objs,
     size_t n, const char *const *names, size_t nnames)
{
    struct gc_object *one = gc_int_new(heap, 1);
    for (size_t i = 0; i < n; i++) {
        objs[i] = gc_instance_new(heap, cls);
        for (size_t k = 0; k < nnames; k++) {
            gc_attr_set(heap, objs[i], names[k], one);
        }
    }
    gc_decref(heap, one);
}

static void
drop(struct gc_heap *heap, struct gc_object **objs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        gc_decref(heap, objs[i]);
    }
}

/* Bytes and blocks one more instance of cls takes, made as make()
 * makes them. */
static void
cost_of_one(struct gc_heap *heap, struct gc_class *cls,
            const char *const *names, size_t nnames, uint64_t *bytes,
            uint64_t *blocks)
{
    struct gc_object *one = gc_int_new(heap, 1), *obj;
    const struct gc_heap_stats *st = gc_heap_stats(heap);
    uint64_t b0 = st->live_bytes, a0 = st->allocations;
    make(heap, cls, &obj, 1, names, nnames);
    *bytes = st->live_bytes - b0;
    *blocks = st->allocations - a0;
    gc_decref(heap, obj);
    gc_decref(heap, one);
}

int
main(void)
{
    struct gc_object *objs[40];
    static const char *const next[] = {"next"};
    static const char *const abc[] = {"a", "b", "c"};
    TEST("3.13: an instance and its values are one block of CPython's size") {
        struct gc_heap *heap = new_heap(GC_PROFILE_3_13);
        struct gc_class *node = make_class(heap, "Node");
        struct gc_class *rec = make_class(heap, "Rec");
        uint64_t bytes, blocks;
        /* Made first, then one sets "next": no reserve left, one entry. */
        make(heap, node, objs, 40, NULL, 0);
        struct gc_object *one = gc_int_new(heap, 1);
        gc_attr_set(heap, objs[0], "next", one);
        cost_of_one(heap, node, next, 1, &bytes, &blocks);
        check_uint(bytes, ==, 72);
        check_uint(blocks, ==, 1);
        drop(heap, objs, 40);
        /* Three names set as each is made: 3 entries, reserve 1. */
        make(heap, rec, objs, 40, abc, 3);
        cost_of_one(heap, rec, abc, 3, &bytes, &blocks);
        check_uint(bytes, ==, 96);
        check_uint(blocks, ==, 1);
        drop(heap, objs, 40);
        gc_decref(heap, one);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("3.11: the values are a block of their own (new_values)") {
        struct gc_heap *heap = new_heap(GC_PROFILE_3_11);
        struct gc_class *rec = make_class(heap, "Rec");
        uint64_t bytes, blocks;
        make(heap, rec, objs, 40, abc, 3);
        cost_of_one(heap, rec, abc, 3, &bytes, &blocks);
        check_uint(blocks, ==, 2);
        check_uint(bytes, ==, 64 + 8 + 4 * 8); /* prefix 6 -> 8, 4 values */
        drop(heap, objs, 40);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    for (size_t p = 2; p < NPROFILES; p++) {
        char name[96];
        snprintf(name, sizeof name,
                 "%s: instances made first leave the keys room for one name",
                 gc_profile_name(all_profiles[p]));
        TEST(name) {
            struct gc_heap *heap = new_heap(all_profiles[p]);
            struct gc_class *a = make_class(heap, "A");
            struct gc_object *one = gc_int_new(heap, 1);
            make(heap, a, objs, 40, NULL, 0);
            check_int(gc_attr_set(heap, objs[39], "x", one), ==, GC_OK);
            check_int(gc_instance_dict(objs[39]) == NULL, ==, 1);
            check_int(gc_attr_set(heap, objs[39], "y", one), ==, GC_OK);
            check_int(gc_instance_dict(objs[39]) != NULL, ==, 1);
            gc_attr_set(heap, objs[0], "z", one);
            check_int(gc_instance_dict(objs[0]) != NULL, ==, 1);
            check_int(gc_attr_get(heap, objs[39], "x") == one, ==, 1);
            check_int(gc_attr_get(heap, objs[39], "y") == one, ==, 1);
            drop(heap, objs, 40);
            gc_decref(heap, one);
            check_uint(gc_heap_destroy(heap), ==, 0);
        }
        snprintf(name, sizeof name,
                 "%s: one instance takes 29 names, the 30th makes a dict",
                 gc_profile_name(all_profiles[p]));
        TEST(name) {
            struct gc_heap *heap = new_heap(all_profiles[p]);
            struct gc_class *c = make_class(heap, "C");
            struct gc_object *one = gc_int_new(heap, 1);
            struct gc_object *obj = gc_instance_new(heap, c);
            char attr[8];
            for (int i = 0; i < 30; i++) {
                snprintf(attr, sizeof attr, "a%d", i);
                gc_attr_set(heap, obj, attr, one);
                check_int(gc_instance_dict(obj) != NULL, ==, i == 29);
            }
            gc_decref(heap, obj);
            gc_decref(heap, one);
            check_uint(gc_heap_destroy(heap), ==, 0);
        }
        snprintf(name, sizeof name,
                 "%s: deleting an unset name still takes a key",
                 gc_profile_name(all_profiles[p]));
        TEST(name) {
            struct gc_heap *heap = new_heap(all_profiles[p]);
            struct gc_class *d = make_class(heap, "D");
            struct gc_object *one = gc_int_new(heap, 1);
            make(heap, d, objs, 40, NULL, 0);
            check_int(gc_attr_del(heap, objs[39], "q"), ==, GC_ENOTFOUND);
            check_int(gc_instance_dict(objs[39]) == NULL, ==, 1);
            gc_attr_set(heap, objs[39], "x", one);
            check_int(gc_instance_dict(objs[39]) != NULL, ==, 1);
            drop(heap, objs, 40);
            gc_decref(heap, one);
            check_uint(gc_heap_destroy(heap), ==, 0);
        }
    }
    return tap_done();
}

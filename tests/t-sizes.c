/* tests/t-sizes.c -- gc_object_py_sizeof against sys.getsizeof as
 * measured on the six oracle interpreters (3.14/3.15: tests/probes/kinds314.py) (the numbers below are those
 * measurements: /tmp probe in the session that added this, recorded in
 * collectors/sizes.c; the dicts of str keys k0, k1, ...: a probe in the
 * session that added them, on all six:
 *   d = {}; for i in range(N): d["k%d" % i] = 1; sys.getsizeof(d)). */
#include "support.h"

struct expect {
    const char *what;
    size_t bytes[GC_PROFILE_COUNT]; /* 2.7, 3.8, 3.11, 3.13, 3.14, 3.15 */
};

static const struct expect table[] = {
    {"[]", {72, 56, 56, 56, 56, 56}},
    {"{}", {280, 64, 64, 64, 64, 64}},
    {"{'a': 1}", {280, 232, 184, 184, 184, 184}},
    {"tuple([1])", {64, 48, 48, 48, 56, 56}},
    {"tuple([1, 2])", {72, 56, 56, 56, 64, 64}},
    {"A()", {64, 48, 56, 48, 48, 48}},
    {"S() with 3 __slots__", {72, 56, 56, 56, 56, 56}},
    {"weakref.ref(a)", {88, 72, 80, 80, 80, 80}},
    {"int('1000')", {24, 28, 28, 28, 28, 28}},
    {"''.join(['ab', 'c'])", {40, 52, 52, 44, 44, 44}},
    {"None", {16, 16, 16, 16, 16, 16}},
    {"class A", {904, 1064, 1688, 1712, 1720, 1728}},
    {"class S with 3 __slots__", {1024, 896, 920, 944, 952, 960}},
    /* GROWTH_RATE: 3.x grows to the power of two of 3 x used (16 slots
     * at the sixth key), 2.7 to that above 4 x used (32); deleted
     * entries count until the table is rebuilt. */
    {"dict of 6 str keys", {1048, 360, 272, 272, 272, 272}},
    {"6 keys, 4 deleted, 1 added", {1048, 360, 272, 272, 272, 272}},
    {"dict of 20 str keys", {1048, 640, 464, 464, 464, 464}},
    /* 65,536 slots on 3.x: the first table with 4-byte indices. */
    {"dict of 21846 str keys", {3146008, 1310808, 961280, 961280, 961280,
                                961280}},
};

static struct gc_object *
make(struct gc_heap *heap, size_t i, struct gc_object **extra)
{
    static const char *const slots[] = {"a", "b", "c"};
    struct gc_class_spec as = {.name = "A"};
    struct gc_class_spec ss = {.name = "S", .has_slots = true, .nslots = 3,
                               .slots = slots};
    struct gc_class *cls;
    struct gc_object *one = gc_int_new(heap, 1), *two = gc_int_new(heap, 2);
    struct gc_object *items[2] = {one, two}, *obj = NULL;
    *extra = NULL;
    switch (i) {
    case 0:
        obj = gc_list_new(heap);
        break;
    case 1:
        obj = gc_dict_new(heap);
        break;
    case 2:
        obj = gc_dict_new(heap);
        gc_dict_set_cstr(heap, obj, "a", one);
        break;
    case 3:
    case 4:
        obj = gc_tuple_new(heap, i - 2, items);
        break;
    case 5:
        gc_class_new(heap, &as, &cls);
        obj = gc_instance_new(heap, cls);
        break;
    case 6:
        gc_class_new(heap, &ss, &cls);
        obj = gc_instance_new(heap, cls);
        break;
    case 7:
        gc_class_new(heap, &as, &cls);
        *extra = gc_instance_new(heap, cls);
        gc_weakref_new(heap, *extra, NULL, NULL, &obj);
        break;
    case 8:
        obj = gc_int_new(heap, 1000);
        break;
    case 9:
        obj = gc_str_from_cstr(heap, "abc");
        break;
    case 10:
        obj = gc_incref(gc_none(heap));
        break;
    case 13:
    case 14:
    case 15:
    case 16: {
        char key[16];
        int n = i == 16 ? 21846 : i == 15 ? 20 : 6;
        obj = gc_dict_new(heap);
        for (int k = 0; k < n; k++) {
            snprintf(key, sizeof key, "k%d", k);
            gc_dict_set_cstr(heap, obj, key, one);
        }
        for (int k = 0; i == 14 && k < 4; k++) {
            snprintf(key, sizeof key, "k%d", k);
            gc_dict_del_cstr(heap, obj, key);
        }
        if (i == 14) {
            gc_dict_set_cstr(heap, obj, "z", one);
        }
        break;
    }
    default: /* the class itself; the heap keeps its own reference */
        gc_class_new(heap, i == 11 ? &as : &ss, &cls);
        obj = gc_incref(gc_class_object(cls));
        break;
    }
    gc_decref(heap, one);
    gc_decref(heap, two);
    return obj;
}

/* Ints by their 30-bit digits, measured the same way:
 * [sys.getsizeof(x) for x in (0, -5, 2**30 - 1, 2**30, -2**30, 2**60)]. */
static const struct {
    int64_t value;
    size_t bytes[GC_PROFILE_COUNT];
} ints[] = {
    {0, {24, 24, 28, 28, 28, 28}},
    {-5, {24, 28, 28, 28, 28, 28}},
    {(INT64_C(1) << 30) - 1, {24, 28, 28, 28, 28, 28}},
    {INT64_C(1) << 30, {24, 32, 32, 32, 32, 32}},
    {-(INT64_C(1) << 30), {24, 32, 32, 32, 32, 32}},
    {INT64_C(1) << 60, {24, 36, 36, 36, 36, 36}},
};

int
main(void)
{
    char name[128];
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
        snprintf(name, sizeof name, "sys.getsizeof(%lld) per profile",
                 (long long)ints[i].value);
        TEST(name) {
            for (size_t p = 0; p < NPROFILES; p++) {
                struct gc_heap *heap = new_heap(all_profiles[p]);
                struct gc_object *obj = gc_int_new(heap, ints[i].value);
                check_uint(gc_object_py_sizeof(heap, obj), ==,
                           ints[i].bytes[p]);
                gc_decref(heap, obj);
                check_uint(gc_heap_destroy(heap), ==, 0);
            }
        }
    }
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        snprintf(name, sizeof name, "sys.getsizeof(%s) per profile",
                 table[i].what);
        TEST(name) {
            for (size_t p = 0; p < NPROFILES; p++) {
                struct gc_heap *heap = new_heap(all_profiles[p]);
                struct gc_object *extra, *obj = make(heap, i, &extra);
                check_uint(gc_object_py_sizeof(heap, obj), ==,
                           table[i].bytes[p]);
                gc_decref(heap, obj);
                gc_xdecref(heap, extra);
                check_uint(gc_heap_destroy(heap), ==, 0);
            }
        }
    }
    return tap_done();
}

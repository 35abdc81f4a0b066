/* tests/t-misuse.c -- the C API answers a wrong type, index or value
 * with the error code its header names (where Python would raise
 * TypeError, IndexError, KeyError, AttributeError, ValueError or
 * OverflowError) and leaves the objects as they were; names of values
 * outside an enum read "?". */
#include "support.h"

static void
count_starts(struct gc_heap *heap, enum gc_callback_phase phase,
             const struct gc_callback_info *info, void *data)
{
    (void)heap;
    (void)info;
    *(int *)data += phase == GC_CALLBACK_START;
}

static void
containers(enum gc_profile p)
{
    struct gc_heap *heap = new_heap(p);
    if (heap == NULL) {
        check(false);
        return;
    }
    struct gc_object *one = gc_int_new(heap, 1);
    struct gc_object *key = gc_str_from_cstr(heap, "k");
    struct gc_object *other = gc_str_from_cstr(heap, "other");
    struct gc_object *l = gc_list_new(heap);
    struct gc_object *d = gc_dict_new(heap);
    gc_list_append(heap, l, one);
    struct gc_object *t = gc_tuple_new(heap, 1, &one);

    /* list: TypeError, IndexError */
    check_int(gc_list_set(heap, d, 0, one), ==, GC_ETYPE);
    check_int(gc_list_set(heap, l, 1, key), ==, GC_ERANGE);
    check_int(gc_list_remove_at(heap, d, 0), ==, GC_ETYPE);
    check_int(gc_list_remove_at(heap, l, 1), ==, GC_ERANGE);
    check_uint(gc_list_len(l), ==, 1);
    check(gc_list_get(l, 0) == one);
    check(gc_list_get(l, 1) == NULL);
    check(gc_tuple_get(t, 1) == NULL);

    /* dict: a non-dict, a key that is not a str, a missing key */
    check_int(gc_dict_set(heap, l, key, one), ==, GC_ETYPE);
    check_int(gc_dict_set(heap, d, one, one), ==, GC_ETYPE);
    check_int(gc_dict_set_cstr(heap, l, "k", one), ==, GC_ETYPE);
    check_int(gc_dict_set(heap, d, key, l), ==, GC_OK);
    check(gc_dict_get(d, key) == l);
    check(gc_dict_get(d, other) == NULL);
    check_int(gc_dict_del(heap, d, other), ==, GC_ENOTFOUND);
    check_uint(gc_dict_len(d), ==, 1);
    check_int(gc_dict_del(heap, d, key), ==, GC_OK);
    check_uint(gc_dict_len(d), ==, 0);

    /* attributes of a non-instance, and of a slotted class */
    check_int(gc_attr_set(heap, l, "x", one), ==, GC_ETYPE);
    check(gc_attr_get(heap, l, "x") == NULL);
    check_int(gc_attr_del(heap, l, "x"), ==, GC_ETYPE);
    static const char *const slots[] = {"x"};
    struct gc_class_spec cs = {.name = "S", .has_slots = true, .nslots = 1,
                               .slots = slots};
    struct gc_class *cls;
    check_int(gc_class_new(heap, &cs, &cls), ==, GC_OK);
    struct gc_object *s = gc_instance_new(heap, cls);
    check_int(gc_attr_set(heap, s, "y", one), ==, GC_ENOTFOUND);
    check(gc_attr_get(heap, s, "y") == NULL);
    check_int(gc_attr_del(heap, s, "x"), ==, GC_ENOTFOUND);
    check_int(gc_attr_del(heap, s, "y"), ==, GC_ENOTFOUND);
    check_int(gc_attr_set(heap, s, "x", one), ==, GC_OK);
    check_int(gc_attr_del(heap, s, "x"), ==, GC_OK);

    gc_decref(heap, s);
    gc_decref(heap, t);
    gc_decref(heap, d);
    gc_decref(heap, l);
    gc_decref(heap, other);
    gc_decref(heap, key);
    gc_decref(heap, one);
    check_uint(gc_heap_destroy(heap), ==, 0);
}

int
main(void)
{
    for (size_t i = 0; i < NPROFILES; i++) {
        char name[96];
        snprintf(name, sizeof name,
                 "%s: lists, tuples, dicts and attributes refuse misuse",
                 gc_profile_name(all_profiles[i]));
        TEST(name) {
            containers(all_profiles[i]);
        }
    }
    TEST("gc.set_threshold: a count of values outside 1..3, or a value "
         "outside a C int, changes nothing") {
        struct gc_heap *heap = new_heap(GC_PROFILE_3_11);
        int64_t before[3], after[3];
        gc_get_threshold(heap, before);
        int64_t v[4] = {5, 5, 5, 5};
        check_int(gc_set_threshold(heap, 0, v), ==, GC_EINVAL);
        check_int(gc_set_threshold(heap, 4, v), ==, GC_EINVAL);
        int64_t low[2] = {5, -(1LL << 40)};
        check_int(gc_set_threshold(heap, 2, low), ==, GC_ERANGE);
        gc_get_threshold(heap, after);
        check(memcmp(before, after, sizeof before) == 0);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("gc.callbacks: five callbacks all run; removing an absent one "
         "is refused") {
        struct gc_heap *heap = new_heap(GC_PROFILE_3_11);
        int starts[5] = {0};
        for (int i = 0; i < 5; i++) {
            check_int(gc_callback_add(heap, count_starts, &starts[i]), ==,
                      GC_OK);
        }
        gc_collect(heap, 0);
        for (int i = 0; i < 5; i++) {
            check_int(starts[i], ==, 1);
        }
        int absent = 0;
        check_int(gc_callback_remove(heap, count_starts, &absent), ==,
                  GC_ENOTFOUND);
        check_int(gc_callback_remove(heap, count_starts, &starts[2]), ==,
                  GC_OK);
        gc_collect(heap, 0);
        check_int(starts[2], ==, 1);
        check_int(starts[4], ==, 2);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("names of values outside their enums read '?'; no heap to "
         "destroy leaks nothing") {
        enum gc_profile p = GC_PROFILE_3_8;
        check_str(gc_profile_name(GC_PROFILE_COUNT), "?");
        check_int(gc_profile_parse(NULL, &p), ==, GC_EINVAL);
        check_int(gc_profile_parse("3.12", &p), ==, GC_EINVAL);
        check_int(p, ==, GC_PROFILE_3_8);
        check_str(gc_layout_name((enum gc_layout)2), "?");
        check_str(gc_reason_name((enum gc_reason)99), "?");
        check_str(gc_phase_name(GC_PHASE_COUNT), "?");
        check_str(gc_cap_name(0), "?");
        check_uint(gc_heap_destroy(NULL), ==, 0);
    }
    return tap_done();
}

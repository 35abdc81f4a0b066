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

static void
other_callback(struct gc_heap *heap, enum gc_callback_phase phase,
               const struct gc_callback_info *info, void *data)
{
    count_starts(heap, phase, info, data);
}

/* Names must tell values apart: true of a table whose texts differ. */
static int
repeats(const char *const *names, size_t n)
{
    int same = 0;
    for (size_t i = 0; i < n; i++) {
        same += names[i] == NULL || names[i][0] == '\0' ||
                strcmp(names[i], "?") == 0;
        for (size_t j = 0; j < i; j++) {
            same += strcmp(names[i], names[j]) == 0;
        }
    }
    return same;
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
    TEST("gc_class_new refuses a bad spec and makes no class") {
        struct gc_heap *heap = new_heap(GC_PROFILE_3_11);
        struct gc_object *notlist = gc_dict_new(heap);
        static const char *const dup[] = {"a", "a"};
        static const char *const empty[] = {"a", ""};
        static const char *const null[] = {"a", NULL};
        const struct gc_class_spec bad[] = {
            {.name = NULL},
            {.name = ""},
            {.name = "F", .finalizer = (enum gc_finalizer_kind)9},
            {.name = "R", .finalizer = GC_FIN_RESURRECT},
            {.name = "R", .finalizer = GC_FIN_RESURRECT,
             .resurrect_into = notlist},
            {.name = "S", .has_slots = true, .nslots = 2, .slots = NULL},
            {.name = "S", .has_slots = true, .nslots = 2, .slots = dup},
            {.name = "S", .has_slots = true, .nslots = 2, .slots = empty},
            {.name = "S", .has_slots = true, .nslots = 2, .slots = null},
        };
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
            struct gc_class *cls = (struct gc_class *)heap;
            check_int(gc_class_new(heap, &bad[i], &cls), ==, GC_EINVAL);
            check(cls == NULL);
        }
        /* an empty __slots__ and a legacy tp_del are fine */
        struct gc_class *cls;
        const struct gc_class_spec none_slots = {.name = "E",
                                                 .has_slots = true};
        check_int(gc_class_new(heap, &none_slots, &cls), ==, GC_OK);
        const struct gc_class_spec legacy = {.name = "L",
                                             .finalizer = GC_FIN_LEGACY};
        check_int(gc_class_new(heap, &legacy, &cls), ==, GC_OK);
        check(gc_instance_class(notlist) == NULL);
        check(gc_instance_dict(notlist) == NULL);
        check_int(gc_dict_del_cstr(heap, gc_none(heap), "k"), ==, GC_ETYPE);
        gc_decref(heap, notlist);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("a heap of an unknown profile is refused, with or without a "
         "place for the message") {
        struct gc_heap_config cfg;
        gc_heap_config_init(&cfg);
        cfg.profile = GC_PROFILE_COUNT;
        struct gc_heap *heap = (struct gc_heap *)&cfg;
        check_int(gc_heap_new(&cfg, &heap), ==, GC_EINVAL);
        check(heap == NULL);
        char err[64] = "";
        cfg.err = err;
        cfg.err_bytes = sizeof err;
        check_int(gc_heap_new(&cfg, &heap), ==, GC_EINVAL);
        check_str(err, "unknown profile");
    }
    TEST("another callback function with the same data is not removed; "
         "debug flags without an output print nowhere") {
        struct gc_heap *heap = new_heap(GC_PROFILE_3_11);
        int starts = 0;
        check_int(gc_callback_add(heap, count_starts, &starts), ==, GC_OK);
        check_int(gc_callback_remove(heap, other_callback, &starts), ==,
                  GC_ENOTFOUND);
        struct gc_object *l = gc_list_new(heap);
        gc_list_append(heap, l, l);
        gc_decref(heap, l);
        gc_set_debug(heap, GC_DEBUG_STATS);
        check_int(gc_collect(heap, 2), ==, 1);
        check_int(starts, ==, 1);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("every status, phase, skip and capability has its own name") {
        const char *status[] = {
#define S(name, text) gc_status_str(name),
            GC_STATUS_LIST(S)
#undef S
        };
        const char *phase[] = {
#define P(name, text) gc_phase_name(name),
            GC_PHASE_LIST(P)
#undef P
        };
        const char *skip[] = {
#define S(name, text) gc_skip_name(name),
            GC_SKIP_LIST(S)
#undef S
        };
        const char *cap[] = {
#define C(name, text) gc_cap_name(name),
            GC_CAP_LIST(C)
#undef C
        };
        check_int(repeats(status, sizeof status / sizeof *status), ==, 0);
        check_int(repeats(phase, sizeof phase / sizeof *phase), ==, 0);
        check_int(repeats(skip, sizeof skip / sizeof *skip), ==, 0);
        check_int(repeats(cap, sizeof cap / sizeof *cap), ==, 0);
        check_str(gc_status_str((enum gc_status)99), "unknown status");
        check_str(gc_phase_name((enum gc_phase)99), "?");
        check_str(gc_skip_name(GC_SKIP_COUNT), "?");
        check_str(gc_skip_name((enum gc_skip)99), "?");
    }
    TEST("names of values outside their enums read '?'; no heap to "
         "destroy leaks nothing") {
        enum gc_profile p = GC_PROFILE_3_8;
        check_str(gc_profile_name(GC_PROFILE_COUNT), "?");
        check_int(gc_profile_parse(NULL, &p), ==, GC_EINVAL);
        check_int(gc_profile_parse("3.12", &p), ==, GC_EINVAL);
        check_int(p, ==, GC_PROFILE_3_8);
        check_str(gc_layout_name((enum gc_layout)3), "?");
        check_str(gc_reason_name((enum gc_reason)99), "?");
        check_str(gc_phase_name(GC_PHASE_COUNT), "?");
        check_str(gc_cap_name(0), "?");
        check_uint(gc_heap_destroy(NULL), ==, 0);
    }
    return tap_done();
}

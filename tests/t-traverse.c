/* tests/t-traverse.c -- every type's traversal stops at the first visit
 * that returns nonzero and returns that value, as CPython's Py_VISIT
 * does: gc.get_referents gives up when its result list cannot grow, and
 * a traversal that went on after a failed visit would append to a list
 * already given up, or hide the failure.  For each object of each shape
 * on every profile, a visitor that stops at visit i must see exactly i
 * visits, for every i up to the full count. */
#include "support.h"

struct stopper {
    int calls, stop_at;
};

static int
visit_stop(struct gc_object *obj, void *arg)
{
    (void)obj;
    struct stopper *s = arg;
    return ++s->calls == s->stop_at ? 7 : 0;
}

/* Returns how many visits a full traversal makes, and checks that a
 * stop at each of them ends it there. */
static int
check_stops(struct gc_object *obj, const char *what, enum gc_profile p)
{
    struct stopper all = {0, 0};
    check_int(gc_traverse(obj, visit_stop, &all), ==, 0);
    int wrong = 0;
    for (int i = 1; i <= all.calls; i++) {
        struct stopper s = {0, i};
        int rc = gc_traverse(obj, visit_stop, &s);
        if (rc != 7 || s.calls != i) {
            if (wrong++ == 0) {
                tap_diag("%s on %s: a stop at visit %d of %d returned %d "
                         "after %d visits",
                         what, gc_profile_name(p), i, all.calls, rc,
                         s.calls);
            }
        }
    }
    check_int(wrong, ==, 0);
    return all.calls;
}

static void
set_attrs(struct gc_heap *heap, struct gc_object *inst, int n,
          struct gc_object *value)
{
    char name[16];
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "a%d", i);
        check_int(gc_attr_set(heap, inst, name, value), ==, GC_OK);
    }
}

static void
noop_callback(struct gc_heap *heap, struct gc_object *wr, void *data)
{
    (void)heap;
    (void)wr;
    (void)data;
}

static void
run_profile(enum gc_profile p)
{
    struct gc_heap *heap = new_heap(p);
    if (heap == NULL) {
        check(false);
        return;
    }
    struct gc_object *one = gc_int_new(heap, 1);
    struct gc_object *s = gc_str_from_cstr(heap, "s");
    struct gc_object *l = gc_list_new(heap);
    gc_list_append(heap, l, one);
    gc_list_append(heap, l, s);
    gc_list_append(heap, l, l);
    struct gc_object *items[3] = {l, one, s};
    struct gc_object *t = gc_tuple_new(heap, 3, items);

    /* Keys are strs: 3.x's unicode tables visit the values only. */
    struct gc_object *d = gc_dict_new(heap);
    gc_dict_set_cstr(heap, d, "k0", l);
    gc_dict_set_cstr(heap, d, "k1", t);
    gc_dict_set_cstr(heap, d, "k2", one);

    struct gc_class_spec plain_spec = {.name = "A"};
    struct gc_class *plain;
    check_int(gc_class_new(heap, &plain_spec, &plain), ==, GC_OK);
    struct gc_object *few = gc_instance_new(heap, plain);
    set_attrs(heap, few, 3, l);
    /* More names than 3.11's shared keys hold: a separate dict. */
    struct gc_object *many = gc_instance_new(heap, plain);
    set_attrs(heap, many, 40, l);

    static const char *const slots[] = {"x", "y", "z"};
    struct gc_class_spec slot_spec = {.name = "S", .has_slots = true,
                                      .nslots = 3, .slots = slots};
    struct gc_class *slotted;
    check_int(gc_class_new(heap, &slot_spec, &slotted), ==, GC_OK);
    struct gc_object *si = gc_instance_new(heap, slotted);
    gc_attr_set(heap, si, "x", l);
    gc_attr_set(heap, si, "z", d);

    struct gc_object *w = NULL;
    check_int(gc_weakref_new(heap, few, noop_callback, NULL, &w), ==, GC_OK);

    struct {
        struct gc_object *obj;
        const char *what;
        int least; /* visits it must make */
    } cases[] = {
        {l, "a list", 3},
        {t, "a tuple", 3},
        {d, "a dict", 3},
        {few, "an instance with 3 attributes", 2},
        {many, "an instance with 40 attributes", 2},
        {si, "a slotted instance", 3},
        {w, "a weakref with a callback", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int n = check_stops(cases[i].obj, cases[i].what, p);
        if (n < cases[i].least) {
            tap_diag("%s on %s: %d visits", cases[i].what,
                     gc_profile_name(p), n);
        }
        check_int(n, >=, cases[i].least);
    }
    gc_decref(heap, w);
    gc_decref(heap, si);
    gc_decref(heap, many);
    gc_decref(heap, few);
    gc_decref(heap, d);
    gc_decref(heap, t);
    gc_list_clear(heap, l);
    gc_decref(heap, l);
    gc_decref(heap, s);
    gc_decref(heap, one);
    gc_collect(heap, 2);
    check_uint(gc_heap_destroy(heap), ==, 0);
}

int
main(void)
{
    for (size_t i = 0; i < NPROFILES; i++) {
        char name[128];
        snprintf(name, sizeof name,
                 "%s: a traversal stops at the first nonzero visit and "
                 "returns it",
                 gc_profile_name(all_profiles[i]));
        TEST(name) {
            run_profile(all_profiles[i]);
        }
    }
    TEST("a class visits the list its finalizer resurrects into, and "
         "nothing else; a list has no weakrefs") {
        /* gc.get_referents(C) holds what the model keeps of a class: the
         * resurrection list of a __del__ that saves self, else nothing. */
        struct gc_heap *heap = new_heap(GC_PROFILE_3_13);
        struct gc_object *saved = gc_list_new(heap);
        struct gc_class_spec rs = {.name = "R",
                                   .finalizer = GC_FIN_RESURRECT,
                                   .resurrect_into = saved};
        struct gc_class_spec ps = {.name = "P"};
        struct gc_class *r, *plain;
        check_int(gc_class_new(heap, &rs, &r), ==, GC_OK);
        check_int(gc_class_new(heap, &ps, &plain), ==, GC_OK);
        struct stopper all = {0, -1};
        check_int(gc_traverse(gc_class_object(r), visit_stop, &all), ==, 0);
        check_int(all.calls, ==, 1);
        struct stopper none = {0, -1};
        check_int(gc_traverse(gc_class_object(plain), visit_stop, &none), ==,
                  0);
        check_int(none.calls, ==, 0);
        check_uint(gc_weakref_count(saved), ==, 0);
        gc_decref(heap, saved);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    return tap_done();
}

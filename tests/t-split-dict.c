/* tests/t-split-dict.c -- 3.8's key-sharing instance dicts (PEP 412):
 * when an instance's __dict__ is a split table on its class's cached
 * keys, when it becomes combined and when the class stops sharing, as
 * sys.getsizeof shows them on 3.8.18 (the numbers below; the probe,
 * each step in the same order):
 *   class A: a.x = 1                          a 104, A 1064
 *            b.x = 1; b.y = 2                 a 104, b 104, A 1064
 *            c.y = 1 (out of the keys' order) c 232, A 896, b 104
 *   class B: d gets k0..k5 (outgrows alone)   then e.x = 1:
 *                                             d 440, B 896, e 232
 *   class C: f.a, g.a; f gets k0..k4          f 360, g 272, C 896,
 *            then h.a = 1                     h 232
 *   class D: del z.q (AttributeError)         D 896, z 272
 *   class E: p.x, p.y; del p.x; q.x = 1       p 232, E 896, q 232
 * and that a split dict's values are traversed, collected and freed. */
#include "support.h"

static struct gc_class *
make_class(struct gc_heap *heap, const char *name)
{
    struct gc_class_spec spec = {.name = name};
    struct gc_class *cls = NULL;
    gc_class_new(heap, &spec, &cls);
    return cls;
}

static size_t
dict_size(struct gc_heap *heap, struct gc_object *inst)
{
    struct gc_object *d = gc_instance_dict(inst);
    return d != NULL ? gc_object_py_sizeof(heap, d) : 0;
}

static size_t
class_size(struct gc_heap *heap, struct gc_class *cls)
{
    return gc_object_py_sizeof(heap, gc_class_object(cls));
}

static void
set_names(struct gc_heap *heap, struct gc_object *inst, int n,
          struct gc_object *v)
{
    char key[16];
    for (int k = 0; k < n; k++) {
        snprintf(key, sizeof key, "k%d", k);
        gc_attr_set(heap, inst, key, v);
    }
}

static int
count_visit(struct gc_object *obj, void *arg)
{
    (void)obj;
    (*(int *)arg)++;
    return 0;
}

/* "key=value ..." of a dict of int values, in iteration order. */
static void
items_of(const struct gc_object *d, char *out, size_t n_bytes)
{
    size_t pos = 0, used = 0;
    struct gc_object *key, *value;
    out[0] = '\0';
    while (gc_dict_next(d, &pos, &key, &value)) {
        used += (size_t)snprintf(out + used, n_bytes - used, "%s%s=%lld",
                                 used ? " " : "", gc_str_cstr(key),
                                 (long long)gc_int_value(value));
    }
}

int
main(void)
{
    TEST("3.8: instance dicts share their class's keys until 3.8 stops") {
        struct gc_heap *heap = new_heap(GC_PROFILE_3_8);
        struct gc_object *one = gc_int_new(heap, 1), *two = gc_int_new(heap, 2);
        struct gc_class *A = make_class(heap, "A");
        check_uint(class_size(heap, A), ==, 1064);
        struct gc_object *a = gc_instance_new(heap, A);
        check_uint(gc_object_py_sizeof(heap, a), ==, 48);
        gc_attr_set(heap, a, "x", one);
        check_uint(dict_size(heap, a), ==, 104);
        check_uint(class_size(heap, A), ==, 1064);
        struct gc_object *b = gc_instance_new(heap, A);
        gc_attr_set(heap, b, "x", one);
        gc_attr_set(heap, b, "y", two);
        check_uint(dict_size(heap, a), ==, 104);
        check_uint(dict_size(heap, b), ==, 104);
        struct gc_object *c = gc_instance_new(heap, A);
        gc_attr_set(heap, c, "y", one);
        check_uint(dict_size(heap, c), ==, 232);
        check_uint(class_size(heap, A), ==, 896);
        check_uint(dict_size(heap, b), ==, 104);
        check(gc_attr_get(heap, b, "y") == two);
        check(gc_attr_get(heap, c, "y") == one);
        check(gc_attr_get(heap, a, "y") == NULL);

        struct gc_class *B = make_class(heap, "B");
        struct gc_object *d = gc_instance_new(heap, B);
        set_names(heap, d, 6, one);
        struct gc_object *e = gc_instance_new(heap, B);
        gc_attr_set(heap, e, "x", one);
        check_uint(dict_size(heap, d), ==, 440);
        check_uint(class_size(heap, B), ==, 896);
        check_uint(dict_size(heap, e), ==, 232);
        check_uint(gc_dict_len(gc_instance_dict(d)), ==, 6);

        struct gc_class *C = make_class(heap, "C");
        struct gc_object *f = gc_instance_new(heap, C);
        struct gc_object *g = gc_instance_new(heap, C);
        gc_attr_set(heap, f, "a", one);
        gc_attr_set(heap, g, "a", one);
        set_names(heap, f, 5, one);
        struct gc_object *h = gc_instance_new(heap, C);
        gc_attr_set(heap, h, "a", one);
        check_uint(dict_size(heap, f), ==, 360);
        check_uint(dict_size(heap, g), ==, 272);
        check_uint(class_size(heap, C), ==, 896);
        check_uint(dict_size(heap, h), ==, 232);

        struct gc_class *D = make_class(heap, "D");
        struct gc_object *z = gc_instance_new(heap, D);
        check_int(gc_attr_del(heap, z, "q"), ==, GC_ENOTFOUND);
        check_uint(class_size(heap, D), ==, 896);
        check_uint(dict_size(heap, z), ==, 272);

        struct gc_class *E = make_class(heap, "E");
        struct gc_object *p = gc_instance_new(heap, E);
        gc_attr_set(heap, p, "x", one);
        gc_attr_set(heap, p, "y", two);
        check_int(gc_attr_del(heap, p, "x"), ==, GC_OK);
        struct gc_object *q = gc_instance_new(heap, E);
        gc_attr_set(heap, q, "x", one);
        check_uint(dict_size(heap, p), ==, 232);
        check_uint(class_size(heap, E), ==, 896);
        check_uint(dict_size(heap, q), ==, 232);
        check(gc_attr_get(heap, p, "x") == NULL);
        check(gc_attr_get(heap, p, "y") == two);

        struct gc_object *all[] = {a, b, c, d, e, f, g, h, z, p, q, one, two};
        for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
            gc_decref(heap, all[i]);
        }
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("3.8: a split dict traverses its values, and a cycle through it is freed") {
        struct gc_heap *heap = new_heap(GC_PROFILE_3_8);
        struct gc_class *N = make_class(heap, "N");
        struct gc_object *x = gc_instance_new(heap, N);
        struct gc_object *y = gc_instance_new(heap, N);
        gc_attr_set(heap, x, "next", y);
        gc_attr_set(heap, y, "next", x);
        check_uint(dict_size(heap, x), ==, 104);
        check_uint(dict_size(heap, y), ==, 104);
        int n = 0;
        gc_traverse(gc_instance_dict(x), count_visit, &n);
        check_int(n, ==, 1);
        gc_decref(heap, x);
        gc_decref(heap, y);
        /* two instances, two dicts */
        check_int(gc_collect(heap, 2), ==, 4);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("3.8: a split dict iterates its shared keys with its own values") {
        struct gc_heap *heap = new_heap(GC_PROFILE_3_8);
        struct gc_class *P = make_class(heap, "P");
        struct gc_object *a = gc_instance_new(heap, P);
        struct gc_object *b = gc_instance_new(heap, P);
        struct gc_object *one = gc_int_new(heap, 1), *two = gc_int_new(heap, 2);
        gc_attr_set(heap, a, "x", one);
        gc_attr_set(heap, a, "y", two);
        gc_attr_set(heap, b, "x", two);
        check_uint(dict_size(heap, b), ==, 104); /* still split */
        char seen[64];
        items_of(gc_instance_dict(b), seen, sizeof seen);
        check_str(seen, "x=2");
        items_of(gc_instance_dict(a), seen, sizeof seen);
        check_str(seen, "x=1 y=2");
        gc_decref(heap, a);
        gc_decref(heap, b);
        gc_decref(heap, one);
        gc_decref(heap, two);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("del of an unset name and of a set one, out of memory at each "
         "allocation: ENOMEM or the outcome, nothing leaked (3.8, 3.11, "
         "3.13)") {
        /* 3.8 makes the dict and its key, 3.11+ the shared key, before
         * they know there is nothing to delete. */
        static const enum gc_profile del_profiles[] = {
            GC_PROFILE_3_8, GC_PROFILE_3_11, GC_PROFILE_3_13};
        for (size_t p = 0; p < 3; p++) {
            size_t enomem = 0;
            for (uint64_t k = 1; k < 20; k++) {
                struct gc_failing_allocator fa;
                gc_failing_allocator_init(&fa, 0, false);
                struct gc_heap_config cfg;
                gc_heap_config_init(&cfg);
                cfg.profile = del_profiles[p];
                cfg.allocator = &fa.base;
                struct gc_heap *heap = NULL;
                check_int(gc_heap_new(&cfg, &heap), ==, GC_OK);
                struct gc_class *Q = make_class(heap, "Q");
                struct gc_object *z = gc_instance_new(heap, Q);
                struct gc_object *y = gc_instance_new(heap, Q);
                struct gc_object *one = gc_int_new(heap, 1);
                gc_attr_set(heap, y, "a", one);
                gc_attr_set(heap, y, "b", one);
                fa.fail_at = fa.calls + k;
                enum gc_status rc = gc_attr_del(heap, z, "q");
                fa.fail_at = 0;
                check(rc == GC_ENOTFOUND || rc == GC_ENOMEM);
                enomem += rc == GC_ENOMEM;
                check_int(gc_attr_del(heap, z, "q"), ==, GC_ENOTFOUND);
                /* A name that is there: 3.8 makes the split table
                 * combined first, which may fail and leaves it split. */
                fa.fail_at = fa.calls + k;
                rc = gc_attr_del(heap, y, "a");
                fa.fail_at = 0;
                check(rc == GC_OK || rc == GC_ENOMEM);
                enomem += rc == GC_ENOMEM;
                check(gc_attr_get(heap, y, "b") == one);
                check(rc != GC_OK || gc_attr_get(heap, y, "a") == NULL);
                check(rc != GC_ENOMEM || gc_attr_get(heap, y, "a") == one);
                /* A new C-string key: the table, then the key's str. */
                struct gc_object *d = gc_dict_new(heap);
                fa.fail_at = fa.calls + k;
                rc = gc_dict_set_cstr(heap, d, "fresh", one);
                fa.fail_at = 0;
                check(rc == GC_OK || rc == GC_ENOMEM);
                check_uint(gc_dict_len(d), ==, rc == GC_OK ? 1 : 0);
                gc_decref(heap, d);
                gc_decref(heap, one);
                gc_decref(heap, y);
                gc_decref(heap, z);
                check_uint(gc_heap_destroy(heap), ==, 0);
            }
            check_uint(enomem, >, 0);
        }
    }
    TEST("2.7 and 3.11: no split tables; 2.7 makes no dict to delete from") {
        struct gc_heap *heap = new_heap(GC_PROFILE_2_7);
        struct gc_class *A = make_class(heap, "A");
        struct gc_object *a = gc_instance_new(heap, A);
        check_int(gc_attr_del(heap, a, "q"), ==, GC_ENOTFOUND);
        check(gc_instance_dict(a) == NULL);
        gc_decref(heap, a);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    return tap_done();
}

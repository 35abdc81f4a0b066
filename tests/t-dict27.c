/* tests/t-dict27.c -- profile 2.7's dict is 2.7.18's table: the order in
 * which iteration and traversal meet the entries, and the table size
 * (sys.getsizeof), after inserts, deletes and resizes, are those printed
 * by 2.7.18 for the same operations:
 *
 *   d = {}
 *   for k in ['next','a','b','c','value','left','right','k0','k1','k2']:
 *       d[k] = 1
 *   d.keys(), sys.getsizeof(d)   # order A below, 1048
 *   for k in ['b','left','k0']: del d[k]
 *   d['zz'] = 1; d['b'] = 2
 *   d.keys(), sys.getsizeof(d)   # order B, 1048
 *   e = {}; for k in 'abcde': e[k] = 1
 *   for k in 'abcd': del e[k]
 *   e['f'] = 1                   # fill 6 of 8 with one live key
 *   e.keys(), sys.getsizeof(e)   # ['e', 'f'], 664
 * and the cases below, each with its own 2.7.18 output. */
#include "support.h"

static const char *const ten[] = {"next", "a",     "b",  "c",  "value",
                                  "left", "right", "k0", "k1", "k2"};

/* The keys in iteration order, space-separated. */
static void
keys_of(const struct gc_object *d, char *out, size_t n_bytes)
{
    size_t pos = 0, used = 0;
    struct gc_object *key, *value;
    out[0] = '\0';
    while (gc_dict_next(d, &pos, &key, &value)) {
        used += (size_t)snprintf(out + used, n_bytes - used, "%s%s",
                                 used ? " " : "", gc_str_cstr(key));
    }
}

struct visits {
    char text[256];
    size_t used;
};

static int
record_visit(struct gc_object *obj, void *arg)
{
    struct visits *v = arg;
    const char *what = gc_is_tracked(obj) ? "list" : gc_str_cstr(obj);
    v->used += (size_t)snprintf(v->text + v->used, sizeof v->text - v->used,
                                "%s%s", v->used ? " " : "", what);
    return 0;
}

int
main(void)
{
    char keys[256];
    TEST("2.7: iteration order and size after inserts are 2.7.18's") {
        struct gc_heap *heap = new_heap(GC_PROFILE_2_7);
        struct gc_object *d = gc_dict_new(heap), *one = gc_int_new(heap, 1);
        for (size_t i = 0; i < 10; i++) {
            check_int(gc_dict_set_cstr(heap, d, ten[i], one), ==, GC_OK);
        }
        keys_of(d, keys, sizeof keys);
        check_str(keys, "a c b value next k2 k1 right k0 left");
        check_uint(gc_object_py_sizeof(heap, d), ==, 1048);
        gc_decref(heap, d);
        gc_decref(heap, one);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("2.7: a deleted slot is reused by the next new key") {
        struct gc_heap *heap = new_heap(GC_PROFILE_2_7);
        struct gc_object *d = gc_dict_new(heap), *one = gc_int_new(heap, 1);
        for (size_t i = 0; i < 10; i++) {
            gc_dict_set_cstr(heap, d, ten[i], one);
        }
        check_int(gc_dict_del_cstr(heap, d, "b"), ==, GC_OK);
        check_int(gc_dict_del_cstr(heap, d, "left"), ==, GC_OK);
        check_int(gc_dict_del_cstr(heap, d, "k0"), ==, GC_OK);
        check_int(gc_dict_del_cstr(heap, d, "k0"), ==, GC_ENOTFOUND);
        gc_dict_set_cstr(heap, d, "zz", one);
        gc_dict_set_cstr(heap, d, "b", one);
        keys_of(d, keys, sizeof keys);
        check_str(keys, "a c b value next k2 k1 right zz");
        check_uint(gc_dict_len(d), ==, 9);
        check_uint(gc_object_py_sizeof(heap, d), ==, 1048);
        gc_decref(heap, d);
        gc_decref(heap, one);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("2.7: deleted slots count towards the resize, which drops them") {
        struct gc_heap *heap = new_heap(GC_PROFILE_2_7);
        struct gc_object *d = gc_dict_new(heap), *one = gc_int_new(heap, 1);
        static const char *const five[] = {"a", "b", "c", "d", "e"};
        for (size_t i = 0; i < 5; i++) {
            gc_dict_set_cstr(heap, d, five[i], one);
        }
        for (size_t i = 0; i < 4; i++) {
            gc_dict_del_cstr(heap, d, five[i]);
        }
        check_uint(gc_object_py_sizeof(heap, d), ==, 280);
        gc_dict_set_cstr(heap, d, "f", one);
        keys_of(d, keys, sizeof keys);
        check_str(keys, "e f");
        check_uint(gc_object_py_sizeof(heap, d), ==, 664);
        gc_decref(heap, d);
        gc_decref(heap, one);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("2.7: a key stored again over its own dummy does not resize") {
        /* d = dict.fromkeys('abcde', 1); del d['c']; d['c'] = 1: 280;
         * d['f'] = 1: 1048, in 2.7.18. */
        struct gc_heap *heap = new_heap(GC_PROFILE_2_7);
        struct gc_object *d = gc_dict_new(heap), *one = gc_int_new(heap, 1);
        static const char *const five[] = {"a", "b", "c", "d", "e"};
        for (size_t i = 0; i < 5; i++) {
            gc_dict_set_cstr(heap, d, five[i], one);
        }
        gc_dict_del_cstr(heap, d, "c");
        gc_dict_set_cstr(heap, d, "c", one);
        check_uint(gc_object_py_sizeof(heap, d), ==, 280);
        gc_dict_set_cstr(heap, d, "f", one);
        check_uint(gc_object_py_sizeof(heap, d), ==, 1048);
        keys_of(d, keys, sizeof keys);
        check_str(keys, "a c b e d f");
        gc_decref(heap, d);
        gc_decref(heap, one);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("2.7: traversal visits key then value, in slot order") {
        struct gc_heap *heap = new_heap(GC_PROFILE_2_7);
        struct gc_object *d = gc_dict_new(heap), *l = gc_list_new(heap);
        static const char *const three[] = {"next", "a", "b"};
        for (size_t i = 0; i < 3; i++) {
            gc_dict_set_cstr(heap, d, three[i], l);
        }
        struct visits v = {.used = 0};
        check_int(gc_traverse(d, record_visit, &v), ==, 0);
        check_str(v.text, "a list b list next list");
        gc_decref(heap, d);
        gc_decref(heap, l);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("2.7: no memory for the bigger table leaves the dict as it was") {
        struct gc_failing_allocator fa;
        gc_failing_allocator_init(&fa, 0, true);
        struct gc_heap_config cfg;
        gc_heap_config_init(&cfg);
        cfg.profile = GC_PROFILE_2_7;
        cfg.allocator = &fa.base;
        struct gc_heap *heap = NULL;
        check_int(gc_heap_new(&cfg, &heap), ==, GC_OK);
        struct gc_object *d = gc_dict_new(heap), *one = gc_int_new(heap, 1);
        for (size_t i = 0; i < 5; i++) {
            gc_dict_set_cstr(heap, d, ten[i], one);
        }
        fa.fail_at = fa.calls + 1; /* the 6th key's table */
        check_int(gc_dict_set_cstr(heap, d, "k9", one), ==, GC_ENOMEM);
        fa.fail_at = 0;
        check_uint(gc_dict_len(d), ==, 5);
        check_int(gc_dict_get_cstr(d, "k9") == NULL, ==, 1);
        check_uint(gc_object_py_sizeof(heap, d), ==, 280);
        keys_of(d, keys, sizeof keys);
        check_str(keys, "a c b value next");
        gc_decref(heap, d);
        gc_decref(heap, one);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("2.7: a small table of dummies is rebuilt in place") {
        /* e = {}; for k in 'abcde': e[k] = 1
         * for k in 'abcde': del e[k]
         * e['f'] = 1; e.keys(), sys.getsizeof(e)  -> ['f'], 280 */
        struct gc_heap *heap = new_heap(GC_PROFILE_2_7);
        struct gc_object *d = gc_dict_new(heap), *one = gc_int_new(heap, 1);
        static const char *const five[] = {"a", "b", "c", "d", "e"};
        for (size_t i = 0; i < 5; i++) {
            gc_dict_set_cstr(heap, d, five[i], one);
        }
        for (size_t i = 0; i < 5; i++) {
            check_int(gc_dict_del_cstr(heap, d, five[i]), ==, GC_OK);
        }
        check_int(gc_dict_set_cstr(heap, d, "f", one), ==, GC_OK);
        keys_of(d, keys, sizeof keys);
        check_str(keys, "f");
        check_uint(gc_object_py_sizeof(heap, d), ==, 280);
        gc_decref(heap, d);
        gc_decref(heap, one);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("2.7: past 50,000 entries the table doubles, not quadruples") {
        /* d = {}; d['k%d' % i] = 1 for i up to N: 2.7.18's sizeof is
         * 3146008 (131,072 slots) at 87,381 keys and 6291736 (262,144)
         * at 87,382, where 4 x used would make 524,288. */
        struct gc_heap *heap = new_heap(GC_PROFILE_2_7);
        struct gc_object *d = gc_dict_new(heap), *one = gc_int_new(heap, 1);
        char key[16];
        for (int i = 0; i < 87381; i++) {
            snprintf(key, sizeof key, "k%d", i);
            gc_dict_set_cstr(heap, d, key, one);
        }
        check_uint(gc_object_py_sizeof(heap, d), ==, 3146008);
        check_int(gc_dict_set_cstr(heap, d, "k87381", one), ==, GC_OK);
        check_uint(gc_object_py_sizeof(heap, d), ==, 6291736);
        check_uint(gc_dict_len(d), ==, 87382);
        gc_decref(heap, d);
        gc_decref(heap, one);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("2.7: clear() of an empty dict, of a small one and of a big one "
         "leaves each an empty small table") {
        struct gc_heap *heap = new_heap(GC_PROFILE_2_7);
        struct gc_object *one = gc_int_new(heap, 1);
        for (size_t n = 0; n <= 10; n += 5) {
            struct gc_object *d = gc_dict_new(heap);
            for (size_t i = 0; i < n; i++) {
                gc_dict_set_cstr(heap, d, ten[i], one);
            }
            gc_dict_clear(heap, d);
            check_uint(gc_dict_len(d), ==, 0);
            check_uint(gc_object_py_sizeof(heap, d), ==, 280);
            check_int(gc_dict_set_cstr(heap, d, "a", one), ==, GC_OK);
            keys_of(d, keys, sizeof keys);
            check_str(keys, "a");
            gc_decref(heap, d);
        }
        gc_decref(heap, one);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("2.7: the empty key hashes to 0 and takes slot 0") {
        /* d = {}; for k in ['a', '', 'b']: d[k] = 1
         * d.keys() -> ['a', '', 'b']; del d[''] -> ['a', 'b'] */
        struct gc_heap *heap = new_heap(GC_PROFILE_2_7);
        struct gc_object *d = gc_dict_new(heap), *one = gc_int_new(heap, 1);
        static const char *const three[] = {"a", "", "b"};
        for (size_t i = 0; i < 3; i++) {
            check_int(gc_dict_set_cstr(heap, d, three[i], one), ==, GC_OK);
        }
        size_t pos = 0;
        struct gc_object *key, *value;
        char order[16] = "";
        while (gc_dict_next(d, &pos, &key, &value)) {
            strcat(order, *gc_str_cstr(key) ? gc_str_cstr(key) : "_");
        }
        check_str(order, "a_b");
        check_int(gc_dict_get_cstr(d, "") == one, ==, 1);
        check_int(gc_dict_del_cstr(heap, d, ""), ==, GC_OK);
        check_int(gc_dict_get_cstr(d, "") == NULL, ==, 1);
        keys_of(d, keys, sizeof keys);
        check_str(keys, "a b");
        gc_decref(heap, d);
        gc_decref(heap, one);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    return tap_done();
}

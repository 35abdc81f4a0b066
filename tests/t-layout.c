/* tests/t-layout.c -- the object header and GC head have CPython's
 * layout, and the small value tables (profiles, statuses) round-trip. */
#include "support.h"

int
main(void)
{
    TEST("the GC head is 16 bytes, two words, as PyGC_Head on 3.8+") {
        check_uint(sizeof(struct gc_head), ==, 16);
        check_uint(sizeof(struct gc_head), ==, 2 * sizeof(uintptr_t));
    }
    TEST("a plain object header is 16 bytes: refcount and type") {
        check_uint(sizeof(struct gc_object), ==, 16);
        check_uint(offsetof(struct gc_object, refcnt), ==, 0);
        check_uint(offsetof(struct gc_object, type), ==, 8);
    }
    struct gc_heap *heap = new_heap(GC_PROFILE_3_11);
    TEST("a container's GC head sits immediately before its header") {
        struct gc_object *l = gc_list_new(heap);
        check((char *)gc_head_of(l) + 16 == (char *)l);
        check(gc_object_of(gc_head_of(l)) == l);
        check(gc_is_gc(l));
        gc_decref(heap, l);
    }
    TEST("a fresh untracked container has next == 0 and prev == 0") {
        struct gc_object *d = gc_dict_new(heap);
        check_uint(gc_head_of(d)->next, ==, 0);
        check_uint(gc_head_of(d)->prev, ==, 0);
        gc_decref(heap, d);
    }
    TEST("a tracked container between collections has no flag bits") {
        struct gc_object *l = gc_list_new(heap);
        check(gc_head_of(l)->next != 0);
        check_uint(gc_head_of(l)->prev & GC_PREV_FLAGS, ==, 0);
        gc_decref(heap, l);
    }
    TEST("atoms (int, str, None) have no GC head and are never tracked") {
        struct gc_object *i = gc_int_new(heap, 100000);
        struct gc_object *s = gc_str_from_cstr(heap, "abc");
        check(!gc_is_gc(i));
        check(!gc_is_gc(s));
        check(!gc_is_gc(gc_none(heap)));
        check(!gc_is_tracked(i));
        check(!gc_is_tracked(s));
        gc_decref(heap, i);
        gc_decref(heap, s);
    }
    check_no_leak(heap);

    TEST("profile names parse and print back") {
        for (size_t i = 0; i < NPROFILES; i++) {
            enum gc_profile p;
            check_int(gc_profile_parse(gc_profile_name(all_profiles[i]), &p),
                      ==, GC_OK);
            check_int(p, ==, all_profiles[i]);
        }
    }
    TEST("unknown profiles are rejected") {
        enum gc_profile p;
        check_int(gc_profile_parse("3.12", &p), ==, GC_EINVAL);
        check_int(gc_profile_parse("", &p), ==, GC_EINVAL);
        check_int(gc_profile_parse("3.1", &p), ==, GC_EINVAL);
    }
    TEST("every status has its own description") {
        check_str(gc_status_str(GC_OK), "ok");
        check_str(gc_status_str(GC_ENOMEM), "out of memory");
        check(strcmp(gc_status_str(GC_EINVAL), gc_status_str(GC_ETYPE)));
    }
    TEST("the default profile is 3.14") {
        struct gc_heap_config cfg;
        gc_heap_config_init(&cfg);
        check_int(cfg.profile, ==, GC_PROFILE_3_14);
    }
    TEST("a heap with an out-of-range profile is refused") {
        struct gc_heap_config cfg;
        gc_heap_config_init(&cfg);
        cfg.profile = (enum gc_profile)17;
        struct gc_heap *h = (struct gc_heap *)&cfg;
        check_int(gc_heap_new(&cfg, &h), ==, GC_EINVAL);
        check(h == NULL);
    }
    TEST("the collector registry finds 'none' and nothing unknown") {
        check(gc_collector_find("none") != NULL);
        check(gc_collector_find("cpyton") == NULL);
        check(gc_collectors[0] != NULL);
    }
    return tap_done();
}

/* tests/t-finalize.c -- finalizers, resurrection and weakrefs on the
 * refcount path, per profile (docs/semantics.md 2, scenarios
 * resurrect.scn).  Expected orders were measured on CPython 2.7.18,
 * 3.8.18, 3.11.7 and 3.13.0. */
#include "support.h"

/* A finalizer that reports whether a weakref still reaches its object. */
struct peek {
    struct events *ev;
    struct gc_object *wr;
    int saw_referent; /* -1 not run, 0 saw None, 1 saw the object */
};

static void
peek_finalize(struct gc_heap *heap, struct gc_object *self, void *data)
{
    struct peek *p = data;
    p->saw_referent = gc_weakref_get(p->wr) == self;
    on_finalize(heap, self, p->ev);
}

/* resurrect.scn, statements 5-15, on one profile. */
static void
resurrect_scenario(enum gc_profile profile)
{
    char name[128];
    bool is_27 = profile == GC_PROFILE_2_7;
    struct events ev = {0};
    struct gc_heap *heap = new_heap(profile);
    struct gc_object *saved = gc_list_new(heap);
    gc_root_set(heap, "saved", saved);
    gc_decref(heap, saved);
    struct gc_class *phoenix =
        new_class(heap, "Phoenix", GC_FIN_RESURRECT, &ev, saved);
    struct gc_object *p = gc_instance_new(heap, phoenix);
    struct gc_object *w;
    gc_weakref_new(heap, p, on_callback, &ev, &w);
    label(&ev, p, "p");
    label(&ev, w, "w");

    snprintf(name, sizeof name, "%s: del p resurrects it: %s",
             gc_profile_name(profile),
             is_27 ? "callback w, then finalize p"
                   : "finalize p, weakref kept");
    TEST(name) {
        gc_decref(heap, p); /* del p */
        check_str(ev.text, is_27 ? "callback w, finalize p" : "finalize p");
        check_uint(gc_list_len(saved), ==, 1);
        check(gc_list_get(saved, 0) == p);
        check_int(gc_refcount(p), ==, 1);
        check(gc_is_tracked(p));
        check(gc_weakref_get(w) == (is_27 ? NULL : p));
        check(gc_is_finalized(p) == !is_27);
    }
    snprintf(name, sizeof name, "%s: the rescued object dies again: %s",
             gc_profile_name(profile),
             is_27 ? "__del__ runs again, and again resurrects"
                   : "no second finalize, the callback runs now");
    TEST(name) {
        ev.text[0] = '\0';
        struct gc_object *again = gc_list_pop(heap, saved); /* rescue p */
        check(again == p);
        gc_decref(heap, again); /* del p */
        check_str(ev.text, is_27 ? "finalize p" : "callback w");
        check_uint(gc_list_len(saved), ==, is_27 ? 1 : 0);
        check(gc_weakref_get(w) == NULL);
        ev.text[0] = '\0';
        gc_list_clear(heap, saved); /* clear saved */
        check_str(ev.text, is_27 ? "finalize p" : "");
        check_uint(gc_list_len(saved), ==, is_27 ? 1 : 0);
    }
    gc_decref(heap, w);
    check_no_leak(heap);
}

/* Refcount path with an external weakref with a callback: 3.x runs
 * __del__ first and w() still answers inside it; 2.7 runs the callback
 * first and w() is None inside __del__. */
static void
refcount_order(enum gc_profile profile)
{
    char name[128];
    bool is_27 = profile == GC_PROFILE_2_7;
    struct events ev = {0};
    struct peek peek = {.ev = &ev, .saw_referent = -1};
    struct gc_heap *heap = new_heap(profile);
    struct gc_class_spec spec = {.name = "D",
                                 .finalizer = GC_FIN_FINALIZER,
                                 .on_finalize = peek_finalize,
                                 .data = &peek};
    struct gc_class *cls;
    gc_class_new(heap, &spec, &cls);
    struct gc_object *d = gc_instance_new(heap, cls);
    gc_weakref_new(heap, d, on_callback, &ev, &peek.wr);
    label(&ev, d, "d");
    label(&ev, peek.wr, "w");
    snprintf(name, sizeof name, "%s: death by refcount runs %s",
             gc_profile_name(profile),
             is_27 ? "the weakref callback, then __del__ seeing w() None"
                   : "__del__ seeing w() alive, then the callback");
    TEST(name) {
        gc_decref(heap, d);
        check_str(ev.text, is_27 ? "callback w, finalize d"
                                 : "finalize d, callback w");
        check_int(peek.saw_referent, ==, is_27 ? 0 : 1);
        check(gc_weakref_get(peek.wr) == NULL);
    }
    gc_decref(heap, peek.wr);
    check_no_leak(heap);
}

static void
weakrefs(void)
{
    struct events ev = {0};
    struct gc_heap *heap = new_heap(GC_PROFILE_3_11);
    struct gc_class *a_cls = new_class(heap, "A", GC_FIN_NONE, &ev, NULL);

    TEST("callback-less weakrefs to one object are shared") {
        struct gc_object *a = gc_instance_new(heap, a_cls);
        struct gc_object *w0, *w3;
        gc_weakref_new(heap, a, NULL, NULL, &w0);
        gc_weakref_new(heap, a, NULL, NULL, &w3);
        check(w0 == w3);
        check_int(gc_refcount(w0), ==, 2);
        check_uint(gc_weakref_count(a), ==, 1);
        check(gc_weakref_get(w0) == a);
        gc_decref(heap, a);
        check(gc_weakref_get(w0) == NULL);
        gc_decref(heap, w0);
        gc_decref(heap, w3);
    }
    TEST("callbacks run newest first, after every weakref is cleared") {
        ev.text[0] = '\0';
        struct gc_object *a = gc_instance_new(heap, a_cls);
        struct gc_object *w1, *w0, *w2, *w3;
        gc_weakref_new(heap, a, on_callback, &ev, &w1);
        gc_weakref_new(heap, a, NULL, NULL, &w0);
        gc_weakref_new(heap, a, on_callback, &ev, &w2);
        gc_weakref_new(heap, a, NULL, NULL, &w3);
        label(&ev, w1, "w1");
        label(&ev, w2, "w2");
        check(w0 == w3);
        check(w1 != w2);
        check_uint(gc_weakref_count(a), ==, 3);
        gc_decref(heap, a);
        check_str(ev.text, "callback w2, callback w1");
        check(gc_weakref_get(w1) == NULL && gc_weakref_get(w2) == NULL);
        check_uint(gc_heap_stats(heap)->objects_freed, >, 0);
        gc_decref(heap, w0);
        gc_decref(heap, w1);
        gc_decref(heap, w2);
        gc_decref(heap, w3);
    }
    TEST("a weakref that dies first leaves its referent's list") {
        ev.text[0] = '\0';
        struct gc_object *a = gc_instance_new(heap, a_cls);
        struct gc_object *w1, *w2;
        gc_weakref_new(heap, a, on_callback, &ev, &w1);
        gc_weakref_new(heap, a, on_callback, &ev, &w2);
        label(&ev, w1, "w1");
        gc_decref(heap, w2);
        check_uint(gc_weakref_count(a), ==, 1);
        gc_decref(heap, a);
        check_str(ev.text, "callback w1");
        gc_decref(heap, w1);
    }
    TEST("slotted instances take weakrefs only with a __weakref__ slot") {
        static const char *const plain[] = {"x"};
        static const char *const weak[] = {"x", "__weakref__"};
        struct gc_class_spec s1 = {.name = "P", .has_slots = true,
                                   .nslots = 1, .slots = plain};
        struct gc_class_spec s2 = {.name = "W", .has_slots = true,
                                   .nslots = 2, .slots = weak};
        struct gc_class *p_cls, *w_cls;
        check_int(gc_class_new(heap, &s1, &p_cls), ==, GC_OK);
        check_int(gc_class_new(heap, &s2, &w_cls), ==, GC_OK);
        struct gc_object *p = gc_instance_new(heap, p_cls);
        struct gc_object *q = gc_instance_new(heap, w_cls);
        struct gc_object *w = NULL;
        check_int(gc_weakref_new(heap, p, NULL, NULL, &w), ==, GC_ETYPE);
        check_int(gc_weakref_new(heap, q, NULL, NULL, &w), ==, GC_OK);
        check_int(gc_attr_set(heap, q, "__weakref__", q), ==, GC_ENOTFOUND);
        gc_decref(heap, p);
        gc_decref(heap, q);
        check(gc_weakref_get(w) == NULL);
        gc_decref(heap, w);
    }
    check_no_leak(heap);
}

/* Callback that drops the weakref it is called with, from a root. */
static void
drop_self_callback(struct gc_heap *heap, struct gc_object *wr, void *data)
{
    (void)wr;
    int *calls = data;
    (*calls)++;
    gc_root_del(heap, "w");
}

static void
finalizer_kinds(void)
{
    struct events ev = {0};
    struct gc_heap *heap = new_heap(GC_PROFILE_3_11);
    TEST("3.x: a PEP 442 finalizer runs once even if the object revives") {
        struct gc_object *saved = gc_list_new(heap);
        struct gc_class *r =
            new_class(heap, "R", GC_FIN_RESURRECT, &ev, saved);
        struct gc_object *x = gc_instance_new(heap, r);
        label(&ev, x, "x");
        check(!gc_is_finalized(x));
        gc_decref(heap, x);
        check_int(ev.finalized, ==, 1);
        check(gc_is_finalized(x));
        gc_list_clear(heap, saved);
        check_int(ev.finalized, ==, 1);
        gc_decref(heap, saved);
    }
    TEST("3.x: a legacy tp_del runs after the weakref callbacks, each "
         "death") {
        ev.text[0] = '\0';
        ev.finalized = 0;
        struct gc_object *saved = gc_list_new(heap);
        struct gc_class *l = new_class(heap, "L", GC_FIN_LEGACY, &ev, NULL);
        struct gc_object *x = gc_instance_new(heap, l);
        struct gc_object *w;
        gc_weakref_new(heap, x, on_callback, &ev, &w);
        label(&ev, x, "x");
        label(&ev, w, "w");
        gc_decref(heap, x);
        check_str(ev.text, "callback w, finalize x");
        check(!gc_is_finalized(w));
        gc_decref(heap, w);
        gc_decref(heap, saved);
    }
    TEST("a callback that frees its own weakref does not crash") {
        int calls = 0;
        struct gc_class *a = new_class(heap, "A", GC_FIN_NONE, &ev, NULL);
        struct gc_object *x = gc_instance_new(heap, a);
        struct gc_object *w;
        gc_weakref_new(heap, x, drop_self_callback, &calls, &w);
        gc_root_set(heap, "w", w);
        gc_decref(heap, w);
        gc_decref(heap, x);
        check_int(calls, ==, 1);
        check(gc_root_get(heap, "w") == NULL);
    }
    check_no_leak(heap);
}

int
main(void)
{
    for (size_t i = 0; i < NPROFILES; i++) {
        resurrect_scenario(all_profiles[i]);
        refcount_order(all_profiles[i]);
    }
    weakrefs();
    finalizer_kinds();
    return tap_done();
}

/* tests/t-verify.c -- the heap verifier, an oracle of every other test
 * (the fuzzer's, t-oom-sweep's, -Dchecks), must fail on the corruption
 * it is there to see.  Each case breaks one rule on a small heap of
 * three tracked lists, checks that gc_heap_verify refuses it at the
 * level that checks that rule and names the rule, then mends it and
 * checks that the heap passes again.  A verifier that always said yes
 * would pass every other test; this one would fail. */
#include "gc-internal.h" /* the heap's counters, to break them */
#include "support.h"

#define NLISTS 3

struct fixture {
    struct gc_heap *heap;
    struct gc_object *lists[NLISTS];
};

static void
setup(struct fixture *f)
{
    f->heap = new_heap(GC_PROFILE_3_13);
    for (int i = 0; i < NLISTS; i++) {
        f->lists[i] = gc_list_new(f->heap);
    }
}

static void
teardown(struct fixture *f)
{
    for (int i = 0; i < NLISTS; i++) {
        gc_decref(f->heap, f->lists[i]);
    }
    check_uint(gc_heap_destroy(f->heap), ==, 0);
}

/* Refused at level, with rule in the message; and at the levels below
 * it, passed when the rule is level 2's. */
static void
check_refused(struct gc_heap *heap, int level, const char *rule)
{
    char err[300] = "";
    check_int(gc_heap_verify(heap, level, err, sizeof err), ==, GC_EINVAL);
    if (strstr(err, rule) == NULL) {
        tap_diag("wanted '%s', got '%s'", rule, err);
    }
    check(strstr(err, rule) != NULL);
    /* Level 0 checks nothing. */
    check_int(gc_heap_verify(heap, 0, err, sizeof err), ==, GC_OK);
}

static void
check_passes(struct gc_heap *heap)
{
    char err[300] = "";
    check_int(gc_heap_verify(heap, 2, err, sizeof err), ==, GC_OK);
    if (err[0] != '\0') {
        tap_diag("%s", err);
    }
}

int
main(void)
{
    struct fixture f;
    TEST("a sound heap passes at levels 1 and 2")
    {
        setup(&f);
        char err[300];
        check_int(gc_heap_verify(f.heap, 1, err, sizeof err), ==, GC_OK);
        check_passes(f.heap);
        teardown(&f);
    }
    TEST("a member's prev link that disagrees with next")
    {
        setup(&f);
        struct gc_head *h = gc_head_of(f.lists[1]);
        uintptr_t saved = h->prev;
        h->prev = (saved & GC_PREV_FLAGS) |
                  (uintptr_t)gc_head_of(f.lists[1]); /* itself */
        check_refused(f.heap, 2, "prev link disagrees with next");
        h->prev = saved;
        check_passes(f.heap);
        teardown(&f);
    }
    TEST("the unreachable bit left on a member outside a collection")
    {
        setup(&f);
        struct gc_head *h = gc_head_of(f.lists[0]);
        h->next |= GC_NEXT_UNREACHABLE;
        check_refused(f.heap, 2, "unreachable bit outside a collection");
        h->next &= ~GC_NEXT_UNREACHABLE;
        check_passes(f.heap);
        teardown(&f);
    }
    TEST("the collecting mark left on a member outside a collection")
    {
        setup(&f);
        struct gc_head *h = gc_head_of(f.lists[2]);
        h->prev |= GC_PREV_COLLECTING;
        check_refused(f.heap, 2, "collecting mark outside a collection");
        h->prev &= ~GC_PREV_COLLECTING;
        check_passes(f.heap);
        teardown(&f);
    }
    TEST("a dead object still in a generation list")
    {
        setup(&f);
        f.lists[1]->refcnt = 0;
        check_refused(f.heap, 2, "dead or non-container object in a list");
        f.lists[1]->refcnt = 1;
        check_passes(f.heap);
        teardown(&f);
    }
    TEST("a refcount below the references tracked objects hold")
    {
        setup(&f);
        /* lists[0] holds lists[1] twice; lists[1]'s count says once. */
        gc_list_append(f.heap, f.lists[0], f.lists[1]);
        gc_list_append(f.heap, f.lists[0], f.lists[1]);
        f.lists[1]->refcnt -= 2;
        check_refused(f.heap, 2, "refcount is too small");
        f.lists[1]->refcnt += 2;
        check_passes(f.heap);
        gc_list_clear(f.heap, f.lists[0]);
        teardown(&f);
    }
    TEST("a generation list head whose last member is not its prev")
    {
        setup(&f);
        struct gc_head *head = &f.heap->gens[0].head;
        uintptr_t saved = head->prev;
        head->prev = (saved & GC_PREV_FLAGS) |
                     (uintptr_t)gc_head_of(f.lists[0]); /* not the last */
        check_refused(f.heap, 2, "list head's prev is not the last member");
        head->prev = saved;
        check_passes(f.heap);
        teardown(&f);
    }
    TEST("a broken generation list head, seen at level 1")
    {
        setup(&f);
        struct gc_head *head = &f.heap->gens[0].head;
        head->next |= GC_NEXT_UNREACHABLE;
        check_refused(f.heap, 1, "broken generation list head");
        head->next &= ~GC_NEXT_UNREACHABLE;
        check_passes(f.heap);
        teardown(&f);
    }
    TEST("count[0] above the live containers, seen at level 1")
    {
        setup(&f);
        uint64_t saved = f.heap->gens[0].count;
        f.heap->gens[0].count = NLISTS + 1000; /* a lost decrement */
        check_refused(f.heap, 1, "count[0] exceeds the live containers");
        f.heap->gens[0].count = saved;
        check_passes(f.heap);
        teardown(&f);
    }
    TEST("a list longer than the live containers (a freed one still "
         "linked)")
    {
        setup(&f);
        /* Every container but one counted as freed. */
        uint64_t freed = f.heap->stats.gc_objects_freed;
        uint64_t count0 = f.heap->gens[0].count;
        f.heap->stats.gc_objects_freed =
            f.heap->stats.gc_objects_allocated - 1;
        f.heap->gens[0].count = 0;
        check_refused(f.heap, 2, "list longer than the live containers");
        f.heap->stats.gc_objects_freed = freed;
        f.heap->gens[0].count = count0;
        check_passes(f.heap);
        teardown(&f);
    }
    return tap_done();
}

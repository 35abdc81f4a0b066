/* workloads/weakref_cache.c -- a cache of weakly held values: cache maps
 * "k<i>" to a weakref to value i whose callback (the twin's module-level
 * _drop) removes the entry, finding its key in rev, which maps the
 * weakref's identity to it ("%p" here, id() in the twin: atoms both).
 * The last `keep` values are held strongly in a list, value i in slot
 * i % keep, so the value it replaces dies: at once, or, for one in
 * `every` (a self-cycle, v.me = v), when a collection finds it and runs
 * the callback from handle_weakrefs.  Each step looks up a key that is
 * strongly held, so the checksum does not depend on when collections
 * happen. */
#include "workload.h"

#include <stdio.h>

struct cache {
    struct gc_object *cache; /* "k<i>" -> weakref */
    struct gc_object *rev;   /* "%p" of the weakref -> "k<i>" */
};

/* def _drop(wr): key = rev.pop(id(wr)); del cache[key] */
static void
drop(struct gc_heap *heap, struct gc_object *wr, void *data)
{
    struct cache *c = data;
    gc_safepoint(heap); /* the call */
    char id[32];
    snprintf(id, sizeof id, "%p", (void *)wr);
    struct gc_object *key = gc_dict_get_cstr(c->rev, id);
    if (key == NULL) {
        return;
    }
    gc_incref(key);
    gc_dict_del_cstr(heap, c->rev, id);
    gc_dict_del(heap, c->cache, key);
    gc_decref(heap, key);
}

static uint64_t
lcg(uint64_t *x)
{
    *x = *x * 6364136223846793005u + 1442695040888963407u;
    return *x >> 33;
}

static enum gc_status
weakref_cache(struct gc_heap *heap, const struct gc_workload_params *p,
              uint64_t *checksum)
{
    extern const struct gc_workload gc_workload_weakref_cache;
    const struct gc_workload *w = &gc_workload_weakref_cache;
    char err[160];
    uint64_t n, keep, every;
    if (!gc_workload_option_u64(p, w, "n", &n, err,
                                sizeof err) ||
        !gc_workload_option_u64(p, w, "keep", &keep, err,
                                sizeof err) ||
        !gc_workload_option_u64(p, w, "every", &every, err,
                                sizeof err)) {
        return GC_EINVAL;
    }
    if (keep == 0) {
        keep = p->size / 4 > 0 ? p->size / 4 : 1;
    }
    if (n == 0) {
        n = 25 * p->size;
    }
    struct gc_class_spec vs = {.name = "Value"};
    struct gc_class *value;
    WORKLOAD_TRY_OK(gc_class_new(heap, &vs, &value));
    struct cache c = {NULL, NULL};
    struct gc_object *strong = NULL;
    enum gc_status rc = GC_OK;
    /* The twin's module globals. */
    WORKLOAD_STEP(rc, c.cache = gc_dict_new(heap));
    WORKLOAD_STEP(rc, c.rev = gc_dict_new(heap));
    WORKLOAD_STEP(rc, strong = gc_list_new(heap));
    uint64_t sum = 0, x = p->seed;
    char buf[32];
    for (uint64_t i = 0; i < n && rc == GC_OK; i++) {
        struct gc_object *key = NULL, *v = NULL, *no = NULL, *argt = NULL,
                         *wr = NULL;
        snprintf(buf, sizeof buf, "k%llu", (unsigned long long)i);
        WORKLOAD_STEP(rc, key = gc_str_from_cstr(heap, buf));
        WORKLOAD_STEP(rc, v = gc_instance_new(heap, value));
        gc_safepoint(heap); /* Value() is a call */
        WORKLOAD_STEP(rc, no = gc_int_new(heap, (int64_t)i));
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, v, "n", no));
        gc_xdecref(heap, no);
        if (i % every == 0) {
            WORKLOAD_STEP_OK(rc, gc_attr_set(heap, v, "me", v));
        }
        /* weakref.ref(v, _drop): calling the type packs its arguments in
         * a tuple, a container too (from the free list, except after a
         * full collection emptied it), freed once the weakref is made. */
        struct gc_object *args[2] = {v, NULL};
        WORKLOAD_STEP(rc, argt = gc_tuple_new(heap, 2, args));
        WORKLOAD_STEP_OK(rc, gc_weakref_new(heap, v, drop, &c, &wr));
        gc_xdecref(heap, argt);
        gc_safepoint(heap); /* the call's end */
        WORKLOAD_STEP_OK(rc, gc_dict_set(heap, c.cache, key, wr));
        snprintf(buf, sizeof buf, "%p", (void *)wr);
        WORKLOAD_STEP_OK(rc, gc_dict_set_cstr(heap, c.rev, buf, key));
        if (i < keep) {
            WORKLOAD_STEP_OK(rc, gc_list_append(heap, strong, v));
        }
        else {
            WORKLOAD_STEP_OK(rc, gc_list_set(heap, strong, i % keep, v));
        }
        /* v's death may run drop(), which needs both dicts: they exist
         * before any weakref does. */
        gc_xdecref(heap, v);
        gc_xdecref(heap, wr);
        gc_xdecref(heap, key);
        if (rc != GC_OK) {
            break;
        }
        uint64_t j = i - lcg(&x) % (i + 1 < keep ? i + 1 : keep);
        snprintf(buf, sizeof buf, "k%llu", (unsigned long long)j);
        struct gc_object *ref = gc_dict_get_cstr(c.cache, buf);
        struct gc_object *hit = ref != NULL ? gc_weakref_get(ref) : NULL;
        if (hit == NULL) {
            rc = GC_EINVAL; /* a strongly held value went: a bug */
            break;
        }
        sum += (uint64_t)gc_int_value(gc_attr_get(heap, hit, "n")) % 1000;
        gc_safepoint(heap); /* the loop's back-edge */
    }
    /* run() returns: its values die, their callbacks run; then the
     * cache goes, and with it every weakref, so no callback can run once
     * c is gone.  The same order when a step failed. */
    if (rc == GC_OK) {
        sum += gc_list_len(strong);
    }
    gc_xdecref(heap, strong);
    gc_xdecref(heap, c.cache);
    gc_xdecref(heap, c.rev);
    if (rc != GC_OK) {
        return rc == GC_EINVAL ? GC_EINVAL : GC_ENOMEM;
    }
    *checksum = sum;
    return GC_OK;
}

static const struct gc_option options[] = {
    {"n", "0", "values made in all (0: 25 x size)",
     GC_OPT_COUNT, 0, 1000000000, NULL, NULL},
    {"keep", "0", "values held strongly (0: size / 4)",
     GC_OPT_COUNT, 0, 100000000, NULL, NULL},
    {"every", "3", "one value in every is a self-cycle",
     GC_OPT_COUNT, 1, 100000000, NULL, NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

extern const char gc_twin_weakref_cache[];

const struct gc_workload gc_workload_weakref_cache = {
    .name = "weakref-cache",
    .description = "a dict of weakrefs whose callbacks remove dead entries; "
                   "some values die only in collections",
    .default_size = 2000,
    .cost_ns_per_object = 50000,
    .options = options,
    .run = weakref_cache,
    .twin = gc_twin_weakref_cache,
    .twin_imports_weakref = true,
};

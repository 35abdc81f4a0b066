/* harness/oracles/differential.c -- does a collector free exactly what the
 * reference frees?  A seeded random program builds and mutates an
 * object graph (instances plain, with finalizers and slotted; lists,
 * dicts, tuples, weakrefs), drops roots and collects now and then, with
 * automatic collection on at a low threshold; at the end every root is
 * dropped but a random few, and two full collections run.  Then the
 * objects reachable from the roots and gc.garbage (by the identity each
 * carries) and the count of live containers must equal the reference
 * collector's.  (Tracked-ness may differ: trial deletion untracks
 * tuples only where it looks.)  tests/t-differential runs it over many
 * seeds and variants; gclab check runs a short batch per collector. */
#include "gc.h"
#include "harness.h"
#include "oracles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t
next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dULL;
}

static int
pick(uint64_t *s, int n)
{
    return (int)(next(s) % (uint64_t)n);
}

#define NROOTS 48

static int
cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void
noop_callback(struct gc_heap *heap, struct gc_object *wr, void *data)
{
    (void)heap;
    (void)wr;
    (void)data;
}

struct reach {
    struct gc_object **seen;
    size_t *n;
};

static int
visit_reach(struct gc_object *obj, void *arg)
{
    struct reach *r = arg;
    if (!gc_is_gc(obj)) {
        return 0;
    }
    for (size_t i = 0; i < *r->n; i++) {
        if (r->seen[i] == obj) {
            return 0;
        }
    }
    if (*r->n < 8192) {
        r->seen[(*r->n)++] = obj;
    }
    return 0;
}

/* The identity an object carries, or -1. */
static int64_t
identity(struct gc_heap *heap, struct gc_object *obj)
{
    struct gc_object *id = NULL;
    switch (obj->type->kind) {
    case GC_KIND_INSTANCE:
        id = gc_attr_get(heap, obj, "id");
        break;
    case GC_KIND_LIST:
        id = gc_list_len(obj) > 0 ? gc_list_get(obj, 0) : NULL;
        break;
    case GC_KIND_DICT:
        id = gc_dict_get_cstr(obj, "id");
        break;
    case GC_KIND_TUPLE:
        id = gc_tuple_len(obj) > 0 ? gc_tuple_get(obj, 0) : NULL;
        break;
    default:
        break;
    }
    return id != NULL && id->type->kind == GC_KIND_INT ? gc_int_value(id) : -1;
}

void
gc_differential_run(const char *spec, uint64_t seed,
                    struct gc_diff_outcome *out)
{
    char err[200], name[16], key[16];
    struct gc_heap *heap;
    out->ok = gc_heap_new_spec(spec, NULL, &heap, err, sizeof err) == GC_OK;
    out->n = 0;
    if (!out->ok) {
        return;
    }
    int64_t t0 = 40;
    gc_set_threshold(heap, 1, &t0);
    static const char *const slots[] = {"id", "a", "b"};
    struct gc_class_spec plain = {.name = "Plain"};
    struct gc_class_spec fin = {.name = "Fin", .finalizer = GC_FIN_FINALIZER};
    struct gc_class_spec slot = {
        .name = "Slot", .has_slots = true, .nslots = 3, .slots = slots};
    struct gc_class *classes[3];
    gc_class_new(heap, &plain, &classes[0]);
    gc_class_new(heap, &fin, &classes[1]);
    gc_class_new(heap, &slot, &classes[2]);
    uint64_t s = seed * 0x9e3779b97f4a7c15ULL + 1;
    int64_t next_id = 1000;
    for (int op = 0; op < 300; op++) {
        int r = pick(&s, NROOTS);
        snprintf(name, sizeof name, "o%d", r);
        struct gc_object *a = gc_root_get(heap, name);
        snprintf(name, sizeof name, "o%d", pick(&s, NROOTS));
        struct gc_object *b = gc_root_get(heap, name);
        snprintf(key, sizeof key, "k%d", pick(&s, 4));
        switch (pick(&s, 12)) {
        case 0:
        case 1:
        case 2: { /* a new object under root r */
            struct gc_object *id = gc_int_new(heap, next_id++), *obj;
            int kind = pick(&s, 5);
            if (kind <= 1) {
                obj = gc_instance_new(heap, classes[pick(&s, 3)]);
                gc_attr_set(heap, obj, "id", id);
            }
            else if (kind == 2) {
                obj = gc_list_new(heap);
                gc_list_append(heap, obj, id);
            }
            else if (kind == 3) {
                obj = gc_dict_new(heap);
                gc_dict_set_cstr(heap, obj, "id", id);
            }
            else {
                struct gc_object *items[2] = {id, b};
                obj = gc_tuple_new(heap, b != NULL ? 2 : 1, items);
            }
            snprintf(name, sizeof name, "o%d", r);
            gc_root_set(heap, name, obj);
            gc_decref(heap, obj);
            gc_decref(heap, id);
            break;
        }
        case 3:
        case 4:
        case 5: /* link a -> b */
            if (a == NULL || b == NULL) {
                break;
            }
            if (a->type->kind == GC_KIND_INSTANCE) {
                struct gc_class *c = gc_instance_class(a);
                const char *attr =
                    c == classes[2] ? (pick(&s, 2) ? "a" : "b") : key;
                gc_attr_set(heap, a, attr, b);
            }
            else if (a->type->kind == GC_KIND_LIST) {
                gc_list_append(heap, a, b);
            }
            else if (a->type->kind == GC_KIND_DICT) {
                gc_dict_set_cstr(heap, a, key, b);
            }
            break;
        case 6: /* unlink */
            if (a == NULL) {
                break;
            }
            if (a->type->kind == GC_KIND_INSTANCE) {
                gc_attr_del(heap, a,
                            gc_instance_class(a) == classes[2] ? "a" : key);
            }
            else if (a->type->kind == GC_KIND_LIST && gc_list_len(a) > 1) {
                gc_list_remove_at(heap, a, gc_list_len(a) - 1);
            }
            else if (a->type->kind == GC_KIND_DICT) {
                gc_dict_del_cstr(heap, a, key);
            }
            break;
        case 7:
        case 8:
        case 9: /* drop a root */
            snprintf(name, sizeof name, "o%d", r);
            gc_root_del(heap, name);
            break;
        case 10: /* a weakref with a callback, rooted */
            if (a != NULL && a->type->kind == GC_KIND_INSTANCE &&
                gc_instance_class(a) != classes[2]) {
                struct gc_object *w;
                if (gc_weakref_new(heap, a, noop_callback, NULL, &w) ==
                    GC_OK) {
                    snprintf(name, sizeof name, "w%d", pick(&s, 8));
                    gc_root_set(heap, name, w);
                    gc_decref(heap, w);
                }
            }
            break;
        default:
            gc_collect(heap, pick(&s, 3));
            break;
        }
        gc_safepoint(heap);
    }
    for (int i = 0; i < NROOTS; i++) {
        if (pick(&s, 4) != 0) {
            snprintf(name, sizeof name, "o%d", i);
            gc_root_del(heap, name);
        }
    }
    gc_collect(heap, 2);
    gc_collect(heap, 2);
    /* Everything reachable from the roots and gc.garbage, breadth first;
     * seen is small, so a linear search is enough. */
    static struct gc_object *seen[8192];
    size_t nseen = 0;
    seen[nseen++] = gc_root_table(heap);
    seen[nseen++] = gc_garbage(heap);
    for (size_t i = 0; i < nseen; i++) {
        struct reach r = {seen, &nseen};
        gc_traverse(seen[i], visit_reach, &r);
        int64_t id = identity(heap, seen[i]);
        if (id >= 0 && out->n < 4096) {
            out->ids[out->n++] = id;
        }
    }
    qsort(out->ids, out->n, sizeof *out->ids, cmp_i64);
    const struct gc_heap_stats *st = gc_heap_stats(heap);
    out->live = st->gc_objects_allocated - st->gc_objects_freed -
                st->gc_objects_cached;
    if (gc_heap_destroy(heap) != 0) {
        out->ok = false;
    }
}

bool
gc_differential_same(const struct gc_diff_outcome *a,
                     const struct gc_diff_outcome *b)
{
    return a->ok && b->ok && a->n == b->n && a->live == b->live &&
           memcmp(a->ids, b->ids, a->n * sizeof *a->ids) == 0;
}

/* spec with profile= added, unless it names one. */
static void
with_profile(const char *collector, bool has_profile, enum gc_profile p,
             char *out, size_t bytes)
{
    if (has_profile) {
        snprintf(out, bytes, "%s", collector);
    }
    else {
        snprintf(out, bytes, "%s%sprofile=%s", collector,
                 strchr(collector, ':') ? "," : ":", gc_profile_name(p));
    }
}

uint64_t
gc_differential(const char *collector, uint64_t first, uint64_t n, char *why,
                size_t why_bytes)
{
    struct gc_spec parsed;
    char err[256];
    if (gc_spec_parse(collector, &parsed, err, sizeof err) != GC_OK) {
        snprintf(why, why_bytes, "%s", err);
        return first;
    }
    static struct gc_diff_outcome ref, got;
    for (uint64_t seed = first; seed < first + n; seed++) {
        enum gc_profile p = parsed.has_profile
                                ? parsed.profile
                                : (enum gc_profile)(seed % GC_PROFILE_COUNT);
        char spec[300], ref_spec[64];
        with_profile(collector, parsed.has_profile, p, spec, sizeof spec);
        snprintf(ref_spec, sizeof ref_spec, "cpython:profile=%s",
                 gc_profile_name(p));
        gc_differential_run(ref_spec, seed, &ref);
        gc_differential_run(spec, seed, &got);
        if (!gc_differential_same(&ref, &got)) {
            snprintf(why, why_bytes,
                     "%s differs from %s on seed %llu: %zu vs %zu "
                     "survivors, %llu vs %llu live containers%s",
                     spec, ref_spec, (unsigned long long)seed, got.n, ref.n,
                     (unsigned long long)got.live,
                     (unsigned long long)ref.live,
                     got.ok && ref.ok ? "" : " (a heap failed or leaked)");
            return seed;
        }
    }
    return 0;
}

/* workloads/snapshot.c -- a real program's heap (a snapshot written by
 * `gclab snapshot`, docs/snapshot.md) rebuilt in the model, then
 * collected.  The model's kinds stand in for CPython's: a list for a
 * list, a dict for a dict, a tuple for a tuple, and for every other
 * kind an instance of a generated class with one __slots__ entry per
 * referent (no __dict__, on any profile, so the instance is the one
 * object the snapshot has); untracked referents are atoms (bytes of the
 * same sys.getsizeof).  Edges are the snapshot's, in traversal order.
 * A tuple or dict with no tracked referent -- which the model would
 * untrack, while the interpreter had it tracked -- and an object with
 * more referents than a class has slots are lists, so that the model
 * holds exactly the snapshot's tracked objects.
 *
 * Roots: an object the interpreter counted more references to than the
 * snapshot's tracked objects hold (a module's dict held by the
 * interpreter, a frame's locals, ...) keeps the workload's reference,
 * as those outside references do; the others are held only by their
 * referrers, so a collection finds them as CPython's does, through
 * move_unreachable.  Everything is made with the collector disabled. */
#include "snapshot-format.h"
#include "workload.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SLOTS 64

enum standin { AS_ATOM, AS_LIST, AS_DICT, AS_TUPLE, AS_INSTANCE };

struct loader {
    struct gc_heap *heap;
    const struct gc_snapshot *s;
    struct gc_object **obj; /* by id; the workload's references */
    uint8_t *as;            /* enum standin, by id */
    uint32_t *in_degree;    /* edges from tracked objects, by id */
    struct gc_object **keys; /* "0", "1", ...: the dicts' keys */
    size_t nkeys;
    /* One class per (kind, slot count), made when first needed. */
    struct gc_class **classes; /* nkinds * (MAX_SLOTS + 1) */
};

static const char *const slot_names[MAX_SLOTS] = {
    "s0",  "s1",  "s2",  "s3",  "s4",  "s5",  "s6",  "s7",  "s8",  "s9",
    "s10", "s11", "s12", "s13", "s14", "s15", "s16", "s17", "s18", "s19",
    "s20", "s21", "s22", "s23", "s24", "s25", "s26", "s27", "s28", "s29",
    "s30", "s31", "s32", "s33", "s34", "s35", "s36", "s37", "s38", "s39",
    "s40", "s41", "s42", "s43", "s44", "s45", "s46", "s47", "s48", "s49",
    "s50", "s51", "s52", "s53", "s54", "s55", "s56", "s57", "s58", "s59",
    "s60", "s61", "s62", "s63",
};

static bool
has_tracked_referent(const struct gc_snapshot *s,
                     const struct gc_snapshot_node *nd)
{
    for (uint32_t e = 0; e < nd->nedges; e++) {
        if (s->edges[nd->edge0 + e] < s->ntracked) {
            return true;
        }
    }
    return false;
}

/* Picks each object's stand-in.  Tuples must be made after their
 * items: a tuple in a cycle of tuples alone (which CPython cannot make
 * either, short of C code) becomes a list. */
static enum gc_status
choose(struct loader *ld)
{
    const struct gc_snapshot *s = ld->s;
    uint64_t n = s->ntracked + s->nuntracked;
    for (uint64_t i = 0; i < n; i++) {
        const struct gc_snapshot_node *nd = &s->nodes[i];
        const char *kind = s->kind_names[nd->kind];
        if (i >= s->ntracked) {
            ld->as[i] = AS_ATOM;
        }
        else if (strcmp(kind, "list") == 0) {
            ld->as[i] = AS_LIST;
        }
        else if (strcmp(kind, "tuple") == 0 || strcmp(kind, "dict") == 0) {
            ld->as[i] = !has_tracked_referent(s, nd) ? AS_LIST
                        : kind[0] == 't'              ? AS_TUPLE
                                                      : AS_DICT;
        }
        else {
            ld->as[i] = nd->nedges <= MAX_SLOTS ? AS_INSTANCE : AS_LIST;
        }
    }
    return GC_OK;
}

static struct gc_class *
class_for(struct loader *ld, uint32_t kind, uint32_t nslots)
{
    struct gc_class **c = &ld->classes[(size_t)kind * (MAX_SLOTS + 1) +
                                       nslots];
    if (*c == NULL) {
        struct gc_class_spec spec = {
            .name = ld->s->kind_names[kind],
            .has_slots = true,
            .nslots = nslots,
            .slots = slot_names,
        };
        if (gc_class_new(ld->heap, &spec, c) != GC_OK) {
            *c = NULL;
        }
    }
    return *c;
}

/* The dicts' keys "0" .. "n-1", shared by every dict. */
static enum gc_status
make_keys(struct loader *ld)
{
    const struct gc_snapshot *s = ld->s;
    size_t most = 0;
    for (uint64_t i = 0; i < s->ntracked; i++) {
        if (ld->as[i] == AS_DICT && s->nodes[i].nedges > most) {
            most = s->nodes[i].nedges;
        }
    }
    ld->keys = calloc(most > 0 ? most : 1, sizeof *ld->keys);
    if (ld->keys == NULL) {
        return GC_ENOMEM;
    }
    char text[16];
    for (; ld->nkeys < most; ld->nkeys++) {
        snprintf(text, sizeof text, "%zu", ld->nkeys);
        ld->keys[ld->nkeys] = gc_str_from_cstr(ld->heap, text);
        if (ld->keys[ld->nkeys] == NULL) {
            return GC_ENOMEM;
        }
    }
    return GC_OK;
}

/* Atoms and every container but tuples, empty. */
/* An untracked referent: a byte string of the size sys.getsizeof gave
 * (33 bytes of header on 3.x); NULL when out of memory. */
static struct gc_object *
make_atom(struct loader *ld, const struct gc_snapshot_node *nd)
{
    struct gc_object *o = NULL;
    uint64_t payload = nd->size_bytes > 33 ? nd->size_bytes - 33 : 0;
    return gc_bytes_new(ld->heap, payload, &o) == GC_OK ? o : NULL;
}

static enum gc_status
make_empty(struct loader *ld)
{
    const struct gc_snapshot *s = ld->s;
    uint64_t n = s->ntracked + s->nuntracked;
    for (uint64_t i = 0; i < n; i++) {
        const struct gc_snapshot_node *nd = &s->nodes[i];
        struct gc_object *o = NULL;
        switch ((enum standin)ld->as[i]) {
        case AS_ATOM:
            o = make_atom(ld, nd);
            break;
        case AS_LIST:
            o = gc_list_new(ld->heap);
            break;
        case AS_DICT:
            o = gc_dict_new(ld->heap);
            break;
        case AS_INSTANCE: {
            struct gc_class *c = class_for(ld, nd->kind, nd->nedges);
            o = c != NULL ? gc_instance_new(ld->heap, c) : NULL;
            break;
        }
        case AS_TUPLE:
            continue;
        }
        if (o == NULL) {
            return GC_ENOMEM;
        }
        ld->obj[i] = o;
    }
    return GC_OK;
}

/* Tuples not made yet, once their items exist: Kahn's order over tuple-to-tuple
 * edges; what a cycle of tuples leaves over becomes a list (made here,
 * filled with the lists). */
static enum gc_status
make_tuples(struct loader *ld)
{
    const struct gc_snapshot *s = ld->s;
    uint32_t *waiting = calloc(s->ntracked > 0 ? s->ntracked : 1,
                               sizeof *waiting);
    uint32_t *ready = malloc((s->ntracked > 0 ? s->ntracked : 1) *
                             sizeof *ready);
    struct gc_object **items = malloc(MAX_SLOTS * sizeof *items);
    size_t items_cap = MAX_SLOTS;
    enum gc_status rc = waiting && ready && items ? GC_OK : GC_ENOMEM;
    size_t nready = 0;
    /* waiting[t]: items of t that are tuples not yet made. */
    for (uint64_t i = 0; rc == GC_OK && i < s->ntracked; i++) {
        if (ld->as[i] != AS_TUPLE || ld->obj[i] != NULL) {
            continue; /* made already, in address order */
        }
        const struct gc_snapshot_node *nd = &s->nodes[i];
        for (uint32_t e = 0; e < nd->nedges; e++) {
            uint32_t id = s->edges[nd->edge0 + e];
            waiting[i] += ld->as[id] == AS_TUPLE && ld->obj[id] == NULL;
        }
        if (waiting[i] == 0) {
            ready[nready++] = (uint32_t)i;
        }
    }
    /* A reverse index would cost an array per edge; instead sweep
     * until no tuple becomes ready (tuples nest shallowly). */
    while (rc == GC_OK && nready > 0) {
        uint32_t t = ready[--nready];
        const struct gc_snapshot_node *nd = &s->nodes[t];
        if (nd->nedges > items_cap) {
            struct gc_object **more = realloc(items, nd->nedges *
                                                         sizeof *items);
            if (more == NULL) {
                rc = GC_ENOMEM;
                break;
            }
            items = more;
            items_cap = nd->nedges;
        }
        for (uint32_t e = 0; e < nd->nedges; e++) {
            items[e] = ld->obj[s->edges[nd->edge0 + e]];
        }
        ld->obj[t] = gc_tuple_new(ld->heap, nd->nedges, items);
        if (ld->obj[t] == NULL) {
            rc = GC_ENOMEM;
            break;
        }
        if (nready == 0) {
            for (uint64_t i = 0; i < s->ntracked; i++) {
                if (ld->as[i] != AS_TUPLE || ld->obj[i] != NULL) {
                    continue;
                }
                const struct gc_snapshot_node *w = &s->nodes[i];
                uint32_t left = 0;
                for (uint32_t e = 0; e < w->nedges; e++) {
                    uint32_t id = s->edges[w->edge0 + e];
                    left += ld->as[id] == AS_TUPLE && ld->obj[id] == NULL;
                }
                if (left == 0) {
                    ready[nready++] = (uint32_t)i;
                }
            }
        }
    }
    for (uint64_t i = 0; rc == GC_OK && i < s->ntracked; i++) {
        if (ld->as[i] == AS_TUPLE && ld->obj[i] == NULL) {
            ld->as[i] = AS_LIST;
            ld->obj[i] = gc_list_new(ld->heap);
            if (ld->obj[i] == NULL) {
                rc = GC_ENOMEM;
            }
        }
    }
    free(waiting);
    free(ready);
    free(items);
    return rc;
}

/* The edges of lists, dicts and instances, in the order of order (ids)
 * or of ids.  A list that holds placeholders (is_placed) has its items
 * set in place, as a dict has its values replaced. */
static enum gc_status
fill(struct loader *ld, const uint32_t *order, bool is_placed)
{
    const struct gc_snapshot *s = ld->s;
    uint64_t n = order != NULL ? s->ntracked + s->nuntracked : s->ntracked;
    for (uint64_t k = 0; k < n; k++) {
        uint64_t i = order != NULL ? order[k] : k;
        if (i >= s->ntracked) {
            continue;
        }
        const struct gc_snapshot_node *nd = &s->nodes[i];
        struct gc_object *o = ld->obj[i];
        if (ld->as[i] == AS_TUPLE) {
            continue; /* made whole */
        }
        for (uint32_t e = 0; e < nd->nedges; e++) {
            struct gc_object *r = ld->obj[s->edges[nd->edge0 + e]];
            enum gc_status rc = GC_OK;
            switch ((enum standin)ld->as[i]) {
            case AS_LIST:
                rc = is_placed ? gc_list_set(ld->heap, o, e, r)
                               : gc_list_append(ld->heap, o, r);
                break;
            case AS_DICT:
                rc = gc_dict_set(ld->heap, o, ld->keys[e], r);
                break;
            case AS_INSTANCE:
                rc = gc_attr_set(ld->heap, o, slot_names[e], r);
                break;
            case AS_ATOM:
            case AS_TUPLE:
                break;
            }
            if (rc != GC_OK) {
                return rc;
            }
        }
    }
    return GC_OK;
}

struct by_addr {
    uint64_t addr;
    uint32_t id;
};

static int
cmp_addr(const void *a, const void *b)
{
    const struct by_addr *x = a, *y = b;
    if (x->addr != y->addr) {
        return (x->addr > y->addr) - (x->addr < y->addr);
    }
    return (x->id > y->id) - (x->id < y->id);
}

/* The ids in the order of their addresses in the interpreter's heap. */
static uint32_t *
address_order(const struct gc_snapshot *s)
{
    uint64_t n = s->ntracked + s->nuntracked;
    struct by_addr *v = malloc((n > 0 ? n : 1) * sizeof *v);
    uint32_t *order = malloc((n > 0 ? n : 1) * sizeof *order);
    if (v == NULL || order == NULL) {
        free(v);
        free(order);
        return NULL;
    }
    for (uint64_t i = 0; i < n; i++) {
        v[i] = (struct by_addr){s->nodes[i].addr, (uint32_t)i};
    }
    qsort(v, n, sizeof *v, cmp_addr);
    for (uint64_t i = 0; i < n; i++) {
        order[i] = v[i].id;
    }
    free(v);
    return order;
}

/* The snapshot layout: every object made in the order of its address in
 * the interpreter's heap, so that the pool, carving each size class's
 * blocks in allocation order, puts them in the same relative order
 * there, and a collection walking its list in the snapshot's order
 * jumps through memory as the interpreter's did.  A list gets its item
 * array and a dict its table when made (placeholders, replaced by fill),
 * as the interpreter's were allocated with them, not after everything
 * else.  A tuple is made when its turn comes if its items exist, else
 * after (make_tuples).  Then the tracked objects are listed again in
 * gc.get_objects() order, which the collector walks. */
static enum gc_status
build_placed(struct loader *ld)
{
    const struct gc_snapshot *s = ld->s;
    uint64_t n = s->ntracked + s->nuntracked;
    uint32_t *order = address_order(s);
    if (order == NULL) {
        return GC_ENOMEM;
    }
    struct gc_object *none = gc_none(ld->heap);
    enum gc_status rc = GC_OK;
    for (uint64_t k = 0; k < n && rc == GC_OK; k++) {
        uint32_t i = order[k];
        const struct gc_snapshot_node *nd = &s->nodes[i];
        struct gc_object *o = NULL;
        switch ((enum standin)ld->as[i]) {
        case AS_ATOM:
            o = make_atom(ld, nd);
            break;
        case AS_LIST:
            o = gc_list_new(ld->heap);
            for (uint32_t e = 0; o != NULL && e < nd->nedges; e++) {
                if (gc_list_append(ld->heap, o, none) != GC_OK) {
                    gc_decref(ld->heap, o);
                    o = NULL;
                }
            }
            break;
        case AS_DICT:
            o = gc_dict_new(ld->heap);
            for (uint32_t e = 0; o != NULL && e < nd->nedges; e++) {
                if (gc_dict_set(ld->heap, o, ld->keys[e], none) != GC_OK) {
                    gc_decref(ld->heap, o);
                    o = NULL;
                }
            }
            break;
        case AS_INSTANCE: {
            struct gc_class *c = class_for(ld, nd->kind, nd->nedges);
            o = c != NULL ? gc_instance_new(ld->heap, c) : NULL;
            break;
        }
        case AS_TUPLE: {
            struct gc_object *items[MAX_SLOTS];
            uint32_t e = 0;
            for (; e < nd->nedges && e < MAX_SLOTS; e++) {
                items[e] = ld->obj[s->edges[nd->edge0 + e]];
                if (items[e] == NULL) {
                    break;
                }
            }
            if (e < nd->nedges) {
                continue; /* an item is not made yet, or too many */
            }
            o = gc_tuple_new(ld->heap, nd->nedges, items);
            break;
        }
        }
        if (o == NULL) {
            rc = GC_ENOMEM;
        }
        ld->obj[i] = o;
    }
    if (rc == GC_OK) {
        rc = make_tuples(ld);
    }
    if (rc == GC_OK) {
        rc = fill(ld, order, true);
    }
    for (uint64_t i = 0; rc == GC_OK && i < s->ntracked; i++) {
        gc_relist(ld->heap, ld->obj[i]);
    }
    free(order);
    return rc;
}

/* Keeps the workload's reference only where the interpreter counted
 * references from outside the tracked objects, or where nothing else
 * holds the object. */
static void
drop_held(struct loader *ld)
{
    const struct gc_snapshot *s = ld->s;
    uint64_t n = s->ntracked + s->nuntracked;
    for (uint64_t e = 0; e < s->nedges; e++) {
        ld->in_degree[s->edges[e]]++;
    }
    for (uint64_t i = 0; i < n; i++) {
        bool is_root = i < s->ntracked &&
                       s->nodes[i].refcnt > ld->in_degree[i];
        if (ld->in_degree[i] > 0 && !is_root) {
            gc_decref(ld->heap, ld->obj[i]);
            ld->obj[i] = NULL;
        }
    }
}

/* Young collections on a stream of allocations: `young` pairs of
 * instances in a cycle, dropped at once, every keep-th one kept (hung
 * off a list the workload holds), the program's survival rate. */
static enum gc_status
stream(struct gc_heap *heap, uint64_t young, uint64_t keep, uint64_t *sum)
{
    struct gc_class_spec spec = {.name = "StreamNode"};
    struct gc_class *cls;
    GC_TRY(gc_class_new(heap, &spec, &cls));
    struct gc_object *kept = gc_list_new(heap);
    if (kept == NULL) {
        return GC_ENOMEM;
    }
    enum gc_status rc = GC_OK;
    for (uint64_t i = 0; i < young && rc == GC_OK; i++) {
        struct gc_object *a = NULL, *b = NULL;
        WORKLOAD_STEP(rc, a = gc_instance_new(heap, cls));
        WORKLOAD_STEP(rc, b = gc_instance_new(heap, cls));
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, a, "peer", b));
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, b, "peer", a));
        if (keep > 0 && i % keep == 0) {
            WORKLOAD_STEP_OK(rc, gc_list_append(heap, kept, a));
        }
        gc_xdecref(heap, a);
        gc_xdecref(heap, b);
        gc_safepoint(heap);
    }
    *sum += gc_list_len(kept);
    gc_decref(heap, kept);
    return rc;
}

static const struct gc_option options[] = {
    {"file", "", "the snapshot (gclab snapshot --out FILE)", GC_OPT_TEXT, 0,
     0, NULL, NULL},
    {"collections", "1", "full collections after loading", GC_OPT_COUNT, 0,
     1000000, NULL, NULL},
    {"young", "0", "then pairs allocated in a stream, for young collections",
     GC_OPT_COUNT, 0, 4611686018427387903.0, NULL, NULL},
    {"keep", "0",
     "one in keep stream pairs survives (0: the program's rate, tracked / "
     "allocations)",
     GC_OPT_COUNT, 0, 9223372036854775807.0, NULL, NULL},
    {"freeze", "0", "1: gc.freeze() after loading", GC_OPT_COUNT, 0, 1, NULL,
     NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

extern const struct gc_workload gc_workload_snapshot;

static const char *
file_option(const struct gc_workload_params *p)
{
    for (size_t i = 0; i < p->nopts; i++) {
        if (strcmp(p->opts[i].key, "file") == 0) {
            return p->opts[i].value;
        }
    }
    return NULL;
}

static bool
snapshot_check(const struct gc_workload_params *p, char *err,
               size_t err_bytes)
{
    const struct gc_workload *w = &gc_workload_snapshot;
    uint64_t v;
    const char *file = file_option(p);
    if (file == NULL || file[0] == '\0') {
        snprintf(err, err_bytes, "workload 'snapshot' needs file=FILE");
        return false;
    }
    if (!gc_workload_option_u64(p, w, "collections", &v, err,
                                err_bytes) ||
        !gc_workload_option_u64(p, w, "young", &v, err,
                                err_bytes) ||
        !gc_workload_option_u64(p, w, "keep", &v, err,
                                err_bytes) ||
        !gc_workload_option_u64(p, w, "freeze", &v, err, err_bytes)) {
        return false;
    }
    /* The whole file, so that a bad one is refused before anything
     * runs, with the reader's line (a run reads it again). */
    struct gc_snapshot s;
    if (gc_snapshot_read(file, NULL, &s, err, err_bytes) != GC_OK) {
        return false;
    }
    gc_snapshot_free(&s);
    return true;
}

/* Builds the graph; on failure drops what was made (collected with
 * the heap, as the caller destroys it). */
static enum gc_status
load(struct loader *ld)
{
    const struct gc_snapshot *s = ld->s;
    uint64_t n = s->ntracked + s->nuntracked;
    size_t nn = n > 0 ? (size_t)n : 1;
    ld->obj = calloc(nn, sizeof *ld->obj);
    ld->as = calloc(nn, 1);
    ld->in_degree = calloc(nn, sizeof *ld->in_degree);
    ld->classes = calloc((s->nkinds > 0 ? s->nkinds : 1) * (MAX_SLOTS + 1),
                         sizeof *ld->classes);
    if (!ld->obj || !ld->as || !ld->in_degree || !ld->classes) {
        return GC_ENOMEM;
    }
    GC_TRY(choose(ld));
    GC_TRY(make_keys(ld));
    if (s->version >= 2 && gc_heap_layout(ld->heap) == GC_LAYOUT_SNAPSHOT) {
        GC_TRY(build_placed(ld));
    }
    else {
        GC_TRY(make_empty(ld));
        GC_TRY(make_tuples(ld));
        GC_TRY(fill(ld, NULL, false));
    }
    drop_held(ld);
    return GC_OK;
}

static void
unload(struct loader *ld)
{
    const struct gc_snapshot *s = ld->s;
    for (uint64_t i = 0; ld->obj != NULL && i < s->ntracked + s->nuntracked;
         i++) {
        gc_xdecref(ld->heap, ld->obj[i]);
    }
    for (size_t k = 0; k < ld->nkeys; k++) {
        gc_xdecref(ld->heap, ld->keys[k]);
    }
    free(ld->obj);
    free(ld->as);
    free(ld->in_degree);
    free(ld->keys);
    free(ld->classes);
}

static enum gc_status
snapshot_run(struct gc_heap *heap, const struct gc_workload_params *p,
             uint64_t *checksum)
{
    const struct gc_workload *w = &gc_workload_snapshot;
    char err[300];
    uint64_t collections, young, keep, freeze;
    /* The spec's check (snapshot_check) read the whole file already;
     * here only its presence is needed before the one read below. */
    const char *file = file_option(p);
    if (file == NULL || file[0] == '\0' ||
        !gc_workload_option_u64(p, w, "collections", &collections, err, sizeof err) ||
        !gc_workload_option_u64(p, w, "young", &young,
                                err, sizeof err) ||
        !gc_workload_option_u64(p, w, "keep", &keep, err,
                                sizeof err) ||
        !gc_workload_option_u64(p, w, "freeze", &freeze, err,
                                sizeof err)) {
        return GC_EINVAL;
    }
    struct gc_snapshot s;
    enum gc_status rc = gc_snapshot_read(file, NULL, &s, err, sizeof err);
    if (rc != GC_OK) {
        return rc == GC_ENOMEM ? GC_ENOMEM : GC_EINVAL;
    }
    if (keep == 0 && s.collections[0] > 0 && s.threshold[0] > 0) {
        /* Container allocations so far, roughly: a young collection
         * per threshold0 of them. */
        uint64_t allocs = (uint64_t)s.collections[0] *
                              (uint64_t)s.threshold[0] +
                          (s.count[0] > 0 ? (uint64_t)s.count[0] : 0);
        keep = s.ntracked > 0 ? allocs / s.ntracked : 0;
        keep = keep > 0 ? keep : 1;
    }
    bool was_enabled = gc_isenabled(heap);
    gc_disable(heap);
    struct loader ld = {.heap = heap, .s = &s};
    rc = load(&ld);
    if (was_enabled) {
        gc_enable(heap);
    }
    uint64_t sum = s.ntracked + s.nedges;
    if (rc == GC_OK && freeze) {
        rc = gc_freeze(heap);
        rc = rc == GC_EUNSUPPORTED ? GC_OK : rc;
    }
    for (uint64_t i = 0; rc == GC_OK && i < collections; i++) {
        gc_collect(heap, 2);
        gc_safepoint(heap);
    }
    if (rc == GC_OK && young > 0) {
        rc = stream(heap, young, keep, &sum);
    }
    unload(&ld);
    gc_snapshot_free(&s);
    if (freeze) {
        gc_unfreeze(heap);
    }
    *checksum = sum;
    return rc == GC_OK ? GC_OK : GC_ENOMEM;
}

const struct gc_workload gc_workload_snapshot = {
    .name = "snapshot",
    .description = "a real program's heap from gclab snapshot, rebuilt "
                   "and collected (file=F)",
    .default_size = 1,
    .cost_ns_per_object = 1000,
    .options = options,
    .run = snapshot_run,
    .twin = NULL,
    .check = snapshot_check,
    .is_whole_heap = true,
    .layout = GC_LAYOUT_SNAPSHOT,
};

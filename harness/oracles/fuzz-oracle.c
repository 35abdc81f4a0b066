/* harness/oracles/fuzz-oracle.c -- gclab fuzz's oracle: a shadow graph of what
 * a program made, checked after every operation against what the heap
 * did, and the execution of the operations themselves.
 *
 * Every object the program makes is a node with a serial, its
 * references are edges, and the roots are the slots, the resurrection
 * list and gc.garbage.  The oracle never reads the collector's
 * structures.  Deaths come from the heap's allocator, which is the
 * fuzzer's own: each object carries a private int (an attribute, dict
 * entry, or list or tuple item 0) that nothing else references, so the
 * free of that int's block says "this object dropped its references",
 * at the moment it happens and without touching freed memory; the free
 * of an instance's or weakref's own block says the same.  After every
 * operation:
 *   - nothing reachable from the roots has died;
 *   - every unreachable object that no cycle holds has died
 *     (refcounting frees acyclic garbage at once, on every collector);
 *   - after collect(2) on a heap with GC_CAP_CYCLES, everything that was
 *     garbage when it started has died, but what frozen or legacy-
 *     finalizer garbage held (and on 3.8, when a finalizer resurrected
 *     something, the whole batch lives on);
 *   - a finalizer ran only on garbage, at most once (2.7's __del__ that
 *     resurrects runs on every death), and before any death it implies;
 *   - a weakref reads its referent while that is alive and never found
 *     unreachable (CPython clears weakrefs to everything a collection
 *     finds unreachable, before finalizers may resurrect it), and None
 *     once it has died; a callback runs at most once, after the clear,
 *     and does run for a weakref that outlives its referent;
 *   - garbage is freed within the sweeps its collector declares
 *     (gc_heap_sweeps), collect(2) or not, but what frozen or legacy-
 *     finalizer garbage holds (and on 3.8 a batch a resurrection kept
 *     counts again from then);
 *   - the heap's live container count equals the shadow's, and the
 *     heap verifier passes (level 2 after each op that collected): on
 *     2.7 and 3.8 every plain instance has a dict; on 3.11+ one that
 *     needs a name its class's full shared keys lack (struct fz_keys);
 * and at the end the heap gives back every byte. */
#include "fuzz-internal.h"

#include <stdarg.h>
#include <string.h>
#include <sys/resource.h>

/* ---- the shadow graph ---------------------------------------------- */

struct fz_node {
    struct gc_object *obj; /* NULL once dead */
    uintptr_t token;       /* the block whose free means death */
    uint8_t cls;           /* enum fz_class */
    bool is_dead;
    bool was_garbage; /* unreachable at some point: a collection may
                         have cleared its weakrefs */
    bool is_frozen;
    bool is_kept;        /* see mark_kept */
    bool is_collectable; /* see mark_kept */
    bool has_callback;   /* a weakref's */
    bool has_dict;       /* 3.11+: an instance the shared keys overflowed */
    uint32_t finalized;  /* finalizer runs */
    uint32_t callbacks;  /* weakref callback runs */
    uint32_t target;     /* a weakref's referent */
    uint32_t death_op;
    uint64_t garbage_since; /* 1 + the sweeps done when it last became
                               garbage nothing keeps; 0 while it is not */
    uint32_t alive_at;      /* index in the run's alive list */
    uint32_t keys[FZ_KEYS]; /* instance and dict: FZ_UNSET, FZ_ATOM, or a
                               serial */
    uint32_t *items;        /* list items after the id, tuple items */
    uint32_t nitems, cap;
};

/* Address -> serial, open addressing with backward-shift deletion. */
struct fz_map {
    uintptr_t *keys;
    uint32_t *vals;
    size_t cap, n;
};

static size_t
map_home(uintptr_t key, size_t cap)
{
    return (size_t)((key >> 4) * 0x9e3779b97f4a7c15ULL) & (cap - 1);
}

static void map_put(struct fz_map *m, uintptr_t key, uint32_t val);

static void
map_grow(struct fz_map *m)
{
    struct fz_map old = *m;
    m->cap = old.cap ? old.cap * 2 : 1024;
    m->keys = fz_xrealloc(NULL, m->cap * sizeof *m->keys);
    m->vals = fz_xrealloc(NULL, m->cap * sizeof *m->vals);
    memset(m->keys, 0, m->cap * sizeof *m->keys);
    m->n = 0;
    for (size_t i = 0; i < old.cap; i++) {
        if (old.keys[i] != 0) {
            map_put(m, old.keys[i], old.vals[i]);
        }
    }
    free(old.keys);
    free(old.vals);
}

static void
map_put(struct fz_map *m, uintptr_t key, uint32_t val)
{
    if ((m->n + 1) * 2 > m->cap) {
        map_grow(m);
    }
    for (size_t j = map_home(key, m->cap);; j = (j + 1) & (m->cap - 1)) {
        if (m->keys[j] == key || m->keys[j] == 0) {
            m->n += m->keys[j] == 0;
            m->keys[j] = key;
            m->vals[j] = val;
            return;
        }
    }
}

/* The slot holding key, or SIZE_MAX. */
static size_t
map_find(const struct fz_map *m, uintptr_t key)
{
    if (m->cap == 0) {
        return SIZE_MAX;
    }
    for (size_t j = map_home(key, m->cap); m->keys[j] != 0;
         j = (j + 1) & (m->cap - 1)) {
        if (m->keys[j] == key) {
            return j;
        }
    }
    return SIZE_MAX;
}

static uint32_t
map_get(const struct fz_map *m, const void *key)
{
    size_t j = map_find(m, (uintptr_t)key);
    return j == SIZE_MAX ? 0 : m->vals[j];
}

static void
map_delete(struct fz_map *m, uintptr_t key)
{
    size_t j = map_find(m, key);
    if (j == SIZE_MAX) {
        return;
    }
    size_t mask = m->cap - 1;
    m->keys[j] = 0;
    m->n--;
    for (size_t k = (j + 1) & mask; m->keys[k] != 0; k = (k + 1) & mask) {
        size_t home = map_home(m->keys[k], m->cap);
        bool between =
            j < k ? (home > j && home <= k) : (home > j || home <= k);
        if (!between) {
            m->keys[j] = m->keys[k];
            m->vals[j] = m->vals[k];
            m->keys[k] = 0;
            j = k;
        }
    }
}

/* A growing array of serials. */
struct fz_vec {
    uint32_t *v;
    uint32_t n, cap;
};

static void
vec_push(struct fz_vec *a, uint32_t x)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        a->v = fz_xrealloc(a->v, a->cap * sizeof *a->v);
    }
    a->v[a->n++] = x;
}

/* 3.11+: a class's shared keys as CPython keeps them (verified on 3.11.7
 * and 3.13.0 with gc.get_referents): the names so far and dk_usable, a
 * reserve of SHARED_KEYS_MAX_SIZE (30) that each new instance shrinks by
 * one, down to one, and each new name by one.  A store, or a delete (the
 * name is looked up, so added, first), of a name the keys lack takes it
 * into them while the reserve lasts; after that a store gives the
 * instance a dict. */
#define FZ_KEYS_RESERVE 30
#define FZ_ID_NAME FZ_KEYS /* name bit of "id"; key_names[k] is bit k */
struct fz_keys {
    uint32_t names; /* bit per name */
    uint32_t usable;
};

struct fz_run {
    struct gc_allocator alloc; /* the heap's; its ctx is the run */
    struct gc_heap *heap;
    enum gc_profile profile;
    bool has_cycles;
    struct gc_class *classes[FZ_NCLASSES];
    struct fz_keys keys[FZ_NCLASSES];
    struct gc_object *saved;

    struct fz_node *nodes; /* by serial; 0 is unused */
    uint32_t nnodes, cap;
    struct fz_vec alive;    /* serials not dead, in no order */
    struct fz_vec died_now; /* serials that died during this op */
    uint64_t collections_seen, collections_verified;
    uint32_t slots[FZ_SLOTS];  /* serial, or 0 when empty */
    struct fz_vec saved_items; /* the shadow of saved */
    struct fz_map tokens;      /* token block -> serial */
    struct fz_map objects;     /* live object -> serial */

    uint32_t op_index, nops;
    uint64_t collections;        /* from gc.get_stats, where there is one */
    struct fz_vec finalized_now; /* finalizer runs during this op */
    struct fz_vec resurrected_now;
    bool is_full_collection; /* this op was collect(2) */
    bool has_resurrected_now;
    uint64_t base_live; /* the heap's own containers */

    /* Scratch for the graph walks. */
    uint32_t *mark, epoch;
    struct fz_vec stack, garbage;
    uint32_t *indegree;

    bool has_gc_callback;
    uint32_t gc_callback_calls;

    struct gc_object *leaked, *overfreed; /* what --inject did */
    bool is_phantom;

    enum fz_check check; /* the first failure */
    uint32_t fail_op;
    char why[320];
};

static const char *const slot_names[FZ_SLOTS] = {
    "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9",
};
static const char *const key_names[FZ_KEYS] = {"k0", "k1", "k2", "k3"};
static const char *const slot_keys[2] = {"a", "b"};

static void fail(struct fz_run *r, enum fz_check check, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct fz_run *r, enum fz_check check, const char *fmt, ...)
{
    if (r->check != FZ_OK) {
        return; /* the first failure is the one to report */
    }
    r->check = check;
    r->fail_op = r->op_index;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof r->why, fmt, ap);
    va_end(ap);
}

static const char *
describe(const struct fz_run *r, uint32_t serial, char *buf, size_t bytes)
{
    snprintf(buf, bytes, "#%u (%s)", serial,
             class_names[r->nodes[serial].cls]);
    return buf;
}

static bool
is_instance_class(uint8_t cls)
{
    return cls < FZ_NCLASSES;
}

static bool
is_slotted(uint8_t cls)
{
    return cls == FZ_SLOTTED || cls == FZ_SLOTTED_WEAK;
}

static bool
has_keys(uint8_t cls)
{
    return is_instance_class(cls) || cls == FZ_DICT;
}

/* Classes whose instances run a finalizer (PEP 442, or __del__ as
 * legacy_del on 2.7 and for the legacy class) before they die. */
static bool
has_finalizer(uint8_t cls)
{
    return cls == FZ_FIN || cls == FZ_RESURRECT || cls == FZ_LEGACY;
}

/* ---- the allocator: deaths without touching freed memory ----------- */

/* A token's block is going: its object has dropped its references, or
 * is gone.  An instance has two tokens, its id and its own block: on 2.7
 * and 3.8 the id sits in the instance's dict, which gc.garbage may keep
 * (DEBUG_SAVEALL) after the instance has gone.  The first free says it
 * died; the other only leaves the map. */
static void
fz_free(void *ctx, void *ptr, size_t n_bytes)
{
    struct fz_run *r = ctx;
    size_t j = map_find(&r->tokens, (uintptr_t)ptr);
    if (j != SIZE_MAX) {
        struct fz_node *nd = &r->nodes[r->tokens.vals[j]];
        map_delete(&r->tokens, (uintptr_t)ptr);
        if (!nd->is_dead) {
            map_delete(&r->objects, (uintptr_t)nd->obj);
            nd->is_dead = true;
            nd->obj = NULL;
            nd->death_op = r->op_index;
            uint32_t last = r->alive.v[--r->alive.n];
            r->alive.v[nd->alive_at] = last;
            r->nodes[last].alive_at = nd->alive_at;
            vec_push(&r->died_now, (uint32_t)(nd - r->nodes));
        }
    }
    gc_allocator_system.free(NULL, ptr, n_bytes);
}

/* ---- hooks the heap calls ------------------------------------------ */

static uint32_t
known(struct fz_run *r, struct gc_object *obj, const char *where)
{
    uint32_t serial = map_get(&r->objects, obj);
    if (serial == 0) {
        fail(r, FZ_CHECK_UNKNOWN, "%s: an object the program never made",
             where);
    }
    return serial;
}

/* ---- the shadow's edges -------------------------------------------- */

/* A node's references are its keys, then its items: edge i for i below
 * edge_count, 0 where there is none (unset, or an atom). */
static uint32_t
edge_count(const struct fz_node *nd)
{
    return (has_keys(nd->cls) ? FZ_KEYS : 0) + nd->nitems;
}

static uint32_t
edge_at(const struct fz_node *nd, uint32_t i)
{
    if (has_keys(nd->cls)) {
        if (i < FZ_KEYS) {
            return nd->keys[i] == FZ_UNSET ? 0 : nd->keys[i];
        }
        i -= FZ_KEYS;
    }
    return nd->items[i];
}

/* The n-th actual reference (n modulo how many there are), or 0. */
static uint32_t
nth_child(const struct fz_node *nd, uint32_t n)
{
    uint32_t count = 0, m = edge_count(nd);
    for (uint32_t i = 0; i < m; i++) {
        count += edge_at(nd, i) != 0;
    }
    if (count == 0) {
        return 0;
    }
    n %= count;
    for (uint32_t i = 0;; i++) {
        uint32_t c = edge_at(nd, i);
        if (c != 0 && n-- == 0) {
            return c;
        }
    }
}

/* The node an operand names now, or 0: an empty slot, a slot or child
 * that is gone (after a failure), or a hop into an object with no
 * references. */
static uint32_t
resolve(const struct fz_run *r, struct fz_ref ref)
{
    if (ref.slot >= FZ_SLOTS) {
        return 0;
    }
    uint32_t s = r->slots[ref.slot];
    if (s == 0 || r->nodes[s].is_dead) {
        return 0;
    }
    if (ref.hop == 0) {
        return s;
    }
    uint32_t c = nth_child(&r->nodes[s], ref.hop - 1u);
    return c == 0 || r->nodes[c].is_dead ? 0 : c;
}

/* A zeroed node with no edges; its serial. */
static uint32_t
node_alloc(struct fz_run *r)
{
    if (r->nnodes == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 256;
        r->nodes = fz_xrealloc(r->nodes, r->cap * sizeof *r->nodes);
        r->mark = fz_xrealloc(r->mark, r->cap * sizeof *r->mark);
        r->indegree = fz_xrealloc(r->indegree, r->cap * sizeof *r->indegree);
        for (uint32_t i = r->nnodes; i < r->cap; i++) {
            r->mark[i] = 0;
        }
    }
    uint32_t serial = r->nnodes++;
    struct fz_node *nd = &r->nodes[serial];
    memset(nd, 0, sizeof *nd);
    for (int i = 0; i < FZ_KEYS; i++) {
        nd->keys[i] = FZ_UNSET;
    }
    return serial;
}

static uint32_t
node_new(struct fz_run *r, uint8_t cls, struct gc_object *obj, uintptr_t token)
{
    uint32_t serial = node_alloc(r);
    struct fz_node *nd = &r->nodes[serial];
    nd->obj = obj;
    nd->token = token;
    nd->cls = cls;
    nd->alive_at = r->alive.n;
    vec_push(&r->alive, serial);
    map_put(&r->tokens, token, serial);
    map_put(&r->objects, (uintptr_t)obj, serial);
    return serial;
}

static void
items_push(struct fz_node *nd, uint32_t x)
{
    if (nd->nitems == nd->cap) {
        nd->cap = nd->cap ? nd->cap * 2 : 4;
        nd->items = fz_xrealloc(nd->items, nd->cap * sizeof *nd->items);
    }
    nd->items[nd->nitems++] = x;
}

/* ---- shared keys ----------------------------------------------------- */

static bool
shares_keys(const struct fz_run *r, uint8_t cls)
{
    return r->profile >= GC_PROFILE_3_11 && is_instance_class(cls) &&
           !is_slotted(cls);
}

/* Before the heap makes an instance of cls. */
static void
keys_instance_made(struct fz_run *r, uint8_t cls)
{
    if (shares_keys(r, cls) && r->keys[cls].usable > 1) {
        r->keys[cls].usable--;
    }
}

/* Before the heap stores (is_store) or deletes name bit on node s. */
static void
keys_use(struct fz_run *r, uint32_t s, unsigned bit, bool is_store)
{
    struct fz_node *nd = &r->nodes[s];
    if (!shares_keys(r, nd->cls) || nd->has_dict) {
        return;
    }
    struct fz_keys *k = &r->keys[nd->cls];
    if (k->names & (1u << bit)) {
        return;
    }
    if (k->usable > 0) {
        k->names |= 1u << bit;
        k->usable--;
    }
    else if (is_store) {
        nd->has_dict = true;
    }
}

/* ---- graph walks ----------------------------------------------------- */

/* Marks, with the current epoch, root and every node it reaches.  With
 * via (the root's name), a dead node on the way is a failure: it was
 * reachable. */
static void
walk_from(struct fz_run *r, uint32_t root, const char *via)
{
    if (root == 0 || r->mark[root] == r->epoch) {
        return;
    }
    r->mark[root] = r->epoch;
    r->stack.n = 0;
    vec_push(&r->stack, root);
    while (r->stack.n > 0) {
        uint32_t s = r->stack.v[--r->stack.n];
        struct fz_node *nd = &r->nodes[s];
        if (nd->is_dead) {
            char d[48];
            if (via != NULL) {
                fail(r, FZ_CHECK_REACHABLE,
                     "%s died (at op %u) while reachable from %s",
                     describe(r, s, d, sizeof d), nd->death_op + 1, via);
            }
            continue;
        }
        for (uint32_t i = 0, m = edge_count(nd); i < m; i++) {
            uint32_t c = edge_at(nd, i);
            if (c != 0 && r->mark[c] != r->epoch) {
                r->mark[c] = r->epoch;
                vec_push(&r->stack, c);
            }
        }
    }
}

static int
walk_referent(struct gc_object *obj, void *arg)
{
    struct fz_run *r = arg;
    walk_from(r, map_get(&r->objects, obj), "gc.garbage");
    return 0;
}

/* Marks (with a new epoch) everything reachable from the roots: slots,
 * saved and, with is_with_garbage, gc.garbage. */
static void
mark_reachable(struct fz_run *r, bool is_with_garbage)
{
    r->epoch++;
    for (int i = 0; i < FZ_SLOTS; i++) {
        walk_from(r, r->slots[i], slot_names[i]);
    }
    for (uint32_t i = 0; i < r->saved_items.n; i++) {
        walk_from(r, r->saved_items.v[i], "saved");
    }
    struct gc_object *garbage = gc_garbage(r->heap);
    size_t n = is_with_garbage ? gc_list_len(garbage) : 0;
    for (size_t i = 0; i < n; i++) {
        struct gc_object *obj = gc_list_get(garbage, i);
        uint32_t s = map_get(&r->objects, obj);
        /* DEBUG_SAVEALL puts 2.7's and 3.8's instance dicts there too,
         * and may keep one after its instance has died (which left the
         * legacy set by dying in the collection, as gcmodule.c does):
         * what it holds is reachable. */
        if (s == 0 && obj->type->kind == GC_KIND_DICT) {
            gc_traverse(obj, walk_referent, r);
            continue;
        }
        walk_from(r, known(r, obj, "gc.garbage"), "gc.garbage");
    }
}

static bool
is_marked(const struct fz_run *r, uint32_t s)
{
    return r->mark[s] == r->epoch;
}

/* While the marks are mark_reachable's. */
static bool
is_garbage(const struct fz_run *r, uint32_t s)
{
    return s != 0 && !r->nodes[s].is_dead && !is_marked(r, s);
}

/* Unreachable live nodes that no cycle holds: peel nodes with no
 * incoming edge from other garbage until none is left (Kahn).  What
 * remains is on a cycle or hangs off one; the peeled ones must have
 * died, since nothing but garbage refers to them and refcounting frees
 * such objects at once. */
static void
check_acyclic_garbage(struct fz_run *r)
{
    struct fz_vec *g = &r->garbage;
    for (uint32_t i = 0; i < g->n; i++) {
        r->indegree[g->v[i]] = 0;
    }
    for (uint32_t i = 0; i < g->n; i++) {
        const struct fz_node *nd = &r->nodes[g->v[i]];
        for (uint32_t j = 0, m = edge_count(nd); j < m; j++) {
            uint32_t c = edge_at(nd, j);
            r->indegree[c] += is_garbage(r, c);
        }
    }
    r->stack.n = 0;
    for (uint32_t i = 0; i < g->n; i++) {
        if (r->indegree[g->v[i]] == 0) {
            vec_push(&r->stack, g->v[i]);
        }
    }
    while (r->stack.n > 0) {
        uint32_t s = r->stack.v[--r->stack.n];
        char d[48];
        fail(r, FZ_CHECK_ACYCLIC,
             "%s is unreachable and in no cycle, yet alive",
             describe(r, s, d, sizeof d));
        const struct fz_node *nd = &r->nodes[s];
        for (uint32_t j = 0, m = edge_count(nd); j < m; j++) {
            uint32_t c = edge_at(nd, j);
            if (is_garbage(r, c) && --r->indegree[c] == 0) {
                vec_push(&r->stack, c);
            }
        }
    }
}

static bool
has_legacy_finalizer(const struct fz_run *r, uint8_t cls)
{
    return cls == FZ_LEGACY || (r->profile == GC_PROFILE_2_7 &&
                                (cls == FZ_FIN || cls == FZ_RESURRECT));
}

/* Before collect(2): what it must free, the garbage there is now (what
 * finalizers and callbacks drop while it runs may be found next time),
 * and of that, what garbage it cannot free reaches.  A frozen object is
 * never examined, so it is an outside reference; a legacy finalizer's
 * object is set apart with all it reaches.  Either may still die during
 * the collection, when the garbage referring to it is cleared ("it may
 * also cause some objects in finalizers to be freed", gcmodule.c), and
 * then what it reached lives on until the next one, with no gc.garbage
 * entry to show. */
static void
mark_kept(struct fz_run *r)
{
    for (uint32_t i = 0; i < r->alive.n; i++) {
        r->nodes[r->alive.v[i]].is_collectable = false;
    }
    r->epoch++;
    for (uint32_t i = 0; i < r->garbage.n; i++) {
        struct fz_node *nd = &r->nodes[r->garbage.v[i]];
        nd->is_collectable = true;
        if (!nd->is_dead &&
            (nd->is_frozen || has_legacy_finalizer(r, nd->cls))) {
            walk_from(r, r->garbage.v[i], NULL);
        }
    }
    for (uint32_t i = 0; i < r->alive.n; i++) {
        uint32_t s = r->alive.v[i];
        r->nodes[s].is_kept = r->mark[s] == r->epoch;
    }
}

/* After collect(2): what it had to free has died but what mark_kept
 * found. */
static void
check_full_collection(struct fz_run *r)
{
    for (uint32_t i = 0; i < r->garbage.n; i++) {
        const struct fz_node *nd = &r->nodes[r->garbage.v[i]];
        if (nd->is_collectable && !nd->is_kept) {
            char d[48];
            fail(r, FZ_CHECK_CYCLES,
                 "%s is unreachable and survived gc.collect(2)",
                 describe(r, r->garbage.v[i], d, sizeof d));
            return;
        }
    }
}

static void
check_weakref(struct fz_run *r, uint32_t s)
{
    struct fz_node *w = &r->nodes[s], *t = &r->nodes[w->target];
    struct gc_object *got = gc_weakref_get(w->obj);
    char d[48], e[48];
    describe(r, s, d, sizeof d);
    describe(r, w->target, e, sizeof e);
    if (w->callbacks > 1) {
        fail(r, FZ_CHECK_WEAKREF, "the callback of %s ran %u times", d,
             w->callbacks);
    }
    if (t->is_dead) {
        if (got != NULL) {
            fail(r, FZ_CHECK_WEAKREF,
                 "%s still points at %s, which died at op %u", d, e,
                 t->death_op + 1);
        }
        /* Died while this weakref was alive and never garbage: its
         * callback had to run. */
        else if (w->has_callback && !w->was_garbage && w->callbacks == 0 &&
                 t->death_op == r->op_index) {
            fail(r, FZ_CHECK_WEAKREF,
                 "%s died but the callback of %s never "
                 "ran",
                 e, d);
        }
    }
    /* Cleared early only by a collection that found the referent
     * unreachable, or (3.8 on, bpo-38006) the weakref itself; either may
     * live on, resurrected or kept with 3.8's batch. */
    else if (got == NULL) {
        if (!t->was_garbage && !w->was_garbage) {
            fail(r, FZ_CHECK_WEAKREF,
                 "%s was cleared while it and %s are alive and were never "
                 "garbage",
                 d, e);
        }
    }
    else if (got != t->obj) {
        fail(r, FZ_CHECK_WEAKREF, "%s points at another object than %s", d, e);
    }
    if (w->callbacks > 0 && got != NULL) {
        fail(r, FZ_CHECK_WEAKREF, "the callback of %s ran, yet it is set", d);
    }
}

static void
check_finalizers(struct fz_run *r)
{
    char d[48];
    /* A finalizer runs on garbage only: unreachable now, before this
     * op's resurrections put anything back, or earlier. */
    for (uint32_t i = 0; i < r->finalized_now.n; i++) {
        uint32_t s = r->finalized_now.v[i];
        if (is_marked(r, s) && !r->nodes[s].was_garbage) {
            fail(r, FZ_CHECK_FINALIZER,
                 "the finalizer of %s ran while it was reachable",
                 describe(r, s, d, sizeof d));
        }
    }
    for (uint32_t i = 0; i < r->finalized_now.n; i++) {
        uint32_t s = r->finalized_now.v[i];
        struct fz_node *nd = &r->nodes[s];
        /* PEP 442: once per object; 2.7's __del__ on every death, so a
         * resurrecting one may run again. */
        bool once = r->profile != GC_PROFILE_2_7 || nd->cls != FZ_RESURRECT;
        if (once && nd->finalized > 1) {
            fail(r, FZ_CHECK_FINALIZER, "the finalizer of %s ran %u times",
                 describe(r, s, d, sizeof d), nd->finalized);
        }
    }
}

/* Instance dicts in gc.garbage whose instance has died (see
 * mark_reachable): containers the heap holds that no node stands for.
 * Counted only when gc.garbage holds a dict the program did not make,
 * which takes DEBUG_SAVEALL on 2.7 or 3.8. */
static uint64_t
orphan_dicts(struct fz_run *r)
{
    struct gc_object *garbage = gc_garbage(r->heap);
    struct fz_map owned = {0};
    uint64_t n = 0;
    bool has_owners = false;
    for (size_t i = 0; i < gc_list_len(garbage); i++) {
        struct gc_object *obj = gc_list_get(garbage, i);
        if (obj->type->kind != GC_KIND_DICT ||
            map_get(&r->objects, obj) != 0) {
            continue;
        }
        if (!has_owners) {
            for (uint32_t k = 0; k < r->alive.n; k++) {
                uint32_t s = r->alive.v[k];
                const struct fz_node *nd = &r->nodes[s];
                if (is_instance_class(nd->cls) &&
                    gc_instance_dict(nd->obj) != NULL) {
                    map_put(&owned, (uintptr_t)gc_instance_dict(nd->obj), s);
                }
            }
            has_owners = true;
        }
        if (map_get(&owned, obj) == 0) {
            n++;
            map_put(&owned, (uintptr_t)obj, 1); /* once, if listed twice */
        }
    }
    free(owned.keys);
    free(owned.vals);
    return n;
}

/* Liveness (gc_heap_sweeps): garbage that was there when the collector
 * had completed E sweeps is gone by E + bound, automatic collections or
 * not.  Garbage that frozen or legacy-finalizer garbage reaches is kept
 * as long as that holds, and counts from when it stops; on 3.8 a
 * resurrection keeps a whole batch, which counts again from then.
 * Changes the marks: after every check that reads them. */
static void
check_liveness(struct fz_run *r)
{
    uint64_t now;
    unsigned bound;
    if (!gc_heap_sweeps(r->heap, &now, &bound)) {
        return;
    }
    bool is_reset = r->profile == GC_PROFILE_3_8 && r->has_resurrected_now;
    bool has_keepers = false;
    for (uint32_t i = 0; i < r->garbage.n; i++) {
        const struct fz_node *nd = &r->nodes[r->garbage.v[i]];
        has_keepers |= nd->is_frozen || has_legacy_finalizer(r, nd->cls);
    }
    if (has_keepers) {
        r->epoch++;
        for (uint32_t i = 0; i < r->garbage.n; i++) {
            const struct fz_node *nd = &r->nodes[r->garbage.v[i]];
            if (nd->is_frozen || has_legacy_finalizer(r, nd->cls)) {
                walk_from(r, r->garbage.v[i], NULL);
            }
        }
    }
    for (uint32_t i = 0; i < r->garbage.n; i++) {
        uint32_t s = r->garbage.v[i];
        struct fz_node *nd = &r->nodes[s];
        if (has_keepers && is_marked(r, s)) {
            nd->garbage_since = 0;
        }
        else if (nd->garbage_since == 0 || is_reset) {
            nd->garbage_since = now + 1;
        }
        else if (now >= nd->garbage_since - 1 + bound) {
            char d[48];
            fail(r, FZ_CHECK_LIVENESS,
                 "%s is garbage since sweep %llu and alive at sweep %llu "
                 "(bound %u)",
                 describe(r, s, d, sizeof d),
                 (unsigned long long)(nd->garbage_since - 1),
                 (unsigned long long)now, bound);
            return;
        }
    }
}

/* Every check of the oracle, at the end of one operation. */
static void
check_step(struct fz_run *r)
{
    char d[48];
    /* What was garbage during this op: unreachable before its
     * resurrections, and from the program's roots alone (DEBUG_SAVEALL
     * puts what a collection finds into gc.garbage).  Mostly there are
     * neither, and one walk serves. */
    bool is_one_walk =
        r->resurrected_now.n == 0 && gc_list_len(gc_garbage(r->heap)) == 0;
    mark_reachable(r, false);
    check_finalizers(r);
    for (uint32_t i = 0; i < r->alive.n; i++) {
        if (!is_marked(r, r->alive.v[i])) {
            r->nodes[r->alive.v[i]].was_garbage = true;
        }
    }
    for (uint32_t i = 0; i < r->resurrected_now.n; i++) {
        vec_push(&r->saved_items, r->resurrected_now.v[i]);
    }
    if (!is_one_walk) {
        mark_reachable(r, true);
    }
    /* A death implies its finalizer (PEP 442, or __del__ on the refcount
     * path: legacy cycles never die). */
    for (uint32_t i = 0; i < r->died_now.n; i++) {
        const struct fz_node *nd = &r->nodes[r->died_now.v[i]];
        if (has_finalizer(nd->cls) && nd->finalized == 0) {
            fail(r, FZ_CHECK_FINALIZER,
                 "%s died without its finalizer running",
                 describe(r, r->died_now.v[i], d, sizeof d));
        }
    }
    r->garbage.n = 0;
    uint64_t live = 0;
    for (uint32_t i = 0; i < r->alive.n; i++) {
        uint32_t s = r->alive.v[i];
        const struct fz_node *nd = &r->nodes[s];
        live++;
        /* 2.7 and 3.8 keep an instance's attributes in a dict object;
         * 3.11+ when its class's shared keys overflowed. */
        if ((r->profile < GC_PROFILE_3_11 && is_instance_class(nd->cls) &&
             !is_slotted(nd->cls)) ||
            nd->has_dict) {
            live++;
        }
        if (!is_marked(r, s)) {
            vec_push(&r->garbage, s);
        }
        else {
            r->nodes[s].garbage_since = 0;
        }
    }
    check_acyclic_garbage(r);
    if (r->is_full_collection && r->has_cycles &&
        !(r->profile == GC_PROFILE_3_8 && r->has_resurrected_now)) {
        check_full_collection(r);
    }
    for (uint32_t i = 0; i < r->alive.n; i++) {
        if (r->nodes[r->alive.v[i]].cls == FZ_WEAKREF_NODE) {
            check_weakref(r, r->alive.v[i]);
        }
    }
    check_liveness(r);
    const struct gc_heap_stats *st = gc_heap_stats(r->heap);
    uint64_t heap_live = st->gc_objects_allocated - st->gc_objects_freed -
                         st->gc_objects_cached;
    live += orphan_dicts(r);
    if (heap_live != r->base_live + live) {
        fail(r, FZ_CHECK_COUNT,
             "the heap holds %llu containers, the shadow expects %llu",
             (unsigned long long)heap_live,
             (unsigned long long)(r->base_live + live));
    }
    /* The full walk after every op that collected (every op if events
     * are compiled out), after a planted bug, and now and then; the
     * O(1) level between. */
    char err[256];
    bool has_collected =
        !GCLAB_EVENTS || r->collections_seen != r->collections_verified;
    int level = has_collected || r->op_index % 16 == 0 ||
                        r->overfreed != NULL || r->leaked != NULL
                    ? 2
                    : 1;
    r->collections_verified = r->collections_seen;
    if (gc_heap_verify(r->heap, level, err, sizeof err) != GC_OK) {
        fail(r, FZ_CHECK_VERIFY, "%s", err);
    }
}

/* ---- executing operations ------------------------------------------ */

static void
expect(struct fz_run *r, enum gc_status got, enum gc_status want,
       const char *what)
{
    if (got != want) {
        fail(r, FZ_CHECK_STATUS, "%s returned '%s', expected '%s'", what,
             gc_status_str(got), gc_status_str(want));
    }
}

static struct gc_object *
object_of(struct fz_run *r, uint32_t s)
{
    return s != 0 ? r->nodes[s].obj : gc_none(r->heap);
}

/* Makes an object of cls with its id, a tuple with items (serials, 0
 * for None) after it, and returns its serial; the caller owns the new
 * reference. */
static uint32_t
make_items(struct fz_run *r, uint8_t cls, const uint32_t *items,
           uint8_t nitems)
{
    struct gc_heap *heap = r->heap;
    struct gc_object *id = gc_int_new(heap, FZ_ID_BASE + r->nnodes);
    struct gc_object *obj = NULL;
    enum gc_status rc = GC_OK;
    if (cls < FZ_NCLASSES) {
        keys_instance_made(r, cls);
        obj = gc_instance_new(heap, r->classes[cls]);
        rc = gc_attr_set(heap, obj, "id", id);
    }
    else if (cls == FZ_LIST) {
        obj = gc_list_new(heap);
        rc = gc_list_append(heap, obj, id);
    }
    else if (cls == FZ_DICT) {
        obj = gc_dict_new(heap);
        rc = gc_dict_set_cstr(heap, obj, "id", id);
    }
    else {
        struct gc_object *v[4] = {id};
        for (uint8_t i = 0; i < nitems; i++) {
            v[i + 1] = object_of(r, items[i]);
        }
        obj = gc_tuple_new(heap, 1u + nitems, v);
    }
    expect(r, rc, GC_OK, "storing an id");
    uint32_t s = node_new(r, cls, obj, (uintptr_t)id);
    if (is_instance_class(cls)) {
        map_put(&r->tokens, (uintptr_t)gc_head_of(obj), s);
        keys_use(r, s, FZ_ID_NAME, true); /* every first store is "id" */
    }
    gc_decref(heap, id);
    for (uint8_t i = 0; cls == FZ_TUPLE && i < nitems; i++) {
        items_push(&r->nodes[s], items[i]);
    }
    return s;
}

/* The same with a tuple's items from the operation's operands. */
static uint32_t
make(struct fz_run *r, const struct fz_op *op, uint8_t cls)
{
    uint32_t items[3] = {0, 0, 0};
    for (uint8_t i = 0; cls == FZ_TUPLE && i < op->nrefs; i++) {
        items[i] = resolve(r, op->ref[i]);
    }
    return make_items(r, cls, items, cls == FZ_TUPLE ? op->nrefs : 0);
}

/* The shadow changes first, everywhere: the heap call may run
 * finalizers and callbacks that change it again. */
static void
set_slot(struct fz_run *r, uint8_t slot, uint32_t s)
{
    r->slots[slot] = s;
    expect(r, gc_root_set(r->heap, slot_names[slot], r->nodes[s].obj), GC_OK,
           "gc_root_set");
}

static void
drop_slot(struct fz_run *r, uint8_t slot)
{
    enum gc_status want = r->slots[slot] != 0 ? GC_OK : GC_ENOTFOUND;
    r->slots[slot] = 0;
    expect(r, gc_root_del(r->heap, slot_names[slot]), want, "gc_root_del");
}

/* a.key = b (0: None); a list appends b when num is even or it holds
 * nothing else, else sets item num % len.  Tuples and weakrefs take no
 * links. */
static void
link_to(struct fz_run *r, uint32_t a, uint32_t b, uint8_t key, int32_t num)
{
    struct fz_node *nd = &r->nodes[a];
    struct gc_object *obj = nd->obj, *value = object_of(r, b);
    if (is_instance_class(nd->cls)) {
        int k = is_slotted(nd->cls) ? key % 2 : key;
        const char *name = is_slotted(nd->cls) ? slot_keys[k] : key_names[k];
        nd->keys[k] = b;
        keys_use(r, a, (unsigned)k, true);
        expect(r, gc_attr_set(r->heap, obj, name, value), GC_OK,
               "gc_attr_set");
    }
    else if (nd->cls == FZ_DICT) {
        nd->keys[key] = b;
        expect(r, gc_dict_set_cstr(r->heap, obj, key_names[key], value), GC_OK,
               "gc_dict_set_cstr");
    }
    else if (nd->cls == FZ_LIST) {
        if (num % 2 == 0 || nd->nitems == 0) {
            items_push(nd, b);
            expect(r, gc_list_append(r->heap, obj, value), GC_OK,
                   "gc_list_append");
        }
        else {
            uint32_t i = (uint32_t)num % nd->nitems;
            nd->items[i] = b;
            expect(r, gc_list_set(r->heap, obj, 1 + i, value), GC_OK,
                   "gc_list_set");
        }
    }
}

static void
do_link(struct fz_run *r, const struct fz_op *op)
{
    uint32_t a = resolve(r, op->ref[0]);
    if (a != 0) {
        link_to(r, a, resolve(r, op->ref[1]), op->key, op->num[0]);
    }
}

/* A chain of num[0] objects, each referring to the one made before, its
 * last one into the slot: dropping it unwinds through the trashcan,
 * with finalizers (that act) and collections in the middle.  Kinds
 * follow num[1]. */
static void
do_chain(struct fz_run *r, const struct fz_op *op)
{
    uint32_t prev = 0;
    uint64_t h = rng_seed((uint64_t)op->num[1]);
    for (int32_t i = 0; i < op->num[0]; i++) {
        uint8_t cls = random_class(&h);
        uint32_t s = make_items(r, cls, &prev, prev != 0 && cls == FZ_TUPLE);
        if (prev != 0) {
            link_to(r, s, prev, 0, 0);
            gc_decref(r->heap, r->nodes[prev].obj); /* s holds it now */
        }
        prev = s;
    }
    if (prev != 0) {
        struct gc_object *head = r->nodes[prev].obj;
        set_slot(r, op->slot, prev);
        gc_decref(r->heap, head);
    }
}

/* Removes key k (instance, dict) or item i (list) of node a. */
static void
unlink_one(struct fz_run *r, uint32_t a, uint32_t k)
{
    struct fz_node *nd = &r->nodes[a];
    struct gc_object *obj = nd->obj;
    if (is_instance_class(nd->cls) || nd->cls == FZ_DICT) {
        if (is_slotted(nd->cls)) {
            k %= 2;
        }
        enum gc_status want = nd->keys[k] != FZ_UNSET ? GC_OK : GC_ENOTFOUND;
        const char *name = is_slotted(nd->cls) ? slot_keys[k] : key_names[k];
        nd->keys[k] = FZ_UNSET;
        if (nd->cls == FZ_DICT) {
            expect(r, gc_dict_del_cstr(r->heap, obj, name), want,
                   "gc_dict_del_cstr");
        }
        else {
            keys_use(r, a, k, false);
            expect(r, gc_attr_del(r->heap, obj, name), want, "gc_attr_del");
        }
    }
    else if (nd->cls == FZ_LIST && nd->nitems > 0) {
        uint32_t i = k % nd->nitems;
        memmove(&nd->items[i], &nd->items[i + 1],
                (nd->nitems - i - 1) * sizeof *nd->items);
        nd->nitems--;
        expect(r, gc_list_remove_at(r->heap, obj, 1 + i), GC_OK,
               "gc_list_remove_at");
    }
}

static void
do_unlink_all(struct fz_run *r, uint32_t a)
{
    for (uint32_t k = 0; k < FZ_KEYS && has_keys(r->nodes[a].cls); k++) {
        if (r->nodes[a].keys[k] != FZ_UNSET) {
            unlink_one(r, a, k);
        }
    }
    while (r->nodes[a].cls == FZ_LIST && r->nodes[a].nitems > 0 &&
           !r->nodes[a].is_dead) {
        unlink_one(r, a, r->nodes[a].nitems - 1);
    }
}

/* What a finalizer or weakref callback does besides being counted, as
 * the code in real ones does: picked by the object and how often it ran,
 * nothing, or drop one of its own references (a finalizer's), or make
 * an object into a root slot (an allocation, which outside a collection
 * may start one), or drop a root slot (which may free anything, in the
 * middle of a collection too). */
static void
act(struct fz_run *r, uint32_t serial, uint32_t nth, bool is_finalizer)
{
    uint64_t h = rng_seed(((uint64_t)serial << 8) ^ nth);
    uint8_t slot = (uint8_t)((h >> 8) % FZ_SLOTS);
    switch (h % 8) {
    case 4:
        if (is_finalizer && !is_slotted(r->nodes[serial].cls)) {
            unlink_one(r, serial, 0);
        }
        break;
    case 5: {
        struct fz_op plain = {.kind = FZ_NEW, .sub = FZ_PLAIN};
        uint32_t s = make(r, &plain, FZ_PLAIN);
        struct gc_object *obj = r->nodes[s].obj;
        set_slot(r, slot, s);
        gc_decref(r->heap, obj);
        break;
    }
    case 6:
        drop_slot(r, slot);
        break;
    default:
        break;
    }
}

static void
on_finalize(struct gc_heap *heap, struct gc_object *self, void *data)
{
    (void)heap;
    struct fz_run *r = data;
    uint32_t serial = known(r, self, "a finalizer");
    if (serial == 0) {
        return;
    }
    uint32_t nth = ++r->nodes[serial].finalized;
    vec_push(&r->finalized_now, serial);
    /* The class appends self to saved right after this hook. */
    if (r->nodes[serial].cls == FZ_RESURRECT) {
        vec_push(&r->resurrected_now, serial);
        r->has_resurrected_now = true;
    }
    act(r, serial, nth, true);
}

static void
on_callback(struct gc_heap *heap, struct gc_object *wr, void *data)
{
    (void)heap;
    struct fz_run *r = data;
    uint32_t serial = known(r, wr, "a weakref callback");
    if (serial == 0) {
        return;
    }
    uint32_t nth = ++r->nodes[serial].callbacks;
    if (gc_weakref_get(wr) != NULL) {
        char d[48];
        fail(r, FZ_CHECK_WEAKREF,
             "the callback of weakref %s ran before it was cleared",
             describe(r, serial, d, sizeof d));
    }
    act(r, serial, nth, false);
}

/* A gc.callbacks entry: code at the start and end of every collection,
 * automatic ones too (in the middle of an allocation), that may do
 * what a finalizer does. */
static void
on_gc(struct gc_heap *heap, enum gc_callback_phase phase,
      const struct gc_callback_info *info, void *data)
{
    (void)heap;
    (void)phase;
    (void)info;
    struct fz_run *r = data;
    act(r, 0, ++r->gc_callback_calls, false);
}

/* Which ops collected: the heap verifier's full walk follows them. */
static void
on_collect_end(void *data, int gen, uint64_t visited, uint64_t collected,
               uint64_t uncollectable)
{
    (void)gen;
    (void)visited;
    (void)collected;
    (void)uncollectable;
    ((struct fz_run *)data)->collections_seen++;
}

/* Debug lines go nowhere, but are made: the collectors' printing of
 * garbage runs too. */
static void
on_debug_line(void *data, const char *line)
{
    (void)data;
    (void)line;
}

static bool
is_weakrefable(uint8_t cls)
{
    return is_instance_class(cls) && cls != FZ_SLOTTED;
}

static void
do_weakref(struct fz_run *r, const struct fz_op *op)
{
    uint32_t t = resolve(r, op->ref[0]);
    if (t == 0) {
        return;
    }
    struct gc_object *wr = NULL;
    enum gc_status rc = gc_weakref_new(r->heap, r->nodes[t].obj,
                                       op->sub ? on_callback : NULL, r, &wr);
    expect(r, rc, is_weakrefable(r->nodes[t].cls) ? GC_OK : GC_ETYPE,
           "gc_weakref_new");
    if (rc != GC_OK) {
        return;
    }
    /* Without a callback CPython shares the referent's plain weakref. */
    uint32_t w = map_get(&r->objects, wr);
    if (w != 0) {
        const struct fz_node *old = &r->nodes[w];
        if (op->sub || old->cls != FZ_WEAKREF_NODE || old->has_callback ||
            old->target != t) {
            fail(r, FZ_CHECK_STATUS,
                 "gc_weakref_new returned #%u, not a new or shared weakref",
                 w);
        }
    }
    else {
        w = node_new(r, FZ_WEAKREF_NODE, wr, (uintptr_t)gc_head_of(wr));
        r->nodes[w].target = t;
        r->nodes[w].has_callback = op->sub != 0;
    }
    set_slot(r, op->slot, w);
    gc_decref(r->heap, wr);
}

static void
set_frozen(struct fz_run *r, bool is_frozen)
{
    for (uint32_t i = 0; i < r->alive.n; i++) {
        r->nodes[r->alive.v[i]].is_frozen = is_frozen;
    }
}

/* The bug --inject plants, on a fresh plain instance in slot op->slot,
 * so that every program shows it at once. */
static void
do_inject(struct fz_run *r, const struct fz_op *op)
{
    uint32_t s = make(r, op, FZ_PLAIN);
    struct gc_object *obj = r->nodes[s].obj;
    set_slot(r, op->slot, s);
    gc_decref(r->heap, obj);
    switch ((enum fz_inject)op->sub) {
    case FZ_INJECT_NONE:
        break;
    case FZ_INJECT_LEAK: /* a reference nobody will drop */
        r->leaked = gc_incref(obj);
        drop_slot(r, op->slot);
        break;
    case FZ_INJECT_OVERFREE: /* two references, count one */
        set_slot(r, (uint8_t)((op->slot + 1) % FZ_SLOTS), s);
        r->overfreed = obj;
        gc_decref(r->heap, obj);
        break;
    case FZ_INJECT_PHANTOM: /* the heap drops a root the shadow keeps */
        r->is_phantom = true;
        gc_root_del(r->heap, slot_names[op->slot]);
        break;
    case FZ_INJECT_CRASH: {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        abort();
    }
    }
}

static void
execute(struct fz_run *r, const struct fz_op *op)
{
    struct gc_heap *heap = r->heap;
    uint32_t a;
    /* Operands are held for the operation, as Python's stack holds
     * them: a finalizer or callback it sets off may drop every other
     * reference. */
    struct gc_object *held[3];
    uint8_t nheld = 0;
    for (uint8_t i = 0; i < op->nrefs; i++) {
        if ((a = resolve(r, op->ref[i])) != 0) {
            held[nheld++] = gc_incref(r->nodes[a].obj);
        }
    }
    switch ((enum fz_op_kind)op->kind) {
    case FZ_NEW: {
        uint32_t s = make(r, op, op->sub);
        struct gc_object *obj = r->nodes[s].obj;
        set_slot(r, op->slot, s);
        gc_decref(heap, obj);
        break;
    }
    case FZ_LINK:
        do_link(r, op);
        break;
    case FZ_UNLINK:
        if ((a = resolve(r, op->ref[0])) != 0) {
            unlink_one(r, a,
                       r->nodes[a].cls == FZ_LIST ? (uint32_t)op->num[0]
                                                  : op->key);
        }
        break;
    case FZ_UNLINK_ALL:
        if ((a = resolve(r, op->ref[0])) != 0) {
            do_unlink_all(r, a);
        }
        break;
    case FZ_DROP:
        drop_slot(r, op->slot);
        break;
    case FZ_MOVE:
        if ((a = resolve(r, op->ref[0])) != 0) {
            set_slot(r, op->slot, a);
        }
        break;
    case FZ_WEAKREF:
        do_weakref(r, op);
        break;
    case FZ_COLLECT:
        r->is_full_collection = op->sub == 2;
        if (r->is_full_collection) {
            mark_kept(r);
        }
        if (gc_collect(heap, op->sub) < 0) {
            fail(r, FZ_CHECK_STATUS, "gc.collect(%u) returned < 0", op->sub);
        }
        break;
    case FZ_FREEZE:
    case FZ_UNFREEZE: {
        bool is_freeze = op->kind == FZ_FREEZE;
        enum gc_status rc = is_freeze ? gc_freeze(heap) : gc_unfreeze(heap);
        expect(r, rc,
               (gc_heap_caps(heap) & GC_CAP_FREEZE) ? GC_OK : GC_EUNSUPPORTED,
               is_freeze ? "gc_freeze" : "gc_unfreeze");
        if (rc == GC_OK) {
            set_frozen(r, is_freeze);
        }
        break;
    }
    case FZ_ENABLE:
        gc_enable(heap);
        break;
    case FZ_DISABLE:
        gc_disable(heap);
        break;
    case FZ_THRESHOLD: {
        int64_t t[3] = {op->num[0], op->num[1], op->num[2]};
        expect(r, gc_set_threshold(heap, 3, t), GC_OK, "gc_set_threshold");
        break;
    }
    case FZ_CLEAR_SAVED:
        r->saved_items.n = 0;
        gc_list_clear(heap, r->saved);
        break;
    case FZ_CLEAR_GARBAGE:
        gc_list_clear(heap, gc_garbage(heap));
        break;
    case FZ_DEBUG:
        gc_set_debug(heap, debug_flags[op->sub % 4]);
        break;
    case FZ_CALLBACKS: {
        enum gc_status want = !(gc_heap_caps(heap) & GC_CAP_CALLBACKS)
                                  ? GC_EUNSUPPORTED
                              : op->sub == r->has_gc_callback ? GC_EINVAL
                                                              : GC_OK;
        if (want == GC_EINVAL) {
            break; /* already so */
        }
        expect(r,
               op->sub ? gc_callback_add(heap, on_gc, r)
                       : gc_callback_remove(heap, on_gc, r),
               want, op->sub ? "gc_callback_add" : "gc_callback_remove");
        r->has_gc_callback = want == GC_OK ? op->sub != 0 : r->has_gc_callback;
        break;
    }
    case FZ_INJECT:
        do_inject(r, op);
        break;
    case FZ_CHAIN:
        do_chain(r, op);
        break;
    }
    for (uint8_t i = 0; i < nheld; i++) {
        gc_decref(heap, held[i]);
    }
    /* 3.13 runs scheduled collections here, as at an eval breaker. */
    gc_safepoint(heap);
}

static void
tally_add(struct fz_tally *t, const struct fz_run *r)
{
    for (uint32_t s = 1; s < r->nnodes; s++) {
        const struct fz_node *nd = &r->nodes[s];
        bool is_program_death = nd->is_dead && nd->death_op < r->nops;
        t->n[FZ_T_OBJECTS]++;
        t->n[FZ_T_REFCOUNT_DEATHS] += is_program_death && !nd->was_garbage;
        t->n[FZ_T_COLLECTED] += is_program_death && nd->was_garbage;
        t->n[FZ_T_FINALIZERS] += nd->finalized;
        t->n[FZ_T_CALLBACKS] += nd->callbacks;
    }
    t->n[FZ_T_COLLECTIONS] += r->collections;
}

/* ---- one run ---------------------------------------------------------- */

static bool
make_classes(struct fz_run *r)
{
    static const char *const slots3[] = {"id", "a", "b"};
    static const char *const slots4[] = {"id", "a", "b", "__weakref__"};
    static const enum gc_finalizer_kind kinds[FZ_NCLASSES] = {
        [FZ_FIN] = GC_FIN_FINALIZER,
        [FZ_RESURRECT] = GC_FIN_RESURRECT,
        [FZ_LEGACY] = GC_FIN_LEGACY,
    };
    for (int c = 0; c < FZ_NCLASSES; c++) {
        struct gc_class_spec spec = {
            .name = class_names[c],
            .finalizer = kinds[c],
            .on_finalize = on_finalize,
            .data = r,
            .resurrect_into = c == FZ_RESURRECT ? r->saved : NULL,
            .has_slots = is_slotted((uint8_t)c),
            .nslots = c == FZ_SLOTTED ? 3 : 4,
            .slots = c == FZ_SLOTTED ? slots3 : slots4,
        };
        if (gc_class_new(r->heap, &spec, &r->classes[c]) != GC_OK) {
            return false;
        }
        r->keys[c].usable = FZ_KEYS_RESERVE;
    }
    return true;
}

static void
run_free(struct fz_run *r)
{
    for (uint32_t s = 0; s < r->nnodes; s++) {
        free(r->nodes[s].items);
    }
    free(r->nodes);
    free(r->mark);
    free(r->indegree);
    free(r->saved_items.v);
    free(r->alive.v);
    free(r->died_now.v);
    free(r->finalized_now.v);
    free(r->resurrected_now.v);
    free(r->stack.v);
    free(r->garbage.v);
    free(r->tokens.keys);
    free(r->tokens.vals);
    free(r->objects.keys);
    free(r->objects.vals);
}

/* Runs ops (nops of them, or those with keep[i] when keep is given)
 * and fills r->check, r->fail_op and r->why.  Returns false if the heap
 * could not be set up. */
static bool
run_program(const struct fz_setup *setup, const struct fz_op *ops,
            uint32_t nops, const bool *keep, struct fz_run *r, char *err,
            size_t err_bytes)
{
    memset(r, 0, sizeof *r);
    /* malloc, but the fuzzer hears of every free. */
    r->alloc = gc_allocator_system;
    r->alloc.free = fz_free;
    r->alloc.ctx = r;
    struct gc_heap_config cfg = setup->cfg;
    cfg.allocator = &r->alloc;
    cfg.err = err;
    cfg.err_bytes = err_bytes;
    r->nops = nops;
    node_alloc(r); /* serial 0 stands for none */
    r->nodes[0].is_dead = true;
    if (gc_heap_new(&cfg, &r->heap) != GC_OK) {
        run_free(r);
        return false;
    }
    r->profile = gc_heap_profile(r->heap);
    r->has_cycles =
        setup->expect_cycles || (gc_heap_caps(r->heap) & GC_CAP_CYCLES) != 0;
    r->saved = gc_list_new(r->heap);
    if (r->saved == NULL || !make_classes(r)) {
        snprintf(err, err_bytes, "out of memory setting up");
        gc_xdecref(r->heap, r->saved);
        gc_heap_destroy(r->heap);
        run_free(r);
        return false;
    }
    gc_decref(r->heap, r->saved); /* the class holds it */
    gc_set_debug_output(r->heap, on_debug_line, NULL);
    struct gc_listener listener = {.data = r, .collect_end = on_collect_end};
    gc_set_listener(r->heap, &listener);
    const struct gc_heap_stats *st = gc_heap_stats(r->heap);
    r->base_live = st->gc_objects_allocated - st->gc_objects_freed -
                   st->gc_objects_cached;
    for (uint32_t i = 0; i < nops && r->check == FZ_OK; i++) {
        if (keep != NULL && !keep[i]) {
            continue;
        }
        r->op_index = i;
        r->died_now.n = 0;
        r->finalized_now.n = 0;
        r->resurrected_now.n = 0;
        r->is_full_collection = false;
        r->has_resurrected_now = false;
        execute(r, &ops[i]);
        check_step(r);
    }
    /* A collector bug that freed a reachable object left dangling
     * references: destroying the heap would touch freed memory, so it
     * is left behind.  The planted bugs are undone first. */
    if (r->check == FZ_CHECK_REACHABLE && !r->is_phantom) {
        return true;
    }
    struct gc_gen_stats stats[GC_NGENERATIONS];
    if (gc_get_stats(r->heap, stats) == GC_OK) {
        for (int g = 0; g < GC_NGENERATIONS; g++) {
            r->collections += stats[g].collections;
        }
    }
    r->op_index = nops;
    if (r->overfreed != NULL) {
        gc_incref(r->overfreed);
    }
    if (r->leaked != NULL) {
        gc_decref(r->heap, r->leaked);
    }
    uint64_t leaked = gc_heap_destroy(r->heap);
    if (leaked != 0) {
        fail(r, FZ_CHECK_LEAK, "gc_heap_destroy reported %llu bytes leaked",
             (unsigned long long)leaked);
    }
    for (uint32_t s = 1; s < r->nnodes && r->check == FZ_OK; s++) {
        if (!r->nodes[s].is_dead) {
            char d[48];
            fail(r, FZ_CHECK_LEAK, "%s outlived gc_heap_destroy",
                 describe(r, s, d, sizeof d));
        }
    }
    return true;
}

bool
fz_run_program(const struct fz_setup *setup, const struct fz_op *ops,
               uint32_t nops, const bool *keep, struct fz_result *res,
               char *err, size_t err_bytes)
{
    struct fz_run r;
    if (!run_program(setup, ops, nops, keep, &r, err, err_bytes)) {
        return false;
    }
    res->check = r.check;
    res->fail_op = r.fail_op;
    memcpy(res->why, r.why, sizeof res->why);
    memset(&res->tally, 0, sizeof res->tally);
    tally_add(&res->tally, &r);
    run_free(&r);
    return true;
}

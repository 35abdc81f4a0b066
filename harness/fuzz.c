/* harness/fuzz.c -- gclab fuzz: seeded random programs over the object
 * API, checked after every step against a reachability oracle the
 * fuzzer keeps itself.
 *
 * A program is a list of operations on ten root slots: make an object
 * (instances plain, with a finalizer, resurrecting, legacy, slotted with
 * and without __weakref__; lists, dicts, tuples), link and unlink, drop
 * and move roots, weakrefs with and without callbacks, collect(gen),
 * freeze and unfreeze, enable and disable, thresholds, and clearing the
 * list finalizers resurrect into and gc.garbage.  It is a pure function
 * of the seed, so a failure replays with --seed and shrinks (--minimize)
 * by deleting operations: each names its operands as a root slot and a
 * hop to one of that object's children, which still means something
 * when other operations are gone.
 *
 * The oracle is a shadow graph: every object the program makes is a
 * node with a serial, its references are edges, and the roots are the
 * slots, the resurrection list and gc.garbage.  It never reads the
 * collector's structures.  Deaths come from the heap's allocator, which
 * is the fuzzer's own: each object carries a private int (an attribute,
 * dict entry, or list or tuple item 0) that nothing else references, so
 * the free of that int's block says "this object dropped its
 * references", at the moment it happens and without touching freed
 * memory; a weakref's own block says the same for it.  After every
 * operation:
 *   - nothing reachable from the roots has died;
 *   - every unreachable object that no cycle holds has died
 *     (refcounting frees acyclic garbage at once, on every collector);
 *   - after collect(2) on a heap with GC_CAP_CYCLES, every unreachable
 *     object has died except what a frozen one reaches (and on 3.8, when
 *     a finalizer resurrected something, the whole batch lives on);
 *   - a finalizer ran only on garbage, at most once (2.7's __del__ that
 *     resurrects runs on every death), and before any death it implies;
 *   - a weakref reads its referent while that is alive and never found
 *     unreachable (CPython clears weakrefs to everything a collection
 *     finds unreachable, before finalizers may resurrect it), and None
 *     once it has died; a callback runs at most once, after the clear,
 *     and does run for a weakref that outlives its referent;
 *   - the heap's live container count equals the shadow's, and the
 *     heap verifier (level 2) passes;
 * and at the end the heap gives back every byte.
 *
 * Each collector's seeds run in a child process, so a crash becomes one
 * failing seed and the run goes on.  --inject plants a bug of a known
 * kind at the middle of every program and --expect-cycles holds `none`
 * to what a cycle collector promises: tests use both to show the oracle
 * fails when it should. */
#include "harness.h"

#include "gc.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define FZ_SLOTS 10
#define FZ_KEYS 4       /* attribute and dict keys k0..k3 */
#define FZ_NO_SLOT 0xff /* an operand that means None */
#define FZ_UNSET UINT32_MAX
#define FZ_ATOM 0         /* an edge to None: no node */
#define FZ_ID_BASE 100000 /* ids are ints outside the small-int cache */
#define FZ_DEFAULT_OPS 1000
#define FZ_MAX_OPS 100000
#define FZ_MAX_SEEDS 100000000ULL

/* ---- programs ------------------------------------------------------ */

enum fz_op_kind {
    FZ_NEW,        /* slot = new object of kind sub */
    FZ_LINK,       /* ref[0].key = ref[1] (a list appends or sets) */
    FZ_UNLINK,     /* del ref[0].key (a list removes an item) */
    FZ_UNLINK_ALL, /* every key or item but the id */
    FZ_DROP,       /* del slot */
    FZ_MOVE,       /* slot = ref[0] */
    FZ_WEAKREF,    /* slot = weakref.ref(ref[0][, callback if sub]) */
    FZ_COLLECT,    /* gc.collect(sub) */
    FZ_FREEZE,
    FZ_UNFREEZE,
    FZ_ENABLE,
    FZ_DISABLE,
    FZ_THRESHOLD,     /* gc.set_threshold(num[0], num[1], num[2]) */
    FZ_CLEAR_SAVED,   /* del saved[:], the resurrection list */
    FZ_CLEAR_GARBAGE, /* del gc.garbage[:] */
    FZ_DEBUG,         /* gc.set_debug(debug_flags[sub]) */
    FZ_CALLBACKS,     /* gc.callbacks: add (sub 1) or remove one that acts */
    FZ_CHAIN,         /* slot = a chain of num[0] objects, kinds by num[1] */
    FZ_INJECT,        /* the planted bug of --inject */
};

/* What FZ_NEW makes: the instance classes first, then the rest. */
enum fz_class {
    FZ_PLAIN,
    FZ_FIN,
    FZ_RESURRECT,
    FZ_LEGACY,
    FZ_SLOTTED,      /* __slots__ = ('id', 'a', 'b') */
    FZ_SLOTTED_WEAK, /* the same plus '__weakref__' */
    FZ_NCLASSES,
    FZ_LIST = FZ_NCLASSES,
    FZ_DICT,
    FZ_TUPLE,
    FZ_WEAKREF_NODE, /* never made by FZ_NEW */
};

static const char *const class_names[] = {
    "Plain",       "Fin",  "Resurrect", "Legacy", "Slotted",
    "SlottedWeak", "list", "dict",      "tuple",  "weakref",
};

/* A slot's object (hop 0) or one of its children: the (hop-1)-th
 * reference, modulo how many it has. */
struct fz_ref {
    uint8_t slot;
    uint8_t hop;
};

struct fz_op {
    uint8_t kind;
    uint8_t slot;
    uint8_t sub;
    uint8_t key;
    uint8_t nrefs;
    struct fz_ref ref[3];
    int32_t num[3];
};

enum fz_inject {
    FZ_INJECT_NONE,
    FZ_INJECT_LEAK,     /* an extra reference: garbage that cannot die */
    FZ_INJECT_OVERFREE, /* a reference dropped twice */
    FZ_INJECT_PHANTOM,  /* the shadow keeps a root the heap dropped */
    FZ_INJECT_CRASH,    /* abort(), as a crashing collector would */
};
/* gc.set_debug flags: off, SAVEALL (garbage goes to gc.garbage, never
 * freed), the debug lines, and DEBUG_LEAK (both). */
static const unsigned debug_flags[4] = {0, GC_DEBUG_SAVEALL,
                                        GC_DEBUG_STATS | GC_DEBUG_COLLECTABLE |
                                            GC_DEBUG_UNCOLLECTABLE,
                                        GC_DEBUG_LEAK};

static const char *const inject_names[] = {"none", "leak", "overfree",
                                           "phantom", "crash"};

/* The checks; a failure's check is what --minimize preserves. */
#define FZ_CHECK_LIST(C)                                                    \
    C(FZ_OK, "ok")                                                          \
    C(FZ_CHECK_STATUS, "an API call returned what it should not")           \
    C(FZ_CHECK_REACHABLE, "a reachable object died")                        \
    C(FZ_CHECK_ACYCLIC, "unreachable, in no cycle, still alive")            \
    C(FZ_CHECK_CYCLES, "garbage survived a full collection")                \
    C(FZ_CHECK_FINALIZER, "a finalizer broke its rules")                    \
    C(FZ_CHECK_WEAKREF, "a weakref broke its rules")                        \
    C(FZ_CHECK_COUNT, "live containers differ from the shadow's")           \
    C(FZ_CHECK_VERIFY, "the heap verifier failed")                          \
    C(FZ_CHECK_UNKNOWN, "the heap handed back an unknown object")           \
    C(FZ_CHECK_LEAK, "the destroyed heap kept bytes")

enum fz_check {
#define C(name, text) name,
    FZ_CHECK_LIST(C)
#undef C
        FZ_NCHECKS
};

static const char *const check_texts[] = {
#define C(name, text) text,
    FZ_CHECK_LIST(C)
#undef C
};

/* xorshift64*, seeded through splitmix64 so that nearby seeds differ. */
static uint64_t
rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dULL;
}

static uint64_t
rng_seed(uint64_t seed)
{
    uint64_t z = seed + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return z != 0 ? z : 1;
}

static unsigned
rng_below(uint64_t *s, unsigned n)
{
    return (unsigned)(rng_next(s) % n);
}

static struct fz_ref
random_ref(uint64_t *s)
{
    /* Mostly a slot's own object; now and then a child, to reach into
     * the graph. */
    struct fz_ref r = {.slot = (uint8_t)rng_below(s, FZ_SLOTS), .hop = 0};
    if (rng_below(s, 4) == 0) {
        r.hop = (uint8_t)(1 + rng_below(s, 16));
    }
    return r;
}

static void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n != 0 ? n : 1);
    if (q == NULL) {
        fprintf(stderr, "gclab fuzz: out of memory\n");
        exit(1);
    }
    return q;
}

static uint8_t
random_class(uint64_t *s)
{
    static const uint8_t weights[] = {
        [FZ_PLAIN] = 20, [FZ_FIN] = 8,     [FZ_RESURRECT] = 6,
        [FZ_LEGACY] = 3, [FZ_SLOTTED] = 5, [FZ_SLOTTED_WEAK] = 5,
        [FZ_LIST] = 20,  [FZ_DICT] = 15,   [FZ_TUPLE] = 12,
    };
    unsigned total = 0;
    for (size_t i = 0; i < sizeof weights; i++) {
        total += weights[i];
    }
    unsigned x = rng_below(s, total);
    for (uint8_t i = 0;; i++) {
        if (x < weights[i]) {
            return i;
        }
        x -= weights[i];
    }
}

/* The program of a seed: nops random operations, then an epilogue that
 * makes everything garbage and collects it, so every program ends with
 * the strongest check.  *n gets the length. */
static struct fz_op *
generate(uint64_t seed, uint32_t nops, enum fz_inject inject, uint32_t *n)
{
    uint64_t s = rng_seed(seed);
    uint32_t total = nops + FZ_SLOTS + 6;
    struct fz_op *ops = xrealloc(NULL, total * sizeof *ops);
    memset(ops, 0, total * sizeof *ops);
    uint32_t k = 0;
    for (uint32_t i = 0; i < nops; i++) {
        struct fz_op *op = &ops[k++];
        op->slot = (uint8_t)rng_below(&s, FZ_SLOTS);
        op->key = (uint8_t)rng_below(&s, FZ_KEYS);
        op->num[0] = (int32_t)rng_below(&s, 1000);
        if (inject != FZ_INJECT_NONE && i == nops / 2) {
            op->kind = FZ_INJECT;
            op->sub = (uint8_t)inject;
            continue;
        }
        unsigned x = rng_below(&s, 1000);
        if (x < 2) {
            op->kind = FZ_CHAIN;
            op->num[0] = (int32_t)(45 + rng_below(&s, 60));
            op->num[1] = (int32_t)rng_below(&s, 1u << 30);
        }
        else if (x < 180) {
            op->kind = FZ_NEW;
            op->sub = random_class(&s);
            if (op->sub == FZ_TUPLE) {
                op->nrefs = (uint8_t)rng_below(&s, 4);
            }
        }
        else if (x < 580) {
            op->kind = FZ_LINK;
            op->nrefs = 2;
        }
        else if (x < 640) {
            op->kind = FZ_UNLINK;
            op->nrefs = 1;
        }
        else if (x < 655) {
            op->kind = FZ_UNLINK_ALL;
            op->nrefs = 1;
        }
        else if (x < 740) {
            op->kind = FZ_DROP;
        }
        else if (x < 820) {
            op->kind = FZ_MOVE;
            op->nrefs = 1;
        }
        else if (x < 870) {
            op->kind = FZ_WEAKREF;
            op->nrefs = 1;
            op->sub = (uint8_t)rng_below(&s, 2);
        }
        else if (x < 925) {
            op->kind = FZ_COLLECT;
            op->sub = (uint8_t)rng_below(&s, 3);
        }
        else if (x < 930) {
            op->kind = FZ_FREEZE;
        }
        else if (x < 937) {
            op->kind = FZ_UNFREEZE;
        }
        else if (x < 947) {
            op->kind = FZ_ENABLE;
        }
        else if (x < 954) {
            op->kind = FZ_DISABLE;
        }
        else if (x < 969) {
            static const int32_t t0[] = {0, 1, 2, 3, 5, 10, 25, 100, 700};
            op->kind = FZ_THRESHOLD;
            op->num[0] = t0[rng_below(&s, sizeof t0 / sizeof *t0)];
            op->num[1] = (int32_t)(1 + rng_below(&s, 10));
            op->num[2] = (int32_t)(1 + rng_below(&s, 10));
        }
        else if (x < 981) {
            op->kind = FZ_CLEAR_SAVED;
        }
        else if (x < 988) {
            op->kind = FZ_CLEAR_GARBAGE;
        }
        else if (x < 994) {
            op->kind = FZ_DEBUG;
            op->sub = (uint8_t)rng_below(&s, 4);
        }
        else {
            op->kind = FZ_CALLBACKS;
            op->sub = (uint8_t)rng_below(&s, 2);
        }
        for (uint8_t r = 0; r < op->nrefs; r++) {
            op->ref[r] = random_ref(&s);
        }
        /* Cycles are what collectors are for: a quarter of the links
         * point a child back at its slot's object, some at themselves.
         * A link to None now and then replaces a reference with none. */
        if (op->kind == FZ_LINK) {
            unsigned y = rng_below(&s, 16);
            if (y < 4) {
                op->ref[0].hop = (uint8_t)(1 + rng_below(&s, 16));
                op->ref[1] = (struct fz_ref){.slot = op->ref[0].slot};
            }
            else if (y < 6) {
                op->ref[1] = op->ref[0];
            }
            else if (y < 8) {
                op->ref[1].slot = FZ_NO_SLOT;
            }
        }
    }
    for (uint8_t slot = 0; slot < FZ_SLOTS; slot++) {
        ops[k++] = (struct fz_op){.kind = FZ_DROP, .slot = slot};
    }
    ops[k++] = (struct fz_op){.kind = FZ_CLEAR_SAVED};
    ops[k++] = (struct fz_op){.kind = FZ_DEBUG, .sub = 0};
    ops[k++] = (struct fz_op){.kind = FZ_CLEAR_GARBAGE};
    ops[k++] = (struct fz_op){.kind = FZ_UNFREEZE};
    ops[k++] = (struct fz_op){.kind = FZ_COLLECT, .sub = 2};
    ops[k++] = (struct fz_op){.kind = FZ_COLLECT, .sub = 2};
    *n = k;
    return ops;
}

static void
format_ref(char *buf, size_t bytes, struct fz_ref r)
{
    if (r.slot == FZ_NO_SLOT) {
        snprintf(buf, bytes, "None");
    }
    else if (r.hop == 0) {
        snprintf(buf, bytes, "s%u", r.slot);
    }
    else {
        snprintf(buf, bytes, "s%u.child(%u)", r.slot, r.hop - 1u);
    }
}

/* One operation as Python-like text, for failures and minimal
 * programs. */
static void
format_op(char *buf, size_t bytes, const struct fz_op *op)
{
    char a[32], b[32], c[32];
    format_ref(a, sizeof a, op->ref[0]);
    format_ref(b, sizeof b, op->ref[1]);
    format_ref(c, sizeof c, op->ref[2]);
    switch ((enum fz_op_kind)op->kind) {
    case FZ_NEW:
        if (op->sub == FZ_LIST) {
            snprintf(buf, bytes, "s%u = [id]", op->slot);
        }
        else if (op->sub == FZ_DICT) {
            snprintf(buf, bytes, "s%u = {'id': id}", op->slot);
        }
        else if (op->sub == FZ_TUPLE) {
            snprintf(buf, bytes, "s%u = (id%s%s%s%s%s%s)", op->slot,
                     op->nrefs > 0 ? ", " : "", op->nrefs > 0 ? a : "",
                     op->nrefs > 1 ? ", " : "", op->nrefs > 1 ? b : "",
                     op->nrefs > 2 ? ", " : "", op->nrefs > 2 ? c : "");
        }
        else {
            snprintf(buf, bytes, "s%u = %s()", op->slot, class_names[op->sub]);
        }
        break;
    case FZ_LINK:
        /* key for instances and dicts; for lists, append or set item
         * num % len */
        snprintf(buf, bytes, "link %s k%u #%d = %s", a, op->key,
                 (int)op->num[0], b);
        break;
    case FZ_UNLINK:
        snprintf(buf, bytes, "unlink %s k%u #%d", a, op->key, (int)op->num[0]);
        break;
    case FZ_UNLINK_ALL:
        snprintf(buf, bytes, "unlink all of %s", a);
        break;
    case FZ_DROP:
        snprintf(buf, bytes, "del s%u", op->slot);
        break;
    case FZ_MOVE:
        snprintf(buf, bytes, "s%u = %s", op->slot, a);
        break;
    case FZ_WEAKREF:
        snprintf(buf, bytes, "s%u = weakref.ref(%s%s)", op->slot, a,
                 op->sub ? ", callback" : "");
        break;
    case FZ_COLLECT:
        snprintf(buf, bytes, "gc.collect(%u)", op->sub);
        break;
    case FZ_FREEZE:
        snprintf(buf, bytes, "gc.freeze()");
        break;
    case FZ_UNFREEZE:
        snprintf(buf, bytes, "gc.unfreeze()");
        break;
    case FZ_ENABLE:
        snprintf(buf, bytes, "gc.enable()");
        break;
    case FZ_DISABLE:
        snprintf(buf, bytes, "gc.disable()");
        break;
    case FZ_THRESHOLD:
        snprintf(buf, bytes, "gc.set_threshold(%d, %d, %d)", (int)op->num[0],
                 (int)op->num[1], (int)op->num[2]);
        break;
    case FZ_CLEAR_SAVED:
        snprintf(buf, bytes, "del saved[:]");
        break;
    case FZ_CLEAR_GARBAGE:
        snprintf(buf, bytes, "del gc.garbage[:]");
        break;
    case FZ_DEBUG:
        snprintf(buf, bytes, "gc.set_debug(%u)", debug_flags[op->sub % 4]);
        break;
    case FZ_CALLBACKS:
        snprintf(buf, bytes, "gc.callbacks.%s(on_gc)",
                 op->sub ? "append" : "remove");
        break;
    case FZ_CHAIN:
        snprintf(buf, bytes, "s%u = chain of %d (kinds %d)", op->slot,
                 (int)op->num[0], (int)op->num[1]);
        break;
    case FZ_INJECT:
        snprintf(buf, bytes, "inject %s at s%u", inject_names[op->sub],
                 op->slot);
        break;
    }
}

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
    uint32_t finalized;  /* finalizer runs */
    uint32_t callbacks;  /* weakref callback runs */
    uint32_t target;     /* a weakref's referent */
    uint32_t death_op;
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
    m->keys = xrealloc(NULL, m->cap * sizeof *m->keys);
    m->vals = xrealloc(NULL, m->cap * sizeof *m->vals);
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
        a->v = xrealloc(a->v, a->cap * sizeof *a->v);
    }
    a->v[a->n++] = x;
}

/* What a run is asked to do. */
struct fz_setup {
    struct gc_heap_config cfg; /* profile, collector, options */
    uint32_t caps;             /* filled in by the run */
    bool expect_cycles;        /* hold any collector to GC_CAP_CYCLES */
};

struct fz_run {
    struct gc_allocator alloc; /* the heap's; its ctx is the run */
    struct gc_heap *heap;
    enum gc_profile profile;
    bool has_cycles;
    struct gc_class *classes[FZ_NCLASSES];
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
        r->nodes = xrealloc(r->nodes, r->cap * sizeof *r->nodes);
        r->mark = xrealloc(r->mark, r->cap * sizeof *r->mark);
        r->indegree = xrealloc(r->indegree, r->cap * sizeof *r->indegree);
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
        nd->items = xrealloc(nd->items, nd->cap * sizeof *nd->items);
    }
    nd->items[nd->nitems++] = x;
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
        /* 2.7 and 3.8 keep an instance's attributes in a dict object. */
        if (r->profile < GC_PROFILE_3_11 && is_instance_class(nd->cls) &&
            !is_slotted(nd->cls)) {
            live++;
        }
        if (!is_marked(r, s)) {
            vec_push(&r->garbage, s);
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

/* ---- seeds, specs and child processes ---------------------------------- */

struct fz_options {
    const char *collectors[64];
    size_t ncollectors;
    uint64_t first_seed, nseeds;
    uint32_t nops;
    bool is_collect_every_alloc;
    bool is_minimize;
    bool expect_cycles;
    enum fz_inject inject;
};

/* Options that make a collector collect often, for a bare name on every
 * other group of four seeds (one per profile): automatic collections
 * inside allocations and decrements are what small programs otherwise
 * rarely see. */
static const struct {
    const char *collector, *options;
} eager[] = {
    {"cpython", "threshold=7/3/3"},
    {"full", "min=8"},
    {"incremental", "budget=8"},
    {"trialdel", "buffer=8"},
};

/* The spec a seed runs, written into text: the given one, with the
 * seed's profile when it names none and eager options when it names
 * none either. */
static void
seed_spec(const char *given, uint64_t seed, char *text, size_t bytes)
{
    bool has_options = strchr(given, ':') != NULL;
    bool has_profile = strstr(given, "profile=") != NULL;
    const char *extra = NULL;
    if (!has_options && (seed / GC_PROFILE_COUNT) % 2 == 1) {
        for (size_t i = 0; i < sizeof eager / sizeof *eager; i++) {
            if (strcmp(eager[i].collector, given) == 0) {
                extra = eager[i].options;
            }
        }
    }
    snprintf(text, bytes, "%s", given);
    if (extra != NULL) {
        size_t n = strlen(text);
        snprintf(text + n, bytes - n, ":%s", extra);
        has_options = true;
    }
    if (!has_profile) {
        size_t n = strlen(text);
        snprintf(text + n, bytes - n, "%sprofile=%s", has_options ? "," : ":",
                 gc_profile_name((enum gc_profile)(seed % GC_PROFILE_COUNT)));
    }
}

struct fz_case {
    char spec_text[300];
    struct gc_spec spec;
    struct fz_setup setup;
};

static bool
case_init(const struct fz_options *o, const char *given, uint64_t seed,
          struct fz_case *c, char *err, size_t err_bytes)
{
    seed_spec(given, seed, c->spec_text, sizeof c->spec_text);
    if (gc_spec_parse(c->spec_text, &c->spec, err, err_bytes) != GC_OK) {
        return false;
    }
    gc_heap_config_init(&c->setup.cfg);
    c->setup.cfg.profile = c->spec.profile;
    c->setup.cfg.collector = c->spec.collector;
    c->setup.cfg.options = c->spec.opts;
    c->setup.cfg.nopts = c->spec.nopts;
    c->setup.cfg.is_collect_every_alloc = o->is_collect_every_alloc;
    c->setup.expect_cycles = o->expect_cycles;
    return true;
}

/* The command line that replays one seed. */
static void
replay_args(const struct fz_options *o, const char *given, uint64_t seed,
            char *buf, size_t bytes)
{
    snprintf(buf, bytes, "gclab fuzz --collector %s --seed %llu", given,
             (unsigned long long)seed);
    size_t n = strlen(buf);
    if (o->nops != FZ_DEFAULT_OPS) {
        n += (size_t)snprintf(buf + n, bytes - n, " --ops %u", o->nops);
    }
    if (o->is_collect_every_alloc && n < bytes) {
        n += (size_t)snprintf(buf + n, bytes - n, " --collect-every-alloc");
    }
    if (o->expect_cycles && n < bytes) {
        n += (size_t)snprintf(buf + n, bytes - n, " --expect-cycles");
    }
    if (o->inject != FZ_INJECT_NONE && n < bytes) {
        snprintf(buf + n, bytes - n, " --inject %s", inject_names[o->inject]);
    }
}

/* What the programs did, so a run shows it exercised something. */
struct fz_tally {
    uint64_t objects, refcount_deaths, collected, finalizers, callbacks,
        collections;
};

static void
tally_add(struct fz_tally *t, const struct fz_run *r)
{
    for (uint32_t s = 1; s < r->nnodes; s++) {
        const struct fz_node *nd = &r->nodes[s];
        bool is_program_death = nd->is_dead && nd->death_op < r->nops;
        t->objects++;
        t->refcount_deaths += is_program_death && !nd->was_garbage;
        t->collected += is_program_death && nd->was_garbage;
        t->finalizers += nd->finalized;
        t->callbacks += nd->callbacks;
    }
    t->collections += r->collections;
}

/* Runs one seed; on failure writes its one line to f.  Returns the
 * check that failed (FZ_OK on a pass). */
static enum fz_check
run_seed(const struct fz_options *o, const char *given, uint64_t seed, FILE *f,
         struct fz_tally *tally)
{
    struct fz_case c;
    char err[256], replay[400], optext[128];
    uint32_t n;
    if (!case_init(o, given, seed, &c, err, sizeof err)) {
        fprintf(f, "FAIL %s seed %llu: %s\n", c.spec_text,
                (unsigned long long)seed, err);
        return FZ_CHECK_STATUS;
    }
    struct fz_op *ops = generate(seed, o->nops, o->inject, &n);
    struct fz_run r;
    if (!run_program(&c.setup, ops, n, NULL, &r, err, sizeof err)) {
        fprintf(f, "FAIL %s seed %llu: no heap: %s\n", c.spec_text,
                (unsigned long long)seed, err);
        free(ops);
        return FZ_CHECK_STATUS;
    }
    enum fz_check check = r.check;
    if (tally != NULL) {
        tally_add(tally, &r);
    }
    if (check != FZ_OK) {
        if (r.fail_op < n) {
            format_op(optext, sizeof optext, &ops[r.fail_op]);
        }
        else {
            snprintf(optext, sizeof optext, "gc_heap_destroy");
        }
        replay_args(o, given, seed, replay, sizeof replay);
        fprintf(f, "FAIL %s seed %llu op %u (%s): %s: %s; replay: %s\n",
                c.spec_text, (unsigned long long)seed, r.fail_op + 1, optext,
                check_texts[check], r.why, replay);
    }
    run_free(&r);
    free(ops);
    return check;
}

/* Runs a subset of a seed's program in a child (it may crash, or leave a
 * broken heap behind) and returns what happened: the failed check,
 * FZ_OK, or FZ_NCHECKS + the signal that killed it.  With why, the
 * failure's op and message come back there. */
static int
trial(const struct fz_setup *setup, const struct fz_op *ops, uint32_t n,
      const bool *keep, char *why, size_t why_bytes)
{
    int fds[2];
    fflush(NULL);
    if (pipe(fds) != 0) {
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        /* A crash report per trial would bury the result. */
        FILE *null = freopen("/dev/null", "w", stderr);
        (void)null;
        close(fds[0]);
        struct fz_run r;
        char err[256], text[128];
        if (!run_program(setup, ops, n, keep, &r, err, sizeof err)) {
            _exit(100);
        }
        if (r.check != FZ_OK) {
            if (r.fail_op < n) {
                format_op(text, sizeof text, &ops[r.fail_op]);
            }
            else {
                snprintf(text, sizeof text, "gc_heap_destroy");
            }
            dprintf(fds[1], "op %u (%s): %s", r.fail_op + 1, text, r.why);
        }
        _exit((int)r.check);
    }
    close(fds[1]);
    size_t got = 0;
    char sink[256];
    for (;;) {
        bool is_into_why = why != NULL && got + 1 < why_bytes;
        ssize_t k = read(fds[0], is_into_why ? why + got : sink,
                         is_into_why ? why_bytes - 1 - got : sizeof sink);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            break;
        }
        got += is_into_why ? (size_t)k : 0;
    }
    if (why != NULL && why_bytes > 0) {
        why[got] = '\0';
    }
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(status)) {
        return FZ_NCHECKS + WTERMSIG(status);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Delta debugging (Zeller's ddmin) over the operations a run keeps:
 * try dropping chunks, then complements, halving the chunk size until
 * single operations; whatever still fails the same way stays dropped. */
static uint32_t
minimize(const struct fz_setup *setup, const struct fz_op *ops, uint32_t n,
         int want, bool *keep)
{
    bool *try = xrealloc(NULL, n * sizeof *try);
    uint32_t *idx = xrealloc(NULL, n * sizeof *idx);
    uint32_t kept = n;
    for (uint32_t i = 0; i < n; i++) {
        keep[i] = true;
    }
    uint32_t parts = 2;
    while (kept >= 2) {
        uint32_t m = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (keep[i]) {
                idx[m++] = i;
            }
        }
        if (parts > m) {
            parts = m;
        }
        bool is_reduced = false;
        for (uint32_t p = 0; p < parts && !is_reduced; p++) {
            uint32_t lo = (uint32_t)((uint64_t)m * p / parts);
            uint32_t hi = (uint32_t)((uint64_t)m * (p + 1) / parts);
            /* The complement of chunk p: drop it. */
            memcpy(try, keep, n * sizeof *try);
            for (uint32_t j = lo; j < hi; j++) {
                try[idx[j]] = false;
            }
            if (trial(setup, ops, n, try, NULL, 0) == want) {
                memcpy(keep, try, n * sizeof *keep);
                kept -= hi - lo;
                parts = parts > 2 ? parts - 1 : 2;
                is_reduced = true;
                break;
            }
            /* Chunk p alone. */
            if (parts > 2) {
                memset(try, 0, n * sizeof *try);
                for (uint32_t j = lo; j < hi; j++) {
                    try[idx[j]] = true;
                }
                if (trial(setup, ops, n, try, NULL, 0) == want) {
                    memcpy(keep, try, n * sizeof *keep);
                    kept = hi - lo;
                    parts = 2;
                    is_reduced = true;
                }
            }
        }
        if (!is_reduced) {
            if (parts >= m) {
                break;
            }
            parts = parts * 2 < m ? parts * 2 : m;
        }
    }
    free(try);
    free(idx);
    return kept;
}

static void
print_minimal(const struct fz_options *o, const char *given, uint64_t seed,
              FILE *out)
{
    struct fz_case c;
    char err[256], text[128], why[400];
    if (!case_init(o, given, seed, &c, err, sizeof err)) {
        return;
    }
    uint32_t n;
    struct fz_op *ops = generate(seed, o->nops, o->inject, &n);
    int want = trial(&c.setup, ops, n, NULL, NULL, 0);
    if (want == FZ_OK || want < 0) {
        fprintf(out, "# %s seed %llu: passes when run alone; not minimized\n",
                c.spec_text, (unsigned long long)seed);
        free(ops);
        return;
    }
    bool *keep = xrealloc(NULL, n * sizeof *keep);
    uint32_t kept = minimize(&c.setup, ops, n, want, keep);
    fprintf(out,
            "# minimal program for %s seed %llu: %u of %u operations, "
            "%s%s\n",
            c.spec_text, (unsigned long long)seed, kept, n,
            want < FZ_NCHECKS ? check_texts[want] : "crashed with signal ",
            want < FZ_NCHECKS ? "" : strsignal(want - FZ_NCHECKS));
    for (uint32_t i = 0; i < n; i++) {
        if (keep[i]) {
            format_op(text, sizeof text, &ops[i]);
            fprintf(out, "#   op %u: %s\n", i + 1, text);
        }
    }
    if (trial(&c.setup, ops, n, keep, why, sizeof why) == want &&
        why[0] != '\0') {
        fprintf(out, "# which fails at %s\n", why);
    }
    free(keep);
    free(ops);
}

/* The seeds of one collector in a child process, which reports "S seed"
 * before each seed, failure lines as "F line", and "D" when done; a
 * crash costs the seed it happened in, and the next child goes on
 * after it.  Returns the failing seeds' count; *first_failure gets the
 * first (or UINT64_MAX). */
static uint64_t
fuzz_collector(const struct fz_options *o, const char *given, FILE *out,
               uint64_t *first_failure, struct fz_tally *tally)
{
    uint64_t failed = 0, next = o->first_seed;
    uint64_t end = o->first_seed + o->nseeds;
    *first_failure = UINT64_MAX;
    while (next < end) {
        int fds[2];
        fflush(NULL);
        if (pipe(fds) != 0) {
            fprintf(out, "FAIL %s: pipe: %s\n", given, strerror(errno));
            return failed + 1;
        }
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(out, "FAIL %s: fork: %s\n", given, strerror(errno));
            close(fds[0]);
            close(fds[1]);
            return failed + 1;
        }
        if (pid == 0) {
            close(fds[0]);
            FILE *f = fdopen(fds[1], "w");
            if (f == NULL) {
                _exit(3);
            }
            struct fz_tally t = {0};
            for (uint64_t seed = next; seed < end; seed++) {
                fprintf(f, "S %llu\n", (unsigned long long)seed);
                fflush(f);
                char line[1024];
                FILE *mem = fmemopen(line, sizeof line, "w");
                if (mem == NULL) {
                    _exit(3);
                }
                enum fz_check check = run_seed(o, given, seed, mem, &t);
                fclose(mem);
                if (check != FZ_OK) {
                    fprintf(f, "F %s", line);
                    fflush(f);
                }
            }
            fprintf(f, "T %llu %llu %llu %llu %llu %llu\nD\n",
                    (unsigned long long)t.objects,
                    (unsigned long long)t.refcount_deaths,
                    (unsigned long long)t.collected,
                    (unsigned long long)t.finalizers,
                    (unsigned long long)t.callbacks,
                    (unsigned long long)t.collections);
            fclose(f);
            /* exit, not _exit: a sanitizer's leak check runs at exit. */
            exit(0);
        }
        close(fds[1]);
        FILE *f = fdopen(fds[0], "r");
        uint64_t current = next;
        bool has_started = false, is_done = false;
        char line[1100];
        while (f != NULL && fgets(line, sizeof line, f) != NULL) {
            if (line[0] == 'S') {
                current = strtoull(line + 2, NULL, 10);
                has_started = true;
            }
            else if (line[0] == 'F') {
                fputs(line + 2, out);
                fflush(out);
                failed++;
                if (*first_failure == UINT64_MAX) {
                    *first_failure = current;
                }
            }
            else if (line[0] == 'T') {
                unsigned long long v[6];
                if (sscanf(line + 2, "%llu %llu %llu %llu %llu %llu", &v[0],
                           &v[1], &v[2], &v[3], &v[4], &v[5]) == 6) {
                    tally->objects += v[0];
                    tally->refcount_deaths += v[1];
                    tally->collected += v[2];
                    tally->finalizers += v[3];
                    tally->callbacks += v[4];
                    tally->collections += v[5];
                }
            }
            else if (line[0] == 'D') {
                is_done = true;
            }
        }
        if (f != NULL) {
            fclose(f);
        }
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        if (is_done) {
            if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
                fprintf(out,
                        "FAIL %s: the fuzzing process ended with status "
                        "%d after its last seed (a leak report?)\n",
                        given, status);
                failed++;
            }
            break;
        }
        /* Died inside seed `current`. */
        char replay[400];
        replay_args(o, given, current, replay, sizeof replay);
        fprintf(out, "FAIL %s seed %llu: crashed (%s); replay: %s\n", given,
                (unsigned long long)current,
                WIFSIGNALED(status) ? strsignal(WTERMSIG(status))
                                    : "exited early",
                replay);
        fflush(out);
        failed++;
        if (*first_failure == UINT64_MAX) {
            *first_failure = current;
        }
        next = has_started ? current + 1 : next + 1;
    }
    return failed;
}

/* ---- the command ------------------------------------------------------- */

/* User and system time of the children that have ended: the seeds run
 * there, and on a shared machine their CPU time says more than the
 * wall clock. */
static double
children_cpu_s(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_CHILDREN, &ru) != 0) {
        return 0;
    }
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
           ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

/* A whole decimal number in [min, max]; "0", "-1", "abc", "1e3" and
 * anything past max are refused. */
static bool
parse_count(const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
    if (text == NULL || text[0] < '0' || text[0] > '9') {
        return false;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || errno != 0 || v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

static int
usage_error(FILE *err, const char *fmt, const char *arg)
{
    fprintf(err, "gclab fuzz: ");
    fprintf(err, fmt, arg);
    fprintf(err, "; try 'gclab fuzz --help'\n");
    return 2;
}

static void
print_help(FILE *out)
{
    fprintf(out,
            "usage: gclab fuzz [--collector SPEC]... [--seeds N] [--seed S] "
            "[--ops N]\n"
            "                  [--collect-every-alloc] [--minimize]\n"
            "Random programs over the object API, checked after every step "
            "against\n"
            "a reachability oracle.  Without --collector, every registered "
            "collector.\n"
            "  --collector SPEC      name[:key=value,...]; a bare name runs "
            "the seed's\n"
            "                        profile (seed %% 4) and, on every other "
            "group of\n"
            "                        four seeds, options that collect often\n"
            "  --seeds N             how many seeds (default 200; 1 with "
            "--seed)\n"
            "  --seed S              the first seed (default 1)\n"
            "  --ops N               operations per program (default %d)\n"
            "  --collect-every-alloc collect at every container allocation\n"
            "  --minimize            shrink the first failing seed's program "
            "and print it\n"
            "For testing the oracle itself:\n"
            "  --inject leak|overfree|phantom|crash  plant a bug in every "
            "program\n"
            "  --expect-cycles       hold a collector without cycle "
            "collection to it\n"
            "Exit status: 0 all passed, 1 a seed failed, 2 usage.\n",
            FZ_DEFAULT_OPS);
}

/* Parses argv into o; returns -1 to go on, else the exit status. */
static int
parse_args(int argc, char **argv, struct fz_options *o, FILE *out, FILE *err)
{
    bool has_seeds = false, has_seed = false;
    memset(o, 0, sizeof *o);
    o->first_seed = 1;
    o->nseeds = 200;
    o->nops = FZ_DEFAULT_OPS;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t x;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help(out);
            return 0;
        }
        else if (strcmp(a, "--collect-every-alloc") == 0) {
            o->is_collect_every_alloc = true;
        }
        else if (strcmp(a, "--minimize") == 0) {
            o->is_minimize = true;
        }
        else if (strcmp(a, "--expect-cycles") == 0) {
            o->expect_cycles = true;
        }
        else if (strcmp(a, "--collector") == 0 || strcmp(a, "--seeds") == 0 ||
                 strcmp(a, "--seed") == 0 || strcmp(a, "--ops") == 0 ||
                 strcmp(a, "--inject") == 0) {
            if (v == NULL) {
                return usage_error(err, "%s needs a value", a);
            }
            i++;
            if (strcmp(a, "--collector") == 0) {
                /* A heap now, so that a bad option value is a usage
                 * error rather than a failure of every seed. */
                struct gc_heap *heap;
                char msg[256];
                if (gc_heap_new_spec(v, NULL, &heap, msg, sizeof msg) !=
                    GC_OK) {
                    fprintf(err, "gclab fuzz: %s\n", msg);
                    return 2;
                }
                gc_heap_destroy(heap);
                if (o->ncollectors ==
                    sizeof o->collectors / sizeof *o->collectors) {
                    return usage_error(err, "too many --collector%s", "");
                }
                o->collectors[o->ncollectors++] = v;
            }
            else if (strcmp(a, "--seeds") == 0) {
                if (!parse_count(v, 1, FZ_MAX_SEEDS, &x)) {
                    fprintf(err,
                            "gclab fuzz: bad --seeds '%s'; expected an "
                            "integer from 1 to %llu\n",
                            v, FZ_MAX_SEEDS);
                    return 2;
                }
                o->nseeds = x;
                has_seeds = true;
            }
            else if (strcmp(a, "--seed") == 0) {
                if (!parse_count(v, 0, UINT64_MAX / 2, &x)) {
                    fprintf(err,
                            "gclab fuzz: bad --seed '%s'; expected an "
                            "integer from 0 to %llu\n",
                            v, (unsigned long long)(UINT64_MAX / 2));
                    return 2;
                }
                o->first_seed = x;
                has_seed = true;
            }
            else if (strcmp(a, "--ops") == 0) {
                if (!parse_count(v, 1, FZ_MAX_OPS, &x)) {
                    fprintf(err,
                            "gclab fuzz: bad --ops '%s'; expected an "
                            "integer from 1 to %d\n",
                            v, FZ_MAX_OPS);
                    return 2;
                }
                o->nops = (uint32_t)x;
            }
            else {
                o->inject = FZ_INJECT_NONE;
                for (int k = 1; k <= FZ_INJECT_CRASH; k++) {
                    if (strcmp(v, inject_names[k]) == 0) {
                        o->inject = (enum fz_inject)k;
                    }
                }
                if (o->inject == FZ_INJECT_NONE) {
                    fprintf(err,
                            "gclab fuzz: unknown --inject '%s'; kinds: leak "
                            "overfree phantom crash\n",
                            v);
                    return 2;
                }
            }
        }
        else {
            return usage_error(err, "unknown argument '%s'", a);
        }
    }
    if (has_seed && !has_seeds) {
        o->nseeds = 1;
    }
    if (o->ncollectors == 0) {
        for (size_t i = 0; gc_collectors[i] != NULL; i++) {
            o->collectors[o->ncollectors++] = gc_collectors[i]->name;
        }
    }
    return -1;
}

int
gc_fuzz_run(int argc, char **argv, FILE *out, FILE *err)
{
    struct fz_options o;
    int status = parse_args(argc, argv, &o, out, err);
    if (status >= 0) {
        return status;
    }
    uint64_t passed = 0, failed = 0;
    for (size_t c = 0; c < o.ncollectors; c++) {
        uint64_t t0 = gc_clock_ns(), first_failure;
        double cpu0 = children_cpu_s();
        struct fz_tally t = {0};
        uint64_t n =
            fuzz_collector(&o, o.collectors[c], out, &first_failure, &t);
        double s = (double)(gc_clock_ns() - t0) / 1e9;
        fprintf(out,
                "# %s: %llu seeds from %llu, %u ops%s: %llu failed, "
                "%.2f s (%.2f s CPU)\n",
                o.collectors[c], (unsigned long long)o.nseeds,
                (unsigned long long)o.first_seed, o.nops,
                o.is_collect_every_alloc ? ", collecting at every allocation"
                                         : "",
                (unsigned long long)n, s, children_cpu_s() - cpu0);
        fprintf(out,
                "#   %llu objects: %llu freed by refcounting, %llu "
                "after being garbage; %llu finalizer runs, %llu weakref "
                "callbacks, %llu collections (3.8+)\n",
                (unsigned long long)t.objects,
                (unsigned long long)t.refcount_deaths,
                (unsigned long long)t.collected,
                (unsigned long long)t.finalizers,
                (unsigned long long)t.callbacks,
                (unsigned long long)t.collections);
        fflush(out);
        if (o.is_minimize && first_failure != UINT64_MAX) {
            print_minimal(&o, o.collectors[c], first_failure, out);
        }
        failed += n;
        passed += n < o.nseeds ? o.nseeds - n : 0;
    }
    fprintf(out, "%llu passed, %llu failed\n", (unsigned long long)passed,
            (unsigned long long)failed);
    return failed != 0 ? 1 : 0;
}

int
gc_cmd_fuzz(int argc, char **argv)
{
    return gc_fuzz_run(argc, argv, stdout, stderr);
}

/* harness/oracles/fuzz-internal.h -- what gclab fuzz's two files share: the
 * operations a program is made of, the checks of the oracle, the random
 * numbers, and running one program against the oracle
 * (fuzz-oracle.c).  fuzz.c makes programs, runs seeds and the command.
 * Private to harness/. */
#ifndef GCLAB_FUZZ_INTERNAL_H
#define GCLAB_FUZZ_INTERNAL_H

#include "gc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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
    C(FZ_CHECK_LEAK, "the destroyed heap kept bytes")                      \
    C(FZ_CHECK_LIVENESS, "garbage outlived the collector's sweep bound")

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
static inline uint64_t
rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dULL;
}

static inline uint64_t
rng_seed(uint64_t seed)
{
    uint64_t z = seed + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return z != 0 ? z : 1;
}

static inline unsigned
rng_below(uint64_t *s, unsigned n)
{
    return (unsigned)(rng_next(s) % n);
}

static inline void *
fz_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n != 0 ? n : 1);
    if (q == NULL) {
        fprintf(stderr, "gclab fuzz: out of memory\n");
        exit(1);
    }
    return q;
}

/* An object kind for FZ_NEW, weighted toward what makes cycles. */
static inline uint8_t
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

/* ---- running one ---------------------------------------------------- */

/* What a run is asked to do. */
struct fz_setup {
    struct gc_heap_config cfg; /* profile, collector, options */
    bool expect_cycles;        /* hold any collector to GC_CAP_CYCLES */
};

/* What the programs did, so a run shows it exercised something. */
enum fz_tally_item {
    FZ_T_OBJECTS,         /* made */
    FZ_T_REFCOUNT_DEATHS, /* died before the heap did, never garbage */
    FZ_T_COLLECTED,       /* died before the heap did, after being so */
    FZ_T_FINALIZERS,      /* finalizer runs */
    FZ_T_CALLBACKS,       /* weakref callback runs */
    FZ_T_COLLECTIONS,     /* from gc.get_stats, 3.8 on */
    FZ_T_COUNT
};
struct fz_tally {
    uint64_t n[FZ_T_COUNT];
};

/* How one run ended. */
struct fz_result {
    enum fz_check check; /* the first failure, or FZ_OK */
    uint32_t fail_op;    /* its op's index; the program's length for the
                            destroyed heap's checks */
    char why[320];
    struct fz_tally tally;
};

/* Runs ops (of them only those with keep[i], when keep is given) on a
 * heap made from setup, checking the oracle after each.  False, with a
 * line in err, if no heap could be made. */
bool fz_run_program(const struct fz_setup *setup, const struct fz_op *ops,
                    uint32_t nops, const bool *keep, struct fz_result *res,
                    char *err, size_t err_bytes);

#endif /* GCLAB_FUZZ_INTERNAL_H */

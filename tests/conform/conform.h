/* tests/conform/conform.h -- the conformance suite: CPython's gc
 * semantics (docs/semantics.md, Lib/test/test_gc.py) as cases that run
 * against any collector.
 *
 * A case is one TAP point.  It names the capabilities it needs and the
 * profiles it applies to; where a heap lacks one it is a SKIP.  Cases in
 * the "cycles" group never require GC_CAP_CYCLES: the refcount-only
 * collector runs them and must fail them, which shows the suite can
 * fail.  Expected values come from the spec's measurements, per
 * profile; where the spec gives a rule (an instance with attributes is
 * two objects on 2.7/3.8), cases compute from the rule. */
#ifndef GCLAB_CONFORM_H
#define GCLAB_CONFORM_H

#include "../support.h"

#define PROFILE_BIT(p) (1u << (p))
#define ALL_PROFILES 0u
#define PY314UP (PROFILE_BIT(GC_PROFILE_3_14) | PROFILE_BIT(GC_PROFILE_3_15))
#define PY39UP                                                              \
    (PROFILE_BIT(GC_PROFILE_3_11) | PROFILE_BIT(GC_PROFILE_3_13) | PY314UP)
#define PY3 (PROFILE_BIT(GC_PROFILE_3_8) | PY39UP)
#define PY27 PROFILE_BIT(GC_PROFILE_2_7)

struct conform_env {
    const char *spec;       /* collector spec without profile= */
    enum gc_profile profile;
    uint32_t caps;          /* of a fresh heap */
    struct events ev;       /* reset per case */
    intptr_t arg;           /* the running case's arg */
};

struct conform_case {
    const char *name;
    const char *group;      /* "cycles" or "api" */
    uint32_t needs;         /* GC_CAP_* */
    unsigned profiles;      /* PROFILE_BIT mask; 0: all */
    void (*run)(struct conform_env *env);
    intptr_t arg;           /* for table-driven cases: env->arg */
};

extern const struct conform_case conform_cycle_cases[];
extern const struct conform_case conform_api_cases[];

/* Runs the cases of group (NULL: all) that apply to spec's profile.
 * Prints TAP; returns 0 if every point passed, 1 if one failed, 2 if
 * the spec is bad (one line on stderr). */
int conform_run(const char *spec, const char *group);

/* A fresh heap for the case, with automatic collection disabled (as the
 * spec's probes start), NULL after a failed check. */
struct gc_heap *cf_heap(struct conform_env *env);
/* The same, collection left enabled. */
struct gc_heap *cf_heap_enabled(struct conform_env *env);
/* Destroys the heap and checks that nothing leaked. */
void cf_done(struct gc_heap *heap);

/* Object helpers: instances of a plain class (A), with a finalizer (D),
 * resurrecting into `saved` (R), with a C tp_del (L), slotted (S). */
struct gc_class *cf_class(struct gc_heap *heap, struct conform_env *env,
                          const char *name, enum gc_finalizer_kind kind);
struct gc_class *cf_resurrecting(struct gc_heap *heap,
                                 struct conform_env *env);
struct gc_object *cf_new(struct gc_heap *heap, struct gc_class *cls,
                         struct conform_env *env, const char *label_);
/* a.attr = b, dropping nothing. */
void cf_set(struct gc_heap *heap, struct gc_object *a, const char *attr,
            struct gc_object *b);
/* Makes a, b a 2-cycle through .o and drops the caller's references. */
void cf_pair(struct gc_heap *heap, struct gc_object *a, struct gc_object *b);
/* Objects an instance with attributes counts for: its dict too on
 * 2.7 and 3.8. */
int cf_inst_weight(const struct conform_env *env);
int64_t cf_len(struct gc_object *list);

#endif /* GCLAB_CONFORM_H */

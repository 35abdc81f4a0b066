/* tests/conform/runner.c -- runs the conformance cases against one
 * collector spec and prints flat TAP.  Shared by `gclab conform` and
 * the meson tests. */
#include "conform.h"

#include <stdio.h>
#include <stdlib.h>

static char heap_spec[300];

struct gc_heap *
cf_heap_enabled(struct conform_env *env)
{
    char err[256];
    struct gc_heap *heap = NULL;
    (void)env;
    if (gc_heap_new_spec(heap_spec, NULL, &heap, err, sizeof err) != GC_OK) {
        tap_diag("cannot create heap '%s': %s", heap_spec, err);
        check(heap != NULL);
    }
    return heap;
}

struct gc_heap *
cf_heap(struct conform_env *env)
{
    struct gc_heap *heap = cf_heap_enabled(env);
    if (heap != NULL) {
        gc_disable(heap);
    }
    return heap;
}

void
cf_done(struct gc_heap *heap)
{
    if (heap != NULL) {
        uint64_t leaked = gc_heap_destroy(heap);
        check_uint(leaked, ==, 0);
    }
}

struct gc_class *
cf_class(struct gc_heap *heap, struct conform_env *env, const char *name,
         enum gc_finalizer_kind kind)
{
    return new_class(heap, name, kind, &env->ev, NULL);
}

struct gc_class *
cf_resurrecting(struct gc_heap *heap, struct conform_env *env)
{
    struct gc_object *saved = gc_list_new(heap);
    gc_root_set(heap, "saved", saved);
    gc_decref(heap, saved);
    return new_class(heap, "R", GC_FIN_RESURRECT, &env->ev, saved);
}

struct gc_object *
cf_new(struct gc_heap *heap, struct gc_class *cls, struct conform_env *env,
       const char *label_)
{
    struct gc_object *obj = gc_instance_new(heap, cls);
    if (label_ != NULL && env->ev.nlabels < 64) {
        label(&env->ev, obj, label_);
    }
    return obj;
}

void
cf_set(struct gc_heap *heap, struct gc_object *a, const char *attr,
       struct gc_object *b)
{
    check_int(gc_attr_set(heap, a, attr, b), ==, GC_OK);
}

void
cf_pair(struct gc_heap *heap, struct gc_object *a, struct gc_object *b)
{
    cf_set(heap, a, "o", b);
    cf_set(heap, b, "o", a);
    gc_decref(heap, a);
    gc_decref(heap, b);
}

int
cf_inst_weight(const struct conform_env *env)
{
    return env->profile < GC_PROFILE_3_11 ? 2 : 1;
}

int64_t
cf_len(struct gc_object *list)
{
    return (int64_t)gc_list_len(list);
}

static bool
applies(const struct conform_case *c, const struct conform_env *env,
        const char *group)
{
    if (group != NULL && strcmp(group, c->group) != 0) {
        return false;
    }
    return c->profiles == 0 || (c->profiles & PROFILE_BIT(env->profile));
}

static void
run_cases(const struct conform_case *cases, struct conform_env *env,
          const char *group)
{
    char name[200], why[120];
    for (const struct conform_case *c = cases; c->name != NULL; c++) {
        if (!applies(c, env, group)) {
            continue;
        }
        snprintf(name, sizeof name, "%s: %s", c->group, c->name);
        uint32_t missing = c->needs & ~env->caps;
        TEST(name) {
            if (missing != 0) {
                uint32_t bit = missing & -missing;
                snprintf(why, sizeof why, "needs %s", gc_cap_name(bit));
                tap_skip(why);
                continue;
            }
            memset(&env->ev, 0, sizeof env->ev);
            env->arg = c->arg;
            c->run(env);
        }
    }
}

int
conform_run(const char *spec, const char *group)
{
    struct gc_spec parsed;
    char err[256];
    if (gc_spec_parse(spec, &parsed, err, sizeof err) != GC_OK) {
        fprintf(stderr, "gclab conform: %s\n", err);
        return 2;
    }
    if (group != NULL && strcmp(group, "cycles") != 0 &&
        strcmp(group, "api") != 0) {
        fprintf(stderr, "gclab conform: unknown group '%s'; groups: cycles "
                        "api\n", group);
        return 2;
    }
    struct gc_heap *heap;
    if (gc_heap_new_spec(spec, NULL, &heap, err, sizeof err) != GC_OK) {
        fprintf(stderr, "gclab conform: %s\n", err);
        return 2;
    }
    struct conform_env env = {.spec = spec,
                              .profile = gc_heap_profile(heap),
                              .caps = gc_heap_caps(heap)};
    gc_heap_destroy(heap);
    /* Every case's heap comes from the same spec. */
    snprintf(heap_spec, sizeof heap_spec, "%s", spec);
    char effective[300];
    gc_spec_format(&parsed, effective, sizeof effective);
    tap_diag("collector %s", effective);
    run_cases(conform_cycle_cases, &env, group);
    run_cases(conform_api_cases, &env, group);
    return tap_done();
}

/* harness/oracles/scenario-verbs.c -- the verbs of the scenario language
 * (docs/scenarios.md "Statements"), each in one place: how it is checked,
 * how it runs on the model, and the Python it becomes.  Those three must
 * agree for the oracle to mean anything, so they sit side by side, and
 * scn_verbs at the end holds each verb's arity, kinds and profiles with
 * them.  The shared machinery is below: scenario-check.c,
 * scenario-run.c and scenario-python.c.
 *
 * A check fills the statement (operands resolved to labels) and follows
 * the state a reader can see; a run prints the verb's own event line,
 * "LINE: EVENT"; an emit writes code that prints the same line. */
#include "harness.h"
#include "scenario-internal.h"

#include <stdlib.h>
#include <string.h>

#define K(kind) (1u << (kind))

/* A model call that fails stops the statement (GC_TRY): the status goes
 * up to scn_run_heap, which names the line, after the statement
 * released what it held.  Out of memory is how a run under a failing
 * allocator ends; anything else is a model error. */
#define TRY_NEW(var, expr)                                                    \
    do {                                                                      \
        if (((var) = (expr)) == NULL) {                                       \
            return GC_ENOMEM;                                                 \
        }                                                                     \
    } while (0)

static void
event(struct scn_runner *r, const char *fmt, const char *a, const char *b)
{
    fprintf(r->out, "%d: ", r->line);
    fprintf(r->out, fmt, a, b);
    fputc('\n', r->out);
}

/* One operand, resolved, as the statement's only value. */
static void
one_value(struct scn_stmt *st, int v)
{
    st->values = scn_xrealloc(NULL, sizeof(int));
    st->values[0] = v;
    st->nvalues = 1;
}

/* Writes v...: the values of a list or tuple, comma-separated. */
static void
emit_values(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    for (int k = 0; k < st->nvalues; k++) {
        scn_py_expr(out, p, st->values[k]);
        fputs(k + 1 < st->nvalues ? ", " : "", out);
    }
}

/* ---- profiles P... ---------------------------------------------------- */

static void
check_profiles(struct scn_checker *c, struct scn_stmt *st, char **tok,
               int nops)
{
    struct scn_program *p = c->prog;
    (void)st;
    if (p->nstmts != 0) {
        scn_check_fail(c, "'profiles' must be the first statement");
        return;
    }
    p->profiles = 0;
    p->profiles_line = c->line;
    for (int i = 1; i <= nops; i++) {
        enum gc_profile pr;
        if (gc_profile_parse(tok[i], &pr) != GC_OK) {
            scn_check_fail(c,
                           "unknown profile '%s'; profiles: " GC_PROFILE_NAMES,
                           tok[i]);
            return;
        }
        if (p->profiles & (1u << pr)) {
            scn_check_fail(c, "profile '%s' listed twice", tok[i]);
            return;
        }
        p->profiles |= 1u << pr;
    }
    if (!c->is_any_profile && !(p->profiles & (1u << c->profile))) {
        scn_check_fail(c, "this scenario does not apply to profile %s",
                       gc_profile_name(c->profile));
    }
}

/* ---- class C [del [resurrect]] ----------------------------------------- */

static void
check_class(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    struct scn_program *p = c->prog;
    if (!scn_is_class_name(tok[1])) {
        scn_check_fail(c, "malformed class name '%s'", tok[1]);
        return;
    }
    if (scn_find_class(p, tok[1]) >= 0) {
        scn_check_fail(c, "class '%s' already defined", tok[1]);
        return;
    }
    bool has_del = false, resurrects = false;
    if (nops >= 2) {
        if (strcmp(tok[2], "del") != 0) {
            scn_check_fail(c, "expected 'del' after the class name, not '%s'",
                           tok[2]);
            return;
        }
        has_del = true;
    }
    if (nops == 3) {
        if (strcmp(tok[3], "resurrect") != 0) {
            scn_check_fail(c, "expected 'resurrect', not '%s'", tok[3]);
            return;
        }
        resurrects = true;
    }
    p->classes = scn_xrealloc(p->classes,
                              (size_t)(p->nclasses + 1) * sizeof *p->classes);
    p->classes[p->nclasses] = (struct scn_class){.name = scn_xstrdup(tok[1]),
                                                 .has_del = has_del,
                                                 .resurrects = resurrects};
    st->cls = p->nclasses++;
}

static void
on_finalize(struct gc_heap *heap, struct gc_object *self, void *data)
{
    (void)heap;
    struct scn_runner *r = data;
    event(r, "finalize %s%s", scn_run_label_or(r, self, "?"), "");
}

static enum gc_status
run_class(struct scn_runner *r, const struct scn_stmt *st)
{
    const struct scn_class *c = &r->prog->classes[st->cls];
    struct gc_class_spec spec = {
        .name = c->name,
        .finalizer = c->resurrects ? GC_FIN_RESURRECT
                     : c->has_del  ? GC_FIN_FINALIZER
                                   : GC_FIN_NONE,
        .on_finalize = c->has_del ? on_finalize : NULL,
        .data = r,
        .resurrect_into = c->resurrects ? r->saved : NULL,
    };
    GC_TRY(gc_class_new(r->heap, &spec, &r->classes[st->cls]));
    r->nresurrecting += c->resurrects;
    return GC_OK;
}

static void
emit_class(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    const struct scn_class *c = &p->classes[st->cls];
    fprintf(out, "class %s(object):\n", c->name);
    if (!c->has_del) {
        fputs("    pass\n", out);
    }
    else {
        fputs("    def __del__(self):\n"
              "        _out('finalize ' + _L[id(self)])\n",
              out);
        if (c->resurrects) {
            fputs("        _SAVED.append(self)\n", out);
        }
    }
    fprintf(out, "_CLASSES = _CLASSES + (%s,)\n", c->name);
}

/* ---- new x C, ring r C N ------------------------------------------------ */

static void
check_instance(struct scn_checker *c, struct scn_stmt *st, char **tok,
               bool is_ring)
{
    struct scn_program *p = c->prog;
    int cls = scn_find_class(p, tok[2]);
    if (!scn_is_class_name(tok[2])) {
        scn_check_fail(c, "malformed class name '%s'", tok[2]);
        return;
    }
    if (cls < 0) {
        scn_check_fail(c, "unknown class '%s'", tok[2]);
        return;
    }
    if (is_ring && !scn_parse_num(tok[3], false, 1, 1000000, &st->num[0])) {
        scn_check_fail(
            c, "ring size must be a number from 1 to 1000000, not '%s'",
            tok[3]);
        return;
    }
    st->cls = cls;
    st->target = scn_check_define(c, tok[1], SCN_K_INST, -1);
    if (st->target >= 0) {
        p->labels[st->target].cls = cls;
        if (is_ring) {
            /* Member 0, the label's object, has .next set. */
            scn_check_attr_add(scn_check_obj(c, st->target), "next");
        }
    }
}

static void
check_new(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    (void)nops;
    check_instance(c, st, tok, false);
}

static enum gc_status
run_new(struct scn_runner *r, const struct scn_stmt *st)
{
    return scn_run_define(r, st->target,
                          gc_instance_new(r->heap, r->classes[st->cls]));
}

static void
emit_new(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    const char *t = scn_target_name(p, st);
    fprintf(out, "_R['%s'] = %s()\n", t, p->classes[st->cls].name);
    scn_py_register(out, t);
}

static void
check_ring(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    (void)nops;
    check_instance(c, st, tok, true);
}

/* A ring of n instances, first rooted under the label.  Until the ring
 * closes, first and the newest node are held here. */
static enum gc_status
run_ring(struct scn_runner *r, const struct scn_stmt *st)
{
    const char *name = r->prog->labels[st->target].name;
    size_t n = (size_t)st->num[0], width = strlen(name) + 10;
    char *arena = malloc(n * width);
    char **arenas =
        realloc(r->arenas, (size_t)(r->narenas + 1) * sizeof *arenas);
    if (arena == NULL || arenas == NULL) {
        scn_run_oom();
    }
    r->arenas = arenas;
    r->arenas[r->narenas++] = arena;
    struct gc_class *cls = r->classes[st->cls];
    struct gc_object *first, *prev;
    TRY_NEW(first, gc_instance_new(r->heap, cls));
    prev = first;
    snprintf(arena, width, "%s.0", name);
    scn_run_map_set(r, first, arena);
    enum gc_status rc = GC_OK;
    for (size_t i = 1; i < n && rc == GC_OK; i++) {
        struct gc_object *node = gc_instance_new(r->heap, cls);
        if (node == NULL) {
            rc = GC_ENOMEM;
            break;
        }
        snprintf(arena + i * width, width, "%s.%zu", name, i);
        scn_run_map_set(r, node, arena + i * width);
        rc = gc_attr_set(r->heap, prev, "next", node);
        if (gc_instance_dict(prev) != NULL) {
            scn_run_map_set(r, gc_instance_dict(prev), NULL);
        }
        gc_decref(r->heap, node); /* prev holds it, or it dies */
        prev = node;
        gc_safepoint(r->heap);
    }
    if (rc == GC_OK) {
        rc = gc_attr_set(r->heap, prev, "next", first);
        if (gc_instance_dict(prev) != NULL) {
            scn_run_map_set(r, gc_instance_dict(prev), NULL);
        }
    }
    if (rc == GC_OK) {
        rc = gc_root_set(r->heap, name, first);
    }
    gc_decref(r->heap, first);
    return rc;
}

/* _ring is the prelude's: its temporaries die on return. */
static void
emit_ring(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    const char *t = scn_target_name(p, st);
    fprintf(out, "_R['%s'] = _ring('%s', %s, %lld)\n", t, t,
            p->classes[st->cls].name, (long long)st->num[0]);
}

/* ---- list x v..., tuple x v... ----------------------------------------- */

static void
check_sequence(struct scn_checker *c, struct scn_stmt *st, char **tok,
               int nops, enum scn_kind kind)
{
    st->nvalues = nops - 1;
    st->values = scn_xrealloc(NULL, (size_t)st->nvalues * sizeof(int));
    for (int i = 0; i < st->nvalues; i++) {
        st->values[i] = scn_check_operand(c, tok[i + 2], 0, true, true);
    }
    st->target = scn_check_define(c, tok[1], kind, -1);
}

static void
check_list(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    check_sequence(c, st, tok, nops, SCN_K_LIST);
}

static enum gc_status
run_list(struct scn_runner *r, const struct scn_stmt *st)
{
    struct gc_object *obj;
    TRY_NEW(obj, gc_list_new(r->heap));
    enum gc_status rc = GC_OK;
    for (int i = 0; i < st->nvalues && rc == GC_OK; i++) {
        rc = gc_list_append(r->heap, obj, scn_run_value(r, st->values[i]));
    }
    if (rc != GC_OK) {
        gc_decref(r->heap, obj);
        return rc;
    }
    return scn_run_define(r, st->target, obj);
}

static void
emit_list(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    const char *t = scn_target_name(p, st);
    fprintf(out, "_R['%s'] = [", t);
    emit_values(out, p, st);
    fputs("]\n", out);
    scn_py_register(out, t);
}

static void
check_tuple(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    check_sequence(c, st, tok, nops, SCN_K_TUPLE);
}

static enum gc_status
run_tuple(struct scn_runner *r, const struct scn_stmt *st)
{
    struct gc_object *items[SCN_MAX_TOKENS];
    for (int i = 0; i < st->nvalues; i++) {
        items[i] = scn_run_value(r, st->values[i]);
    }
    return scn_run_define(r, st->target,
                          gc_tuple_new(r->heap, (size_t)st->nvalues, items));
}

/* Built at run time: a literal would be a shared constant. */
static void
emit_tuple(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    const char *t = scn_target_name(p, st);
    fprintf(out, "_R['%s'] = tuple([", t);
    emit_values(out, p, st);
    fputs("])\n", out);
    scn_py_register(out, t);
}

/* ---- dict x ----------------------------------------------------------- */

static void
check_dict(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    (void)nops;
    st->target = scn_check_define(c, tok[1], SCN_K_DICT, -1);
}

static enum gc_status
run_dict(struct scn_runner *r, const struct scn_stmt *st)
{
    return scn_run_define(r, st->target, gc_dict_new(r->heap));
}

static void
emit_dict(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    const char *t = scn_target_name(p, st);
    fprintf(out, "_R['%s'] = {}\n", t);
    scn_py_register(out, t);
}

/* ---- int x V ----------------------------------------------------------- */

static void
check_int(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    (void)nops;
    if (!scn_parse_num(tok[2], true, -2147483647LL, 2147483647LL,
                       &st->num[0])) {
        scn_check_fail(c,
                       "int value must be a number between -2^31 and 2^31, "
                       "not '%s'",
                       tok[2]);
        return;
    }
    st->target = scn_check_define(c, tok[1], SCN_K_INT, -1);
    if (st->target >= 0) {
        c->prog->labels[st->target].is_small_int =
            st->num[0] >= GC_SMALL_INT_MIN &&
            st->num[0] <= GC_SMALL_INT_MAX_3_15; /* cached somewhere */
    }
}

static enum gc_status
run_int(struct scn_runner *r, const struct scn_stmt *st)
{
    const char *tname = scn_target_name(r->prog, st);
    struct gc_object *obj;
    TRY_NEW(obj, gc_int_new(r->heap, st->num[0]));
    if (st->num[0] >= GC_SMALL_INT_MIN &&
        st->num[0] <= gc_small_int_max(gc_heap_profile(r->heap))) {
        /* Shared: the object keeps the label it was first given. */
        if (scn_run_map_get(r, obj) == NULL) {
            scn_run_map_set(r, obj, tname);
        }
        enum gc_status rc = gc_root_set(r->heap, tname, obj);
        gc_decref(r->heap, obj);
        return rc;
    }
    return scn_run_define(r, st->target, obj);
}

/* Built at run time, as tuples are; a cached small int keeps the label
 * it was first given, so it is not registered again. */
static void
emit_int(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    const char *t = scn_target_name(p, st);
    fprintf(out, "_R['%s'] = int('%lld')\n", t, (long long)st->num[0]);
    if (!p->labels[st->target].is_small_int) {
        scn_py_register(out, t);
    }
}

/* ---- alias y x --------------------------------------------------------- */

static void
check_alias(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    struct scn_program *p = c->prog;
    (void)nops;
    int x = scn_check_operand(c, tok[2], 0, false, true);
    if (c->failed) {
        return;
    }
    one_value(st, x);
    if (x == SCN_SAVED) {
        /* A second root entry for the saved list: a list label with an
         * object of its own, since lists keep no checker state. */
        st->target = scn_check_define(c, tok[1], SCN_K_LIST, -1);
        return;
    }
    struct scn_label src = p->labels[x];
    st->target = scn_check_define(c, tok[1], src.kind, src.object);
    if (st->target >= 0) {
        p->labels[st->target].cls = src.cls;
        p->labels[st->target].is_small_int = src.is_small_int;
    }
}

static enum gc_status
run_alias(struct scn_runner *r, const struct scn_stmt *st)
{
    GC_TRY(gc_root_set(r->heap, scn_target_name(r->prog, st),
                       scn_run_value(r, st->values[0])));
    return GC_OK;
}

static void
emit_alias(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    fprintf(out, "_R['%s'] = ", scn_target_name(p, st));
    scn_py_expr(out, p, st->values[0]);
    fputc('\n', out);
}

/* ---- nest x N ---------------------------------------------------------- */

static void
check_nest(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    (void)nops;
    if (!scn_parse_num(tok[2], false, 1, 1000000, &st->num[0])) {
        scn_check_fail(
            c, "nest depth must be a number from 1 to 1000000, not '%s'",
            tok[2]);
        return;
    }
    st->target = scn_check_define(c, tok[1], SCN_K_LIST, -1);
}

/* n nested lists; the innermost is held here until an outer one holds
 * it. */
static enum gc_status
run_nest(struct scn_runner *r, const struct scn_stmt *st)
{
    struct gc_object *inner;
    TRY_NEW(inner, gc_list_new(r->heap));
    scn_run_map_set(r, inner, NULL);
    for (int64_t i = 1; i < st->num[0]; i++) {
        struct gc_object *outer = gc_list_new(r->heap);
        enum gc_status rc =
            outer != NULL ? gc_list_append(r->heap, outer, inner) : GC_ENOMEM;
        gc_decref(r->heap, inner);
        if (rc != GC_OK) {
            gc_xdecref(r->heap, outer);
            return rc;
        }
        scn_run_map_set(r, outer, NULL);
        inner = outer;
        gc_safepoint(r->heap);
    }
    return scn_run_define(r, st->target, inner);
}

static void
emit_nest(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    const char *t = scn_target_name(p, st);
    fprintf(out, "_R['%s'] = _nest(%lld)\n", t, (long long)st->num[0]);
    scn_py_register(out, t);
}

/* ---- weakref w x [callback] ------------------------------------------- */

static void
check_weakref(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    int x = scn_check_operand(c, tok[2], st->verb->kinds, false, true);
    if (c->failed) {
        return;
    }
    if (nops == 3 && strcmp(tok[3], "callback") != 0) {
        scn_check_fail(c, "expected 'callback', not '%s'", tok[3]);
        return;
    }
    st->flag = nops == 3;
    if (!st->flag) {
        if (scn_check_obj(c, x)->has_basic_weakref) {
            scn_check_fail(c,
                           "'%s' already has a weakref without a callback; "
                           "CPython would share it",
                           tok[2]);
            return;
        }
        scn_check_obj(c, x)->has_basic_weakref = true;
    }
    one_value(st, x);
    st->target = scn_check_define(c, tok[1], SCN_K_WEAKREF, -1);
}

static void
on_callback(struct gc_heap *heap, struct gc_object *wr, void *data)
{
    (void)heap;
    struct scn_runner *r = data;
    event(r, "callback %s%s", scn_run_label_or(r, wr, "?"), "");
}

static enum gc_status
run_weakref(struct scn_runner *r, const struct scn_stmt *st)
{
    struct gc_object *obj;
    GC_TRY(gc_weakref_new(r->heap, scn_run_value(r, st->values[0]),
                          st->flag ? on_callback : NULL, r, &obj));
    return scn_run_define(r, st->target, obj);
}

/* One module-level callback, which prints the weakref's label. */
static void
emit_weakref(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    const char *t = scn_target_name(p, st);
    fprintf(out, "_R['%s'] = weakref.ref(", t);
    scn_py_expr(out, p, st->values[0]);
    fputs(st->flag ? ", _callback)\n" : ")\n", out);
    scn_py_register(out, t);
}

/* ---- set x.a v, unset x.a ----------------------------------------------- */

/* The instance of `x.a` and its attribute; -1 after an error. */
static int
check_attr_ref(struct scn_checker *c, struct scn_stmt *st, const char *tok,
               const char **attr)
{
    char lbl[SCN_MAX_LINE];
    if (!scn_check_split_attr(c, tok, lbl, sizeof lbl, attr)) {
        return -1;
    }
    st->target = scn_check_operand(c, lbl, st->verb->kinds, false, true);
    if (c->failed) {
        return -1;
    }
    st->name = scn_xstrdup(*attr);
    return scn_check_attr_index(scn_check_obj(c, st->target), *attr);
}

static void
check_set(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    (void)nops;
    const char *attr;
    int ai = check_attr_ref(c, st, tok[1], &attr);
    if (c->failed) {
        return;
    }
    one_value(st, scn_check_operand(c, tok[2], 0, true, true));
    if (ai < 0 && !c->failed) {
        scn_check_attr_add(scn_check_obj(c, st->target), attr);
    }
}

static enum gc_status
run_set(struct scn_runner *r, const struct scn_stmt *st)
{
    struct gc_object *obj = scn_run_value(r, st->target);
    enum gc_status rc =
        gc_attr_set(r->heap, obj, st->name, scn_run_value(r, st->values[0]));
    if (gc_instance_dict(obj) != NULL) {
        scn_run_map_set(r, gc_instance_dict(obj), NULL);
    }
    return rc;
}

/* A keyword cannot follow a dot; 2.7 to 3.10 give the instance a dict
 * object, which is registered as unnamed. */
static void
emit_set(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    const char *t = scn_target_name(p, st);
    if (scn_py_is_keyword(st->name)) {
        fprintf(out, "setattr(_R['%s'], '%s', ", t, st->name);
        scn_py_expr(out, p, st->values[0]);
        fputs(")\n", out);
    }
    else {
        fprintf(out, "_R['%s'].%s = ", t, st->name);
        scn_py_expr(out, p, st->values[0]);
        fputc('\n', out);
    }
    fprintf(out, "if _DICTS:\n    _L[id(_R['%s'].__dict__)] = None\n", t);
}

static void
check_unset(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    (void)nops;
    const char *attr;
    int ai = check_attr_ref(c, st, tok[1], &attr);
    if (c->failed) {
        return;
    }
    if (ai < 0) {
        scn_check_fail(c, "'%s' is not set", tok[1]);
        return;
    }
    struct scn_obj_state *o = scn_check_obj(c, st->target);
    free(o->attrs[ai]);
    o->attrs[ai] = o->attrs[--o->nattrs];
}

static enum gc_status
run_unset(struct scn_runner *r, const struct scn_stmt *st)
{
    GC_TRY(gc_attr_del(r->heap, scn_run_value(r, st->target), st->name));
    return GC_OK;
}

static void
emit_unset(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    const char *t = scn_target_name(p, st);
    if (scn_py_is_keyword(st->name)) {
        fprintf(out, "delattr(_R['%s'], '%s')\n", t, st->name);
    }
    else {
        fprintf(out, "del _R['%s'].%s\n", t, st->name);
    }
}

/* ---- append x v, put d k v, clear x ------------------------------------ */

static void
check_append(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    (void)nops;
    st->target = scn_check_operand(c, tok[1], st->verb->kinds, false, true);
    one_value(st, scn_check_operand(c, tok[2], 0, true, true));
}

static enum gc_status
run_append(struct scn_runner *r, const struct scn_stmt *st)
{
    GC_TRY(gc_list_append(r->heap, scn_run_value(r, st->target),
                          scn_run_value(r, st->values[0])));
    return GC_OK;
}

static void
emit_append(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    scn_py_expr(out, p, st->target);
    fputs(".append(", out);
    scn_py_expr(out, p, st->values[0]);
    fputs(")\n", out);
}

static void
check_put(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    (void)nops;
    st->target = scn_check_operand(c, tok[1], st->verb->kinds, false, true);
    if (!c->failed && !scn_is_attr_name(tok[2])) {
        scn_check_fail(c, "malformed dict key '%s'", tok[2]);
        return;
    }
    st->name = scn_xstrdup(tok[2]);
    one_value(st, scn_check_operand(c, tok[3], 0, true, true));
}

static enum gc_status
run_put(struct scn_runner *r, const struct scn_stmt *st)
{
    GC_TRY(gc_dict_set_cstr(r->heap, scn_run_value(r, st->target), st->name,
                            scn_run_value(r, st->values[0])));
    return GC_OK;
}

static void
emit_put(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    fprintf(out, "_R['%s']['%s'] = ", scn_target_name(p, st), st->name);
    scn_py_expr(out, p, st->values[0]);
    fputc('\n', out);
}

/* The verb's one operand: the object it acts on, of the entry's kinds,
 * or `saved`. */
static void
check_object(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    (void)nops;
    st->target = scn_check_operand(c, tok[1], st->verb->kinds, false, true);
}

static enum gc_status
run_clear(struct scn_runner *r, const struct scn_stmt *st)
{
    struct gc_object *obj = scn_run_value(r, st->target);
    if (obj->type->kind == GC_KIND_LIST) {
        gc_list_clear(r->heap, obj);
    }
    else {
        gc_dict_clear(r->heap, obj);
    }
    return GC_OK;
}

/* del x[:], since 2.7's lists have no clear(). */
static void
emit_clear(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    if (st->target == SCN_SAVED || p->labels[st->target].kind == SCN_K_LIST) {
        fputs("del ", out);
        scn_py_expr(out, p, st->target);
        fputs("[:]\n", out);
    }
    else {
        scn_py_expr(out, p, st->target);
        fputs(".clear()\n", out);
    }
}

/* ---- del x, rescue x --------------------------------------------------- */

static void
check_del(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    (void)nops;
    if (strcmp(tok[1], "saved") == 0) {
        scn_check_fail(c, "'saved' cannot be deleted");
        return;
    }
    st->target = scn_check_operand(c, tok[1], st->verb->kinds, false, false);
    if (!c->failed) {
        c->is_deleted[st->target] = true;
    }
}

static enum gc_status
run_del(struct scn_runner *r, const struct scn_stmt *st)
{
    GC_TRY(gc_root_del(r->heap, scn_target_name(r->prog, st)));
    return GC_OK;
}

static void
emit_del(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    fprintf(out, "del _R['%s']\n", scn_target_name(p, st));
}

static void
check_rescue(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    struct scn_program *p = c->prog;
    (void)nops;
    int x = scn_find_label(p, tok[1]);
    if (!scn_is_label(tok[1])) {
        scn_check_fail(c, "malformed label '%s'", tok[1]);
        return;
    }
    if (x < 0) {
        scn_check_fail(c, "unknown label '%s'", tok[1]);
        return;
    }
    if (!c->is_deleted[x] || p->labels[x].kind != SCN_K_INST ||
        !p->classes[p->labels[x].cls].resurrects) {
        scn_check_fail(
            c, "'%s' is not a deleted instance of a resurrecting class",
            tok[1]);
        return;
    }
    c->is_deleted[x] = false;
    st->target = x;
}

/* The language's one run-time error: saved may not hold the object. */
static enum gc_status
run_rescue(struct scn_runner *r, const struct scn_stmt *st)
{
    const char *tname = scn_target_name(r->prog, st);
    size_t n = gc_list_len(r->saved);
    for (size_t i = n; i-- > 0;) {
        struct gc_object *obj = gc_list_get(r->saved, i);
        const char *l = scn_run_map_get(r, obj);
        if (l != NULL && strcmp(l, tname) == 0) {
            GC_TRY(gc_root_set(r->heap, tname, obj));
            return gc_list_remove_at(r->heap, r->saved, i);
        }
    }
    fprintf(r->err, "%s:%d: error: 'saved' holds no object labelled '%s'\n",
            r->prog->path, st->line, tname);
    return GC_EINVAL;
}

static void
emit_rescue(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    const char *t = scn_target_name(p, st);
    fprintf(out,
            "for _i in range(len(_SAVED) - 1, -1, -1):\n"
            "    if _L.get(id(_SAVED[_i])) == '%s':\n"
            "        _R['%s'] = _SAVED.pop(_i)\n"
            "        break\n"
            "else:\n"
            "    sys.stdout.flush()\n"
            "    sys.stderr.write(\"%s:%d: error: 'saved' holds no "
            "object labelled '%s'\\n\")\n"
            "    sys.stderr.flush()\n"
            "    os._exit(2)\n",
            t, t, p->path, st->line, t);
}

/* ---- same x y, deref w, tracked x, finalized x, refcount x ------------- */

static void
check_same(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    (void)nops;
    st->values = scn_xrealloc(NULL, 2 * sizeof(int));
    st->values[0] = scn_check_operand(c, tok[1], 0, false, true);
    st->values[1] = scn_check_operand(c, tok[2], 0, false, true);
    st->nvalues = 2;
}

static enum gc_status
run_same(struct scn_runner *r, const struct scn_stmt *st)
{
    bool same =
        scn_run_value(r, st->values[0]) == scn_run_value(r, st->values[1]);
    fprintf(r->out, "%d: same %s %s %s\n", r->line,
            scn_operand_name(r->prog, st->values[0]),
            scn_operand_name(r->prog, st->values[1]), same ? "True" : "False");
    return GC_OK;
}

static void
emit_same(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    fprintf(out, "_out('same %s %s %%s' %% (",
            scn_operand_name(p, st->values[0]),
            scn_operand_name(p, st->values[1]));
    scn_py_expr(out, p, st->values[0]);
    fputs(" is ", out);
    scn_py_expr(out, p, st->values[1]);
    fputs("))\n", out);
}

static enum gc_status
run_deref(struct scn_runner *r, const struct scn_stmt *st)
{
    struct gc_object *obj = gc_weakref_get(scn_run_value(r, st->target));
    fprintf(r->out, "%d: deref %s %s\n", r->line, scn_target_name(r->prog, st),
            obj != NULL ? scn_run_label_or(r, obj, "?") : "None");
    return GC_OK;
}

static void
emit_deref(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    const char *t = scn_target_name(p, st);
    fprintf(out, "_out('deref %s ' + _lbl(_R['%s']()))\n", t, t);
}

static enum gc_status
run_tracked(struct scn_runner *r, const struct scn_stmt *st)
{
    fprintf(r->out, "%d: tracked %s %s\n", r->line,
            scn_target_name(r->prog, st),
            gc_is_tracked(scn_run_value(r, st->target)) ? "True" : "False");
    return GC_OK;
}

static void
emit_tracked(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    fprintf(out, "_out('tracked %s %%s' %% gc.is_tracked(",
            scn_target_name(p, st));
    scn_py_expr(out, p, st->target);
    fputs("))\n", out);
}

static enum gc_status
run_finalized(struct scn_runner *r, const struct scn_stmt *st)
{
    fprintf(r->out, "%d: finalized %s %s\n", r->line,
            scn_target_name(r->prog, st),
            gc_is_finalized(scn_run_value(r, st->target)) ? "True" : "False");
    return GC_OK;
}

static void
emit_finalized(FILE *out, const struct scn_program *p,
               const struct scn_stmt *st)
{
    fprintf(out, "_out('finalized %s %%s' %% gc.is_finalized(",
            scn_target_name(p, st));
    scn_py_expr(out, p, st->target);
    fputs("))\n", out);
}

static void
check_refcount(struct scn_checker *c, struct scn_stmt *st, char **tok,
               int nops)
{
    check_object(c, st, tok, nops);
    if (!c->failed && st->target >= 0 &&
        c->prog->labels[st->target].is_small_int) {
        scn_check_fail(c,
                       "refcount of a cached small int is the interpreter's");
    }
}

/* The runner holds no references of its own, so the model's count is
 * the scenario's. */
static enum gc_status
run_refcount(struct scn_runner *r, const struct scn_stmt *st)
{
    struct gc_object *obj = scn_run_value(r, st->target);
    intptr_t n = gc_refcount(obj);
    if (obj == r->saved) {     /* also through an alias */
        n -= r->nresurrecting; /* the classes' own references */
    }
    fprintf(r->out, "%d: refcount %s %lld\n", r->line,
            scn_target_name(r->prog, st), (long long)n);
    return GC_OK;
}

/* Less getrefcount's own argument. */
static void
emit_refcount(FILE *out, const struct scn_program *p,
              const struct scn_stmt *st)
{
    fprintf(out, "_out('refcount %s %%d' %% (sys.getrefcount(",
            scn_target_name(p, st));
    scn_py_expr(out, p, st->target);
    fputs(") - 1))\n", out);
}

/* ---- alive, garbage, clear-garbage ------------------------------------- */

static int
compare_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Prints head followed by the sorted labels of the labelled objects in
 * list (instances of scenario classes only, if is_instances). */
static void
print_labels(struct scn_runner *r, const char *head, struct gc_object *list,
             bool is_instances)
{
    size_t n = gc_list_len(list), k = 0;
    const char **names = malloc((n ? n : 1) * sizeof *names);
    if (names == NULL) {
        scn_run_oom();
    }
    for (size_t i = 0; i < n; i++) {
        struct gc_object *obj = gc_list_get(list, i);
        if (is_instances && obj->type->kind != GC_KIND_INSTANCE) {
            continue;
        }
        const char *l = scn_run_map_get(r, obj);
        if (l != NULL) {
            names[k++] = l;
        }
    }
    qsort(names, k, sizeof *names, compare_str);
    fprintf(r->out, "%d: %s", r->line, head);
    for (size_t i = 0; i < k; i++) {
        fprintf(r->out, " %s", names[i]);
    }
    fputc('\n', r->out);
    free(names);
}

static void
check_alive(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    (void)st, (void)tok, (void)nops;
    if (c->is_frozen) {
        scn_check_fail(c, "'alive' cannot see frozen objects; unfreeze first");
    }
}

static enum gc_status
run_alive(struct scn_runner *r, const struct scn_stmt *st)
{
    (void)st;
    struct gc_object *all;
    GC_TRY(gc_get_objects(r->heap, -1, &all));
    print_labels(r, "alive", all, true);
    gc_decref(r->heap, all);
    return GC_OK;
}

/* In functions: 2.7's comprehension variable would otherwise outlive
 * the statement and hold an object. */
static void
emit_alive(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    (void)p, (void)st;
    fputs("_alive()\n", out);
}

static enum gc_status
run_garbage(struct scn_runner *r, const struct scn_stmt *st)
{
    (void)st;
    char buf[64];
    snprintf(buf, sizeof buf, "garbage %zu", gc_list_len(gc_garbage(r->heap)));
    print_labels(r, buf, gc_garbage(r->heap), false);
    return GC_OK;
}

static void
emit_garbage(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    (void)p, (void)st;
    fputs("_garbage()\n", out);
}

static enum gc_status
run_clear_garbage(struct scn_runner *r, const struct scn_stmt *st)
{
    (void)st;
    gc_list_clear(r->heap, gc_garbage(r->heap));
    return GC_OK;
}

static void
emit_clear_garbage(FILE *out, const struct scn_program *p,
                   const struct scn_stmt *st)
{
    (void)p, (void)st;
    fputs("del gc.garbage[:]\n", out);
}

/* ---- collect [G], disable, enable, enabled, threshold [A B C] ---------- */

static void
check_collect(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    st->num[0] = 2;
    if (nops == 1 && !scn_parse_num(tok[1], false, 0, 2, &st->num[0])) {
        scn_check_fail(c, "collect takes a generation 0, 1 or 2, not '%s'",
                       tok[1]);
    }
}

static enum gc_status
run_collect(struct scn_runner *r, const struct scn_stmt *st)
{
    int64_t n = gc_collect(r->heap, (int)st->num[0]);
    fprintf(r->out, "%d: collect %d %lld\n", r->line, (int)st->num[0],
            (long long)n);
    return GC_OK;
}

static void
emit_collect(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    (void)p;
    fprintf(out, "_n = gc.collect(%d)\n_out('collect %d %%d' %% _n)\n",
            (int)st->num[0], (int)st->num[0]);
}

static enum gc_status
run_disable(struct scn_runner *r, const struct scn_stmt *st)
{
    (void)st;
    gc_disable(r->heap);
    return GC_OK;
}

static void
emit_disable(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    (void)p, (void)st;
    fputs("gc.disable()\n", out);
}

static enum gc_status
run_enable(struct scn_runner *r, const struct scn_stmt *st)
{
    (void)st;
    gc_enable(r->heap);
    return GC_OK;
}

static void
emit_enable(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    (void)p, (void)st;
    fputs("gc.enable()\n", out);
}

/* gc.isenabled(): what disable and enable leave, which no collection
 * changes. */
static enum gc_status
run_enabled(struct scn_runner *r, const struct scn_stmt *st)
{
    (void)st;
    fprintf(r->out, "%d: enabled %s\n", r->line,
            gc_isenabled(r->heap) ? "True" : "False");
    return GC_OK;
}

static void
emit_enabled(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    (void)p, (void)st;
    fputs("_out('enabled %s' % gc.isenabled())\n", out);
}

static void
check_threshold(struct scn_checker *c, struct scn_stmt *st, char **tok,
                int nops)
{
    if (nops != 0 && nops != 3) {
        scn_check_fail(c, "threshold takes no operands or three, not %d",
                       nops);
        return;
    }
    st->nnum = nops;
    for (int i = 0; i < nops; i++) {
        if (!scn_parse_num(tok[i + 1], false, 0, 1000000, &st->num[i])) {
            scn_check_fail(c,
                           "threshold values are numbers from 0 to 1000000, "
                           "not '%s'",
                           tok[i + 1]);
            return;
        }
    }
}

static enum gc_status
run_threshold(struct scn_runner *r, const struct scn_stmt *st)
{
    if (st->nnum == 3) {
        GC_TRY(gc_set_threshold(r->heap, 3, st->num));
    }
    else {
        int64_t t[3];
        gc_get_threshold(r->heap, t);
        fprintf(r->out, "%d: threshold %lld %lld %lld\n", r->line,
                (long long)t[0], (long long)t[1], (long long)t[2]);
    }
    return GC_OK;
}

static void
emit_threshold(FILE *out, const struct scn_program *p,
               const struct scn_stmt *st)
{
    (void)p;
    if (st->nnum == 3) {
        fprintf(out, "gc.set_threshold(%lld, %lld, %lld)\n",
                (long long)st->num[0], (long long)st->num[1],
                (long long)st->num[2]);
    }
    else {
        fputs("_out('threshold %d %d %d' % gc.get_threshold())\n", out);
    }
}

/* ---- freeze, unfreeze --------------------------------------------------- */

static void
check_freeze(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    (void)st, (void)tok, (void)nops;
    c->is_frozen = true;
}

static enum gc_status
run_freeze(struct scn_runner *r, const struct scn_stmt *st)
{
    (void)st;
    GC_TRY(gc_freeze(r->heap));
    return GC_OK;
}

static void
emit_freeze(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    (void)p, (void)st;
    fputs("gc.freeze()\n", out);
}

static void
check_unfreeze(struct scn_checker *c, struct scn_stmt *st, char **tok,
               int nops)
{
    (void)st, (void)tok, (void)nops;
    c->is_frozen = false;
}

static enum gc_status
run_unfreeze(struct scn_runner *r, const struct scn_stmt *st)
{
    (void)st;
    GC_TRY(gc_unfreeze(r->heap));
    return GC_OK;
}

static void
emit_unfreeze(FILE *out, const struct scn_program *p,
              const struct scn_stmt *st)
{
    (void)p, (void)st;
    fputs("gc.unfreeze()\n", out);
}

/* ---- debug saveall|off, callbacks on|off ------------------------------ */

static void
check_debug(struct scn_checker *c, struct scn_stmt *st, char **tok, int nops)
{
    (void)nops;
    if (strcmp(tok[1], "saveall") != 0 && strcmp(tok[1], "off") != 0) {
        scn_check_fail(c, "debug takes 'saveall' or 'off', not '%s'", tok[1]);
        return;
    }
    st->flag = strcmp(tok[1], "saveall") == 0;
}

static enum gc_status
run_debug(struct scn_runner *r, const struct scn_stmt *st)
{
    gc_set_debug(r->heap, st->flag ? GC_DEBUG_SAVEALL : 0);
    return GC_OK;
}

static void
emit_debug(FILE *out, const struct scn_program *p, const struct scn_stmt *st)
{
    (void)p;
    fputs(st->flag ? "gc.set_debug(gc.DEBUG_SAVEALL)\n" : "gc.set_debug(0)\n",
          out);
}

/* Not twice in a row: CPython would add the hook twice, or fail to
 * remove it. */
static void
check_callbacks(struct scn_checker *c, struct scn_stmt *st, char **tok,
                int nops)
{
    (void)nops;
    bool on = strcmp(tok[1], "on") == 0;
    if (!on && strcmp(tok[1], "off") != 0) {
        scn_check_fail(c, "callbacks takes 'on' or 'off', not '%s'", tok[1]);
        return;
    }
    if (on == c->callbacks_on) {
        scn_check_fail(c, "callbacks are already %s", on ? "on" : "off");
        return;
    }
    c->callbacks_on = on;
    st->flag = on;
}

static void
on_gc(struct gc_heap *heap, enum gc_callback_phase phase,
      const struct gc_callback_info *info, void *data)
{
    (void)heap;
    struct scn_runner *r = data;
    if (phase == GC_CALLBACK_START) {
        fprintf(r->out, "%d: gc start %d\n", r->line, info->generation);
    }
    else {
        fprintf(r->out, "%d: gc stop %d collected=%lld uncollectable=%lld\n",
                r->line, info->generation, (long long)info->collected,
                (long long)info->uncollectable);
    }
}

static enum gc_status
run_callbacks(struct scn_runner *r, const struct scn_stmt *st)
{
    GC_TRY(st->flag ? gc_callback_add(r->heap, on_gc, r)
                    : gc_callback_remove(r->heap, on_gc, r));
    return GC_OK;
}

static void
emit_callbacks(FILE *out, const struct scn_program *p,
               const struct scn_stmt *st)
{
    (void)p;
    fputs(st->flag ? "gc.callbacks.append(_gc_callback)\n"
                   : "gc.callbacks.remove(_gc_callback)\n",
          out);
}

/* ---- the table ---------------------------------------------------------- */

/* Operand counts are checked before a verb's check runs, and profiles
 * too (for a file read for one profile); caps are checked against the
 * collector before a run starts.  gc.is_finalized came in 3.9, so
 * `finalized` exists from the 3.11 profile on. */
const struct scn_verb scn_verbs[] = {
    /* name, operands min and max, kinds, profiles, collector caps,
     * check, run, emit */
    {"profiles", 1, -1, 0, SCN_ALL_PROFILES, 0, check_profiles, NULL, NULL},
    {"class", 1, 3, 0, SCN_ALL_PROFILES, 0, check_class, run_class,
     emit_class},
    {"new", 2, 2, 0, SCN_ALL_PROFILES, 0, check_new, run_new, emit_new},
    {"list", 1, -1, 0, SCN_ALL_PROFILES, 0, check_list, run_list, emit_list},
    {"dict", 1, 1, 0, SCN_ALL_PROFILES, 0, check_dict, run_dict, emit_dict},
    {"tuple", 2, -1, 0, SCN_ALL_PROFILES, 0, check_tuple, run_tuple,
     emit_tuple},
    {"int", 2, 2, 0, SCN_ALL_PROFILES, 0, check_int, run_int, emit_int},
    {"alias", 2, 2, 0, SCN_ALL_PROFILES, 0, check_alias, run_alias,
     emit_alias},
    {"ring", 3, 3, 0, SCN_ALL_PROFILES, 0, check_ring, run_ring, emit_ring},
    {"nest", 2, 2, 0, SCN_ALL_PROFILES, 0, check_nest, run_nest, emit_nest},
    {"weakref", 2, 3, K(SCN_K_INST), SCN_ALL_PROFILES, 0, check_weakref,
     run_weakref, emit_weakref},
    {"set", 2, 2, K(SCN_K_INST), SCN_ALL_PROFILES, 0, check_set, run_set,
     emit_set},
    {"unset", 1, 1, K(SCN_K_INST), SCN_ALL_PROFILES, 0, check_unset, run_unset,
     emit_unset},
    {"append", 2, 2, K(SCN_K_LIST), SCN_ALL_PROFILES, 0, check_append,
     run_append, emit_append},
    {"put", 3, 3, K(SCN_K_DICT), SCN_ALL_PROFILES, 0, check_put, run_put,
     emit_put},
    {"clear", 1, 1, K(SCN_K_LIST) | K(SCN_K_DICT), SCN_ALL_PROFILES, 0,
     check_object, run_clear, emit_clear},
    {"del", 1, 1, 0, SCN_ALL_PROFILES, 0, check_del, run_del, emit_del},
    {"rescue", 1, 1, 0, SCN_ALL_PROFILES, 0, check_rescue, run_rescue,
     emit_rescue},
    {"same", 2, 2, 0, SCN_ALL_PROFILES, 0, check_same, run_same, emit_same},
    {"deref", 1, 1, K(SCN_K_WEAKREF), SCN_ALL_PROFILES, 0, check_object,
     run_deref, emit_deref},
    {"tracked", 1, 1, 0, SCN_ALL_PROFILES, 0, check_object, run_tracked,
     emit_tracked},
    {"finalized", 1, 1, 0, SCN_FROM_3_9, 0, check_object, run_finalized,
     emit_finalized},
    {"refcount", 1, 1, 0, SCN_ALL_PROFILES, 0, check_refcount, run_refcount,
     emit_refcount},
    {"alive", 0, 0, 0, SCN_ALL_PROFILES, 0, check_alive, run_alive,
     emit_alive},
    {"garbage", 0, 0, 0, SCN_ALL_PROFILES, 0, NULL, run_garbage, emit_garbage},
    {"clear-garbage", 0, 0, 0, SCN_ALL_PROFILES, 0, NULL, run_clear_garbage,
     emit_clear_garbage},
    {"collect", 0, 1, 0, SCN_ALL_PROFILES, 0, check_collect, run_collect,
     emit_collect},
    {"disable", 0, 0, 0, SCN_ALL_PROFILES, 0, NULL, run_disable, emit_disable},
    {"enable", 0, 0, 0, SCN_ALL_PROFILES, 0, NULL, run_enable, emit_enable},
    {"enabled", 0, 0, 0, SCN_ALL_PROFILES, 0, NULL, run_enabled, emit_enabled},
    {"threshold", 0, 3, 0, SCN_ALL_PROFILES, 0, check_threshold, run_threshold,
     emit_threshold},
    {"freeze", 0, 0, 0, SCN_FROM_3_8, GC_CAP_FREEZE, check_freeze, run_freeze,
     emit_freeze},
    {"unfreeze", 0, 0, 0, SCN_FROM_3_8, GC_CAP_FREEZE, check_unfreeze,
     run_unfreeze, emit_unfreeze},
    {"debug", 1, 1, 0, SCN_ALL_PROFILES, 0, check_debug, run_debug,
     emit_debug},
    {"callbacks", 1, 1, 0, SCN_FROM_3_8, 0, check_callbacks, run_callbacks,
     emit_callbacks},
};

const size_t scn_nverbs = sizeof scn_verbs / sizeof *scn_verbs;

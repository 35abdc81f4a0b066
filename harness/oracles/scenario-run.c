/* harness/oracles/scenario-run.c -- runs a checked scenario on a fresh heap and
 * prints its event log, "LINE: EVENT" (docs/scenarios.md).
 *
 * Root entries are the heap's root table, as a module namespace.  Every
 * object the scenario makes is registered in a map from address to its
 * object label (or to no label, for nest's inner lists and instance
 * dicts), so an address reused by a new object never carries a dead
 * object's name.  The runner holds no references of its own, so
 * `refcount` reads the model's count directly. */
#include "harness.h"
#include "oracles.h"
#include "scenario-internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- address -> label ------------------------------------------------ */

struct label_map {
    uintptr_t *keys;
    const char **labels;
    size_t cap, n;
};

static void
map_grow(struct label_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    uintptr_t *keys = calloc(cap, sizeof *keys);
    const char **labels = calloc(cap, sizeof *labels);
    if (keys == NULL || labels == NULL) {
        fprintf(stderr, "gclab: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i] != 0) {
            size_t h = (m->keys[i] >> 4) * 0x9e3779b97f4a7c15u;
            for (size_t j = h & (cap - 1);; j = (j + 1) & (cap - 1)) {
                if (keys[j] == 0) {
                    keys[j] = m->keys[i];
                    labels[j] = m->labels[i];
                    break;
                }
            }
        }
    }
    free(m->keys);
    free(m->labels);
    m->keys = keys;
    m->labels = labels;
    m->cap = cap;
}

static void
map_set(struct label_map *m, const void *obj, const char *label)
{
    if ((m->n + 1) * 2 > m->cap) {
        map_grow(m);
    }
    uintptr_t key = (uintptr_t)obj;
    size_t h = (key >> 4) * 0x9e3779b97f4a7c15u;
    for (size_t j = h & (m->cap - 1);; j = (j + 1) & (m->cap - 1)) {
        if (m->keys[j] == key || m->keys[j] == 0) {
            m->n += m->keys[j] == 0;
            m->keys[j] = key;
            m->labels[j] = label;
            return;
        }
    }
}

static const char *
map_get(const struct label_map *m, const void *obj)
{
    if (m->cap == 0) {
        return NULL;
    }
    uintptr_t key = (uintptr_t)obj;
    size_t h = (key >> 4) * 0x9e3779b97f4a7c15u;
    for (size_t j = h & (m->cap - 1); m->keys[j] != 0;
         j = (j + 1) & (m->cap - 1)) {
        if (m->keys[j] == key) {
            return m->labels[j];
        }
    }
    return NULL;
}

/* ---- the run --------------------------------------------------------- */

struct run {
    const struct scn_program *prog;
    struct gc_heap *heap;
    FILE *out;
    int line;
    struct label_map labels;
    struct gc_class **classes;
    struct gc_object *saved;
    int nresurrecting;
    char **arenas; /* ring label storage */
    int narenas;
};

static void
event(struct run *r, const char *fmt, const char *a, const char *b)
{
    fprintf(r->out, "%d: ", r->line);
    fprintf(r->out, fmt, a, b);
    fputc('\n', r->out);
}

static const char *
label_or(struct run *r, const struct gc_object *obj, const char *dflt)
{
    const char *l = map_get(&r->labels, obj);
    return l != NULL ? l : dflt;
}

static void
on_finalize(struct gc_heap *heap, struct gc_object *self, void *data)
{
    (void)heap;
    struct run *r = data;
    event(r, "finalize %s%s", label_or(r, self, "?"), "");
}

static void
on_callback(struct gc_heap *heap, struct gc_object *wr, void *data)
{
    (void)heap;
    struct run *r = data;
    event(r, "callback %s%s", label_or(r, wr, "?"), "");
}

static void
on_gc(struct gc_heap *heap, enum gc_callback_phase phase,
      const struct gc_callback_info *info, void *data)
{
    (void)heap;
    struct run *r = data;
    if (phase == GC_CALLBACK_START) {
        fprintf(r->out, "%d: gc start %d\n", r->line, info->generation);
    }
    else {
        fprintf(r->out, "%d: gc stop %d collected=%lld uncollectable=%lld\n",
                r->line, info->generation, (long long)info->collected,
                (long long)info->uncollectable);
    }
}

/* The runner's own memory (not the model's) ran out. */
static void
oom(void)
{
    fprintf(stderr, "gclab scenario: out of memory\n");
    exit(1);
}

/* A model call that fails stops the statement (GC_TRY): the status goes
 * up to scn_run_heap, which names the line, after the statement
 * released what it held.  Out of memory is how a run under a failing
 * allocator ends; anything else is a model error. */
#define TRY_NEW(var, expr)                                                  \
    do {                                                                    \
        if (((var) = (expr)) == NULL) {                                     \
            return GC_ENOMEM;                                               \
        }                                                                   \
    } while (0)

/* The object a label operand names now (borrowed). */
static struct gc_object *
value_of(struct run *r, int v)
{
    if (v == SCN_NONE) {
        return gc_none(r->heap);
    }
    if (v == SCN_SAVED) {
        return r->saved;
    }
    return gc_root_get(r->heap, r->prog->labels[v].name);
}

/* Roots a new object (NULL: its allocation failed) under its label and
 * drops the local reference, whether or not the root could be set. */
static enum gc_status
define(struct run *r, int label, struct gc_object *obj)
{
    if (obj == NULL) {
        return GC_ENOMEM;
    }
    const char *name = r->prog->labels[label].name;
    map_set(&r->labels, obj, name);
    enum gc_status rc = gc_root_set(r->heap, name, obj);
    gc_decref(r->heap, obj);
    return rc;
}

/* A ring of n instances, first rooted under the label.  Until the ring
 * closes, first and the newest node are held here. */
static enum gc_status
build_ring(struct run *r, const struct scn_stmt *st)
{
    const char *name = r->prog->labels[st->target].name;
    size_t n = (size_t)st->num[0], width = strlen(name) + 10;
    char *arena = malloc(n * width);
    char **arenas = realloc(r->arenas, (size_t)(r->narenas + 1) * sizeof *arenas);
    if (arena == NULL || arenas == NULL) {
        oom();
    }
    r->arenas = arenas;
    r->arenas[r->narenas++] = arena;
    struct gc_class *cls = r->classes[st->cls];
    struct gc_object *first, *prev;
    TRY_NEW(first, gc_instance_new(r->heap, cls));
    prev = first;
    snprintf(arena, width, "%s.0", name);
    map_set(&r->labels, first, arena);
    enum gc_status rc = GC_OK;
    for (size_t i = 1; i < n && rc == GC_OK; i++) {
        struct gc_object *node = gc_instance_new(r->heap, cls);
        if (node == NULL) {
            rc = GC_ENOMEM;
            break;
        }
        snprintf(arena + i * width, width, "%s.%zu", name, i);
        map_set(&r->labels, node, arena + i * width);
        rc = gc_attr_set(r->heap, prev, "next", node);
        if (gc_instance_dict(prev) != NULL) {
            map_set(&r->labels, gc_instance_dict(prev), NULL);
        }
        gc_decref(r->heap, node); /* prev holds it, or it dies */
        prev = node;
        gc_safepoint(r->heap);
    }
    if (rc == GC_OK) {
        rc = gc_attr_set(r->heap, prev, "next", first);
        if (gc_instance_dict(prev) != NULL) {
            map_set(&r->labels, gc_instance_dict(prev), NULL);
        }
    }
    if (rc == GC_OK) {
        rc = gc_root_set(r->heap, name, first);
    }
    gc_decref(r->heap, first);
    return rc;
}

/* n nested lists; the innermost is held here until an outer one holds
 * it. */
static enum gc_status
build_nest(struct run *r, const struct scn_stmt *st)
{
    struct gc_object *inner;
    TRY_NEW(inner, gc_list_new(r->heap));
    map_set(&r->labels, inner, NULL);
    for (int64_t i = 1; i < st->num[0]; i++) {
        struct gc_object *outer = gc_list_new(r->heap);
        enum gc_status rc =
            outer != NULL ? gc_list_append(r->heap, outer, inner) : GC_ENOMEM;
        gc_decref(r->heap, inner);
        if (rc != GC_OK) {
            gc_xdecref(r->heap, outer);
            return rc;
        }
        map_set(&r->labels, outer, NULL);
        inner = outer;
        gc_safepoint(r->heap);
    }
    return define(r, st->target, inner);
}

static int
compare_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Prints head followed by the sorted labels of the labelled objects in
 * list (instances of scenario classes only, if is_instances). */
static void
print_labels(struct run *r, const char *head, struct gc_object *list,
             bool is_instances)
{
    size_t n = gc_list_len(list), k = 0;
    const char **names = malloc((n ? n : 1) * sizeof *names);
    if (names == NULL) {
        oom();
    }
    for (size_t i = 0; i < n; i++) {
        struct gc_object *obj = gc_list_get(list, i);
        if (is_instances && obj->type->kind != GC_KIND_INSTANCE) {
            continue;
        }
        const char *l = map_get(&r->labels, obj);
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

/* Runs one statement.  GC_EINVAL is the one run-time error in the
 * scenario, a rescue that finds nothing (reported here); any other
 * failure is the model's, and the statement has released what it
 * held. */
static enum gc_status
step(struct run *r, const struct scn_stmt *st, FILE *err)
{
    struct gc_heap *heap = r->heap;
    const struct scn_program *p = r->prog;
    const char *tname = st->target >= 0 || st->target == SCN_SAVED
                            ? scn_operand_name(p, st->target)
                            : NULL;
    struct gc_object *obj;
    char buf[64];
    switch (st->verb) {
    case SCN_PROFILES:
        break;
    case SCN_CLASS: {
        const struct scn_class *c = &p->classes[st->cls];
        struct gc_class_spec spec = {
            .name = c->name,
            .finalizer = c->resurrects ? GC_FIN_RESURRECT
                         : c->has_del  ? GC_FIN_FINALIZER
                                       : GC_FIN_NONE,
            .on_finalize = c->has_del ? on_finalize : NULL,
            .data = r,
            .resurrect_into = c->resurrects ? r->saved : NULL,
        };
        GC_TRY(gc_class_new(heap, &spec, &r->classes[st->cls]));
        r->nresurrecting += c->resurrects;
        break;
    }
    case SCN_NEW:
        return define(r, st->target,
                      gc_instance_new(heap, r->classes[st->cls]));
    case SCN_LIST: {
        TRY_NEW(obj, gc_list_new(heap));
        enum gc_status rc = GC_OK;
        for (int i = 0; i < st->nvalues && rc == GC_OK; i++) {
            rc = gc_list_append(heap, obj, value_of(r, st->values[i]));
        }
        if (rc != GC_OK) {
            gc_decref(heap, obj);
            return rc;
        }
        return define(r, st->target, obj);
    }
    case SCN_DICT:
        return define(r, st->target, gc_dict_new(heap));
    case SCN_TUPLE: {
        struct gc_object *items[SCN_MAX_TOKENS];
        for (int i = 0; i < st->nvalues; i++) {
            items[i] = value_of(r, st->values[i]);
        }
        return define(r, st->target,
                      gc_tuple_new(heap, (size_t)st->nvalues, items));
    }
    case SCN_INT:
        TRY_NEW(obj, gc_int_new(heap, st->num[0]));
        if (st->num[0] >= GC_SMALL_INT_MIN &&
            st->num[0] <= gc_small_int_max(gc_heap_profile(heap))) {
            /* Shared: the object keeps the label it was first given. */
            if (map_get(&r->labels, obj) == NULL) {
                map_set(&r->labels, obj, tname);
            }
            enum gc_status rc = gc_root_set(heap, tname, obj);
            gc_decref(heap, obj);
            return rc;
        }
        return define(r, st->target, obj);
    case SCN_ALIAS:
        GC_TRY(gc_root_set(heap, tname, value_of(r, st->values[0])));
        break;
    case SCN_RING:
        return build_ring(r, st);
    case SCN_NEST:
        return build_nest(r, st);
    case SCN_WEAKREF:
        GC_TRY(gc_weakref_new(heap, value_of(r, st->values[0]),
                              st->flag ? on_callback : NULL, r, &obj));
        return define(r, st->target, obj);
    case SCN_SET: {
        obj = value_of(r, st->target);
        enum gc_status rc =
            gc_attr_set(heap, obj, st->name, value_of(r, st->values[0]));
        if (gc_instance_dict(obj) != NULL) {
            map_set(&r->labels, gc_instance_dict(obj), NULL);
        }
        return rc;
    }
    case SCN_UNSET:
        GC_TRY(gc_attr_del(heap, value_of(r, st->target), st->name));
        break;
    case SCN_APPEND:
        GC_TRY(gc_list_append(heap, value_of(r, st->target),
                              value_of(r, st->values[0])));
        break;
    case SCN_PUT:
        GC_TRY(gc_dict_set_cstr(heap, value_of(r, st->target), st->name,
                                value_of(r, st->values[0])));
        break;
    case SCN_CLEAR:
        obj = value_of(r, st->target);
        if (obj->type->kind == GC_KIND_LIST) {
            gc_list_clear(heap, obj);
        }
        else {
            gc_dict_clear(heap, obj);
        }
        break;
    case SCN_DEL:
        GC_TRY(gc_root_del(heap, tname));
        break;
    case SCN_RESCUE: {
        size_t n = gc_list_len(r->saved);
        for (size_t i = n; i-- > 0;) {
            obj = gc_list_get(r->saved, i);
            const char *l = map_get(&r->labels, obj);
            if (l != NULL && strcmp(l, tname) == 0) {
                GC_TRY(gc_root_set(heap, tname, obj));
                return gc_list_remove_at(heap, r->saved, i);
            }
        }
        fprintf(err, "%s:%d: error: 'saved' holds no object labelled '%s'\n",
                p->path, st->line, tname);
        return GC_EINVAL;
    }
    case SCN_SAME: {
        bool same = value_of(r, st->values[0]) == value_of(r, st->values[1]);
        fprintf(r->out, "%d: same %s %s %s\n", r->line,
                scn_operand_name(p, st->values[0]),
                scn_operand_name(p, st->values[1]),
                same ? "True" : "False");
        break;
    }
    case SCN_DEREF:
        obj = gc_weakref_get(value_of(r, st->target));
        fprintf(r->out, "%d: deref %s %s\n", r->line, tname,
                obj != NULL ? label_or(r, obj, "?") : "None");
        break;
    case SCN_TRACKED:
        fprintf(r->out, "%d: tracked %s %s\n", r->line, tname,
                gc_is_tracked(value_of(r, st->target)) ? "True" : "False");
        break;
    case SCN_FINALIZED:
        fprintf(r->out, "%d: finalized %s %s\n", r->line, tname,
                gc_is_finalized(value_of(r, st->target)) ? "True" : "False");
        break;
    case SCN_REFCOUNT: {
        obj = value_of(r, st->target);
        intptr_t n = gc_refcount(obj);
        if (obj == r->saved) { /* also through an alias */
            n -= r->nresurrecting; /* the classes' own references */
        }
        fprintf(r->out, "%d: refcount %s %lld\n", r->line, tname,
                (long long)n);
        break;
    }
    case SCN_ALIVE: {
        struct gc_object *all;
        GC_TRY(gc_get_objects(heap, -1, &all));
        print_labels(r, "alive", all, true);
        gc_decref(heap, all);
        break;
    }
    case SCN_GARBAGE:
        snprintf(buf, sizeof buf, "garbage %zu", gc_list_len(gc_garbage(heap)));
        print_labels(r, buf, gc_garbage(heap), false);
        break;
    case SCN_CLEAR_GARBAGE:
        gc_list_clear(heap, gc_garbage(heap));
        break;
    case SCN_COLLECT: {
        int64_t n = gc_collect(heap, (int)st->num[0]);
        fprintf(r->out, "%d: collect %d %lld\n", r->line, (int)st->num[0],
                (long long)n);
        break;
    }
    case SCN_DISABLE:
        gc_disable(heap);
        break;
    case SCN_ENABLE:
        gc_enable(heap);
        break;
    case SCN_THRESHOLD:
        if (st->nnum == 3) {
            GC_TRY(gc_set_threshold(heap, 3, st->num));
        }
        else {
            int64_t t[3];
            gc_get_threshold(heap, t);
            fprintf(r->out, "%d: threshold %lld %lld %lld\n", r->line,
                    (long long)t[0], (long long)t[1], (long long)t[2]);
        }
        break;
    case SCN_FREEZE:
        GC_TRY(gc_freeze(heap));
        break;
    case SCN_UNFREEZE:
        GC_TRY(gc_unfreeze(heap));
        break;
    case SCN_DEBUG:
        gc_set_debug(heap, st->flag ? GC_DEBUG_SAVEALL : 0);
        break;
    case SCN_CALLBACKS:
        GC_TRY(st->flag ? gc_callback_add(heap, on_gc, r)
                        : gc_callback_remove(heap, on_gc, r));
        break;
    }
    return GC_OK;
}

/* Runs prog on heap, which the caller made and destroys.  GC_OK when it
 * ran to its end; GC_EINVAL for an error in the scenario; another status
 * for a model call that failed (out of memory, under a failing
 * allocator), after the line is named on err. */
static enum gc_status
scn_run_heap(const struct scn_program *prog, struct gc_heap *heap,
             FILE *out, FILE *err)
{
    /* Verbs the collector may lack, whatever the profile offers. */
    for (int i = 0; i < prog->nstmts; i++) {
        enum scn_verb v = prog->stmts[i].verb;
        if ((v == SCN_FREEZE || v == SCN_UNFREEZE) &&
            !(gc_heap_caps(heap) & GC_CAP_FREEZE)) {
            fprintf(err, "%s:%d: error: collector '%s' has no freeze\n",
                    prog->path, prog->stmts[i].line,
                    gc_heap_collector(heap)->name);
            return GC_EINVAL;
        }
    }
    struct run r = {.prog = prog, .heap = heap, .out = out};
    r.classes = calloc((size_t)prog->nclasses + 1, sizeof *r.classes);
    if (r.classes == NULL) {
        oom();
    }
    enum gc_status rc = GC_ENOMEM;
    r.saved = gc_list_new(heap);
    if (r.saved != NULL) {
        map_set(&r.labels, r.saved, NULL);
        rc = gc_root_set(heap, "saved", r.saved);
        gc_decref(heap, r.saved);
    }
    if (rc == GC_OK) {
        /* The translation's prelude: two collections and an empty
         * garbage list, so that nothing from before counts. */
        gc_collect(heap, 2);
        gc_collect(heap, 2);
    }
    for (int i = 0; i < prog->nstmts && rc == GC_OK; i++) {
        r.line = prog->stmts[i].line;
        rc = step(&r, &prog->stmts[i], err);
        if (rc == GC_ENOMEM) {
            fprintf(err, "%s:%d: out of memory in the model\n", prog->path,
                    r.line);
        }
        else if (rc != GC_OK && rc != GC_EINVAL) {
            fprintf(err, "%s:%d: model error: %s\n", prog->path, r.line,
                    gc_status_str(rc));
        }
        gc_safepoint(heap);
    }
    fflush(out);
    for (int i = 0; i < r.narenas; i++) {
        free(r.arenas[i]);
    }
    free(r.arenas);
    free(r.classes);
    free(r.labels.keys);
    free(r.labels.labels);
    return rc;
}

int
scn_run(const struct scn_program *prog, enum gc_profile profile,
        const char *collector, FILE *out, FILE *err)
{
    char spec[300], msg[256];
    snprintf(spec, sizeof spec, "%s%sprofile=%s", collector,
             strchr(collector, ':') ? "," : ":", gc_profile_name(profile));
    struct gc_heap *heap;
    if (gc_heap_new_spec(spec, NULL, &heap, msg, sizeof msg) != GC_OK) {
        fprintf(err, "gclab scenario: %s\n", msg);
        return 2;
    }
    enum gc_status rc = scn_run_heap(prog, heap, out, err);
    gc_heap_destroy(heap);
    return rc == GC_OK ? 0 : rc == GC_EINVAL ? 2 : 1;
}

enum gc_status
gc_scenario_run_heap(const char *path, struct gc_heap *heap, FILE *out,
                     FILE *err)
{
    struct scn_program prog;
    if (!scn_load(path, gc_heap_profile(heap), false, &prog, err)) {
        return GC_EINVAL;
    }
    enum gc_status rc = scn_run_heap(&prog, heap, out, err);
    scn_free(&prog);
    return rc;
}

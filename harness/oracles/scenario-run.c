/* harness/oracles/scenario-run.c -- runs a checked scenario on a fresh heap and
 * prints its event log, "LINE: EVENT" (docs/scenarios.md).
 *
 * Root entries are the heap's root table, as a module namespace.  Every
 * object the scenario makes is registered in a map from address to its
 * object label (or to no label, for nest's inner lists and instance
 * dicts), so an address reused by a new object never carries a dead
 * object's name.  The runner holds no references of its own, so
 * `refcount` reads the model's count directly.  What each verb does is in
 * scenario-verbs.c, reached through the statement's table entry. */
#include "harness.h"
#include "oracles.h"
#include "scenario-internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- address -> label ------------------------------------------------ */

static void
map_grow(struct scn_label_map *m)
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

void
scn_run_map_set(struct scn_runner *r, const void *obj, const char *label)
{
    struct scn_label_map *m = &r->labels;
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

const char *
scn_run_map_get(const struct scn_runner *r, const void *obj)
{
    const struct scn_label_map *m = &r->labels;
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

const char *
scn_run_label_or(const struct scn_runner *r, const struct gc_object *obj,
                 const char *dflt)
{
    const char *l = scn_run_map_get(r, obj);
    return l != NULL ? l : dflt;
}

void
scn_run_oom(void)
{
    fprintf(stderr, "gclab scenario: out of memory\n");
    exit(1);
}

struct gc_object *
scn_run_value(const struct scn_runner *r, int v)
{
    if (v == SCN_NONE) {
        return gc_none(r->heap);
    }
    if (v == SCN_SAVED) {
        return r->saved;
    }
    return gc_root_get(r->heap, r->prog->labels[v].name);
}

enum gc_status
scn_run_define(struct scn_runner *r, int label, struct gc_object *obj)
{
    if (obj == NULL) {
        return GC_ENOMEM;
    }
    const char *name = r->prog->labels[label].name;
    scn_run_map_set(r, obj, name);
    enum gc_status rc = gc_root_set(r->heap, name, obj);
    gc_decref(r->heap, obj);
    return rc;
}

enum gc_status
scn_run_heap(const struct scn_program *prog, struct gc_heap *heap,
             FILE *out, FILE *err)
{
    /* Verbs the collector may lack, whatever the profile offers. */
    for (int i = 0; i < prog->nstmts; i++) {
        uint32_t lacks = prog->stmts[i].verb->caps & ~gc_heap_caps(heap);
        if (lacks != 0) {
            fprintf(err, "%s:%d: error: collector '%s' has no %s\n",
                    prog->path, prog->stmts[i].line,
                    gc_heap_collector(heap)->name,
                    gc_cap_name(lacks & -lacks));
            return GC_EINVAL;
        }
    }
    struct scn_runner r = {
        .prog = prog, .heap = heap, .out = out, .err = err};
    r.classes = calloc((size_t)prog->nclasses + 1, sizeof *r.classes);
    if (r.classes == NULL) {
        scn_run_oom();
    }
    enum gc_status rc = GC_ENOMEM;
    r.saved = gc_list_new(heap);
    if (r.saved != NULL) {
        scn_run_map_set(&r, r.saved, NULL);
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
        const struct scn_stmt *st = &prog->stmts[i];
        r.line = st->line;
        if (st->verb->run != NULL) {
            rc = st->verb->run(&r, st);
        }
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

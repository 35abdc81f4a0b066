/* harness/oracles/scenario-check.c -- what the verbs' checks share
 * (docs/scenarios.md "Errors"): names and numbers, labels and their
 * kinds, and the state a reader can follow statically (labels live or
 * deleted, attributes set, weakrefs); and which profiles a checked
 * program applies to.  Each verb's own check is in scenario-verbs.c. */
#include "harness.h"
#include "scenario-internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
scn_check_fail(struct scn_checker *c, const char *fmt, ...)
{
    if (c->failed) {
        return;
    }
    c->failed = true;
    va_list ap;
    fprintf(c->err, "%s:%d: error: ", c->prog->path, c->line);
    va_start(ap, fmt);
    vfprintf(c->err, fmt, ap);
    va_end(ap);
    fputc('\n', c->err);
}

void *
scn_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL) {
        fprintf(stderr, "gclab: out of memory\n");
        exit(1);
    }
    return q;
}

char *
scn_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(scn_xrealloc(NULL, n), s, n);
}

/* ---- lexical ------------------------------------------------------- */

bool
scn_is_label(const char *s)
{
    if (!(isalpha((unsigned char)s[0]) || s[0] == '_')) {
        return false;
    }
    for (const char *p = s + 1; *p; p++) {
        if (!(isalnum((unsigned char)*p) || *p == '_')) {
            return false;
        }
    }
    return true;
}

bool
scn_is_class_name(const char *s)
{
    if (!(s[0] >= 'A' && s[0] <= 'Z')) {
        return false;
    }
    /* Python would not accept these as class names. */
    if (strcmp(s, "True") == 0 || strcmp(s, "False") == 0 ||
        strcmp(s, "None") == 0) {
        return false;
    }
    return scn_is_label(s);
}

bool
scn_is_attr_name(const char *s)
{
    return s[0] >= 'a' && s[0] <= 'z' && scn_is_label(s);
}

/* A decimal number, optionally signed, within [lo, hi]. */
bool
scn_parse_num(const char *s, bool allow_sign, int64_t lo, int64_t hi,
              int64_t *out)
{
    const char *p = s;
    if (allow_sign && *p == '-') {
        p++;
    }
    if (*p == '\0') {
        return false;
    }
    for (const char *q = p; *q; q++) {
        if (!isdigit((unsigned char)*q)) {
            return false;
        }
    }
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno != 0 || v < lo || v > hi) {
        return false;
    }
    *out = v;
    return true;
}

/* ---- symbols --------------------------------------------------------- */

int
scn_find_label(const struct scn_program *p, const char *name)
{
    for (int i = 0; i < p->nlabels; i++) {
        if (strcmp(p->labels[i].name, name) == 0) {
            return i;
        }
    }
    return -1;
}

int
scn_find_class(const struct scn_program *p, const char *name)
{
    for (int i = 0; i < p->nclasses; i++) {
        if (strcmp(p->classes[i].name, name) == 0) {
            return i;
        }
    }
    return -1;
}

static int
new_object(struct scn_checker *c)
{
    struct scn_program *p = c->prog;
    if (p->nobjects == c->objs_cap) {
        c->objs_cap = c->objs_cap ? c->objs_cap * 2 : 64;
        c->objs = scn_xrealloc(c->objs, (size_t)c->objs_cap * sizeof *c->objs);
    }
    memset(&c->objs[p->nobjects], 0, sizeof *c->objs);
    return p->nobjects++;
}

/* Defines a new label of a kind; -1 after an error. */
int
scn_check_define(struct scn_checker *c, const char *name, enum scn_kind kind,
                 int object)
{
    struct scn_program *p = c->prog;
    if (!scn_is_label(name) || strcmp(name, "none") == 0 ||
        strcmp(name, "saved") == 0) {
        scn_check_fail(c, "malformed or reserved label '%s'", name);
        return -1;
    }
    if (scn_find_label(p, name) >= 0) {
        scn_check_fail(c, "label '%s' already used", name);
        return -1;
    }
    if (p->nlabels == c->deleted_cap) {
        c->deleted_cap = c->deleted_cap ? c->deleted_cap * 2 : 64;
        c->is_deleted =
            scn_xrealloc(c->is_deleted, (size_t)c->deleted_cap * sizeof(bool));
        p->labels = scn_xrealloc(p->labels,
                                 (size_t)c->deleted_cap * sizeof *p->labels);
    }
    struct scn_label *l = &p->labels[p->nlabels];
    memset(l, 0, sizeof *l);
    l->name = scn_xstrdup(name);
    l->kind = kind;
    l->cls = -1;
    l->object = object >= 0 ? object : new_object(c);
    c->is_deleted[p->nlabels] = false;
    return p->nlabels++;
}

static const char *const kind_names[] = {
    [SCN_K_INST] = "an instance", [SCN_K_LIST] = "a list",
    [SCN_K_DICT] = "a dict",      [SCN_K_TUPLE] = "a tuple",
    [SCN_K_INT] = "an int",       [SCN_K_WEAKREF] = "a weakref",
};

/* A live label of one of the kinds in mask (bit per scn_kind; 0: any).
 * allow: also `none` (SCN_NONE) and/or `saved` (a list, so only where
 * mask admits lists). */
int
scn_check_operand(struct scn_checker *c, const char *name, unsigned mask,
                  bool allow_none, bool allow_saved)
{
    if (c->failed) {
        return SCN_NONE;
    }
    if (strcmp(name, "none") == 0) {
        if (!allow_none) {
            scn_check_fail(c, "'none' is not allowed here");
        }
        return SCN_NONE;
    }
    if (strcmp(name, "saved") == 0) {
        /* A root list: it stands wherever a list may. */
        if (!allow_saved) {
            scn_check_fail(c, "'saved' is not allowed here");
        }
        else if (mask != 0 && !(mask & (1u << SCN_K_LIST))) {
            scn_check_fail(c,
                           "'saved' is a list, not the kind this verb takes");
        }
        return SCN_SAVED;
    }
    if (!scn_is_label(name)) {
        scn_check_fail(c, "malformed label '%s'", name);
        return SCN_NONE;
    }
    int i = scn_find_label(c->prog, name);
    if (i < 0) {
        scn_check_fail(c, "unknown label '%s'", name);
        return SCN_NONE;
    }
    if (c->is_deleted[i]) {
        scn_check_fail(c, "label '%s' was deleted", name);
        return SCN_NONE;
    }
    enum scn_kind k = c->prog->labels[i].kind;
    if (mask != 0 && !(mask & (1u << k))) {
        scn_check_fail(c, "'%s' is %s, not the kind this verb takes", name,
                       kind_names[k]);
        return SCN_NONE;
    }
    return i;
}

struct scn_obj_state *
scn_check_obj(struct scn_checker *c, int label)
{
    return &c->objs[c->prog->labels[label].object];
}

int
scn_check_attr_index(const struct scn_obj_state *o, const char *name)
{
    for (int i = 0; i < o->nattrs; i++) {
        if (strcmp(o->attrs[i], name) == 0) {
            return i;
        }
    }
    return -1;
}

/* `x.a` into label and attribute. */
bool
scn_check_split_attr(struct scn_checker *c, const char *tok, char *label,
                     size_t n, const char **attr)
{
    const char *dot = strchr(tok, '.');
    if (dot == NULL || (size_t)(dot - tok) >= n ||
        !scn_is_attr_name(dot + 1)) {
        scn_check_fail(c, "malformed attribute reference '%s'", tok);
        return false;
    }
    memcpy(label, tok, (size_t)(dot - tok));
    label[dot - tok] = '\0';
    *attr = dot + 1;
    return true;
}

void
scn_check_attr_add(struct scn_obj_state *o, const char *name)
{
    if (o->nattrs == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 4;
        o->attrs = scn_xrealloc(o->attrs, (size_t)o->cap * sizeof(char *));
    }
    o->attrs[o->nattrs++] = scn_xstrdup(name);
}

void
scn_check_done(struct scn_checker *c)
{
    for (int i = 0; i < c->prog->nobjects; i++) {
        for (int k = 0; k < c->objs[i].nattrs; k++) {
            free(c->objs[i].attrs[k]);
        }
        free(c->objs[i].attrs);
    }
    free(c->objs);
    free(c->is_deleted);
}

/* Profiles the whole file can run on: its header, less those lacking a
 * verb it uses. */
unsigned
scn_applicable_profiles(const struct scn_program *prog, int *why_line)
{
    unsigned ok = prog->profiles;
    *why_line = prog->profiles_line;
    for (int i = 0; i < prog->nstmts; i++) {
        unsigned v = prog->stmts[i].verb->profiles;
        if ((ok & v) != ok && *why_line == 0) {
            *why_line = prog->stmts[i].line;
        }
        ok &= v;
    }
    return ok;
}

enum gc_profile
scn_default_profile(const struct scn_program *prog)
{
    if (prog->profiles & (1u << GC_PROFILE_DEFAULT)) {
        return GC_PROFILE_DEFAULT;
    }
    for (int p = 0; p < GC_PROFILE_COUNT; p++) {
        if (prog->profiles & (1u << p)) {
            return (enum gc_profile)p;
        }
    }
    return GC_PROFILE_DEFAULT;
}

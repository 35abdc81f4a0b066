/* harness/oracles/scenario-check.c -- reads a scenario file and checks all of
 * it before anything runs (docs/scenarios.md "Errors"): bytes, tokens,
 * operands, and the state a reader can follow statically (labels live
 * or deleted, attributes set, weakrefs, callbacks on or off, freeze).
 * The first problem gets one line, FILE:LINE: error: MESSAGE. */
#include "harness.h"
#include "scenario-internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Per static object: what the checker needs to follow. */
struct obj_state {
    char **attrs;  /* attribute names currently set */
    int nattrs, cap;
    bool has_basic_weakref;
};

struct checker {
    struct scn_program *prog;
    enum gc_profile profile;
    bool is_any_profile;
    FILE *err;
    int line;
    bool *is_deleted; /* per label */
    int deleted_cap;
    struct obj_state *objs;
    int objs_cap;
    bool callbacks_on;
    bool is_frozen;
    bool failed;
};

static void
fail(struct checker *c, const char *fmt, ...)
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

static void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL) {
        fprintf(stderr, "gclab: out of memory\n");
        exit(1);
    }
    return q;
}

static char *
xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xrealloc(NULL, n), s, n);
}

/* ---- lexical ------------------------------------------------------- */

static bool
is_label(const char *s)
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

static bool
is_class_name(const char *s)
{
    if (!(s[0] >= 'A' && s[0] <= 'Z')) {
        return false;
    }
    /* Python would not accept these as class names. */
    if (strcmp(s, "True") == 0 || strcmp(s, "False") == 0 ||
        strcmp(s, "None") == 0) {
        return false;
    }
    return is_label(s);
}

static bool
is_attr_name(const char *s)
{
    return s[0] >= 'a' && s[0] <= 'z' && is_label(s);
}

/* A decimal number, optionally signed, within [lo, hi]. */
static bool
parse_num(const char *s, bool allow_sign, int64_t lo, int64_t hi,
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

/* Checks one line's bytes: UTF-8, no NUL, no control character but tab.
 * The line excludes its terminator. */
static const char *
bad_bytes(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char b = s[i];
        if (b == 0) {
            return "NUL byte";
        }
        if (b < 0x80) {
            if ((b < 0x20 && b != '\t') || b == 0x7f) {
                return b == '\r' ? "carriage return not before a line feed"
                                 : "control character";
            }
            i++;
            continue;
        }
        int len;
        uint32_t cp;
        if (b >= 0xc2 && b <= 0xdf) {
            len = 2, cp = b & 0x1f;
        }
        else if (b >= 0xe0 && b <= 0xef) {
            len = 3, cp = b & 0x0f;
        }
        else if (b >= 0xf0 && b <= 0xf4) {
            len = 4, cp = b & 0x07;
        }
        else {
            return "invalid UTF-8";
        }
        if (i + (size_t)len > n) {
            return "invalid UTF-8";
        }
        for (int k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return "invalid UTF-8";
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return "invalid UTF-8";
        }
        if (cp >= 0x80 && cp < 0xa0) {
            return "control character";
        }
        i += (size_t)len;
    }
    return NULL;
}

/* ---- symbols --------------------------------------------------------- */

static int
find_label(const struct scn_program *p, const char *name)
{
    for (int i = 0; i < p->nlabels; i++) {
        if (strcmp(p->labels[i].name, name) == 0) {
            return i;
        }
    }
    return -1;
}

static int
find_class(const struct scn_program *p, const char *name)
{
    for (int i = 0; i < p->nclasses; i++) {
        if (strcmp(p->classes[i].name, name) == 0) {
            return i;
        }
    }
    return -1;
}

static int
new_object(struct checker *c)
{
    struct scn_program *p = c->prog;
    if (p->nobjects == c->objs_cap) {
        c->objs_cap = c->objs_cap ? c->objs_cap * 2 : 64;
        c->objs = xrealloc(c->objs, (size_t)c->objs_cap * sizeof *c->objs);
    }
    memset(&c->objs[p->nobjects], 0, sizeof *c->objs);
    return p->nobjects++;
}

/* Defines a new label of a kind; -1 after an error. */
static int
define(struct checker *c, const char *name, enum scn_kind kind, int object)
{
    struct scn_program *p = c->prog;
    if (!is_label(name) || strcmp(name, "none") == 0 ||
        strcmp(name, "saved") == 0) {
        fail(c, "malformed or reserved label '%s'", name);
        return -1;
    }
    if (find_label(p, name) >= 0) {
        fail(c, "label '%s' already used", name);
        return -1;
    }
    if (p->nlabels == c->deleted_cap) {
        c->deleted_cap = c->deleted_cap ? c->deleted_cap * 2 : 64;
        c->is_deleted =
            xrealloc(c->is_deleted, (size_t)c->deleted_cap * sizeof(bool));
        p->labels = xrealloc(p->labels,
                             (size_t)c->deleted_cap * sizeof *p->labels);
    }
    struct scn_label *l = &p->labels[p->nlabels];
    memset(l, 0, sizeof *l);
    l->name = xstrdup(name);
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
static int
operand(struct checker *c, const char *name, unsigned mask, bool allow_none,
        bool allow_saved)
{
    if (c->failed) {
        return SCN_NONE;
    }
    if (strcmp(name, "none") == 0) {
        if (!allow_none) {
            fail(c, "'none' is not allowed here");
        }
        return SCN_NONE;
    }
    if (strcmp(name, "saved") == 0) {
        /* A root list: it stands wherever a list may. */
        if (!allow_saved) {
            fail(c, "'saved' is not allowed here");
        }
        else if (mask != 0 && !(mask & (1u << SCN_K_LIST))) {
            fail(c, "'saved' is a list, not the kind this verb takes");
        }
        return SCN_SAVED;
    }
    if (!is_label(name)) {
        fail(c, "malformed label '%s'", name);
        return SCN_NONE;
    }
    int i = find_label(c->prog, name);
    if (i < 0) {
        fail(c, "unknown label '%s'", name);
        return SCN_NONE;
    }
    if (c->is_deleted[i]) {
        fail(c, "label '%s' was deleted", name);
        return SCN_NONE;
    }
    enum scn_kind k = c->prog->labels[i].kind;
    if (mask != 0 && !(mask & (1u << k))) {
        fail(c, "'%s' is %s, not the kind this verb takes", name,
             kind_names[k]);
        return SCN_NONE;
    }
    return i;
}

#define K(kind) (1u << (kind))

static struct obj_state *
obj_of(struct checker *c, int label)
{
    return &c->objs[c->prog->labels[label].object];
}

static int
attr_index(struct obj_state *o, const char *name)
{
    for (int i = 0; i < o->nattrs; i++) {
        if (strcmp(o->attrs[i], name) == 0) {
            return i;
        }
    }
    return -1;
}

/* ---- statements ------------------------------------------------------ */

static const struct {
    const char *name;
    enum scn_verb verb;
    int min, max; /* operand counts; max -1: unbounded */
} verbs[] = {
    {"profiles", SCN_PROFILES, 1, -1}, {"class", SCN_CLASS, 1, 3},
    {"new", SCN_NEW, 2, 2},            {"list", SCN_LIST, 1, -1},
    {"dict", SCN_DICT, 1, 1},          {"tuple", SCN_TUPLE, 2, -1},
    {"int", SCN_INT, 2, 2},            {"alias", SCN_ALIAS, 2, 2},
    {"ring", SCN_RING, 3, 3},          {"nest", SCN_NEST, 2, 2},
    {"weakref", SCN_WEAKREF, 2, 3},    {"set", SCN_SET, 2, 2},
    {"unset", SCN_UNSET, 1, 1},        {"append", SCN_APPEND, 2, 2},
    {"put", SCN_PUT, 3, 3},            {"clear", SCN_CLEAR, 1, 1},
    {"del", SCN_DEL, 1, 1},            {"rescue", SCN_RESCUE, 1, 1},
    {"same", SCN_SAME, 2, 2},          {"deref", SCN_DEREF, 1, 1},
    {"tracked", SCN_TRACKED, 1, 1},    {"finalized", SCN_FINALIZED, 1, 1},
    {"refcount", SCN_REFCOUNT, 1, 1},  {"alive", SCN_ALIVE, 0, 0},
    {"garbage", SCN_GARBAGE, 0, 0},    {"clear-garbage", SCN_CLEAR_GARBAGE, 0, 0},
    {"collect", SCN_COLLECT, 0, 1},    {"disable", SCN_DISABLE, 0, 0},
    {"enable", SCN_ENABLE, 0, 0},      {"threshold", SCN_THRESHOLD, 0, 3},
    {"freeze", SCN_FREEZE, 0, 0},      {"unfreeze", SCN_UNFREEZE, 0, 0},
    {"debug", SCN_DEBUG, 1, 1},        {"callbacks", SCN_CALLBACKS, 1, 1},
};

/* Profiles on which a verb exists (bit per profile). */
static unsigned
verb_profiles(enum scn_verb v)
{
    unsigned all = (1u << GC_PROFILE_COUNT) - 1;
    switch (v) {
    case SCN_FREEZE:
    case SCN_UNFREEZE:
    case SCN_CALLBACKS:
        return all & ~(1u << GC_PROFILE_2_7);
    case SCN_FINALIZED: /* gc.is_finalized: 3.9 and later */
        return all & ~((1u << GC_PROFILE_2_7) | (1u << GC_PROFILE_3_8));
    default:
        return all;
    }
}

/* `x.a` into label and attribute. */
static bool
split_attr(struct checker *c, const char *tok, char *label, size_t n,
           const char **attr)
{
    const char *dot = strchr(tok, '.');
    if (dot == NULL || (size_t)(dot - tok) >= n || !is_attr_name(dot + 1)) {
        fail(c, "malformed attribute reference '%s'", tok);
        return false;
    }
    memcpy(label, tok, (size_t)(dot - tok));
    label[dot - tok] = '\0';
    *attr = dot + 1;
    return true;
}

static void
check_stmt(struct checker *c, struct scn_stmt *st, char **tok, int ntok)
{
    struct scn_program *p = c->prog;
    int nops = ntok - 1;
    char lbl[SCN_MAX_LINE];
    const char *attr;
    switch (st->verb) {
    case SCN_PROFILES:
        if (p->nstmts != 0) {
            fail(c, "'profiles' must be the first statement");
            return;
        }
        p->profiles = 0;
        p->profiles_line = c->line;
        for (int i = 1; i < ntok; i++) {
            enum gc_profile pr;
            if (gc_profile_parse(tok[i], &pr) != GC_OK) {
                fail(c, "unknown profile '%s'; profiles: " GC_PROFILE_NAMES,
                     tok[i]);
                return;
            }
            if (p->profiles & (1u << pr)) {
                fail(c, "profile '%s' listed twice", tok[i]);
                return;
            }
            p->profiles |= 1u << pr;
        }
        if (!c->is_any_profile && !(p->profiles & (1u << c->profile))) {
            fail(c, "this scenario does not apply to profile %s",
                 gc_profile_name(c->profile));
        }
        return;
    case SCN_CLASS: {
        if (!is_class_name(tok[1])) {
            fail(c, "malformed class name '%s'", tok[1]);
            return;
        }
        if (find_class(p, tok[1]) >= 0) {
            fail(c, "class '%s' already defined", tok[1]);
            return;
        }
        bool has_del = false, resurrects = false;
        if (nops >= 2) {
            if (strcmp(tok[2], "del") != 0) {
                fail(c, "expected 'del' after the class name, not '%s'",
                     tok[2]);
                return;
            }
            has_del = true;
        }
        if (nops == 3) {
            if (strcmp(tok[3], "resurrect") != 0) {
                fail(c, "expected 'resurrect', not '%s'", tok[3]);
                return;
            }
            resurrects = true;
        }
        p->classes = xrealloc(p->classes,
                              (size_t)(p->nclasses + 1) * sizeof *p->classes);
        p->classes[p->nclasses] = (struct scn_class){
            .name = xstrdup(tok[1]), .has_del = has_del,
            .resurrects = resurrects};
        st->cls = p->nclasses++;
        return;
    }
    case SCN_NEW:
    case SCN_RING: {
        int cls = find_class(p, tok[2]);
        if (!is_class_name(tok[2])) {
            fail(c, "malformed class name '%s'", tok[2]);
            return;
        }
        if (cls < 0) {
            fail(c, "unknown class '%s'", tok[2]);
            return;
        }
        if (st->verb == SCN_RING &&
            !parse_num(tok[3], false, 1, 1000000, &st->num[0])) {
            fail(c, "ring size must be a number from 1 to 1000000, not '%s'",
                 tok[3]);
            return;
        }
        st->cls = cls;
        st->target = define(c, tok[1], SCN_K_INST, -1);
        if (st->target >= 0) {
            p->labels[st->target].cls = cls;
            if (st->verb == SCN_RING) {
                /* Member 0, the label's object, has .next set. */
                struct obj_state *o = obj_of(c, st->target);
                o->attrs = xrealloc(o->attrs, 4 * sizeof(char *));
                o->cap = 4;
                o->attrs[o->nattrs++] = xstrdup("next");
            }
        }
        return;
    }
    case SCN_LIST:
    case SCN_TUPLE:
        st->nvalues = nops - 1;
        st->values = xrealloc(NULL, (size_t)st->nvalues * sizeof(int));
        for (int i = 0; i < st->nvalues; i++) {
            st->values[i] = operand(c, tok[i + 2], 0, true, true);
        }
        st->target = define(c, tok[1],
                            st->verb == SCN_LIST ? SCN_K_LIST : SCN_K_TUPLE,
                            -1);
        return;
    case SCN_DICT:
        st->target = define(c, tok[1], SCN_K_DICT, -1);
        return;
    case SCN_INT:
        if (!parse_num(tok[2], true, -2147483647LL, 2147483647LL,
                       &st->num[0])) {
            fail(c, "int value must be a number between -2^31 and 2^31, "
                    "not '%s'", tok[2]);
            return;
        }
        st->target = define(c, tok[1], SCN_K_INT, -1);
        if (st->target >= 0) {
            p->labels[st->target].is_small_int =
                st->num[0] >= GC_SMALL_INT_MIN &&
                st->num[0] <= GC_SMALL_INT_MAX_3_15; /* cached somewhere */
        }
        return;
    case SCN_ALIAS: {
        int x = operand(c, tok[2], 0, false, true);
        if (c->failed) {
            return;
        }
        st->values = xrealloc(NULL, sizeof(int));
        st->values[0] = x;
        st->nvalues = 1;
        if (x == SCN_SAVED) {
            /* A second root entry for the saved list: a list label with
             * an object of its own, since lists keep no checker state. */
            st->target = define(c, tok[1], SCN_K_LIST, -1);
            return;
        }
        struct scn_label src = p->labels[x];
        st->target = define(c, tok[1], src.kind, src.object);
        if (st->target >= 0) {
            p->labels[st->target].cls = src.cls;
            p->labels[st->target].is_small_int = src.is_small_int;
        }
        return;
    }
    case SCN_NEST:
        if (!parse_num(tok[2], false, 1, 1000000, &st->num[0])) {
            fail(c, "nest depth must be a number from 1 to 1000000, not '%s'",
                 tok[2]);
            return;
        }
        st->target = define(c, tok[1], SCN_K_LIST, -1);
        return;
    case SCN_WEAKREF: {
        int x = operand(c, tok[2], K(SCN_K_INST), false, true);
        if (c->failed) {
            return;
        }
        if (nops == 3 && strcmp(tok[3], "callback") != 0) {
            fail(c, "expected 'callback', not '%s'", tok[3]);
            return;
        }
        st->flag = nops == 3;
        if (!st->flag) {
            if (obj_of(c, x)->has_basic_weakref) {
                fail(c, "'%s' already has a weakref without a callback; "
                        "CPython would share it", tok[2]);
                return;
            }
            obj_of(c, x)->has_basic_weakref = true;
        }
        st->values = xrealloc(NULL, sizeof(int));
        st->values[0] = x;
        st->nvalues = 1;
        st->target = define(c, tok[1], SCN_K_WEAKREF, -1);
        return;
    }
    case SCN_SET:
    case SCN_UNSET: {
        if (!split_attr(c, tok[1], lbl, sizeof lbl, &attr)) {
            return;
        }
        st->target = operand(c, lbl, K(SCN_K_INST), false, true);
        if (c->failed) {
            return;
        }
        st->name = xstrdup(attr);
        struct obj_state *o = obj_of(c, st->target);
        int ai = attr_index(o, attr);
        if (st->verb == SCN_UNSET) {
            if (ai < 0) {
                fail(c, "'%s' is not set", tok[1]);
                return;
            }
            free(o->attrs[ai]);
            o->attrs[ai] = o->attrs[--o->nattrs];
            return;
        }
        st->values = xrealloc(NULL, sizeof(int));
        st->values[0] = operand(c, tok[2], 0, true, true);
        st->nvalues = 1;
        if (ai < 0 && !c->failed) {
            if (o->nattrs == o->cap) {
                o->cap = o->cap ? o->cap * 2 : 4;
                o->attrs = xrealloc(o->attrs, (size_t)o->cap * sizeof(char *));
            }
            o->attrs[o->nattrs++] = xstrdup(attr);
        }
        return;
    }
    case SCN_APPEND:
        st->target = operand(c, tok[1], K(SCN_K_LIST), false, true);
        st->values = xrealloc(NULL, sizeof(int));
        st->values[0] = operand(c, tok[2], 0, true, true);
        st->nvalues = 1;
        return;
    case SCN_PUT:
        st->target = operand(c, tok[1], K(SCN_K_DICT), false, true);
        if (!c->failed && !is_attr_name(tok[2])) {
            fail(c, "malformed dict key '%s'", tok[2]);
            return;
        }
        st->name = xstrdup(tok[2]);
        st->values = xrealloc(NULL, sizeof(int));
        st->values[0] = operand(c, tok[3], 0, true, true);
        st->nvalues = 1;
        return;
    case SCN_CLEAR:
        st->target =
            operand(c, tok[1], K(SCN_K_LIST) | K(SCN_K_DICT), false, true);
        return;
    case SCN_DEL:
        if (strcmp(tok[1], "saved") == 0) {
            fail(c, "'saved' cannot be deleted");
            return;
        }
        st->target = operand(c, tok[1], 0, false, false);
        if (!c->failed) {
            c->is_deleted[st->target] = true;
        }
        return;
    case SCN_RESCUE: {
        int x = find_label(p, tok[1]);
        if (!is_label(tok[1])) {
            fail(c, "malformed label '%s'", tok[1]);
            return;
        }
        if (x < 0) {
            fail(c, "unknown label '%s'", tok[1]);
            return;
        }
        if (!c->is_deleted[x] || p->labels[x].kind != SCN_K_INST ||
            !p->classes[p->labels[x].cls].resurrects) {
            fail(c, "'%s' is not a deleted instance of a resurrecting class",
                 tok[1]);
            return;
        }
        c->is_deleted[x] = false;
        st->target = x;
        return;
    }
    case SCN_SAME:
        st->values = xrealloc(NULL, 2 * sizeof(int));
        st->values[0] = operand(c, tok[1], 0, false, true);
        st->values[1] = operand(c, tok[2], 0, false, true);
        st->nvalues = 2;
        return;
    case SCN_DEREF:
        st->target = operand(c, tok[1], K(SCN_K_WEAKREF), false, true);
        return;
    case SCN_TRACKED:
    case SCN_FINALIZED:
        st->target = operand(c, tok[1], 0, false, true);
        return;
    case SCN_REFCOUNT:
        st->target = operand(c, tok[1], 0, false, true);
        if (!c->failed && st->target >= 0 &&
            p->labels[st->target].is_small_int) {
            fail(c, "refcount of a cached small int is the interpreter's");
        }
        return;
    case SCN_ALIVE:
        if (c->is_frozen) {
            fail(c, "'alive' cannot see frozen objects; unfreeze first");
        }
        return;
    case SCN_GARBAGE:
    case SCN_CLEAR_GARBAGE:
    case SCN_DISABLE:
    case SCN_ENABLE:
        return;
    case SCN_COLLECT:
        st->num[0] = 2;
        if (nops == 1 && !parse_num(tok[1], false, 0, 2, &st->num[0])) {
            fail(c, "collect takes a generation 0, 1 or 2, not '%s'", tok[1]);
        }
        return;
    case SCN_THRESHOLD:
        if (nops != 0 && nops != 3) {
            fail(c, "threshold takes no operands or three, not %d", nops);
            return;
        }
        st->nnum = nops;
        for (int i = 0; i < nops; i++) {
            if (!parse_num(tok[i + 1], false, 0, 1000000, &st->num[i])) {
                fail(c, "threshold values are numbers from 0 to 1000000, "
                        "not '%s'", tok[i + 1]);
                return;
            }
        }
        return;
    case SCN_FREEZE:
        c->is_frozen = true;
        return;
    case SCN_UNFREEZE:
        c->is_frozen = false;
        return;
    case SCN_DEBUG:
        if (strcmp(tok[1], "saveall") != 0 && strcmp(tok[1], "off") != 0) {
            fail(c, "debug takes 'saveall' or 'off', not '%s'", tok[1]);
            return;
        }
        st->flag = strcmp(tok[1], "saveall") == 0;
        return;
    case SCN_CALLBACKS: {
        bool on = strcmp(tok[1], "on") == 0;
        if (!on && strcmp(tok[1], "off") != 0) {
            fail(c, "callbacks takes 'on' or 'off', not '%s'", tok[1]);
            return;
        }
        if (on == c->callbacks_on) {
            fail(c, "callbacks are already %s", on ? "on" : "off");
            return;
        }
        c->callbacks_on = on;
        st->flag = on;
        return;
    }
    }
}

/* Splits a line into tokens in place; a token starting with '#' ends
 * it.  Returns the count, or -1 if there are too many. */
static int
tokenize(char *s, char **tok)
{
    int n = 0;
    for (char *p = s; *p;) {
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (*p == '\0' || *p == '#') {
            break;
        }
        if (n == SCN_MAX_TOKENS) {
            return -1;
        }
        tok[n++] = p;
        while (*p && *p != ' ' && *p != '\t') {
            p++;
        }
        if (*p) {
            *p++ = '\0';
        }
    }
    return n;
}

static bool
read_file(const char *path, char **data, size_t *len, FILE *err)
{
    *data = gc_read_file(path, len);
    if (*data == NULL && errno == ENOMEM) {
        fprintf(stderr, "gclab: out of memory\n");
        exit(1);
    }
    if (*data == NULL) {
        fprintf(err, "%s: error: cannot read: %s\n", path, strerror(errno));
        return false;
    }
    return true;
}

void
scn_free(struct scn_program *prog)
{
    for (int i = 0; i < prog->nstmts; i++) {
        free(prog->stmts[i].values);
        free(prog->stmts[i].name);
    }
    for (int i = 0; i < prog->nlabels; i++) {
        free(prog->labels[i].name);
    }
    for (int i = 0; i < prog->nclasses; i++) {
        free(prog->classes[i].name);
    }
    free(prog->stmts);
    free(prog->labels);
    free(prog->classes);
    memset(prog, 0, sizeof *prog);
}

bool
scn_load(const char *path, enum gc_profile profile, bool is_any_profile,
         struct scn_program *prog, FILE *err)
{
    char *data;
    size_t len;
    memset(prog, 0, sizeof *prog);
    if (!read_file(path, &data, &len, err)) {
        return false;
    }
    bool ok = scn_parse(path, data, len, profile, is_any_profile, prog, err);
    free(data);
    return ok;
}

bool
scn_parse(const char *path, const char *data, size_t len,
          enum gc_profile profile, bool is_any_profile,
          struct scn_program *prog, FILE *err)
{
    memset(prog, 0, sizeof *prog);
    prog->path = path;
    prog->profiles = (1u << GC_PROFILE_COUNT) - 1;
    struct checker c = {.prog = prog, .profile = profile,
                        .is_any_profile = is_any_profile, .err = err};
    char *line = xrealloc(NULL, SCN_MAX_LINE + 1);
    char *tok[SCN_MAX_TOKENS];
    int cap = 0;
    size_t pos = 0;
    for (c.line = 1; pos < len && !c.failed; c.line++) {
        size_t end = pos;
        while (end < len && data[end] != '\n') {
            end++;
        }
        size_t n = end - pos;
        if (n > 0 && data[end - 1] == '\r' && end < len) {
            n--; /* CR LF */
        }
        const char *why = bad_bytes((const unsigned char *)data + pos, n);
        if (why != NULL) {
            fail(&c, "%s", why);
            break;
        }
        if (n > SCN_MAX_LINE) {
            fail(&c, "line longer than %d bytes", SCN_MAX_LINE);
            break;
        }
        memcpy(line, data + pos, n);
        line[n] = '\0';
        pos = end + 1;
        int ntok = tokenize(line, tok);
        if (ntok < 0) {
            fail(&c, "more than %d tokens", SCN_MAX_TOKENS);
            break;
        }
        if (ntok == 0) {
            continue;
        }
        size_t v = 0;
        while (v < sizeof verbs / sizeof *verbs &&
               strcmp(verbs[v].name, tok[0]) != 0) {
            v++;
        }
        if (v == sizeof verbs / sizeof *verbs) {
            fail(&c, "unknown verb '%s'", tok[0]);
            break;
        }
        int nops = ntok - 1;
        if (nops < verbs[v].min || (verbs[v].max >= 0 && nops > verbs[v].max)) {
            fail(&c, "wrong number of operands for '%s': %d", tok[0], nops);
            break;
        }
        if (!is_any_profile && !(verb_profiles(verbs[v].verb) & (1u << profile))) {
            fail(&c, "'%s' does not exist on profile %s", tok[0],
                 gc_profile_name(profile));
            break;
        }
        if (prog->nstmts == cap) {
            cap = cap ? cap * 2 : 64;
            prog->stmts = xrealloc(prog->stmts, (size_t)cap * sizeof *prog->stmts);
        }
        struct scn_stmt *st = &prog->stmts[prog->nstmts];
        memset(st, 0, sizeof *st);
        st->line = c.line;
        st->verb = verbs[v].verb;
        st->target = SCN_NONE;
        check_stmt(&c, st, tok, ntok);
        prog->nstmts++;
    }
    free(line);
    for (int i = 0; i < prog->nobjects; i++) {
        for (int k = 0; k < c.objs[i].nattrs; k++) {
            free(c.objs[i].attrs[k]);
        }
        free(c.objs[i].attrs);
    }
    free(c.objs);
    free(c.is_deleted);
    if (c.failed) {
        scn_free(prog);
        return false;
    }
    return true;
}

/* Profiles the whole file can run on: its header, less those lacking a
 * verb it uses. */
unsigned
scn_applicable_profiles(const struct scn_program *prog, int *why_line)
{
    unsigned ok = prog->profiles;
    *why_line = prog->profiles_line;
    for (int i = 0; i < prog->nstmts; i++) {
        unsigned v = verb_profiles(prog->stmts[i].verb);
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

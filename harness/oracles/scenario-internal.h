/* harness/oracles/scenario-internal.h -- the scenario language
 * (docs/scenarios.md) shared by its files, which call one way:
 *
 *   scenario.c         the commands (gclab scenario, gclab oracle)
 *   scenario-read.c    a file into a checked program: bytes, tokens, and
 *                      each line's verb looked up in the table
 *   scenario-verbs.c   the verb table: per verb its arity, kinds,
 *                      profiles, and its check, run and Python code
 *   scenario-check.c   what checking a verb needs: names, numbers, labels
 *                      and operands, the state a reader follows
 *   scenario-run.c     what running needs, and the run itself
 *   scenario-python.c  what the translation needs, and the translation
 *
 * The run and the translation call each statement's verb through its
 * table entry (st->verb), so they need not know the table.  Private to
 * harness/. */
#ifndef GCLAB_SCENARIO_INTERNAL_H
#define GCLAB_SCENARIO_INTERNAL_H

#include "gc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define SCN_MAX_LINE 4096
/* As many as a line can hold, so that no valid line is refused: the
 * spec puts no limit on a list's or a tuple's values. */
#define SCN_MAX_TOKENS (SCN_MAX_LINE / 2 + 1)

enum scn_kind {
    SCN_K_INST,
    SCN_K_LIST,
    SCN_K_DICT,
    SCN_K_TUPLE,
    SCN_K_INT,
    SCN_K_WEAKREF,
};

/* A label: one root entry. */
struct scn_label {
    char *name;
    enum scn_kind kind;
    int cls;       /* class index for instances */
    int object;    /* static object identity (aliases share it) */
    bool is_small_int;
};

struct scn_class {
    char *name;
    bool has_del;
    bool resurrects;
};

/* One statement, after checking: operands resolved to indices.  A label
 * operand is an index into labels, SCN_NONE for `none`, SCN_SAVED for
 * `saved`. */
#define SCN_NONE (-1)
#define SCN_SAVED (-2)

struct scn_stmt {
    int line;
    const struct scn_verb *verb; /* its entry in scn_verbs */
    int target;            /* the label defined or acted on */
    int cls;
    int64_t num[3];
    int nnum;
    int *values;           /* operands: labels, SCN_NONE or SCN_SAVED */
    int nvalues;
    char *name;            /* attribute or dict key */
    bool flag;             /* callback / del / on / saveall */
};

struct scn_program {
    const char *path;
    unsigned profiles;     /* bit per enum gc_profile the file applies to */
    int profiles_line;     /* line of the header, 0 if none */
    struct scn_stmt *stmts;
    int nstmts;
    struct scn_label *labels;
    int nlabels;
    struct scn_class *classes;
    int nclasses;
    int nobjects;
};

/* The name an operand is written as: its label, `saved` or `none`. */
static inline const char *
scn_operand_name(const struct scn_program *p, int v)
{
    return v >= 0 ? p->labels[v].name : v == SCN_SAVED ? "saved" : "none";
}

/* The label a statement defines or acts on, NULL if none. */
static inline const char *
scn_target_name(const struct scn_program *p, const struct scn_stmt *st)
{
    return st->target >= 0 || st->target == SCN_SAVED
               ? scn_operand_name(p, st->target)
               : NULL;
}

struct scn_checker;
struct scn_runner;

/* One verb: all the language knows about it, in one entry of scn_verbs
 * (scenario-verbs.c).  Adding a verb is adding an entry and its three
 * functions; the reader, the runner and the translator need no edit. */
struct scn_verb {
    const char *name;
    int min, max;      /* operand counts; max -1: unbounded */
    unsigned kinds;    /* kinds its object operand may be (bit per
                        * scn_kind); 0: any, or it has none */
    unsigned profiles; /* bit per enum gc_profile it exists on */
    uint32_t caps;     /* GC_CAP_* a collector needs to run it */
    /* Checks the operands tok[1..nops] (tok[0] is the verb) and fills
     * st; reports through scn_check_fail.  NULL: the count is all. */
    void (*check)(struct scn_checker *c, struct scn_stmt *st, char **tok,
                  int nops);
    /* Runs st on the model: GC_OK; GC_EINVAL for the one run-time error
     * of the language (reported on r->err); another status for a model
     * call that failed, after st released what it held.  NULL: nothing
     * to run. */
    enum gc_status (*run)(struct scn_runner *r, const struct scn_stmt *st);
    /* Writes st's Python, after the "_ln = LINE" that scn_emit_python
     * writes for every statement.  NULL: nothing more. */
    void (*emit)(FILE *out, const struct scn_program *p,
                 const struct scn_stmt *st);
};

extern const struct scn_verb scn_verbs[];
extern const size_t scn_nverbs;

/* Profile masks for scn_verb.profiles. */
#define SCN_ALL_PROFILES ((1u << GC_PROFILE_COUNT) - 1)
#define SCN_FROM_3_8 (SCN_ALL_PROFILES & ~(1u << GC_PROFILE_2_7))
#define SCN_FROM_3_9 (SCN_FROM_3_8 & ~(1u << GC_PROFILE_3_8))

/* ---- checking (scenario-check.c) ---- */

/* Per static object: what the checker needs to follow. */
struct scn_obj_state {
    char **attrs; /* attribute names currently set */
    int nattrs, cap;
    bool has_basic_weakref;
};

struct scn_checker {
    struct scn_program *prog;
    enum gc_profile profile;
    bool is_any_profile;
    FILE *err;
    int line;
    bool *is_deleted; /* per label */
    int deleted_cap;
    struct scn_obj_state *objs;
    int objs_cap;
    bool callbacks_on;
    bool is_frozen;
    bool failed;
};

/* The first error of a file, "FILE:LINE: error: MSG"; later ones are
 * dropped (c->failed). */
void scn_check_fail(struct scn_checker *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Allocation that cannot fail: out of memory exits. */
void *scn_xrealloc(void *p, size_t n);
char *scn_xstrdup(const char *s);
bool scn_is_label(const char *s);
bool scn_is_class_name(const char *s);
bool scn_is_attr_name(const char *s);
/* A decimal number, optionally signed, within [lo, hi]. */
bool scn_parse_num(const char *s, bool allow_sign, int64_t lo, int64_t hi,
                   int64_t *out);
/* Index of a label or class by name, -1 if none. */
int scn_find_label(const struct scn_program *p, const char *name);
int scn_find_class(const struct scn_program *p, const char *name);
/* Defines a new label of a kind, for object (-1: a new one); -1 after
 * an error. */
int scn_check_define(struct scn_checker *c, const char *name,
                     enum scn_kind kind, int object);
/* A live label of one of the kinds in mask (0: any); allow_none admits
 * `none` (SCN_NONE), allow_saved `saved` (SCN_SAVED, a list). */
int scn_check_operand(struct scn_checker *c, const char *name,
                      unsigned mask, bool allow_none, bool allow_saved);
struct scn_obj_state *scn_check_obj(struct scn_checker *c, int label);
/* Index of an attribute set on o, -1 if none. */
int scn_check_attr_index(const struct scn_obj_state *o, const char *name);
void scn_check_attr_add(struct scn_obj_state *o, const char *name);
/* `x.a` into label (n bytes) and attribute. */
bool scn_check_split_attr(struct scn_checker *c, const char *tok,
                          char *label, size_t n, const char **attr);
/* Frees what the checker held (not the program). */
void scn_check_done(struct scn_checker *c);

/* ---- running (scenario-run.c) ---- */

/* Address -> label of every object a run made (NULL: one without a
 * name), so that a reused address never carries a dead object's name. */
struct scn_label_map {
    uintptr_t *keys;
    const char **labels;
    size_t cap, n;
};

struct scn_runner {
    const struct scn_program *prog;
    struct gc_heap *heap;
    FILE *out, *err;
    int line;
    struct scn_label_map labels;
    struct gc_class **classes;
    struct gc_object *saved;
    int nresurrecting;
    char **arenas; /* ring label storage */
    int narenas;
};

void scn_run_map_set(struct scn_runner *r, const void *obj, const char *label);
const char *scn_run_map_get(const struct scn_runner *r, const void *obj);
/* The object's label, or dflt. */
const char *scn_run_label_or(const struct scn_runner *r,
                             const struct gc_object *obj, const char *dflt);
/* The object a label operand names now (borrowed). */
struct gc_object *scn_run_value(const struct scn_runner *r, int v);
/* Roots a new object (NULL: its allocation failed) under its label and
 * drops the local reference, whether or not the root could be set. */
enum gc_status scn_run_define(struct scn_runner *r, int label,
                              struct gc_object *obj);
/* The runner's own memory (not the model's) ran out: exits. */
void scn_run_oom(void);

/* ---- translating (scenario-python.c) ---- */

/* Writes the Python expression for a label operand. */
void scn_py_expr(FILE *out, const struct scn_program *p, int v);
/* Python keywords, which cannot follow a dot. */
bool scn_py_is_keyword(const char *s);
/* Registers the object just made under label t in _L. */
void scn_py_register(FILE *out, const char *t);

/* Reads and checks FILE for profile (or, with is_any_profile, for none
 * in particular: what --emit-python needs).  On error writes one line
 * "FILE:LINE: error: MSG" (or "FILE: error: MSG") to err and returns
 * false; the program is then freed. */
bool scn_load(const char *path, enum gc_profile profile, bool is_any_profile,
              struct scn_program *prog, FILE *err);
/* The same for the len bytes at data (no NUL needed), which path names
 * in messages. */
bool scn_parse(const char *path, const char *data, size_t len,
               enum gc_profile profile, bool is_any_profile,
               struct scn_program *prog, FILE *err);
void scn_free(struct scn_program *prog);
/* Picks the profile: the requested one, else 3.11 if the file applies,
 * else the first in its header. */
enum gc_profile scn_default_profile(const struct scn_program *prog);
/* The profiles the file can run on (header and verbs); *why_line is the
 * line to blame for the others: the header's, or the first verb that
 * some profile lacks. */
unsigned scn_applicable_profiles(const struct scn_program *prog,
                                 int *why_line);
/* Runs prog on heap, which the caller made and destroys.  GC_OK when it
 * ran to its end; GC_EINVAL for an error in the scenario; another status
 * for a model call that failed (out of memory, under a failing
 * allocator), after the line is named on err. */
enum gc_status scn_run_heap(const struct scn_program *prog,
                            struct gc_heap *heap, FILE *out, FILE *err);
/* Runs a checked program; events go to out. Returns the exit status. */
int scn_run(const struct scn_program *prog, enum gc_profile profile,
            const char *collector, FILE *out, FILE *err);
/* Writes the Python translation. */
void scn_emit_python(const struct scn_program *prog, FILE *out);

#endif /* GCLAB_SCENARIO_INTERNAL_H */

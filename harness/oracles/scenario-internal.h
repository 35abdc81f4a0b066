/* harness/oracles/scenario-internal.h -- the scenario language
 * (docs/scenarios.md) shared by the checker, the runner and the Python
 * emitter.  Private to harness/. */
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

enum scn_verb {
    SCN_PROFILES,
    SCN_CLASS,
    SCN_NEW,
    SCN_LIST,
    SCN_DICT,
    SCN_TUPLE,
    SCN_INT,
    SCN_ALIAS,
    SCN_RING,
    SCN_NEST,
    SCN_WEAKREF,
    SCN_SET,
    SCN_UNSET,
    SCN_APPEND,
    SCN_PUT,
    SCN_CLEAR,
    SCN_DEL,
    SCN_RESCUE,
    SCN_SAME,
    SCN_DEREF,
    SCN_TRACKED,
    SCN_FINALIZED,
    SCN_REFCOUNT,
    SCN_ALIVE,
    SCN_GARBAGE,
    SCN_CLEAR_GARBAGE,
    SCN_COLLECT,
    SCN_DISABLE,
    SCN_ENABLE,
    SCN_THRESHOLD,
    SCN_FREEZE,
    SCN_UNFREEZE,
    SCN_DEBUG,
    SCN_CALLBACKS,
};

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
    enum scn_verb verb;
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
/* Runs a checked program; events go to out. Returns the exit status. */
int scn_run(const struct scn_program *prog, enum gc_profile profile,
            const char *collector, FILE *out, FILE *err);
/* Writes the Python translation. */
void scn_emit_python(const struct scn_program *prog, FILE *out);

#endif /* GCLAB_SCENARIO_INTERNAL_H */

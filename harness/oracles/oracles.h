/* harness/oracles/oracles.h -- the oracles: the contract of
 * harness/oracles/.  What tells a collector it is right: the scenario
 * language (checked, run, and translated to Python, so that real CPython
 * gives the golden log), the goldens, the differential test against the
 * reference collector, the fuzzer with its own reachability oracle, and
 * the conformance cases.  Each reads the model through collectors/gc.h
 * only.  Private to harness/ and tests/. */
#ifndef GCLAB_ORACLES_H
#define GCLAB_ORACLES_H

#include "harness.h"

#include <stdbool.h>
#include <stdio.h>

/* Runs a scenario file (docs/scenarios.md) on the model: the event log
 * goes to out, errors to err; profile_name may be NULL (the default).
 * Returns the exit status. */
int gc_scenario_run_file(const char *path, const char *profile_name,
                         const char *collector, FILE *out, FILE *err);
/* Checks the len bytes at data as a scenario, as gclab scenario does
 * before it runs one; name stands for the file in messages.  With
 * profile_name NULL, for no profile in particular (--emit-python), and
 * then the translation goes to out if out is not NULL.  Returns 0, or 2
 * with one line on err. */
int gc_scenario_check(const char *name, const char *data, size_t len,
                      const char *profile_name, FILE *out, FILE *err);
/* Runs a scenario file on a heap the caller made (its profile, its
 * collector, its allocator) and will check and destroy.  GC_OK when it
 * ran to its end; GC_EINVAL for an error in the file or the scenario;
 * otherwise the status of the model call that failed, GC_ENOMEM under
 * a failing allocator, with the line named on err.  A failure leaves
 * the heap holding only what the scenario rooted. */
enum gc_status gc_scenario_run_heap(const char *path, struct gc_heap *heap,
                                    FILE *out, FILE *err);
/* Compares two event logs: statements in order; within one, the kinds
 * of event in the order CPython fixes (callbacks, finalizers, the
 * collect line), and each run of one kind as a multiset.  On a
 * difference, writes the statement and both sides as TAP comments to
 * report (if not NULL). */
bool gc_scenario_logs_match(const char *expected, const char *actual,
                            FILE *report);

/* The scenario goldens one collector is held to (goldens.c): each
 * NAME.scn under a directory with a NAME.PROFILE.out from real CPython,
 * where the collector's capabilities cover what the scenario needs. */
struct gc_golden {
    char *scenario;      /* DIR/NAME.scn */
    const char *profile; /* "2.7" ... "3.13" */
    char *expected;      /* the golden log */
};
struct gc_goldens {
    struct gc_golden *items;
    size_t n;
    size_t nscenarios; /* .scn files seen, covered or not */
};
/* Every golden under dir for collector (a spec), of profile only (NULL:
 * all), in name order.  0, or -1 with a message in err: a bad spec, an
 * unreadable directory, no memory.  Free with gc_goldens_free. */
int gc_goldens_find(const char *dir, const char *collector, const char *only,
                    struct gc_goldens *out, char *err, size_t err_bytes);
void gc_goldens_free(struct gc_goldens *g);
/* The differential (differential.c): a seeded random program that
 * builds, mutates and drops an object graph, collecting now and then;
 * what survives it must be what survives it under the reference. */
struct gc_diff_outcome {
    int64_t ids[4096]; /* identities reachable at the end, sorted */
    size_t n;
    uint64_t live;     /* containers still allocated */
    bool ok;           /* the heap was made and nothing leaked */
};
/* The program of seed on a heap of spec (with its profile). */
void gc_differential_run(const char *spec, uint64_t seed,
                         struct gc_diff_outcome *out);
bool gc_differential_same(const struct gc_diff_outcome *a,
                          const struct gc_diff_outcome *b);
/* Seeds first .. first + n - 1 on collector and on cpython, on the
 * profile collector names, else on each profile in turn (seed modulo
 * 4).  0 when every outcome agreed; else the first seed that did not
 * (first, for a bad spec), and one line saying how in why. */
uint64_t gc_differential(const char *collector, uint64_t first, uint64_t n,
                         char *why, size_t why_bytes);

/* Runs one golden's scenario on collector: true when it exits 0, says
 * nothing on stderr and its log matches; otherwise why, as TAP
 * comments, to report (if not NULL). */
bool gc_golden_check(const struct gc_golden *g, const char *collector,
                     FILE *report);

#endif /* GCLAB_ORACLES_H */

/* harness/harness.h -- the contract of the gclab command line: clocks
 * (the only place gclab reads one), small statistics and the
 * subcommands.  Collectors announce events; the harness times them. */
#ifndef GCLAB_HARNESS_H
#define GCLAB_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* CLOCK_MONOTONIC nanoseconds: never jumps when the wall clock is set. */
uint64_t gc_clock_ns(void);

/* Mean, sample standard deviation, 95% confidence half-width (Student's
 * t) and coefficient of variation of n samples. */
struct gc_summary {
    size_t n;
    double mean, stddev, ci95, cv, min, max;
};
void gc_summarize(const double *samples, size_t n, struct gc_summary *out);

/* Subcommands: argv[0] is the subcommand's name.  They return the exit
 * status: 0 ok, 1 failed, 2 usage. */
int gc_cmd_list(int argc, char **argv);
int gc_cmd_micro(int argc, char **argv);
int gc_cmd_conform(int argc, char **argv);
int gc_cmd_scenario(int argc, char **argv);
int gc_cmd_oracle(int argc, char **argv);
int gc_cmd_run(int argc, char **argv);
int gc_cmd_twin(int argc, char **argv);

/* Runs a scenario file (spec/scenarios.md) on the model: the event log
 * goes to out, errors to err; profile_name may be NULL (the default).
 * Returns the exit status. */
#include <stdbool.h>
#include <stdio.h>
int gc_scenario_run_file(const char *path, const char *profile_name,
                         const char *collector, FILE *out, FILE *err);
/* Compares two event logs: statements in order, the events of one
 * statement as a multiset.  On a difference, writes the statement and
 * both sides as TAP comments to report (if not NULL). */
bool gc_scenario_logs_match(const char *expected, const char *actual,
                            FILE *report);

#endif /* GCLAB_HARNESS_H */

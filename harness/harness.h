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

#endif /* GCLAB_HARNESS_H */

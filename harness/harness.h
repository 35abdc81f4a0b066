/* harness/harness.h -- the contract of the gclab command line: clocks
 * (the only place gclab reads one), small statistics and the
 * subcommands.  Collectors announce events; the harness times them. */
#ifndef GCLAB_HARNESS_H
#define GCLAB_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* CLOCK_MONOTONIC nanoseconds: never jumps when the wall clock is set. */
uint64_t gc_clock_ns(void);

/* Mean, sample standard deviation, 95% confidence half-width (Student's
 * t) and coefficient of variation of n samples. */
struct gc_summary {
    size_t n;
    double mean, stddev, ci95, cv, min, max;
};
void gc_summarize(const double *samples, size_t n, struct gc_summary *out);

/* x / ref, and the ratio's 95% half-width in *ci from both relative
 * half-widths (first-order propagation). */
double gc_ratio(double x_mean, double x_ci, double ref_mean, double ref_ci,
                double *ci);

/* Minimum mutator utilisation (Cheng and Blelloch, 2001): of every
 * window of window_ns inside a run of total_ns, the smallest share left
 * to the mutator, in [0, 1].  Pauses are given by start (since the run
 * began) and length, in start order, not overlapping.  A window longer
 * than the run is the run.  O(n), no allocation. */
double gc_mmu(const uint64_t *start_ns, const uint64_t *pause_ns, size_t n,
              uint64_t total_ns, uint64_t window_ns);

/* ---- metrics and records ------------------------------------------ */

/* M(name, help): every metric is a uint64_t whose unit ends its name;
 * the list declares struct gc_metrics, the JSONL and CSV columns, and
 * the table in results/schema.md, so nothing drifts. */
#define GC_METRICS(M)                                                       \
    M(wall_ns, "wall time of the measured region")                         \
    M(mutator_ns, "wall time outside collections")                         \
    M(gc_ns, "wall time inside collections, start to stop")                \
    M(gc_cpu_ns, "thread CPU time inside collections")                     \
    M(collections_gen0, "collections of generation 0")                     \
    M(collections_gen1, "collections of generation 1")                     \
    M(collections_gen2, "collections of generation 2")                     \
    M(objects_visited, "objects examined by collections")                  \
    M(objects_collected, "objects collections freed")                      \
    M(objects_uncollectable, "objects found uncollectable")                \
    M(pause_p50_ns, "median pause")                                        \
    M(pause_p95_ns, "95th percentile pause")                               \
    M(pause_p99_ns, "99th percentile pause")                               \
    M(pause_max_ns, "longest pause")                                       \
    M(mmu_1ms, "minimum mutator utilisation in 1 ms windows, millionths")  \
    M(mmu_10ms, "minimum mutator utilisation in 10 ms windows, millionths")\
    M(mmu_100ms, "the same in 100 ms windows, millionths")                 \
    M(peak_live_bytes, "highest live bytes of the heap")                   \
    M(peak_rss_bytes, "peak resident set of the run's process")            \
    M(alloc_per_s, "container allocations per second of wall time")        \
    M(minor_faults, "minor page faults during the measured region")        \
    M(checksum, "the workload's result, equal on every collector")

struct gc_metrics {
#define M(name, help) uint64_t name;
    GC_METRICS(M)
#undef M
};
extern const char *const gc_metric_names[];
#define GC_SCHEMA_VERSION 1

/* A growing string, for records. */
struct gc_buf {
    char *data;
    size_t len, cap;
};
void gc_buf_printf(struct gc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void gc_buf_json_string(struct gc_buf *b, const char *s);
void gc_buf_csv_field(struct gc_buf *b, const char *s);

/* Writes path through a temporary file and a rename: readers see the
 * old file or the new one.  -1 with errno on failure. */
int gc_write_atomic(const char *path, const char *data, size_t len);
int gc_mkdir_p(const char *dir);
/* Before a long run: makes dir, checks that a file can be created in it
 * and that none of names (NULL-terminated) is there as anything rename()
 * cannot replace, so that the run does not end unable to write, its
 * results lost.  -1 with errno, and in failed the path at fault. */
int gc_out_dir_ready(const char *dir, const char *const *names,
                     char *failed, size_t n);
/* All of a stream, NUL-terminated, its length in *len (if not NULL);
 * NULL with errno set on a read error or when memory runs out. */
char *gc_read_stream(FILE *f, size_t *len);
/* The same for the file at path. */
char *gc_read_file(const char *path, size_t *len);

/* One pause as the harness saw it, for timelines and CDFs. */
struct gc_pause_sample {
    uint64_t start_ns;   /* since the measured region began */
    uint64_t pause_ns;
    uint32_t gen;
    uint64_t live_bytes; /* the heap's, when the pause ended */
};

/* What explains an outlier, read once per run. */
struct gc_env {
    char cpu_model[128], kernel[64], thp[64], governor[32], aslr[8];
};
void gc_env_read(struct gc_env *env);

/* Subcommands: argv[0] is the subcommand's name.  They return the exit
 * status: 0 ok, 1 failed, 2 usage. */
int gc_cmd_list(int argc, char **argv);
int gc_cmd_micro(int argc, char **argv);
int gc_cmd_conform(int argc, char **argv);
int gc_cmd_scenario(int argc, char **argv);
int gc_cmd_oracle(int argc, char **argv);
int gc_cmd_run(int argc, char **argv);
int gc_cmd_report(int argc, char **argv);
int gc_cmd_bench(int argc, char **argv);
int gc_cmd_twin(int argc, char **argv);

/* Runs a scenario file (spec/scenarios.md) on the model: the event log
 * goes to out, errors to err; profile_name may be NULL (the default).
 * Returns the exit status. */
#include <stdbool.h>
#include <stdio.h>
int gc_scenario_run_file(const char *path, const char *profile_name,
                         const char *collector, FILE *out, FILE *err);
/* Checks the len bytes at data as a scenario, as gclab scenario does
 * before it runs one; name stands for the file in messages.  With
 * profile_name NULL, for no profile in particular (--emit-python), and
 * then the translation goes to out if out is not NULL.  Returns 0, or 2
 * with one line on err. */
int gc_scenario_check(const char *name, const char *data, size_t len,
                      const char *profile_name, FILE *out, FILE *err);
/* Reads the len bytes at data as a results.jsonl, as gclab report does:
 * 0 with the number of records in *nrecords, or 2 with one line on err
 * naming name (and the line). */
int gc_results_check(const char *name, const char *data, size_t len,
                     size_t *nrecords, FILE *err);
/* Compares two event logs: statements in order, the events of one
 * statement as a multiset.  On a difference, writes the statement and
 * both sides as TAP comments to report (if not NULL). */
bool gc_scenario_logs_match(const char *expected, const char *actual,
                            FILE *report);

#endif /* GCLAB_HARNESS_H */

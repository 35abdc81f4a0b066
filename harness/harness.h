/* harness/harness.h -- the contract of the gclab command line: clocks
 * (the only place gclab reads one), small statistics and the
 * subcommands.  Collectors announce events; the harness times them. */
#ifndef GCLAB_HARNESS_H
#define GCLAB_HARNESS_H

#include "gc.h"

#include <stdbool.h>
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

/* A log-linear histogram (hist.c): exact below 128, within 1/128 of
 * the value above; min, max and count exact. */
#define GC_HIST_SUB_BITS 7
#define GC_HIST_SUB (1u << GC_HIST_SUB_BITS)
#define GC_HIST_BUCKETS ((64 - GC_HIST_SUB_BITS + 1) * GC_HIST_SUB)
struct gc_hist {
    uint64_t n, min, max;
    uint64_t counts[GC_HIST_BUCKETS];
};
void gc_hist_init(struct gc_hist *h);
void gc_hist_add(struct gc_hist *h, uint64_t v);
/* Nearest-rank percentile (q in [0, 1]) as the middle of its bucket,
 * kept within [min, max]; 0 when empty. */
uint64_t gc_hist_percentile(const struct gc_hist *h, double q);

/* Metered latencies (DaCapo Chopin) of n requests that ran one after
 * another from start_ns[i] to end_ns[i]: the same requests arriving
 * evenly spaced over the span from the first start to the last end,
 * served one at a time for as long as each took, so one slow request
 * or a pause between two delays every request queued behind it.  Each
 * out_ns[i] is at least the request's own duration. */
void gc_metered_latency(const uint64_t *start_ns, const uint64_t *end_ns,
                        size_t n, uint64_t *out_ns);
/* Student's t distribution with df > 0 degrees of freedom (whole or
 * not, as Welch's are): P(T <= t), and the t at which that is p, for
 * 0 < p < 1.  NaN outside those ranges. */
double gc_t_cdf(double t, double df);
double gc_t_quantile(double p, double df);

/* A two-sample test of new (b) against base (a).  diff is mean(b) -
 * mean(a), [diff_lo, diff_hi] its 95% interval by Welch's approximation
 * whichever test gave p, the two-sided p-value.  Welch: stat is t, df
 * the Welch-Satterthwaite degrees of freedom; both sides constant makes
 * the difference exact (p 1 if equal, else 0; no division by a zero
 * standard error).  Mann-Whitney: stat is U of b (pairs with b above a,
 * a tie counting a half), p exact for up to 20 a side without ties,
 * else the normal approximation with tie and continuity corrections;
 * df is NaN.  Fewer than 2 a side: NaN everywhere, no test. */
struct gc_test {
    double diff, diff_lo, diff_hi;
    double stat, df, p;
    double se; /* the paired test's, in log units; 0 elsewhere */
    bool exact; /* p from Mann-Whitney's exact distribution */
};
void gc_test_welch(const double *a, size_t na, const double *b, size_t nb,
                   struct gc_test *out);
void gc_test_mann_whitney(const double *a, size_t na, const double *b,
                          size_t nb, struct gc_test *out);

/* The minimum detectable effect of that test (Welch's): the smallest
 * difference of means that a two-sided test at level alpha detects with
 * probability power, for sides with standard deviations sd_a, sd_b
 * over na, nb runs: (t(1 - alpha/2) + t(power)) * standard error, on
 * Welch's degrees of freedom.  0 when both sides are constant; NaN
 * with fewer than 2 runs a side. */
double gc_mde(double sd_a, size_t na, double sd_b, size_t nb, double alpha,
              double power);

/* Runs made in pairs (a[i] beside b[i], one round each, as compare --ab
 * makes them): Yuen's test on the 20% trimmed mean of log(b[i] / a[i])
 * with the winsorized variance, so that a run disturbed on its own
 * drops out (harness/gate/paired.c).  stat is Yuen's t, df its degrees
 * of freedom (pairs kept less one), se its standard error in log units;
 * diff is the trimmed mean ratio as a difference of a's mean,
 * [diff_lo, diff_hi] its 95% interval.  False, and NaN everywhere,
 * below 3 pairs or when a value is not positive. */
bool gc_test_paired(const double *a, const double *b, size_t n,
                    struct gc_test *out);
/* Its minimum detectable effect, as a ratio less one:
 * (t(1 - alpha/2) + t(power)) * se on its degrees of freedom. */
double gc_mde_paired(const struct gc_test *t, double alpha, double power);

/* Holm's step-down adjustment of m p-values (family-wise error): the
 * k-th smallest (from 0) times m - k, made monotonic, capped at 1. */
void gc_holm(const double *p, size_t m, double *adj);

/* How many of n values lie outside Tukey's fences, 1.5 IQR beyond the
 * quartiles (linear interpolation, R's type 7); 0 below 4 values.
 * Counting, never dropping: gclab compare shows them. */
size_t gc_tukey_outliers(const double *v, size_t n);

/* Minimum mutator utilisation (Cheng and Blelloch, 2001): of every
 * window of window_ns inside a run of total_ns, the smallest share left
 * to the mutator, in [0, 1].  Pauses are given by start (since the run
 * began) and length, in start order, not overlapping.  A window longer
 * than the run is the run.  O(n), no allocation. */
double gc_mmu(const uint64_t *start_ns, const uint64_t *pause_ns, size_t n,
              uint64_t total_ns, uint64_t window_ns);

/* ---- shards: a matrix spread over machines ---------------------------- */

/* `--shard i/n`: this process runs share index (1-based) of count;
 * count 0 means the whole matrix. */
#define GC_SHARD_MAX 1000
struct gc_shard {
    unsigned index, count;
};
/* "i/n" with 1 <= i <= n <= GC_SHARD_MAX; false for anything else. */
bool gc_shard_parse(const char *text, struct gc_shard *out);
/* Assigns each of n items (with its expected cost) a share in
 * [0, nshards): greedy longest-processing-time, deterministic.  load
 * holds each share's cost so far, in and out, so that several matrices
 * (gclab bench's two) can be balanced together; start it at zeros.
 * -1 when memory runs out. */
int gc_shard_assign(const double *cost, size_t n, unsigned nshards,
                    double *load, unsigned *shard_of);

/* ---- metrics and records ------------------------------------------ */

/* M(name, help): every metric is a uint64_t whose unit ends its name;
 * the list declares struct gc_metrics, the JSONL and CSV columns, and
 * the table in results/schema.md, so nothing drifts. */
#define GC_METRICS(M)                                                       \
    M(setup_ns, "set-up: heap, interpreter objects, --prefault")           \
    M(setup_minor_faults, "page faults during set-up")                     \
    M(warmup_ns, "the --warmup runs before the measured region")           \
    M(warmup_minor_faults, "page faults during warm-up")                   \
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
    M(phase_update_refs_ns, "collections' time in update_refs")            \
    M(phase_subtract_refs_ns, "collections' time in subtract_refs")        \
    M(phase_move_unreachable_ns, "collections' time in move_unreachable")  \
    M(phase_untrack_ns, "collections' time untracking")                    \
    M(phase_move_legacy_finalizers_ns,                                     \
      "collections' time in move_legacy_finalizers")                       \
    M(phase_handle_weakrefs_ns, "collections' time in handle_weakrefs")    \
    M(phase_finalize_garbage_ns, "collections' time in finalize_garbage")  \
    M(phase_handle_resurrected_objects_ns,                                 \
      "collections' time in handle_resurrected_objects")                   \
    M(phase_delete_garbage_ns, "collections' time in delete_garbage")      \
    M(pause_p50_ns, "median pause")                                        \
    M(pause_p95_ns, "95th percentile pause")                               \
    M(pause_p99_ns, "99th percentile pause")                               \
    M(pause_max_ns, "longest pause")                                       \
    M(mmu_1ms, "minimum mutator utilisation in 1 ms windows, millionths")  \
    M(mmu_10ms, "minimum mutator utilisation in 10 ms windows, millionths")\
    M(mmu_100ms, "the same in 100 ms windows, millionths")                 \
    M(peak_live_bytes, "highest live bytes of the heap")                   \
    M(retained_garbage_peak_bytes,                                         \
      "most unreachable-but-unfreed bytes, by oracle mark (--retained)")   \
    M(peak_rss_bytes, "peak resident set of the run's process")            \
    M(alloc_per_s, "container allocations per second of wall time")        \
    M(minor_faults, "minor page faults during the measured region")        \
    M(cascades, "refcount cascades of at least --cascade-min objects")     \
    M(cascade_ns, "wall time in those cascades")                           \
    M(cascade_max_ns, "the longest cascade")                               \
    M(request_p50_ns, "server: median request latency, start to end")      \
    M(request_p99_ns, "server: 99th percentile request latency")           \
    M(request_max_ns, "server: longest request")                           \
    M(request_metered_p50_ns,                                              \
      "server: median latency with starts spaced evenly (queueing)")       \
    M(request_metered_p99_ns, "server: 99th percentile metered latency")   \
    M(request_metered_max_ns, "server: longest metered latency")           \
    M(peak_os_bytes, "highest OS-visible memory, modelled (memory.tsv)")   \
    M(peak_region_live_bytes,                                              \
      "highest live bytes in the region over its start (tracemalloc)")     \
    M(tracemalloc_peak_bytes, "twin: tracemalloc's peak (accounting run)") \
    M(collections_by_bytes, "collections the byte trigger started")        \
    M(skips_pending_rule, "due full collections the 25% rule held back")   \
    M(skips_memory, "due collections the memory deferral held back")      \
    M(promoted_gen1, "survivors moved into generation 1")                  \
    M(promoted_gen2, "survivors moved into generation 2")                  \
    M(memory_samples, "points in the run's memory series")                 \
    M(live_growth_pct, "live bytes' growth over the series' second half")  \
    M(memory_verdict, "1: live bytes level off, 2: they grow, 0: no verdict")\
    M(checksum, "the workload's result, equal on every collector")

struct gc_metrics {
#define M(name, help) uint64_t name;
    GC_METRICS(M)
#undef M
};
extern const char *const gc_metric_names[];
#define GC_METRIC_COUNT (sizeof(struct gc_metrics) / sizeof(uint64_t))
/* A metric's index by name (GC_METRIC_COUNT if there is none), and the
 * value of metric i. */
size_t gc_metric_find(const char *name);
uint64_t gc_metric_get(const struct gc_metrics *m, size_t i);
void gc_metric_set(struct gc_metrics *m, size_t i, uint64_t v);
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
/* s in single quotes, each single quote of its own written as
 * quote_as: "''" for gnuplot, "'\\''" for a POSIX shell. */
void gc_buf_quoted(struct gc_buf *b, const char *s, const char *quote_as);

/* Writes path through a temporary file and a rename: readers see the
 * old file or the new one.  The file gets the mode a new file gets,
 * 0666 less the umask (0644 under umask 022).  -1 with errno on
 * failure. */
int gc_write_atomic(const char *path, const char *data, size_t len);
/* gc_write_atomic of b to dir/name; -1 after one line on stderr,
 * "gclab CMD: cannot write PATH: WHY". */
int gc_write_named(const char *cmd, const char *dir, const char *name,
                   const struct gc_buf *b);
int gc_mkdir_p(const char *dir);
/* Before a long run: makes dir, checks that a file can be created in it
 * and that none of names (NULL-terminated) is there as anything rename()
 * cannot replace, so that the run does not end unable to write, its
 * results lost.  -1 with errno, and in failed the path at fault. */
int gc_out_dir_ready(const char *dir, const char *const *names,
                     char *failed, size_t n);
/* rm -r: dir and everything below it, links not followed.  -1 if some
 * of it could not be removed. */
int gc_remove_tree(const char *dir);
/* All of a stream, NUL-terminated, its length in *len (if not NULL);
 * NULL with errno set on a read error or when memory runs out. */
char *gc_read_stream(FILE *f, size_t *len);
/* The same for the file at path. */
char *gc_read_file(const char *path, size_t *len);

/* A pause is a collection, from start to stop as gc.callbacks sees it,
 * or a refcount cascade outside collections that freed at least
 * --cascade-min objects (gc_listener.cascade_*), which CPython's
 * callbacks never see.  Percentiles, MMU and the figures are of
 * collections; cascades have metrics of their own. */
enum { GC_PAUSE_COLLECTION, GC_PAUSE_CASCADE, GC_PAUSE_SKIP };

/* One pause as the harness saw it, for timelines and CDFs. */
struct gc_pause_sample {
    uint64_t start_ns;   /* since the measured region began */
    uint64_t pause_ns;
    uint32_t gen;
    uint32_t reason;     /* enum gc_reason */
    uint32_t kind;       /* GC_PAUSE_COLLECTION or GC_PAUSE_CASCADE */
    uint64_t live_bytes; /* the heap's, when the pause ended */
    /* GC_PAUSE_SKIP (a due collection held back, pause_ns 0): reason is
     * the enum gc_skip; a collection's: survivors it promoted. */
    uint64_t promoted;
    /* With --retained: unreachable bytes not yet freed as the pause
     * began (gc_heap_garbage, in the accounting run); 0 otherwise. */
    uint64_t garbage_bytes;
    /* With --pause-cpu only (each costs a system call per pause): */
    uint64_t cpu_ns;       /* the thread's CPU time in the pause */
    uint64_t minor_faults; /* first touches of pages during it */
    uint64_t ctx_switches; /* involuntary: the pause was preempted */
};

/* What explains an outlier, read once per run. */
struct gc_env {
    char host[64];
    char cpu_model[128], kernel[64], thp[64], governor[32], aslr[8];
};
void gc_env_read(struct gc_env *env);

/* Subcommands: argv[0] is the subcommand's name.  They return the exit
 * status: 0 ok, 1 failed, 2 usage. */
/* Bad usage or input: "gclab CMD: MSG ARG" as one line on stderr (arg
 * may be NULL); returns 2. */
/* A count from 1 to max, as text with nothing after it. */
bool gc_parse_count(const char *text, uint64_t max, uint64_t *out);
int gc_usage_error(const char *cmd, const char *msg, const char *arg);
int gc_cmd_list(int argc, char **argv);
int gc_cmd_micro(int argc, char **argv);
int gc_cmd_conform(int argc, char **argv);
int gc_cmd_scenario(int argc, char **argv);
int gc_cmd_oracle(int argc, char **argv);
int gc_cmd_run(int argc, char **argv);
int gc_cmd_report(int argc, char **argv);
int gc_cmd_compare(int argc, char **argv);
int gc_cmd_merge(int argc, char **argv);
int gc_cmd_bench(int argc, char **argv);
int gc_cmd_twin(int argc, char **argv);
int gc_cmd_sweep(int argc, char **argv);
int gc_cmd_plot(int argc, char **argv);
int gc_cmd_fuzz(int argc, char **argv);
/* gclab fuzz with its report to out and usage errors to err, for
 * tests: the same exit status. */
int gc_fuzz_run(int argc, char **argv, FILE *out, FILE *err);
int gc_cmd_check(int argc, char **argv);
int gc_cmd_system(int argc, char **argv);
int gc_cmd_snapshot(int argc, char **argv);

/* Reads the len bytes at data as a results.jsonl, as gclab report does:
 * 0 with the number of records in *nrecords, or 2 with one line on err
 * naming name (and the line). */
int gc_results_check(const char *name, const char *data, size_t len,
                     size_t *nrecords, FILE *err);

#endif /* GCLAB_HARNESS_H */

/* harness/records/record.h -- records: the one writer and the one reader of a
 * results directory.  results.jsonl holds one JSON object per run,
 * schema_version first (results/schema.md); pauses.jsonl the pauses each
 * run kept; results.csv and summary.json are made from the records.
 *
 * A record is kept as the JSON object it is (jansson), so that every
 * member, those this gclab does not know among them, survives a read and
 * a write: a record read and written again is the same bytes.  The
 * members the harness computes with are also read into a struct record
 * beside it.  Private to harness/. */
#ifndef GCLAB_RECORD_H
#define GCLAB_RECORD_H

#include "harness.h"

#include <jansson.h>

struct record;
struct matrix;

/* The files results_write writes, for gc_out_dir_ready's lists. */
#define RESULTS_FILES                                                         \
    "results.jsonl", "pauses.jsonl", "results.csv", "summary.json",           \
        "memory.tsv"

#define RESULTS_MAX_WORKLOADS 64
#define RESULTS_FIELD_BYTES 256

/* What a record keeps beyond struct record. */
struct record_meta {
    json_t *json;       /* the record, every member */
    const char *source; /* the file it came from (struct results owns it) */
    size_t lineno;
};

/* Records of one or more results files.  Workloads are interned by
 * their spec ("alloc-churn", "cycles:rings=4"), so item.workload indexes
 * workloads[].  A read record's strings (item.collector) live in its
 * JSON object; its pauses, when read, in samples. */
struct results {
    struct record *recs;
    struct record_meta *meta; /* beside recs */
    size_t total;
    const char *workloads[RESULTS_MAX_WORKLOADS + 1];
    int nworkloads;
    char **sources;
    size_t nsources;
};

/* Appends the records of DIR/results.jsonl, or of FILE, to res (zero it
 * first).  0, or 2 with one line on stderr, "gclab CMD: ..." or
 * "FILE:LINE: error: ...": an unreadable file, a line that is not a
 * flat record with schema_version first, another schema version, no
 * records (unless may_be_empty: a shard can have no share of a small
 * matrix).  results_free frees what was read either way. */
int results_read(const char *cmd, const char *arg, bool may_be_empty,
                 struct results *res);
/* The pauses of the records read from arg (as results_read was given
 * it): DIR/pauses.jsonl, or pauses.jsonl beside a FILE named
 * results.jsonl, if there is one.  0, or 2 with one line on stderr: an
 * unreadable or malformed file, or pauses of a run that has no record. */
int results_read_pauses(const char *cmd, const char *arg, struct results *res);
/* The memory series of the records read from arg, the same way:
 * DIR/memory.tsv, or memory.tsv beside results.jsonl, if there is one;
 * each row's run (its record's line) must name a record of that input
 * with the same collector, workload, size and repetition.  0, or 2 with
 * one line on stderr. */
int results_read_memory(const char *cmd, const char *arg, struct results *res);
void results_free(struct results *res);

/* A member of a record as text: a string as it is, a number or a bool as
 * JSON writes it; "" when absent or null.  buf holds what is not a
 * string. */
const char *record_text(const struct record_meta *m, const char *key,
                        char *buf, size_t n);
/* 2 with one line on stderr naming cmd and both places, when a record
 * of res differs from ref in what decides whether numbers mix:
 * build_type, check_level and, with same_revision, gclab_revision;
 * else 0. */
int results_check_build(const char *cmd, const struct record_meta *ref,
                        const struct results *res, bool same_revision);

/* results.jsonl, pauses.jsonl, results.csv, summary.json and memory.tsv
 * of res in dir, each atomically and silently.  -1 after a line on stderr naming
 * cmd. */
int results_write(const char *cmd, const char *dir, const struct results *res);
/* The same for the records of a run of mx (run_matrix): each made into
 * a record with the environment read now, the build's type and revision
 * and the matrix's shard. */
int write_results(const char *out_dir, const struct record *recs, size_t total,
                  const struct matrix *mx);

/* ---- summaries over records ------------------------------------------- */

/* The ok records of one (collector, workload, size). */
struct group {
    const char *collector;
    int workload;
    uint64_t size;
    size_t n;
    struct gc_summary wall, gc;
};
/* Groups the ok records by (collector, workload, size), in the order
 * they first appear; groups has room for total. */
size_t summarize(const struct record *recs, size_t total,
                 struct group *groups);
/* What a figure or a table shows of one run. */
typedef double metric_fn(const struct gc_metrics *m);
/* fn over the ok runs of (collector, workload, size) among recs. */
struct gc_summary records_summary(const struct record *recs, size_t total,
                                  const char *collector, int workload,
                                  uint64_t size, metric_fn *fn);
/* Two records of res by workload (its spec, in byte order), size and
 * repetition: with the collector, what names a run. */
int records_cmp_run(const struct results *res, const struct record *a,
                    const struct record *b);
void print_summary_table(const struct record *recs, size_t total,
                         const char *reference, const char *const *workloads);

#endif /* GCLAB_RECORD_H */

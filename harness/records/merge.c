/* harness/records/merge.c -- gclab merge: joins the results of the shares of a
 * matrix (`gclab run --shard i/n`, docs/sharding.md) into one results
 * directory, as if one process had run it all.
 *
 * Records are read and written again (record.c), every member kept, the
 * same bytes as the shares wrote them; their pauses and memory series
 * (memory.tsv, its run column renumbered to the merged lines) with them,
 * and the CSV and summary made again.  What must agree across the
 * inputs is what makes numbers comparable -- schema_version (the reader
 * takes only its own), gclab_revision, build_type and check_level; the
 * shard, host and start time may differ.  A record twice (the same
 * collector, workload, size and repetition) means two shares overlap,
 * or one was given twice: an error, not a silent pick. */
#include "measure.h"
#include "record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int
usage(const char *msg, const char *arg)
{
    return gc_usage_error("merge", msg, arg);
}

static const struct results *sorting; /* qsort has no context argument */

static int
cmp_key(const void *x, const void *y)
{
    const struct record *a = &sorting->recs[*(const size_t *)x];
    const struct record *b = &sorting->recs[*(const size_t *)y];
    int c = strcmp(a->item.collector, b->item.collector);
    return c != 0 ? c : records_cmp_run(sorting, a, b);
}

/* 2 with one line on stderr at the first key twice, else 0. */
static int
check_duplicates(const struct results *res)
{
    size_t *order = malloc(res->total * sizeof *order);
    if (order == NULL) {
        fprintf(stderr, "gclab merge: out of memory\n");
        return 2;
    }
    for (size_t i = 0; i < res->total; i++) {
        order[i] = i;
    }
    sorting = res;
    qsort(order, res->total, sizeof *order, cmp_key);
    int status = 0;
    for (size_t k = 1; k < res->total && status == 0; k++) {
        if (cmp_key(&order[k - 1], &order[k]) == 0) {
            size_t i = order[k - 1] < order[k] ? order[k - 1] : order[k];
            size_t j = order[k - 1] < order[k] ? order[k] : order[k - 1];
            const struct item *it = &res->recs[i].item;
            bool same_file =
                res->meta[i].source == res->meta[j].source ||
                strcmp(res->meta[i].source, res->meta[j].source) == 0;
            fprintf(stderr,
                    "gclab merge: %s:%zu repeats %s:%zu (%s on %s, size "
                    "%llu, repetition %llu); %s\n",
                    res->meta[j].source, res->meta[j].lineno,
                    res->meta[i].source, res->meta[i].lineno, it->collector,
                    res->workloads[it->workload], (unsigned long long)it->size,
                    (unsigned long long)it->rep + 1,
                    same_file ? "is a file given twice?"
                              : "do two shares overlap?");
            status = 2;
        }
    }
    free(order);
    return status;
}

/* A note when the shares of one split are not all there: the merge is
 * still what was given, but the matrix is not whole. */
static void
note_missing_shares(const struct results *res)
{
    static bool seen[GC_SHARD_MAX + 1];
    memset(seen, 0, sizeof seen);
    unsigned count = 0;
    for (size_t i = 0; i < res->total; i++) {
        struct gc_shard s;
        char buf[8];
        if (!gc_shard_parse(record_text(&res->meta[i], "shard", buf,
                                        sizeof buf), &s)) {
            return; /* unsharded records: nothing to count */
        }
        if (count != 0 && s.count != count) {
            fprintf(stderr,
                    "gclab merge: note: the inputs mix splits (%u "
                    "and %u shares)\n",
                    count, s.count);
            return;
        }
        count = s.count;
        seen[s.index] = true;
    }
    for (unsigned k = 1; k <= count; k++) {
        if (!seen[k]) {
            fprintf(stderr,
                    "gclab merge: note: no records of share %u/%u "
                    "(it may have had none)\n",
                    k, count);
        }
    }
}

int
gc_cmd_merge(int argc, char **argv)
{
    const char *out_dir = NULL;
    int ninputs = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            printf("usage: gclab merge DIR|FILE... --out DIR\n"
                   "Joins the results of `gclab run --shard I/N` (or any "
                   "results of one build)\n"
                   "into DIR/results.jsonl, pauses.jsonl, results.csv, "
                   "summary.json and\nmemory.tsv, each written "
                   "atomically.\n"
                   "gclab_revision, build_type and check_level must agree; "
                   "a (collector,\n"
                   "workload, size, repetition) twice is an error.\n");
            return 0;
        }
        if (strcmp(argv[i], "--out") == 0) {
            if (i + 1 >= argc) {
                return usage("--out needs a directory", NULL);
            }
            out_dir = argv[++i];
        }
        else if (argv[i][0] == '-') {
            return usage("unknown option", argv[i]);
        }
        else {
            ninputs++;
        }
    }
    if (ninputs == 0 || out_dir == NULL) {
        return usage("usage: gclab merge DIR|FILE... --out DIR", NULL);
    }
    struct results res = {0};
    int status = 0;
    for (int i = 1; i < argc && status == 0; i++) {
        if (strcmp(argv[i], "--out") == 0) {
            i++;
        }
        else {
            status = results_read("merge", argv[i], true, &res);
            if (status == 0) {
                status = results_read_pauses("merge", argv[i], &res);
            }
            if (status == 0) {
                status = results_read_memory("merge", argv[i], &res);
            }
        }
    }
    if (status == 0 && res.total == 0) {
        status = usage("no records in any input", NULL);
    }
    if (status == 0) {
        status = results_check_build("merge", &res.meta[0], &res, true);
    }
    if (status == 0) {
        status = check_duplicates(&res);
    }
    if (status == 0 && gc_mkdir_p(out_dir) != 0) {
        fprintf(stderr, "gclab merge: cannot create %s: %s\n", out_dir,
                strerror(errno));
        status = 2;
    }
    if (status == 0) {
        note_missing_shares(&res);
        if (results_write("merge", out_dir, &res) != 0) {
            status = 1;
        }
        else {
            fprintf(stderr, "gclab: wrote %s/results.jsonl, pauses.jsonl, "
                            "results.csv, summary.json, memory.tsv\n",
                    out_dir);
        }
    }
    results_free(&res);
    return status;
}

/* harness/gate/gate.h -- the gate: the contract of harness/gate/.
 * compare.c judges two sets of records cell by cell (Welch or
 * Mann-Whitney, Holm over the family, a threshold); ab.c runs two
 * builds interleaved and hands the records to compare; check.c is the
 * CI gate over fixed counters and instruction counts; stats.c holds the
 * statistics all of them use (harness.h declares them).  Private to
 * harness/. */
#ifndef GCLAB_GATE_H
#define GCLAB_GATE_H

#include "harness.h"
#include "record.h"

#include <stdio.h>

/* ---- gclab compare as a library (compare.c) -------------------------- */

/* One cell of a comparison: a metric of a matched (collector, workload,
 * size), as the table shows it. */
struct compare_finding {
    char base_collector[RESULTS_FIELD_BYTES];
    char new_collector[RESULTS_FIELD_BYTES];
    char workload[RESULTS_FIELD_BYTES];
    uint64_t size;
    size_t metric; /* into gc_metric_names */
    bool gate, exact;
    double base_mean, new_mean, change_pct;
    size_t runs_paired, runs_differ; /* exact cells, run by run */
    /* Tested cells: the smallest change these runs would flag (NaN for
     * the rest), and the threshold a regression must also exceed. */
    double mde_pct, threshold_pct;
    const char *verdict; /* "same", "regressed", "worse", "slower", ... */
};
struct compare_findings {
    struct compare_finding *cells; /* free() it */
    size_t n;
};
/* gclab compare with argv as typed after "gclab" (argv[0] "compare"):
 * the report in the chosen format goes to report (NULL: nowhere), every
 * cell to found (NULL: not kept).  Returns compare's exit status: 0, 1
 * on a regression, 2 on bad input with one line on stderr. */
int compare_run(int argc, char **argv, FILE *report,
                struct compare_findings *found);
/* True when compare would take these options (argv as compare_run's);
 * else false after one line on stderr. */
bool compare_options_valid(int argc, char **argv);
/* gclab compare --ab A B [--canary C] [run args...] (ab.c). */
int compare_ab(int argc, char **argv);

#endif /* GCLAB_GATE_H */

/* harness/plots/report.c -- gclab report: reads results back (record.c) and
 * prints the summary table of gclab run, so stored results can be
 * looked at again (or compared across machines) without running
 * anything; with two, the ratio of each shared group. */
#include "measure.h"
#include "record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each group of `base` beside the same (collector, workload, size) of
 * `other`: mean wall times and their ratio with a 95% interval. */
static int
compare(const struct results *base, const struct results *other)
{
    struct group *ga = calloc(base->total, sizeof *ga);
    struct group *gb = calloc(other->total, sizeof *gb);
    if (ga == NULL || gb == NULL) {
        free(ga);
        free(gb);
        fprintf(stderr, "gclab report: out of memory\n");
        return 1;
    }
    size_t na = summarize(base->recs, base->total, ga);
    size_t nb = summarize(other->recs, other->total, gb);
    printf("%-22s %-34s %8s %12s %12s %16s %8s\n", "workload", "collector",
           "size", "a_wall_ms", "b_wall_ms", "b/a (95% CI)", "verdict");
    size_t matched = 0;
    for (size_t i = 0; i < na; i++) {
        const struct group *a = &ga[i];
        const char *wl = base->workloads[a->workload];
        for (size_t j = 0; j < nb; j++) {
            const struct group *b = &gb[j];
            if (strcmp(a->collector, b->collector) != 0 ||
                strcmp(wl, other->workloads[b->workload]) != 0 ||
                a->size != b->size || a->n == 0 || b->n == 0) {
                continue;
            }
            double ci;
            double ratio = gc_ratio(b->wall.mean, b->wall.ci95, a->wall.mean,
                                    a->wall.ci95, &ci);
            char cell[48];
            snprintf(cell, sizeof cell, "%.3f +-%.3f", ratio, ci);
            printf("%-22.22s %-34.34s %8llu %12.3f %12.3f %16s %8s\n", wl,
                   a->collector, (unsigned long long)a->size,
                   a->wall.mean / 1e6, b->wall.mean / 1e6, cell,
                   ratio - ci > 1.0   ? "slower"
                   : ratio + ci < 1.0 ? "faster"
                                      : "same");
            matched++;
        }
    }
    free(ga);
    free(gb);
    if (matched == 0) {
        fprintf(stderr, "gclab report: the two results share no (collector, "
                        "workload, size) with ok runs\n");
        return 2;
    }
    return 0;
}

int
gc_cmd_report(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || argv[1][0] == '-' ||
        (argc == 3 && argv[2][0] == '-')) {
        fprintf(stderr, "gclab report: usage: gclab report RESULTS "
                        "[OTHER]  (a directory or a results.jsonl)\n");
        return 2;
    }
    struct results a = {0}, b = {0};
    int status = results_read("report", argv[1], false, &a);
    if (status == 0 && argc == 3) {
        status = results_read("report", argv[2], false, &b);
    }
    if (status == 0 && argc == 2) {
        print_summary_table(a.recs, a.total, a.recs[0].item.collector,
                            a.workloads);
    }
    else if (status == 0) {
        status = compare(&a, &b);
    }
    results_free(&a);
    results_free(&b);
    return status;
}

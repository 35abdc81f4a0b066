/* harness/plots/plot.h -- figures and the report: the contract of
 * harness/plots/.  plot.c reads a results directory (records/), computes
 * every number a figure shows into .dat files, has gnuplot draw them
 * (started by argument vector, scripts found beside the binary) and
 * writes index.html linking only what exists; report.c prints a
 * directory's summary table again.  Private to harness/. */
#ifndef GCLAB_PLOT_H
#define GCLAB_PLOT_H

#include "harness.h"

/* ---- figures and the report (plot.c) ---------------------------------- */

/* Wall time and GC time of a run, in ms. */
double plot_wall_ms(const struct gc_metrics *m);
double plot_gc_ms(const struct gc_metrics *m);
/* Whether name is a program on PATH. */
bool plot_has_program(const char *name);
struct plot_options {
    const char *dir;       /* the results directory */
    const char *plots_dir; /* NULL: --plots's default (plot.c) */
    const char *command;   /* for the report; NULL: gclab plot DIR */
    double seconds;        /* what making the results took, or 0 */
};
/* Every figure the results in o->dir allow, drawn into it, and its
 * index.html, which links only what is there.  0; 1 when a figure
 * could not be drawn (each named on stderr, with why); 2 when the
 * results cannot be read or the plot scripts found. */
int plot_results(const struct plot_options *o);

#endif /* GCLAB_PLOT_H */

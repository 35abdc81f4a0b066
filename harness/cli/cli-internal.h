/* harness/cli/cli-internal.h -- what one command of harness/cli/ lends
 * another: bench runs sweep's knob sweeps as a library.  Private to
 * harness/cli/. */
#ifndef GCLAB_CLI_INTERNAL_H
#define GCLAB_CLI_INTERNAL_H

#include "measure.h"

/* ---- gclab sweep as a library (sweep.c) ------------------------------- */

#define SWEEP_MAX_COLLECTORS 8
#define SWEEP_MAX_VALUES 16
struct sweep_options {
    const char *collectors[SWEEP_MAX_COLLECTORS];
    int ncollectors;
    const char *knob;                     /* a name, e.g. threshold0 */
    const char *values[SWEEP_MAX_VALUES]; /* its values, as text */
    int nvalues;
    const char *workload, *out_dir, *plots_dir;
    uint64_t size, repeat; /* size 0: the workload's default */
    bool allow_debug;
    const struct gc_place *place; /* --cpu, --order; NULL: unpinned */
};
/* Runs the sweep, writes its results and table, and plots them; the
 * exit status of gclab sweep. */
int sweep_run(const struct sweep_options *o);

#endif /* GCLAB_CLI_INTERNAL_H */

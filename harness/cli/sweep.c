/* harness/cli/sweep.c -- gclab sweep: one knob of one or more collectors
 * varied over a list of values on one workload, and GC time plotted
 * against the retained garbage each setting leaves (an oracle mark in an
 * accounting run, gc_heap_garbage).  Each collector becomes one curve of
 * operating points: a time-space trade-off, since comparing collectors
 * at their defaults compares two arbitrary points on two such curves.
 *
 *   gclab sweep --collector cpython --knob threshold0=100,700,2000,10000
 *               --workload alloc-churn [--size N] [--repeat N] [--out DIR]
 *
 * Knobs are the collectors' options (gclab list), plus threshold0: the
 * allocations between young collections (cpython's threshold=T0, full's
 * min). */
#include "harness.h"
#include "measure.h"
#include "record.h"
#include "plot.h"
#include "cli-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SWEEP_SPEC_BYTES 256

static int
sweep_usage(const char *what, const char *arg)
{
    fprintf(stderr, "gclab sweep: %s%s%s%s\n", what, arg ? " '" : "",
            arg ? arg : "", arg ? "'" : "");
    return 2;
}

/* The option a knob sets.  threshold0, the allocations between young
 * collections, is cpython's threshold=T0 (the older generations keep
 * their thresholds) and full's min; other knobs are options by name. */
static const char *
knob_option(const char *collector, const char *knob)
{
    static const struct {
        const char *collector, *knob, *option;
    } aliases[] = {
        {"cpython", "threshold0", "threshold"},
        {"full", "threshold0", "min"},
    };
    size_t name_len = strcspn(collector, ":");
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++) {
        if (strlen(aliases[i].collector) == name_len &&
            strncmp(collector, aliases[i].collector, name_len) == 0 &&
            strcmp(knob, aliases[i].knob) == 0) {
            return aliases[i].option;
        }
    }
    return knob;
}

/* "NAME[:opts]" with key=value added to its options. */
static void
spec_with(char *out, size_t bytes, const char *collector, const char *key,
          const char *value)
{
    snprintf(out, bytes, "%s%s%s=%s", collector,
             strchr(collector, ':') ? "," : ":", key, value);
}

static double
retained_kib_of(const struct gc_metrics *m)
{
    return (double)m->retained_garbage_peak_bytes / 1024.0;
}

int
sweep_run(const struct sweep_options *o)
{
    if (run_check_build("sweep", o->allow_debug) != 0) {
        return 2;
    }
    /* Every (collector, value) is a spec of its own; check them all. */
    static char specs_text[SWEEP_MAX_COLLECTORS * SWEEP_MAX_VALUES]
                          [SWEEP_SPEC_BYTES];
    const char *specs[SWEEP_MAX_COLLECTORS * SWEEP_MAX_VALUES];
    int nspecs = 0;
    char err[256];
    for (int c = 0; c < o->ncollectors; c++) {
        for (int v = 0; v < o->nvalues; v++) {
            char *spec = specs_text[nspecs];
            spec_with(spec, SWEEP_SPEC_BYTES, o->collectors[c],
                      knob_option(o->collectors[c], o->knob), o->values[v]);
            struct gc_spec parsed;
            if (gc_spec_parse(spec, &parsed, err, sizeof err) != GC_OK) {
                fprintf(stderr, "gclab sweep: %s\n", err);
                return 2;
            }
            specs[nspecs++] = spec;
        }
    }
    static struct gc_workload_spec wspec[1];
    if (gc_workload_spec_parse(o->workload, &wspec[0], err, sizeof err) !=
        GC_OK) {
        fprintf(stderr, "gclab sweep: %s\n", err);
        return 2;
    }
    char failed[4096];
    static const char *const outputs[] = {RESULTS_FILES,  "system.json",
                                          "index.html",   "pareto.png",
                                          "pareto.svg",
                                          NULL};
    if (gc_out_dir_ready(o->out_dir, outputs, failed, sizeof failed) != 0) {
        fprintf(stderr, "gclab sweep: cannot write %s: %s\n", failed,
                strerror(errno));
        return 2;
    }
    const char *workloads[1] = {o->workload};
    uint64_t size = o->size;
    struct matrix mx = {.collectors = specs, .ncollectors = nspecs,
                        .workloads = workloads, .wspecs = wspec,
                        .nworkloads = 1, .sizes = size ? &size : NULL,
                        .nsizes = size ? 1 : 0, .repeat = o->repeat,
                        .seed = 1, .baseline = UINT64_MAX,
                        .memory_cap = (uint64_t)4 << 30, .retained = true,
                        .place = o->place};
    size_t total;
    struct record *recs = run_matrix(&mx, &total);
    if (recs == NULL) {
        return 1;
    }
    int status = check_records(recs, total, workloads);
    status |= write_results(o->out_dir, recs, total, &mx) != 0;
    uint64_t run_size = total ? recs[0].item.size : 0;

    /* The table on stdout: per collector and value, retained KiB and GC
     * ms with their CIs. */
    printf("%-36s %10s %14s %10s %12s %10s\n", "collector", o->knob,
           "retained_kib", "+-", "gc_ms", "+-");
    for (int c = 0; c < o->ncollectors; c++) {
        for (int v = 0; v < o->nvalues; v++) {
            const char *spec = specs[c * o->nvalues + v];
            struct gc_summary kib = records_summary(recs, total, spec, 0,
                                                    run_size, retained_kib_of);
            struct gc_summary gc = records_summary(recs, total, spec, 0,
                                                   run_size, plot_gc_ms);
            printf("%-36s %10s %14.1f %10.1f %12.3f %10.3f\n",
                   o->collectors[c], o->values[v], kib.mean, kib.ci95,
                   gc.mean, gc.ci95);
        }
    }
    bool any_garbage = false;
    for (size_t i = 0; i < total; i++) {
        any_garbage |= recs[i].r.m.retained_garbage_peak_bytes > 0;
    }
    if (!any_garbage) {
        printf("# no setting left garbage behind: %s makes no cycles, so "
               "refcounting frees\n# each object as it dies and only GC "
               "time moves; cycles or small-cycles trade both\n",
               o->workload);
    }
    free_records(recs, total);
    struct plot_options po = {.dir = o->out_dir, .plots_dir = o->plots_dir};
    int rc = plot_results(&po);
    char pareto[4200];
    snprintf(pareto, sizeof pareto, "%s/pareto.png", o->out_dir);
    if (access(pareto, R_OK) == 0) {
        printf("# figure: %s\n", pareto);
    }
    printf("# report: %s/index.html\n", o->out_dir);
    return status || rc ? 1 : 0;
}

int
gc_cmd_sweep(int argc, char **argv)
{
    struct sweep_options o = {.out_dir = "results/sweep", .repeat = 5};
    const char *knob_arg = NULL;
    struct gc_place place;
    gc_place_init(&place);
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--allow-debug") == 0) {
            o.allow_debug = true;
            continue;
        }
        if (strcmp(opt, "--help") == 0) {
            printf("usage: gclab sweep --collector NAME[:opts]... --knob "
                   "KEY=V1,V2,... --workload W[:opts]\n"
                   "         [--size N] [--repeat N] [--out DIR] [--plots DIR] "
                   "[--allow-debug]\n"
                   "         [--cpu N|auto|none] [--order random|sequential] "
                   "[--order-seed S]\n"
                   "Runs each collector with each value of the knob, with an "
                   "accounting run for\n"
                   "retained garbage, and plots the results (gclab plot): "
                   "DIR/pareto.png and .svg,\n"
                   "GC time against retained garbage, one curve per "
                   "collector, and DIR/index.html.\n"
                   "Knobs: the collectors' options (gclab list) and "
                   "threshold0 (the first\nthreshold alone).\n");
            return 0;
        }
        if (i + 1 >= argc) {
            return sweep_usage("unknown or incomplete option", opt);
        }
        const char *val = argv[++i];
        int placed = gc_place_option(&place, "sweep", opt, val);
        if (placed != 0) {
            if (placed == 2) {
                return 2;
            }
            continue;
        }
        if (strcmp(opt, "--collector") == 0) {
            if (o.ncollectors == SWEEP_MAX_COLLECTORS) {
                return sweep_usage("at most 8 collectors", NULL);
            }
            o.collectors[o.ncollectors++] = val;
        }
        else if (strcmp(opt, "--knob") == 0) {
            knob_arg = val;
        }
        else if (strcmp(opt, "--workload") == 0) {
            o.workload = val;
        }
        else if (strcmp(opt, "--out") == 0) {
            o.out_dir = val;
        }
        else if (strcmp(opt, "--plots") == 0) {
            o.plots_dir = val;
        }
        else if (strcmp(opt, "--size") == 0 || strcmp(opt, "--repeat") == 0) {
            bool is_size = opt[2] == 's';
            char *end;
            errno = 0;
            unsigned long long v = strtoull(val, &end, 10);
            if (val[0] < '1' || val[0] > '9' || *end != '\0' || errno != 0 ||
                v > (is_size ? 1000000000ULL : 1000ULL)) {
                return sweep_usage(is_size ? "--size needs an integer from 1 "
                                             "to 1e9, not"
                                           : "--repeat needs an integer from "
                                             "1 to 1000, not",
                                   val);
            }
            *(is_size ? &o.size : &o.repeat) = v;
        }
        else {
            return sweep_usage("unknown option", opt);
        }
    }
    if (o.ncollectors == 0 || knob_arg == NULL || o.workload == NULL) {
        return sweep_usage("needs --collector, --knob KEY=V1,V2,... and "
                           "--workload (see --help)",
                           NULL);
    }
    /* KEY=V1,V2,... */
    static char knob[64], values_text[1024];
    const char *eq = strchr(knob_arg, '=');
    if (eq == NULL || eq == knob_arg || (size_t)(eq - knob_arg) >= sizeof knob ||
        eq[1] == '\0' || strlen(eq + 1) >= sizeof values_text) {
        return sweep_usage("--knob needs KEY=V1,V2,..., not", knob_arg);
    }
    memcpy(knob, knob_arg, (size_t)(eq - knob_arg));
    knob[eq - knob_arg] = '\0';
    o.knob = knob;
    snprintf(values_text, sizeof values_text, "%s", eq + 1);
    for (char *save, *tok = strtok_r(values_text, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        if (o.nvalues == SWEEP_MAX_VALUES) {
            return sweep_usage("--knob takes at most 16 values:", knob_arg);
        }
        o.values[o.nvalues++] = tok;
    }
    if (o.nvalues == 0) {
        return sweep_usage("--knob needs KEY=V1,V2,..., not", knob_arg);
    }
    if (gc_place_setup(&place, "sweep") != 0) {
        return 2;
    }
    o.place = &place;
    return sweep_run(&o);
}

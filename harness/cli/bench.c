/* harness/cli/bench.c -- gclab bench, the main job: a focused default suite
 * (the reference on 3.14, 3.13 and 3.15, full, incremental and trialdel on
 * four workloads), a scaling sweep of long-lived-growth with and without
 * the 25% rule, whole-process timings, then the results' figures and
 * report (gclab plot, plot.c). */
#include "harness.h"
#include "measure.h"
#include "record.h"
#include "plot.h"
#include "cli-internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The first is the reference every ratio is taken to: 3.14, the release
 * most people run. */
static const char *const main_collectors[] = {
    "cpython:profile=3.14", "cpython:profile=3.13", "cpython:profile=3.15",
    "full",                 "incremental",          "trialdel",
};
/* The workloads, and the size each runs at: long enough that a run's
 * wall and GC time are sums of many collections, not one or two whose
 * cost a single interrupt moves by 5% (at its default size, alloc-churn
 * made one young collection of 40 us; docs/placement.md).  --quick
 * runs the short spec at the default size.  http-client: the one
 * workload with payloads (issue 17). */
static const struct {
    const char *spec, *quick_spec;
    uint64_t size; /* 0: the workload's default */
} main_table[] = {
    {"alloc-churn", "alloc-churn", 10000},
    {"long-lived-growth", "long-lived-growth", 100000},
    {"small-cycles", "small-cycles", 10000},
    {"server", "server", 4000},
    {"http-client:n=20000", "http-client:n=5000", 0},
};
static const char *const scaling_collectors[] = {"cpython",
                                                 "cpython:pending-rule=off"};

#define NC (sizeof main_collectors / sizeof *main_collectors)
#define NW (sizeof main_table / sizeof *main_table)
/* bench --workload SPEC... runs these instead of the table: a user's
 * snapshot, say (docs/snapshot.md). */
#define MAX_NW 8

/* Adaptive repetitions (extend_repetitions): the CV both wall and GC
 * time must reach, the most runs a cell gets, the time allowed, and the
 * runs added to a cell at a time. */
#define ADAPT_CV 0.05
#define ADAPT_MAX_REPS 40
#define ADAPT_BUDGET_NS (100ull * 1000000000ull)
#define ADAPT_STEP 5

/* Whole-process timings of each collector on each workload's CLI run,
 * stored beside the results (hyperfine.json), not in results.jsonl.
 * hyperfine is started with an argument vector; the commands it times
 * are shell commands of its own, with this binary's path quoted. */
static int
hyperfine(const char *out_dir, const char *self, bool quick,
          const char *const *main_workloads, size_t nw,
          const struct gc_place *place)
{
    char json[4200], log[4200];
    snprintf(json, sizeof json, "%s/hyperfine.json", out_dir);
    snprintf(log, sizeof log, "%s/data/hyperfine.log", out_dir);
    unlink(json); /* no stale timings beside new results */
    if (!plot_has_program("hyperfine")) {
        fprintf(stderr, "gclab bench: hyperfine is not installed; "
                        "whole-process timings skipped\n");
        return 0;
    }
    /* The CPU this invocation chose, not auto again: this process has
     * left that CPU, so a nested auto would choose another. */
    char cpu[16] = "none";
    if (place->cpu >= 0) {
        snprintf(cpu, sizeof cpu, "%d", place->cpu);
    }
    enum { NFIXED = 9 };
    char *argv[NFIXED + 4 * NC * MAX_NW + 1];
    struct gc_buf words[2 * NC * MAX_NW];
    int argc = 0;
    argv[argc++] = "hyperfine";
    argv[argc++] = "--style";
    argv[argc++] = "none";
    argv[argc++] = "--runs";
    argv[argc++] = quick ? "2" : "5";
    argv[argc++] = "--warmup";
    argv[argc++] = "1";
    argv[argc++] = "--export-json";
    argv[argc++] = json;
    for (size_t w = 0; w < nw; w++) {
        for (size_t c = 0; c < NC; c++) {
            struct gc_buf *name = &words[2 * (w * NC + c)], *cmd = name + 1;
            *name = *cmd = (struct gc_buf){0};
            gc_buf_printf(name, "%s %s", main_collectors[c], main_workloads[w]);
            gc_buf_quoted(cmd, self, "'\\''"); /* a shell word */
            gc_buf_printf(cmd,
                          " run --allow-debug --collector %s --workload %s "
                          "--cpu %s",
                          main_collectors[c], main_workloads[w], cpu);
            argv[argc++] = "-n";
            argv[argc++] = name->data;
            argv[argc++] = cmd->data;
        }
    }
    argv[argc] = NULL;
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    int rc = run_command(argv, fd);
    if (fd >= 0) {
        close(fd);
    }
    for (size_t i = 0; i < 2 * NC * nw; i++) {
        free(words[i].data);
    }
    if (rc != 0) {
        fprintf(stderr, "gclab bench: hyperfine failed (exit %d; see %s)\n", rc,
                log);
        return -1;
    }
    return 0;
}

/* The size a workload ran at: the first of its records'. */
static uint64_t
size_of(const struct record *recs, size_t total, int workload)
{
    for (size_t i = 0; i < total; i++) {
        if (recs[i].item.workload == workload) {
            return recs[i].item.size;
        }
    }
    return 0;
}

/* The CV of wall and GC time of a cell and its ok runs (at the
 * workload's size); a cell with no GC time (a collector that never
 * collects there) has a GC CV of 0. */
static double
cell_cv(const struct record *recs, size_t total, const char *collector,
        int workload, size_t *n, double *gc_cv)
{
    uint64_t size = size_of(recs, total, workload);
    struct gc_summary s = records_summary(recs, total, collector, workload,
                                          size, plot_wall_ms);
    struct gc_summary g = records_summary(recs, total, collector, workload,
                                          size, plot_gc_ms);
    *n = s.n;
    *gc_cv = g.cv;
    return s.cv;
}

/* Adaptive repetitions: while a model collector's wall time or GC time
 * on a workload varies by more than ADAPT_CV and the budget allows, five
 * more repetitions of that cell, appended with the next repetition
 * numbers.  The cells of a pass go round by round, each round shuffled
 * (--order), so that drift during the extra runs falls on them alike.
 * Where the machine does not allow, the report shows the CV reached. */
static struct record *
extend_repetitions(const struct matrix *mx, struct record *recs,
                   size_t *total, uint64_t t0)
{
    for (uint64_t pass = 1; gc_clock_ns() - t0 <= ADAPT_BUDGET_NS; pass++) {
        int cell_c[NC * MAX_NW], cell_w[NC * MAX_NW];
        size_t cell_n[NC * MAX_NW], ncells = 0;
        for (int w = 0; w < mx->nworkloads; w++) {
            for (int c = 0; c < mx->ncollectors; c++) {
                size_t n;
                double gc_cv,
                    cv = cell_cv(recs, *total, mx->collectors[c], w, &n, &gc_cv);
                if ((cv <= ADAPT_CV && gc_cv <= ADAPT_CV) ||
                    n + ADAPT_STEP > ADAPT_MAX_REPS) {
                    continue;
                }
                cell_c[ncells] = c;
                cell_w[ncells] = w;
                cell_n[ncells++] = n;
            }
        }
        /* As many rounds as the budget has room for, at the mean cost
         * of a run so far, so that the last pass does not overrun it. */
        uint64_t spent = gc_clock_ns() - t0;
        double per_run = (double)spent / (double)(*total ? *total : 1);
        double room = spent < ADAPT_BUDGET_NS
                          ? (double)(ADAPT_BUDGET_NS - spent) /
                                (per_run * (double)(ncells ? ncells : 1))
                          : 0.0;
        size_t rounds = room >= ADAPT_STEP ? ADAPT_STEP : (size_t)room;
        if (ncells == 0 || rounds == 0) {
            break;
        }
        size_t k = ncells * rounds;
        struct record *grown = realloc(recs, (*total + k) * sizeof *recs);
        if (grown == NULL) {
            return recs;
        }
        recs = grown;
        struct record *extra = recs + *total;
        memset(extra, 0, k * sizeof *extra);
        for (size_t r = 0; r < rounds; r++) {
            struct record *round = extra + r * ncells;
            for (size_t i = 0; i < ncells; i++) {
                round[i].item =
                    matrix_item(mx, cell_c[i], cell_w[i],
                                size_of(recs, *total, cell_w[i]),
                                cell_n[i] + r);
            }
            order_shuffle(mx, round, ncells, pass * 1000003u + r);
        }
        run_records(mx, extra, k, *total);
        *total += k;
    }
    return recs;
}

/* "3.14.10" or "3.14" into a number that orders versions; 0 if it is
 * not one. */
static unsigned long
version_key(const char *name)
{
    unsigned long major, minor, patch = 0;
    char *end;
    major = strtoul(name, &end, 10);
    if (end == name || *end != '.') {
        return 0;
    }
    minor = strtoul(end + 1, &end, 10);
    if (*end == '.') {
        patch = strtoul(end + 1, &end, 10);
    }
    return *end != '\0' ? 0 : (major * 1000 + minor) * 1000 + patch;
}

/* Looks in dir for VERSION/SUFFIX and keeps the newest executable one
 * in best (key *best_key). */
static void
scan_pythons(const char *dir, const char *suffix, char *best, size_t n,
             unsigned long *best_key)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        unsigned long key = version_key(e->d_name);
        char path[1024];
        if (key <= *best_key ||
            snprintf(path, sizeof path, "%s/%s/%s", dir, e->d_name, suffix) >=
                (int)sizeof path ||
            access(path, X_OK) != 0) {
            continue;
        }
        *best_key = key;
        snprintf(best, n, "%s", path);
    }
    closedir(d);
}

/* The newest interpreter already here: pyenv's versions, and those
 * scripts/get-python.sh unpacked into its cache.  Nothing is fetched. */
static bool
newest_python(char *out, size_t n)
{
    unsigned long key = 0;
    char dir[1024];
    const char *root = getenv("PYENV_ROOT"), *home = getenv("HOME");
    const char *cache = getenv("XDG_CACHE_HOME");
    if (root != NULL) {
        snprintf(dir, sizeof dir, "%s/versions", root);
        scan_pythons(dir, "bin/python", out, n, &key);
    }
    else if (home != NULL) {
        snprintf(dir, sizeof dir, "%s/.pyenv/versions", home);
        scan_pythons(dir, "bin/python", out, n, &key);
    }
    if (getenv("GCLAB_PYTHON_CACHE") != NULL) {
        snprintf(dir, sizeof dir, "%s", getenv("GCLAB_PYTHON_CACHE"));
        scan_pythons(dir, "python", out, n, &key);
    }
    else if (cache != NULL || home != NULL) {
        snprintf(dir, sizeof dir, "%s%s/gclab/python",
                 cache != NULL ? cache : home,
                 cache != NULL ? "" : "/.cache");
        scan_pythons(dir, "python", out, n, &key);
    }
    return key != 0;
}

/* --full: every registered collector (the reference on each profile it
 * models) on every workload at 1x, 4x and 16x its default size, into
 * DIR/full; then the knob sweeps, each into DIR/sweep-KNOB with its
 * Pareto figure.  Written as results only: gclab report and compare
 * read them. */
static int prepare(const char *const *collectors, int nc,
                   const char *const *workloads, int nw,
                   struct gc_workload_spec *wspecs);

static int
bench_full(const char *out_dir, const char *plots_dir, bool allow_debug,
           const struct gc_place *place)
{
    static const char *const specs[] = {
        "cpython:profile=2.7", "cpython:profile=3.8", "cpython:profile=3.11",
        "cpython:profile=3.13", "cpython:profile=3.14", "cpython:profile=3.15",
        "cpython:pending-rule=off", "full",
        "incremental", "incremental:count=trackable", "trialdel", "none",
    };
    enum { NSPECS = sizeof specs / sizeof *specs };
    static const char *names[64];
    static struct gc_workload_spec wspecs[64];
    int nw = 0;
    for (size_t w = 0; gc_workloads[w] != NULL && nw < 64; w++) {
        names[nw++] = gc_workloads[w]->name;
    }
    if (prepare(specs, NSPECS, names, nw, wspecs) != 0) {
        return 2;
    }
    char dir[4096], failed[4096];
    snprintf(dir, sizeof dir, "%s/full", out_dir);
    static const char *const outputs[] = {RESULTS_FILES,
                                           NULL};
    if (gc_out_dir_ready(dir, outputs, failed, sizeof failed) != 0) {
        fprintf(stderr, "gclab bench: cannot write %s: %s\n", failed,
                strerror(errno));
        return 2;
    }
    int status = 0;
    /* One matrix per workload: its own sizes, from its default. */
    size_t all_total = 0;
    struct record *all = NULL;
    for (int w = 0; w < nw; w++) {
        uint64_t d = wspecs[w].workload->default_size;
        uint64_t sizes[] = {d, 4 * d, 16 * d};
        struct matrix mx = {.collectors = specs, .ncollectors = NSPECS,
                            .workloads = &names[w], .wspecs = &wspecs[w],
                            .nworkloads = 1, .sizes = sizes, .nsizes = 3,
                            .repeat = 3, .seed = 1, .baseline = UINT64_MAX,
                            .memory_cap = (uint64_t)4 << 30, .place = place};
        size_t k;
        struct record *recs = run_matrix(&mx, &k);
        struct record *grown =
            recs ? realloc(all, (all_total + k) * sizeof *all) : NULL;
        if (grown == NULL) {
            free_records(recs, k);
            free_records(all, all_total);
            return 1;
        }
        all = grown;
        for (size_t i = 0; i < k; i++) {
            recs[i].item.workload = w;
            all[all_total++] = recs[i];
        }
        free(recs);
    }
    struct matrix whole = {.collectors = specs, .ncollectors = NSPECS,
                           .workloads = names, .wspecs = wspecs,
                           .nworkloads = nw, .repeat = 3, .seed = 1,
                           .place = place};
    status |= check_records(all, all_total, names);
    status |= write_results(dir, all, all_total, &whole) != 0;
    free_records(all, all_total);

    static const struct {
        const char *name, *collectors[2], *values[4];
    } sweeps[] = {
        {"threshold0", {"cpython", "full"}, {"100", "700", "2000", "10000"}},
        {"buffer", {"trialdel", NULL}, {"1000", "10000", "100000", NULL}},
        {"budget", {"incremental", NULL}, {"0", "100", "1000", "10000"}},
    };
    for (size_t i = 0; i < sizeof sweeps / sizeof *sweeps; i++) {
        char sweep_dir[4096];
        snprintf(sweep_dir, sizeof sweep_dir, "%s/sweep-%s", out_dir,
                 sweeps[i].name);
        struct sweep_options so = {.knob = sweeps[i].name,
                                   .workload = "small-cycles",
                                   .out_dir = sweep_dir,
                                   .plots_dir = plots_dir,
                                   .size = 20000, .repeat = 3,
                                   .allow_debug = allow_debug,
                                   .place = place};
        for (int c = 0; c < 2 && sweeps[i].collectors[c] != NULL; c++) {
            so.collectors[so.ncollectors++] = sweeps[i].collectors[c];
        }
        for (int v = 0; v < 4 && sweeps[i].values[v] != NULL; v++) {
            so.values[so.nvalues++] = sweeps[i].values[v];
        }
        status |= sweep_run(&so) != 0;
    }
    return status;
}

/* ---- gclab bench ------------------------------------------------------------ */

static int
prepare(const char *const *collectors, int nc, const char *const *workloads,
        int nw, struct gc_workload_spec *wspecs)
{
    char err[256];
    for (int c = 0; c < nc; c++) {
        struct gc_spec parsed;
        if (gc_spec_parse(collectors[c], &parsed, err, sizeof err) != GC_OK) {
            fprintf(stderr, "gclab bench: %s\n", err);
            return -1;
        }
    }
    for (int w = 0; w < nw; w++) {
        if (gc_workload_spec_parse(workloads[w], &wspecs[w], err,
                                   sizeof err) != GC_OK) {
            fprintf(stderr, "gclab bench: %s\n", err);
            return -1;
        }
    }
    return 0;
}

int
gc_cmd_bench(int argc, char **argv)
{
    const char *out_dir = "results/latest", *plots_dir = NULL, *peer = NULL;
    bool quick = false, full = false, allow_debug = false;
    const char *user_workloads[MAX_NW];
    size_t nuser = 0;
    struct gc_shard shard = {0, 0};
    struct gc_place place;
    gc_place_init(&place);
    (void)allow_debug; /* only debug builds read it */
    for (int i = 1; i < argc; i++) {
        int placed = i + 1 < argc ? gc_place_option(&place, "bench", argv[i],
                                                    argv[i + 1])
                                  : 0;
        if (placed == 2) {
            return 2;
        }
        if (placed == 1) {
            i++;
        }
        else if (strcmp(argv[i], "--quick") == 0) {
            quick = true;
        }
        else if (strcmp(argv[i], "--full") == 0) {
            full = true;
        }
        else if (strcmp(argv[i], "--allow-debug") == 0) {
            allow_debug = true;
        }
        else if (strcmp(argv[i], "--workload") == 0 && i + 1 < argc) {
            if (nuser == MAX_NW) {
                fprintf(stderr, "gclab bench: at most %d --workload\n",
                        MAX_NW);
                return 2;
            }
            user_workloads[nuser++] = argv[++i];
        }
        else if (strcmp(argv[i], "--shard") == 0 && i + 1 < argc) {
            if (!gc_shard_parse(argv[++i], &shard)) {
                fprintf(stderr, "gclab bench: --shard needs I/N with 1 <= I "
                                "<= N <= 1000, not %s\n",
                        argv[i]);
                return 2;
            }
        }
        else if ((strcmp(argv[i], "--out") == 0 ||
                  strcmp(argv[i], "--plots") == 0 ||
                  strcmp(argv[i], "--peer") == 0) &&
                 i + 1 < argc) {
            const char **slot = argv[i][3] == 'u'   ? &out_dir
                                : argv[i][3] == 'l' ? &plots_dir
                                                    : &peer;
            *slot = argv[i + 1];
            i++;
        }
        else {
            fprintf(stderr,
                    "gclab bench: unknown option '%s'; usage: gclab bench "
                    "[--out DIR] [--quick | --full] [--peer PYTHON|none] "
                    "[--plots DIR] [--shard I/N] [--workload SPEC]... "
                    "[--allow-debug] [--cpu N|auto|none] "
                    "[--order random|sequential] [--order-seed S]\n",
                    argv[i]);
            return 2;
        }
    }
    if (full && nuser > 0) {
        fprintf(stderr, "gclab bench: --full runs every workload; it takes "
                        "no --workload\n");
        return 2;
    }
    if (full && (quick || shard.count > 0)) {
        fprintf(stderr, "gclab bench: --full runs the whole matrix; it takes "
                        "neither --quick nor --shard\n");
        return 2;
    }
#if !defined(NDEBUG)
    if (!allow_debug) {
        fprintf(stderr, "gclab bench: this is a debug build; its numbers are "
                        "not results (use ./bench.sh, or --allow-debug)\n");
        return 2;
    }
#endif
    char data_dir[4096], scaling_dir[4096];
    snprintf(data_dir, sizeof data_dir, "%s/data", out_dir);
    snprintf(scaling_dir, sizeof scaling_dir, "%s/scaling", out_dir);
    static const char *const outputs[] = {
        RESULTS_FILES, "index.html",
        "hyperfine.json", NULL};
    char failed[4096];
    if (gc_out_dir_ready(out_dir, outputs, failed, sizeof failed) != 0 ||
        gc_out_dir_ready(data_dir, NULL, failed, sizeof failed) != 0 ||
        gc_out_dir_ready(scaling_dir, outputs, failed, sizeof failed) != 0) {
        fprintf(stderr, "gclab bench: cannot write %s: %s\n", failed,
                strerror(errno));
        return 2;
    }
    if (gc_place_setup(&place, "bench") != 0) {
        return 2;
    }
    uint64_t t0 = gc_clock_ns();
    const char *main_workloads[MAX_NW];
    uint64_t main_sizes[MAX_NW] = {0}; /* a given workload: its default */
    size_t nw = nuser ? nuser : NW;
    for (size_t w = 0; w < nw; w++) {
        main_workloads[w] = nuser   ? user_workloads[w]
                            : quick ? main_table[w].quick_spec
                                    : main_table[w].spec;
        main_sizes[w] = nuser || quick ? 0 : main_table[w].size;
    }
    static struct gc_workload_spec wspecs[MAX_NW], sspec[1];
    if (prepare(main_collectors, NC, main_workloads, (int)nw, wspecs) != 0) {
        return 2;
    }
    static const char *const scaling_workload[] = {"long-lived-growth"};
    if (prepare(scaling_collectors, 2, scaling_workload, 1, sspec) != 0) {
        return 2;
    }
    /* The newest CPython already on this machine as a peer row; bench
     * never downloads one. */
    const char *peers[1];
    int npeers = 0;
    static char peer_path[1024];
    if (peer == NULL) {
        peer = newest_python(peer_path, sizeof peer_path) ? peer_path : "";
    }
    bool twins = true; /* the peer runs the workloads' twins */
    for (size_t w = 0; w < nw; w++) {
        twins &= wspecs[w].workload->twin != NULL;
    }
    if (!twins) {
        fprintf(stderr, "gclab bench: a workload has no Python twin; the "
                        "peer row is skipped\n");
    }
    else if (peer[0] != '\0' && strcmp(peer, "none") != 0 &&
             peer_label(peer, false) != NULL) {
        peers[npeers++] = peer;
    }
    else {
        fprintf(stderr, "gclab bench: no CPython %s%s%s; the peer row is "
                        "skipped (--peer PYTHON names one)\n",
                peer[0] ? "at '" : "under pyenv or get-python.sh's cache",
                peer, peer[0] ? "'" : "");
    }
    struct matrix mx = {.collectors = main_collectors, .ncollectors = NC,
                        .workloads = main_workloads, .wspecs = wspecs,
                        .nworkloads = (int)nw, .peers = peers,
                        .npeers = npeers,
                        .repeat = quick ? 3 : 10,
                        .seed = 1, .baseline = UINT64_MAX,
                        .workload_sizes = main_sizes,
                        .memory_cap = (uint64_t)4 << 30, .shard = shard,
                        .retained = true, .retained_first_only = true,
                        .place = &place};
    /* Both matrices share one balance, so a share that drew a large
     * main item gets less of the scaling sweep. */
    static double shard_load[GC_SHARD_MAX];
    mx.shard_load = shard_load;
    size_t total;
    struct record *recs = run_matrix(&mx, &total);
    if (recs == NULL) {
        return 1;
    }
    if (!quick && shard.count == 0) {
        recs = extend_repetitions(&mx, recs, &total, t0);
    }
    int status = check_records(recs, total, main_workloads);
    status |= write_results(out_dir, recs, total, &mx) != 0;

    /* The 25% rule only shows once full collections could come more
     * often than every quarter of the heap: millions of objects. */
    static const uint64_t quick_sizes[] = {10000, 20000, 40000, 80000};
    static const uint64_t sizes[] = {125000, 250000, 500000, 1000000,
                                     2000000};
    const uint64_t *ss = quick ? quick_sizes : sizes;
    int nss = quick ? 4 : 5;
    struct matrix sx = {.collectors = scaling_collectors, .ncollectors = 2,
                        .workloads = scaling_workload, .wspecs = sspec,
                        .nworkloads = 1, .sizes = ss, .nsizes = nss,
                        .repeat = 1, .seed = 1,
                        .baseline = UINT64_MAX,
                        .memory_cap = (uint64_t)4 << 30, .shard = shard,
                        .shard_load = shard_load, .place = &place};
    size_t stotal;
    struct record *srecs = run_matrix(&sx, &stotal);
    if (srecs == NULL) {
        free_records(recs, total);
        return 1;
    }
    status |= check_records(srecs, stotal, scaling_workload);
    status |= write_results(scaling_dir, srecs, stotal, &sx) != 0;
    if (shard.count > 0) {
        /* Figures and the report need the whole matrix. */
        fprintf(stderr, "gclab bench: shard %u/%u written; merge every "
                        "share's %s and %s/scaling with gclab merge "
                        "(docs/sharding.md)\n",
                shard.index, shard.count, out_dir, out_dir);
        free_records(recs, total);
        free_records(srecs, stotal);
        return status;
    }

    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    self[len > 0 ? len : 0] = '\0';
    int rc = len > 0 ? hyperfine(out_dir, self, quick, main_workloads, nw, &place) : 0;
    char command[1024] = "gclab bench";
    for (int i = 1; i < argc; i++) {
        strncat(command, " ", sizeof command - strlen(command) - 1);
        strncat(command, argv[i], sizeof command - strlen(command) - 1);
    }
    double seconds = (double)(gc_clock_ns() - t0) / 1e9;
    struct plot_options po = {.dir = out_dir, .plots_dir = plots_dir,
                              .command = command, .seconds = seconds};
    rc |= plot_results(&po) != 0;
    print_summary_table(recs, total, main_collectors[0], main_workloads);
    printf("# report: %s/index.html (%.1f s)\n", out_dir, seconds);
    if (full) {
        status |= bench_full(out_dir, plots_dir, allow_debug, &place) != 0;
        printf("# full matrix: %s/full; sweeps: %s/sweep-*/pareto.png "
               "(%.1f s in all)\n",
               out_dir, out_dir, (double)(gc_clock_ns() - t0) / 1e9);
    }
    free_records(recs, total);
    free_records(srecs, stotal);
    return status || rc ? 1 : 0;
}

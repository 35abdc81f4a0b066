/* harness/gate/check.c -- gclab check: the CI gate for a collector change, in
 * one command and one screen.  Seven stages, one line each:
 *
 *   conform       the conformance suite (gclab conform), on every profile
 *   goldens       the scenario goldens from real CPython (goldens.c)
 *   differential  seeded random programs against cpython (differential.c)
 *   exact         the deterministic counters of a small fixed matrix
 *                 against the baseline's, run by run (compare_run)
 *   icount        the instructions of one fixed run per collector
 *                 (callgrind) against the baseline's: more than 1% more
 *                 fails, since the count repeats to far better than that
 *   regressions   the known regressions of regressions/: each must still
 *                 be flagged against its fix, and the fix must clear
 *   timing        wall and GC time against the baseline: advice only
 *
 * A baseline is a directory: results.jsonl of the matrix and
 * icount.jsonl, written by --write-baseline (whole, or not at all).
 * Each stage runs in a child process, so a crash is a FAIL line and not
 * the end of the check.  Exit 0: no stage failed; 1: one did; 2: bad
 * input, one line on stderr, before anything runs.  docs/check.md. */
#define _GNU_SOURCE /* renameat2 */
#include "oracles.h"
#include "conform/conform.h"
#include "measure.h"
#include "record.h"
#include "gate.h"
#include "version.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum stage {
    CONFORM,
    GOLDENS,
    DIFFERENTIAL,
    EXACT,
    ICOUNT,
    REGRESSIONS,
    TIMING,
    NSTAGES
};
static const char *const stage_names[NSTAGES] = {
    "conform", "goldens",     "differential", "exact",
    "icount",  "regressions", "timing"};

enum verdict { PASS, FAIL, SKIP, ADVICE };
static const char *const verdict_names[] = {"PASS", "FAIL", "SKIP", "ADVICE"};

/* What a stage says: its verdict and one short reason. */
struct outcome {
    enum verdict v;
    char reason[480];
};

#define MAX_COLLECTORS 16
#define MAX_SIZES 8
#define MAX_CASES 64

/* The matrix a new baseline runs: every cycle collector on workloads
 * that exercise young collections, cycles, finalizers, weakrefs,
 * untracking and a long-lived table, small enough that a debug build
 * runs it in seconds. */
static const char *const default_collectors[] = {"cpython", "full",
                                                 "incremental", "trialdel"};
static const char *const default_workloads[] = {
    "alloc-churn", "cycles",        "small-cycles", "tuples",
    "finalizers",  "weakref-cache", "server"};
#define DEFAULT_SIZE 2000
#define DEFAULT_REPEAT 3
#define DEFAULT_SEEDS 200
/* The run whose instructions are counted, per collector: cycles, since
 * every collector collects there (alloc-churn at this size never
 * collects under full or trialdel, whose gate would then watch only
 * allocation). */
#define ICOUNT_WORKLOAD "cycles"
#define ICOUNT_SIZE 2000
#define ICOUNT_LIMIT_PCT 1.0
/* callgrind counts only inside this function (measure/measure.h). */
#define ICOUNT_REGION "gc_run_measured"

/* Exact for a seed, so held to the baseline exactly. */
static const char *const exact_metrics[] = {
    "collections_gen0",  "collections_gen1",
    "collections_gen2",  "objects_visited",
    "objects_collected", "objects_uncollectable",
    "peak_live_bytes",   "retained_garbage_peak_bytes",
    "checksum"};
#define COUNT(a) (sizeof(a) / sizeof *(a))

/* One known regression (regressions/README.md). */
struct reg_case {
    char path[4200];
    char name[64], mirrors[256], regressed[256], fixed[256];
    char workload[256], metric[256], issue[256];
    /* metric: one or more names, space-separated: the case flags when
     * every one of them is worse, and clears when none moves. */
    char metrics[4][64];
    int nmetrics;
    uint64_t size, repeat;
    double threshold_pct;
    bool higher_is_worse;
    bool retained; /* options: --retained (the accounting run) */
};

/* One instruction count. */
struct icount {
    char collector[256], workload[256];
    uint64_t size, instructions;
};

struct check {
    const char *collectors[MAX_COLLECTORS];
    int ncollectors;
    const char *baseline, *write_baseline, *scenarios, *regressions;
    const char *gclab; /* the binary valgrind runs */
    char gclab_buf[4096];
    bool stages[NSTAGES];
    bool verbose;
    uint64_t seeds, first_seed, repeat;
    double icount_limit_pct;
    /* The matrix: the baseline's, else the defaults. */
    const char *workloads[RESULTS_MAX_WORKLOADS];
    int nworkloads;
    uint64_t sizes[MAX_SIZES];
    int nsizes;
    uint64_t matrix_seed;
    bool has_base; /* base holds the baseline's records */
    struct results base;
    struct icount *base_icounts;
    size_t nbase_icounts;
    struct reg_case *cases;
    size_t ncases;
    char work[4096];    /* scratch, removed at the end */
    char target[4096];  /* where this check's results and counts go */
    char newbase[4096]; /* --write-baseline's directory until renamed */
    bool has_matrix;    /* the matrix ran (into target) */
    char matrix_why[400];
    size_t matrix_runs;
    struct gc_place place; /* --cpu, --order, --order-seed */
};

static int
usage(const char *msg, const char *arg)
{
    return gc_usage_error("check", msg, arg);
}

static void say(struct outcome *o, enum verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(struct outcome *o, enum verdict v, const char *fmt, ...)
{
    va_list ap;
    o->v = v;
    va_start(ap, fmt);
    vsnprintf(o->reason, sizeof o->reason, fmt, ap);
    va_end(ap);
}

/* ---- processes ---------------------------------------------------------- */

typedef int child_fn(struct check *c, void *arg, struct outcome *out);

/* Runs fn in a child process whose stdout and stderr go to capture (the
 * stage's details); out comes back through a pipe.  Returns the child's
 * exit status, 128 + the signal that ended it, or -1 if it could not
 * start; out is only set when the child finished. */
static int
in_child(child_fn *fn, struct check *c, void *arg, struct outcome *out,
         FILE *capture)
{
    int fds[2];
    if (pipe(fds) != 0) {
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    fflush(capture);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        /* stdout may be any stream (a test swaps it): its descriptor, and
         * 1 and 2 for what children print, all go to the capture. */
        int fd = fileno(capture);
        dup2(fd, fileno(stdout));
        dup2(fd, fileno(stderr));
        dup2(fd, 1);
        dup2(fd, 2);
        struct outcome mine = {.v = FAIL};
        int rc = fn(c, arg, &mine);
        fflush(stdout);
        fflush(stderr);
        bool ok = write(fds[1], &mine, sizeof mine) == (ssize_t)sizeof mine;
        _exit(ok ? rc : 125);
    }
    close(fds[1]);
    struct outcome got;
    bool ok = read_all_fd(fds[0], &got, sizeof got);
    close(fds[0]);
    int st;
    if (waitpid(pid, &st, 0) != pid) {
        return -1;
    }
    if (ok) {
        got.reason[sizeof got.reason - 1] = '\0';
        *out = got;
    }
    if (WIFSIGNALED(st)) {
        return 128 + WTERMSIG(st);
    }
    return ok ? WEXITSTATUS(st) : 125;
}

static bool
has_program(const char *name, char *path, size_t bytes)
{
    const char *p = getenv("PATH");
    while (p != NULL && *p) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        snprintf(path, bytes, "%.*s/%s", (int)n, n ? p : ".", name);
        struct stat st;
        /* A directory can be X_OK too (/usr/lib/x86_64-linux-gnu/valgrind
         * is one, and meson puts that directory on PATH). */
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
            access(path, X_OK) == 0) {
            return true;
        }
        p = end ? end + 1 : NULL;
    }
    return false;
}

/* ---- the matrix --------------------------------------------------------- */

/* collectors x workloads x sizes x repeat, each run in a child process
 * (with --retained's accounting run if asked), into dir/results.jsonl.  0, or
 * -1 with why: a spec that does not parse, a run that did not end ok, a file
 * not written. */
static int
run_cells(const char *const *collectors, int nc, const char *const *workloads,
          int nw, const uint64_t *sizes, int ns, uint64_t repeat,
          uint64_t seed, bool retained, const struct gc_place *place,
          const char *dir, size_t *nruns, char *why, size_t why_bytes)
{
    struct gc_workload_spec *wspecs = calloc((size_t)nw, sizeof *wspecs);
    if (wspecs == NULL) {
        snprintf(why, why_bytes, "out of memory");
        return -1;
    }
    for (int w = 0; w < nw; w++) {
        char err[256];
        if (gc_workload_spec_parse(workloads[w], &wspecs[w], err,
                                   sizeof err) != GC_OK) {
            snprintf(why, why_bytes, "%s", err);
            free(wspecs);
            return -1;
        }
    }
    struct matrix mx = {.collectors = collectors,
                        .ncollectors = nc,
                        .workloads = workloads,
                        .wspecs = wspecs,
                        .nworkloads = nw,
                        .sizes = sizes,
                        .nsizes = ns,
                        .repeat = repeat,
                        .seed = seed,
                        .baseline = UINT64_MAX,
                        .memory_cap = (uint64_t)4 << 30,
                        .retained = retained,
                        .quiet = true,
                        .place = place};
    size_t total = 0;
    struct record *recs = run_matrix(&mx, &total);
    int rc = recs != NULL ? 0 : -1;
    if (recs == NULL) {
        snprintf(why, why_bytes, "out of memory");
    }
    for (size_t i = 0; rc == 0 && i < total; i++) {
        if (recs[i].r.status != RUN_OK) {
            snprintf(why, why_bytes, "%s on %s, size %llu: %s%s",
                     recs[i].item.collector, workloads[recs[i].item.workload],
                     (unsigned long long)recs[i].item.size,
                     status_names[recs[i].r.status],
                     recs[i].r.status == RUN_CRASHED ? " (a signal)" : "");
            rc = -1;
        }
    }
    if (rc == 0 &&
        (gc_mkdir_p(dir) != 0 || write_results(dir, recs, total, &mx) != 0)) {
        snprintf(why, why_bytes, "cannot write %.300s/results.jsonl", dir);
        rc = -1;
    }
    *nruns = total;
    if (recs != NULL) {
        free_records(recs, total);
    }
    free(wspecs);
    return rc;
}

/* ---- conform ------------------------------------------------------------ */

static int
conform_child(struct check *c, void *arg, struct outcome *out)
{
    (void)c;
    (void)out;
    tap_reset(); /* a test that runs gclab check has a stream of its own */
    return conform_run(arg, NULL);
}

/* The profiles a spec is checked on: its own, else all four. */
static int
profiles_of(const char *collector, const char **out)
{
    static const char *const all[] = {"2.7", "3.8", "3.11", "3.13"};
    struct gc_spec spec;
    char err[256];
    if (gc_spec_parse(collector, &spec, err, sizeof err) == GC_OK &&
        spec.has_profile) {
        out[0] = gc_profile_name(spec.profile);
        return 1;
    }
    for (int i = 0; i < 4; i++) {
        out[i] = all[i];
    }
    return 4;
}

static void
with_profile(const char *collector, const char *profile, char *out,
             size_t bytes)
{
    if (strstr(collector, "profile=") != NULL) {
        snprintf(out, bytes, "%s", collector);
    }
    else {
        snprintf(out, bytes, "%s%sprofile=%s", collector,
                 strchr(collector, ':') ? "," : ":", profile);
    }
}

static int
stage_conform(struct check *c, void *arg, struct outcome *out)
{
    (void)arg;
    size_t passed = 0, skipped = 0, failed = 0, runs = 0;
    char first[300] = "";
    for (int k = 0; k < c->ncollectors; k++) {
        const char *profiles[4];
        int np = profiles_of(c->collectors[k], profiles);
        for (int p = 0; p < np; p++) {
            char spec[300];
            with_profile(c->collectors[k], profiles[p], spec, sizeof spec);
            FILE *tap = tmpfile();
            if (tap == NULL) {
                say(out, FAIL, "cannot make a temporary file");
                return 0;
            }
            struct outcome ignored;
            int rc = in_child(conform_child, c, spec, &ignored, tap);
            rewind(tap);
            char line[512];
            size_t fails_here = 0;
            printf("## gclab conform --collector %s\n", spec);
            while (fgets(line, sizeof line, tap) != NULL) {
                fputs(line, stdout);
                if (strncmp(line, "not ok ", 7) == 0) {
                    fails_here++;
                    if (first[0] == '\0') {
                        const char *what = strstr(line, " - ");
                        line[strcspn(line, "\n")] = '\0';
                        snprintf(first, sizeof first, "%.120s: %.160s", spec,
                                 what ? what + 3 : line);
                    }
                }
                else if (strncmp(line, "ok ", 3) == 0) {
                    *(strstr(line, "# SKIP") ? &skipped : &passed) += 1;
                }
            }
            fclose(tap);
            if (rc != 0 && fails_here == 0) {
                fails_here = 1;
                if (first[0] == '\0') {
                    snprintf(first, sizeof first, "%.200s: %s %d", spec,
                             rc > 128 ? "killed by signal" : "exit status",
                             rc > 128 ? rc - 128 : rc);
                }
            }
            failed += fails_here;
            runs++;
        }
    }
    if (failed > 0) {
        say(out, FAIL, "%zu of %zu cases fail; first %s", failed,
            failed + passed, first);
    }
    else {
        say(out, PASS,
            "%zu cases pass, %zu skip (%d collector%s, %zu profile runs)",
            passed, skipped, c->ncollectors, c->ncollectors > 1 ? "s" : "",
            runs);
    }
    return 0;
}

/* ---- goldens ------------------------------------------------------------ */

static int
stage_goldens(struct check *c, void *arg, struct outcome *out)
{
    (void)arg;
    size_t matched = 0, differed = 0, scenarios = 0;
    char first[300] = "";
    for (int k = 0; k < c->ncollectors; k++) {
        const char *profiles[4];
        const char *only = NULL;
        if (profiles_of(c->collectors[k], profiles) == 1) {
            only = profiles[0];
        }
        struct gc_goldens g;
        char err[256];
        if (gc_goldens_find(c->scenarios, c->collectors[k], only, &g, err,
                            sizeof err) != 0) {
            say(out, FAIL, "%s: %s", c->collectors[k], err);
            return 0;
        }
        scenarios = g.nscenarios;
        for (size_t i = 0; i < g.n; i++) {
            if (gc_golden_check(&g.items[i], c->collectors[k], stdout)) {
                matched++;
                continue;
            }
            printf("# %s: %s on %s differs from CPython\n", c->collectors[k],
                   g.items[i].scenario, g.items[i].profile);
            if (differed++ == 0) {
                const char *base = strrchr(g.items[i].scenario, '/');
                snprintf(first, sizeof first, "%s: %s on %s", c->collectors[k],
                         base ? base + 1 : g.items[i].scenario,
                         g.items[i].profile);
            }
        }
        gc_goldens_free(&g);
    }
    if (differed > 0) {
        say(out, FAIL, "%zu of %zu goldens differ; first %s", differed,
            differed + matched, first);
    }
    else if (matched == 0) {
        say(out, FAIL, "no golden applies (%zu scenarios in %s)", scenarios,
            c->scenarios);
    }
    else {
        say(out, PASS,
            "%zu goldens match CPython's logs (%zu scenarios, %d "
            "collector%s)",
            matched, scenarios, c->ncollectors, c->ncollectors > 1 ? "s" : "");
    }
    return 0;
}

/* ---- differential ------------------------------------------------------- */

static int
stage_differential(struct check *c, void *arg, struct outcome *out)
{
    (void)arg;
    for (int k = 0; k < c->ncollectors; k++) {
        char why[400];
        uint64_t bad = gc_differential(c->collectors[k], c->first_seed,
                                       c->seeds, why, sizeof why);
        printf("# %s: %s\n", c->collectors[k], bad ? why : "agrees");
        if (bad != 0) {
            say(out, FAIL, "%s; replay: --seed %llu --seeds 1", why,
                (unsigned long long)bad);
            return 0;
        }
    }
    say(out, PASS,
        "%llu programs x %d collector%s free what cpython frees (seeds "
        "%llu..%llu)",
        (unsigned long long)c->seeds, c->ncollectors,
        c->ncollectors > 1 ? "s" : "", (unsigned long long)c->first_seed,
        (unsigned long long)(c->first_seed + c->seeds - 1));
    return 0;
}

/* ---- exact counters ----------------------------------------------------- */

static const char *
short_value(char *buf, size_t n, double v)
{
    snprintf(buf, n, v == floor(v) && fabs(v) < 1e15 ? "%.0f" : "%.6g", v);
    return buf;
}

static int
stage_exact(struct check *c, void *arg, struct outcome *out)
{
    (void)arg;
    if (!c->has_base) {
        say(out, c->write_baseline ? PASS : SKIP, "%s",
            c->write_baseline ? "recorded for the new baseline; no "
                                "--baseline to compare with"
                              : "no --baseline DIR");
        if (c->write_baseline && !c->has_matrix) {
            say(out, FAIL, "%s", c->matrix_why);
        }
        return 0;
    }
    if (!c->has_matrix) {
        say(out, FAIL, "%s", c->matrix_why);
        return 0;
    }
    char *argv[4 + 2 * COUNT(exact_metrics) + 4];
    int argc = 0;
    argv[argc++] = "compare";
    argv[argc++] = (char *)c->baseline;
    argv[argc++] = c->target;
    for (size_t m = 0; m < COUNT(exact_metrics); m++) {
        argv[argc++] = "--metric";
        argv[argc++] = (char *)exact_metrics[m];
    }
    argv[argc++] = "--threshold";
    argv[argc++] = "0";
    argv[argc] = NULL;
    struct compare_findings f;
    int rc = compare_run(argc, argv, stdout, &f);
    if (rc == 2) {
        say(out, FAIL,
            "gclab compare refused the baseline (its line on "
            "stderr)");
        return 0;
    }
    size_t groups = f.n / COUNT(exact_metrics), differ = 0;
    const struct compare_finding *first = NULL;
    for (size_t i = 0; i < f.n; i++) {
        if (!f.cells[i].exact || strcmp(f.cells[i].verdict, "same") != 0) {
            first = first ? first : &f.cells[i];
            differ++;
        }
    }
    size_t want =
        (size_t)c->ncollectors * (size_t)c->nworkloads * (size_t)c->nsizes;
    if (first != NULL) {
        char a[40], b[40], runs[64] = "";
        if (first->exact && first->runs_paired > 0) {
            snprintf(runs, sizeof runs, ", %zu/%zu runs", first->runs_differ,
                     first->runs_paired);
        }
        char more[48] = "";
        if (differ > 1) {
            snprintf(more, sizeof more, "; %zu more cells differ", differ - 1);
        }
        say(out, FAIL,
            "%s differs: %s on %s, size %llu: %s -> %s (%+.3g%%%s)"
            "%s",
            gc_metric_names[first->metric], first->new_collector,
            first->workload, (unsigned long long)first->size,
            short_value(a, sizeof a, first->base_mean),
            short_value(b, sizeof b, first->new_mean), first->change_pct, runs,
            more);
        if (!first->exact) {
            snprintf(out->reason + strlen(out->reason),
                     sizeof out->reason - strlen(out->reason),
                     " (runs not paired by seed)");
        }
    }
    else if (groups < want) {
        say(out, FAIL,
            "%zu of %zu (collector, workload, size) groups found "
            "no partner in the baseline",
            want - groups, want);
    }
    else {
        say(out, PASS,
            "%zu counters x %zu groups equal the baseline's, run "
            "by run (%zu runs)",
            COUNT(exact_metrics), groups, c->matrix_runs);
    }
    free(f.cells);
    return 0;
}

/* ---- instruction counts ------------------------------------------------- */

/* "instructions" of one run under callgrind, counting inside the
 * measured region only; 0, or -1 with why. */
static int
count_instructions(struct check *c, const char *valgrind,
                   const struct icount *run, const char *out_file,
                   uint64_t *instructions, char *why, size_t why_bytes)
{
    char out_opt[4300], size[32];
    snprintf(out_opt, sizeof out_opt, "--callgrind-out-file=%s", out_file);
    snprintf(size, sizeof size, "%llu", (unsigned long long)run->size);
    char *argv[] = {(char *)valgrind,
                    "--tool=callgrind",
                    "-q",
                    out_opt,
                    "--collect-atstart=no",
                    "--toggle-collect=" ICOUNT_REGION,
                    (char *)c->gclab,
                    "run",
                    "--no-fork",
                    "--allow-debug",
                    "--collector",
                    (char *)run->collector,
                    "--workload",
                    (char *)run->workload,
                    "--size",
                    size,
                    NULL};
    printf("## %s", valgrind);
    for (int i = 1; argv[i] != NULL; i++) {
        printf(" %s", argv[i]);
    }
    printf("\n");
    fflush(stdout);
    int rc = run_command(argv, fileno(stdout));
    if (rc != 0) {
        snprintf(why, why_bytes, "%.120s on %.120s: valgrind exited with %d",
                 run->collector, run->workload, rc);
        return -1;
    }
    char *text = gc_read_file(out_file, NULL);
    const char *at = text ? strstr(text, "\nsummary: ") : NULL;
    unsigned long long n;
    if (at == NULL || sscanf(at, "\nsummary: %llu", &n) != 1 || n == 0) {
        snprintf(why, why_bytes,
                 "%.120s on %.120s: no instruction count in %.120s",
                 run->collector, run->workload, out_file);
        free(text);
        return -1;
    }
    free(text);
    *instructions = n;
    return 0;
}

static const struct icount *
base_icount(const struct check *c, const char *collector)
{
    for (size_t i = 0; i < c->nbase_icounts; i++) {
        if (strcmp(c->base_icounts[i].collector, collector) == 0) {
            return &c->base_icounts[i];
        }
    }
    return NULL;
}

static int
stage_icount(struct check *c, void *arg, struct outcome *out)
{
    (void)arg;
    char valgrind[4096];
#if defined(__SANITIZE_ADDRESS__)
    /* Valgrind cannot run a binary whose shadow memory ASan reserved;
     * instruction counts are a release build's anyway. */
    say(out, SKIP, "a sanitizer build: valgrind cannot run it");
    return 0;
#endif
    if (!has_program("valgrind", valgrind, sizeof valgrind)) {
        say(out, SKIP,
            "valgrind not found on PATH; instructions not "
            "counted");
        return 0;
    }
    if (!c->write_baseline && (!c->has_base || c->nbase_icounts == 0)) {
        say(out, SKIP, "%s",
            c->has_base ? "the baseline has no instruction "
                          "counts (icount.jsonl)"
                        : "no --baseline DIR");
        return 0;
    }
    struct gc_buf jsonl = {0};
    double worst = -INFINITY;
    const char *worst_at = "";
    char fail[480] = "";
    size_t over = 0, compared = 0;
    for (int k = 0; k < c->ncollectors; k++) {
        const struct icount *b = base_icount(c, c->collectors[k]);
        struct icount run = {.size = b ? b->size : ICOUNT_SIZE};
        snprintf(run.collector, sizeof run.collector, "%s", c->collectors[k]);
        snprintf(run.workload, sizeof run.workload, "%s",
                 b ? b->workload : ICOUNT_WORKLOAD);
        char file[4200], why[400];
        snprintf(file, sizeof file, "%s/callgrind.%d.out", c->work, k);
        if (count_instructions(c, valgrind, &run, file, &run.instructions, why,
                               sizeof why) != 0) {
            say(out, FAIL, "%s", why);
            free(jsonl.data);
            return 0;
        }
        gc_buf_printf(&jsonl, "{\"schema_version\":%d,\"collector\":",
                      GC_SCHEMA_VERSION);
        gc_buf_json_string(&jsonl, run.collector);
        gc_buf_printf(&jsonl, ",\"workload\":");
        gc_buf_json_string(&jsonl, run.workload);
        gc_buf_printf(&jsonl,
                      ",\"size\":%llu,\"instructions\":%llu,"
                      "\"build_type\":\"%s\",\"check_level\":%d,"
                      "\"gclab_revision\":\"%s\"}\n",
                      (unsigned long long)run.size,
                      (unsigned long long)run.instructions, run_build_type(),
                      GCLAB_CHECKS_DEFAULT, GCLAB_REVISION);
        if (b == NULL || !c->has_base) {
            printf("# %s on %s, size %llu: %llu instructions\n", run.collector,
                   run.workload, (unsigned long long)run.size,
                   (unsigned long long)run.instructions);
            continue;
        }
        compared++;
        double pct = 100.0 *
                     ((double)run.instructions - (double)b->instructions) /
                     (double)b->instructions;
        printf("# %s on %s, size %llu: %llu -> %llu instructions (%+.4f%%)\n",
               run.collector, run.workload, (unsigned long long)run.size,
               (unsigned long long)b->instructions,
               (unsigned long long)run.instructions, pct);
        if (fabs(pct) > fabs(worst) || worst == -INFINITY) {
            worst = pct;
            worst_at = c->collectors[k];
        }
        if (pct > c->icount_limit_pct && over++ == 0) {
            snprintf(fail, sizeof fail,
                     "%.120s on %.120s (size %llu): %llu "
                     "-> %llu instructions (%+.2f%%)",
                     run.collector, run.workload, (unsigned long long)run.size,
                     (unsigned long long)b->instructions,
                     (unsigned long long)run.instructions, pct);
        }
        else if (pct > c->icount_limit_pct) {
            size_t n = strlen(fail);
            snprintf(fail + n, sizeof fail - n, ", %.60s %+.2f%%",
                     run.collector, pct);
        }
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/icount.jsonl", c->target);
    if (gc_write_atomic(path, jsonl.data ? jsonl.data : "", jsonl.len) != 0) {
        say(out, FAIL, "cannot write %s: %s", path, strerror(errno));
    }
    else if (over > 0) {
        say(out, FAIL, "%s (limit +%g%%)", fail, c->icount_limit_pct);
    }
    else if (compared == 0) {
        say(out, PASS,
            "recorded for the new baseline (%d collector%s, callgrind)",
            c->ncollectors, c->ncollectors > 1 ? "s" : "");
    }
    else {
        say(out, PASS,
            "%zu collector%s within +%g%% of the baseline "
            "(largest change %+.4f%%: %s)",
            compared, compared > 1 ? "s" : "", c->icount_limit_pct, worst,
            worst_at);
    }
    free(jsonl.data);
    return 0;
}

/* ---- regression cases --------------------------------------------------- */

/* The cell of metric in a comparison, or NULL. */
static const struct compare_finding *
cell_of(const struct compare_findings *f, const char *metric)
{
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(gc_metric_names[f->cells[i].metric], metric) == 0) {
            return &f->cells[i];
        }
    }
    return NULL;
}

/* Is new worse than base by more than the case's threshold, and a real
 * difference (exact, or significant)? */
static bool
is_flagged(const struct reg_case *k, const struct compare_finding *x)
{
    if (x == NULL || strcmp(x->verdict, "same") == 0 ||
        strcmp(x->verdict, "too few runs") == 0) {
        return false;
    }
    double pct = k->higher_is_worse ? x->change_pct : -x->change_pct;
    return pct > k->threshold_pct;
}

/* Compares two results dirs on the case's metric; -1 on bad input. */
static int
compare_on(const struct reg_case *k, const char *metric, const char *base,
           const char *new, struct compare_findings *f)
{
    char threshold[32];
    snprintf(threshold, sizeof threshold, "%g", k->threshold_pct);
    char *argv[] = {"compare",       (char *)base,  (char *)new, "--metric",
                    (char *)metric, "--threshold", threshold,   NULL};
    printf("## gclab compare %s %s --metric %s --threshold %s\n", base, new,
           metric, threshold);
    return compare_run(7, argv, stdout, f) == 2 ? -1 : 0;
}

/* Compares base and new on metric m of the case: whether it flags, and
 * its change; false in *ok when compare refused the runs. */
static bool
flags_on(const struct reg_case *k, int m, const char *base, const char *new,
         double *change_pct, double *base_mean, double *new_mean, bool *ok)
{
    struct compare_findings f;
    *ok = compare_on(k, k->metrics[m], base, new, &f) == 0;
    if (!*ok) {
        return false;
    }
    const struct compare_finding *x = cell_of(&f, k->metrics[m]);
    bool flagged = is_flagged(k, x);
    *change_pct = x ? x->change_pct : NAN;
    *base_mean = x ? x->base_mean : NAN;
    *new_mean = x ? x->new_mean : NAN;
    *ok = x != NULL;
    free(f.cells);
    return flagged;
}

/* One case: fixed, regressed, and fixed again, each a results dir.
 * It flags when every metric of the case is worse in the regressed run,
 * and clears when none is in the fixed run against itself. */
static bool
run_case(struct check *c, const struct reg_case *k, size_t index, char *why,
         size_t why_bytes, double *change_pct)
{
    const char *roles[] = {"fixed", "regressed", "fixed-again"};
    const char *specs[] = {k->fixed, k->regressed, k->fixed};
    char dirs[3][4200];
    for (int r = 0; r < 3; r++) {
        snprintf(dirs[r], sizeof dirs[r], "%s/case-%zu-%s", c->work, index,
                 roles[r]);
        const char *collectors[] = {specs[r]};
        const char *workloads[] = {k->workload};
        size_t nruns;
        char err[400];
        if (run_cells(collectors, 1, workloads, 1, &k->size, 1, k->repeat, 1,
                      k->retained, &c->place, dirs[r], &nruns, err,
                      sizeof err) != 0) {
            snprintf(why, why_bytes, "%s: %.300s", k->name, err);
            return false;
        }
    }
    char figures[300] = "";
    for (int m = 0; m < k->nmetrics; m++) {
        double pct, a, b;
        bool ok;
        bool flagged = flags_on(k, m, dirs[0], dirs[1], &pct, &a, &b, &ok);
        if (!ok) {
            snprintf(why, why_bytes, "%s: gclab compare refused its runs",
                     k->name);
            return false;
        }
        if (m == 0) {
            *change_pct = pct;
        }
        char sa[40], sb[40];
        short_value(sa, sizeof sa, a);
        short_value(sb, sizeof sb, b);
        if (!flagged) {
            snprintf(why, why_bytes,
                     "%s no longer flags: %s %s (%.80s) -> %s (%.80s), "
                     "%+.3g%%; needs %s by more than %g%%",
                     k->name, k->metrics[m], sa, k->fixed, sb, k->regressed,
                     pct, k->higher_is_worse ? "higher" : "lower",
                     k->threshold_pct);
            return false;
        }
        size_t n = strlen(figures);
        snprintf(figures + n, sizeof figures - n, "%s%s %s -> %s %+.3g%%",
                 m ? ", " : "", k->metrics[m], sa, sb, pct);
    }
    for (int m = 0; m < k->nmetrics; m++) {
        double pct, a, b;
        bool ok;
        bool flagged = flags_on(k, m, dirs[0], dirs[2], &pct, &a, &b, &ok);
        if (!ok || flagged) {
            snprintf(why, why_bytes,
                     "%s does not clear: %s of %.120s against itself moved "
                     "%+.3g%%",
                     k->name, k->metrics[m], k->fixed, pct);
            return false;
        }
    }
    printf("# case %s: flags (%s) and clears\n", k->name, figures);
    return true;
}

static int
stage_regressions(struct check *c, void *arg, struct outcome *out)
{
    (void)arg;
    if (c->ncases == 0) {
        say(out, SKIP, "no cases in %s", c->regressions);
        return 0;
    }
    char list[300] = "";
    for (size_t i = 0; i < c->ncases; i++) {
        char why[400];
        double pct;
        if (!run_case(c, &c->cases[i], i, why, sizeof why, &pct)) {
            say(out, FAIL, "%s", why);
            return 0;
        }
        size_t n = strlen(list);
        snprintf(list + n, sizeof list - n, "%s%s %+.0f%%", i ? ", " : "",
                 c->cases[i].name, pct);
    }
    if (c->ncases == 1) {
        say(out, PASS, "the case flags and clears: %s", list);
    }
    else {
        say(out, PASS, "%zu cases flag and clear: %s", c->ncases, list);
    }
    return 0;
}

/* ---- timing ------------------------------------------------------------- */

static int
stage_timing(struct check *c, void *arg, struct outcome *out)
{
    (void)arg;
    if (!c->has_base) {
        say(out, SKIP, "no --baseline DIR");
        return 0;
    }
    if (!c->has_matrix) {
        say(out, SKIP, "the matrix did not run: %s", c->matrix_why);
        return 0;
    }
    char *argv[] = {"compare", (char *)c->baseline, c->target, NULL};
    struct compare_findings f;
    if (compare_run(3, argv, stdout, &f) == 2) {
        say(out, ADVICE,
            "gclab compare refused the baseline (its line on "
            "stderr)");
        return 0;
    }
    double log_sum = 0.0;
    size_t nwall = 0, slower = 0, times = 0, untested = 0;
    const struct compare_finding *worst = NULL;
    for (size_t i = 0; i < f.n; i++) {
        const struct compare_finding *x = &f.cells[i];
        const char *name = gc_metric_names[x->metric];
        size_t len = strlen(name);
        if (len < 3 || strcmp(name + len - 3, "_ns") != 0) {
            continue;
        }
        times++;
        untested += strcmp(x->verdict, "too few runs") == 0;
        if (strcmp(name, "wall_ns") == 0 && x->base_mean > 0 &&
            x->new_mean > 0) {
            log_sum += log(x->new_mean / x->base_mean);
            nwall++;
        }
        if (strcmp(x->verdict, "regressed") == 0 ||
            strcmp(x->verdict, "slower") == 0) {
            slower++;
            if (worst == NULL || x->change_pct > worst->change_pct) {
                worst = x;
            }
        }
    }
    char most[300] = "";
    if (worst != NULL) {
        snprintf(most, sizeof most, ", most %s of %.80s on %.80s %+.0f%%",
                 gc_metric_names[worst->metric], worst->new_collector,
                 worst->workload, worst->change_pct);
    }
    char tested[64];
    snprintf(tested, sizeof tested, "%zu of %zu time cells slower", slower,
             times);
    if (untested == times) {
        snprintf(tested, sizeof tested, "one run a side, nothing tested");
    }
    say(out, ADVICE,
        "wall time x%.3f (geometric mean of %zu groups); %s%s; %s",
        nwall ? exp(log_sum / (double)nwall) : NAN, nwall, tested, most,
        strcmp(run_build_type(), "release") == 0 ? "never fails"
                                                 : "a debug build's times, "
                                                   "never fails");
    free(f.cells);
    return 0;
}

/* ---- inputs ------------------------------------------------------------- */

/* A case file: "key: value" lines, '#' comments (regressions/README.md). */
static int
load_case(const char *path, struct reg_case *k)
{
    static const char *const required[] = {"name",   "mirrors",  "regressed",
                                           "fixed",  "workload", "size",
                                           "metric", "worse"};
    char *text = gc_read_file(path, NULL);
    if (text == NULL) {
        fprintf(stderr, "gclab check: cannot read %s: %s\n", path,
                strerror(errno));
        return 2;
    }
    *k = (struct reg_case){.repeat = 1, .threshold_pct = 5.0};
    snprintf(k->path, sizeof k->path, "%s", path);
    unsigned seen = 0;
    int lineno = 0, status = 0;
    for (char *line = text, *next; line != NULL && status == 0; line = next) {
        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        lineno++;
        while (*line == ' ' || *line == '\t') {
            line++;
        }
        if (*line == '#' || *line == '\0') {
            continue;
        }
        char *colon = strchr(line, ':');
        if (colon == NULL) {
            fprintf(stderr, "%s:%d: error: expected 'key: value'\n", path,
                    lineno);
            status = 2;
            break;
        }
        *colon = '\0';
        char *val = colon + 1;
        while (*val == ' ' || *val == '\t') {
            val++;
        }
        val[strcspn(val, "\r")] = '\0';
        size_t vlen = strlen(val);
        while (vlen > 0 && (val[vlen - 1] == ' ' || val[vlen - 1] == '\t')) {
            val[--vlen] = '\0';
        }
        const char *key = line;
        char err[256] = "";
        struct gc_workload_spec ws;
        size_t r = 0;
        while (r < COUNT(required) && strcmp(key, required[r]) != 0) {
            r++;
        }
        if (r < COUNT(required)) {
            seen |= 1u << r;
        }
        struct {
            const char *key;
            char *slot;
            size_t bytes;
        } strings[] = {{"name", k->name, sizeof k->name},
                       {"mirrors", k->mirrors, sizeof k->mirrors},
                       {"regressed", k->regressed, sizeof k->regressed},
                       {"fixed", k->fixed, sizeof k->fixed},
                       {"workload", k->workload, sizeof k->workload},
                       {"metric", k->metric, sizeof k->metric},
                       {"issue", k->issue, sizeof k->issue}};
        size_t s = 0;
        while (s < COUNT(strings) && strcmp(key, strings[s].key) != 0) {
            s++;
        }
        if (s < COUNT(strings)) {
            if (vlen == 0 || vlen >= strings[s].bytes) {
                snprintf(err, sizeof err,
                         "%s needs a value of 1 to %zu "
                         "characters",
                         key, strings[s].bytes - 1);
            }
            else {
                memcpy(strings[s].slot, val, vlen + 1);
            }
            struct gc_spec parsed;
            if (err[0] == '\0' &&
                (strcmp(key, "regressed") == 0 || strcmp(key, "fixed") == 0)) {
                gc_spec_parse(val, &parsed, err, sizeof err);
            }
            if (err[0] == '\0' && strcmp(key, "workload") == 0) {
                gc_workload_spec_parse(val, &ws, err, sizeof err);
            }
            if (err[0] == '\0' && strcmp(key, "metric") == 0) {
                k->nmetrics = 0;
                char list[256];
                snprintf(list, sizeof list, "%s", val);
                for (char *save = NULL, *m = strtok_r(list, " \t", &save);
                     m != NULL && err[0] == '\0';
                     m = strtok_r(NULL, " \t", &save)) {
                    if (gc_metric_find(m) == GC_METRIC_COUNT) {
                        snprintf(err, sizeof err,
                                 "no metric '%.100s' (gclab list names "
                                 "them)",
                                 m);
                    }
                    else if (k->nmetrics == 4 || strlen(m) >= 64) {
                        snprintf(err, sizeof err,
                                 "metric names at most 4 metrics");
                    }
                    else {
                        snprintf(k->metrics[k->nmetrics++], 64, "%s", m);
                    }
                }
            }
        }
        else if (strcmp(key, "size") == 0) {
            if (!gc_parse_count(val, 1000000000, &k->size)) {
                snprintf(err, sizeof err,
                         "size needs an integer from 1 to "
                         "1e9");
            }
        }
        else if (strcmp(key, "repeat") == 0) {
            if (!gc_parse_count(val, 100, &k->repeat)) {
                snprintf(err, sizeof err,
                         "repeat needs an integer from 1 "
                         "to 100");
            }
        }
        else if (strcmp(key, "worse") == 0) {
            if (strcmp(val, "higher") != 0 && strcmp(val, "lower") != 0) {
                snprintf(err, sizeof err,
                         "worse is higher or lower, not "
                         "'%s'",
                         val);
            }
            k->higher_is_worse = strcmp(val, "higher") == 0;
        }
        else if (strcmp(key, "threshold") == 0) {
            char *end;
            k->threshold_pct = strtod(val, &end);
            if (end == val || (*end != '\0' && strcmp(end, "%") != 0) ||
                !(k->threshold_pct >= 0 && k->threshold_pct <= 1000)) {
                snprintf(err, sizeof err,
                         "threshold needs a percentage "
                         "from 0 to 1000");
            }
        }
        else if (strcmp(key, "options") == 0) {
            if (strcmp(val, "--retained") == 0) {
                k->retained = true;
            }
            else if (vlen > 0) {
                snprintf(err, sizeof err,
                         "options takes --retained or nothing, not '%.100s'",
                         val);
            }
        }
        else if (strcmp(key, "note") != 0) {
            snprintf(err, sizeof err,
                     "unknown key '%s'; keys: name mirrors issue regressed "
                     "fixed workload size metric worse threshold repeat "
                     "options note",
                     key);
        }
        if (err[0] != '\0') {
            fprintf(stderr, "%s:%d: error: %s\n", path, lineno, err);
            status = 2;
        }
    }
    for (size_t r = 0; status == 0 && r < COUNT(required); r++) {
        if (!(seen & (1u << r))) {
            fprintf(stderr, "%s: error: no '%s:' line\n", path, required[r]);
            status = 2;
        }
    }
    free(text);
    return status;
}

static int
by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every .txt file of the regressions directory, in name order. */
static int
load_cases(struct check *c)
{
    DIR *d = opendir(c->regressions);
    if (d == NULL) {
        fprintf(stderr,
                "gclab check: cannot read %s: %s (--regressions "
                "DIR)\n",
                c->regressions, strerror(errno));
        return 2;
    }
    char *names[MAX_CASES];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < MAX_CASES) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".txt") == 0 &&
            (names[n] = strdup(e->d_name)) != NULL) {
            n++;
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    c->cases = calloc(n ? n : 1, sizeof *c->cases);
    int status = c->cases ? 0 : usage("out of memory", NULL);
    for (size_t i = 0; i < n; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", c->regressions, names[i]);
        if (status == 0) {
            status = load_case(path, &c->cases[c->ncases]);
            c->ncases += status == 0;
        }
        free(names[i]);
    }
    return status;
}

/* A string or number member of a flat JSON line, as text. */
static bool
json_field(const char *line, const char *key, char *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(line, pat);
    if (p == NULL) {
        return false;
    }
    p += strlen(pat);
    bool quoted = *p == '"';
    p += quoted;
    size_t n = 0;
    while (*p && n + 1 < cap &&
           (quoted ? *p != '"' : (*p != ',' && *p != '}'))) {
        if (quoted && *p == '\\' && p[1] != '\0') {
            p++;
        }
        out[n++] = *p++;
    }
    out[n] = '\0';
    return n > 0;
}

/* DIR/icount.jsonl, if there is one: 0, or 2 after one line on stderr. */
static int
load_icounts(struct check *c)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/icount.jsonl", c->baseline);
    char *text = gc_read_file(path, NULL);
    if (text == NULL) {
        return errno == ENOENT ? 0 : usage("cannot read", path);
    }
    size_t lines = 1;
    for (const char *p = text; *p; p++) {
        lines += *p == '\n';
    }
    c->base_icounts = calloc(lines, sizeof *c->base_icounts);
    int status = c->base_icounts ? 0 : usage("out of memory", NULL);
    size_t lineno = 0;
    char level[16];
    snprintf(level, sizeof level, "%d", GCLAB_CHECKS_DEFAULT);
    for (char *line = strtok(text, "\n"); line && status == 0;
         line = strtok(NULL, "\n")) {
        lineno++;
        struct icount *x = &c->base_icounts[c->nbase_icounts];
        char size[32], n[32], build[32] = "", checks[16] = "";
        if (!json_field(line, "collector", x->collector,
                        sizeof x->collector) ||
            !json_field(line, "workload", x->workload, sizeof x->workload) ||
            !json_field(line, "size", size, sizeof size) ||
            !json_field(line, "instructions", n, sizeof n) ||
            !gc_parse_count(size, 1000000000, &x->size) ||
            !gc_parse_count(n, UINT64_MAX, &x->instructions)) {
            fprintf(stderr,
                    "%s:%zu: error: not an instruction count "
                    "(collector, workload, size, instructions)\n",
                    path, lineno);
            status = 2;
        }
        else if (!json_field(line, "build_type", build, sizeof build) ||
                 strcmp(build, run_build_type()) != 0 ||
                 !json_field(line, "check_level", checks, sizeof checks) ||
                 strcmp(checks, level) != 0) {
            fprintf(stderr,
                    "%s:%zu: error: counted on a %s build with "
                    "check level %s; this is a %s build with check "
                    "level %s\n",
                    path, lineno, build, checks, run_build_type(), level);
            status = 2;
        }
        c->nbase_icounts += status == 0;
    }
    free(text);
    return status;
}

static bool
has_string(const char *const *list, int n, const char *s)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(list[i], s) == 0) {
            return true;
        }
    }
    return false;
}

/* The baseline's records, and the matrix they ran: its collectors (when
 * none were named), workloads, sizes, repetitions and first seed. */
static int
load_baseline(struct check *c)
{
    int status = results_read("check", c->baseline, false, &c->base);
    if (status != 0) {
        return status;
    }
    c->has_base = true;
    char level[16], lb[16], bb[16];
    snprintf(level, sizeof level, "%d", GCLAB_CHECKS_DEFAULT);
    const struct record_meta *m = &c->base.meta[0];
    const char *build_type = record_text(m, "build_type", bb, sizeof bb);
    const char *check_level = record_text(m, "check_level", lb, sizeof lb);
    if (strcmp(build_type, run_build_type()) != 0 ||
        strcmp(check_level, level) != 0) {
        fprintf(stderr,
                "gclab check: %s:%zu: the baseline is of a %s build "
                "with check level %s; this is a %s build with check "
                "level %s\n",
                m->source, m->lineno, build_type, check_level,
                run_build_type(), level);
        return 2;
    }
    status = results_check_build("check", m, &c->base, false);
    bool named = c->ncollectors > 0;
    uint64_t reps = 0;
    for (size_t i = 0; status == 0 && i < c->base.total; i++) {
        const struct record *r = &c->base.recs[i];
        if (!named &&
            !has_string(c->collectors, c->ncollectors, r->item.collector)) {
            if (c->ncollectors == MAX_COLLECTORS) {
                return usage("the baseline has more than 16 collectors", NULL);
            }
            c->collectors[c->ncollectors++] = r->item.collector;
        }
        const char *w = c->base.workloads[r->item.workload];
        if (!has_string(c->workloads, c->nworkloads, w)) {
            c->workloads[c->nworkloads++] = w;
        }
        int z = 0;
        while (z < c->nsizes && c->sizes[z] != r->item.size) {
            z++;
        }
        if (z == c->nsizes) {
            if (z == MAX_SIZES) {
                return usage("the baseline has more than 8 sizes", NULL);
            }
            c->sizes[c->nsizes++] = r->item.size;
        }
        reps = r->item.rep + 1 > reps ? r->item.rep + 1 : reps;
        if (i == 0) {
            uint64_t seed = r->item.seed;
            c->matrix_seed = seed > r->item.rep ? seed - r->item.rep : 1;
        }
    }
    c->repeat = reps;
    for (int k = 0; status == 0 && named && k < c->ncollectors; k++) {
        bool found = false;
        for (size_t i = 0; i < c->base.total && !found; i++) {
            found =
                strcmp(c->base.recs[i].item.collector, c->collectors[k]) == 0;
        }
        if (!found) {
            fprintf(stderr,
                    "gclab check: the baseline %s has no runs of "
                    "collector '%s'; make one with --write-baseline "
                    "DIR\n",
                    c->baseline, c->collectors[k]);
            status = 2;
        }
    }
    return status == 0 ? load_icounts(c) : status;
}

static int
parse_stages(struct check *c, const char *list)
{
    char copy[256];
    snprintf(copy, sizeof copy, "%s", list);
    for (int s = 0; s < NSTAGES; s++) {
        c->stages[s] = false;
    }
    for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
        int s = 0;
        while (s < NSTAGES && strcmp(tok, stage_names[s]) != 0) {
            s++;
        }
        if (s == NSTAGES) {
            return usage("--stages takes conform, goldens, differential, "
                         "exact, icount, regressions, timing; not",
                         tok);
        }
        c->stages[s] = true;
    }
    return 0;
}

static int
parse_args(struct check *c, int argc, char **argv)
{
    for (int s = 0; s < NSTAGES; s++) {
        c->stages[s] = true;
    }
    c->scenarios = "tests/scenarios";
    c->regressions = "regressions";
    c->seeds = DEFAULT_SEEDS;
    c->repeat = DEFAULT_REPEAT;
    c->icount_limit_pct = ICOUNT_LIMIT_PCT;
    gc_place_init(&c->place);
    bool has_seed = false;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--verbose") == 0) {
            c->verbose = true;
            continue;
        }
        if (i + 1 >= argc) {
            return usage("unknown or incomplete option", opt);
        }
        const char *val = argv[++i];
        int placed = gc_place_option(&c->place, "check", opt, val);
        if (placed != 0) {
            if (placed == 2) {
                return 2;
            }
            continue;
        }
        if (strcmp(opt, "--collector") == 0) {
            char err[256];
            if (c->ncollectors == MAX_COLLECTORS) {
                return usage("at most 16 --collector; not", val);
            }
            struct gc_spec parsed;
            if (gc_spec_parse(val, &parsed, err, sizeof err) != GC_OK) {
                fprintf(stderr, "gclab check: %s\n", err);
                return 2;
            }
            c->collectors[c->ncollectors++] = val;
        }
        else if (strcmp(opt, "--baseline") == 0) {
            c->baseline = val;
        }
        else if (strcmp(opt, "--write-baseline") == 0) {
            c->write_baseline = val;
        }
        else if (strcmp(opt, "--stages") == 0) {
            if (parse_stages(c, val) != 0) {
                return 2;
            }
        }
        else if (strcmp(opt, "--scenarios") == 0) {
            c->scenarios = val;
        }
        else if (strcmp(opt, "--regressions") == 0) {
            c->regressions = val;
        }
        else if (strcmp(opt, "--gclab") == 0) {
            if (access(val, X_OK) != 0) {
                return usage("--gclab needs the gclab binary; cannot run",
                             val);
            }
            c->gclab = val;
        }
        else if (strcmp(opt, "--seeds") == 0) {
            if (!gc_parse_count(val, 1000000, &c->seeds)) {
                return usage("--seeds needs an integer from 1 to 1e6, not",
                             val);
            }
        }
        else if (strcmp(opt, "--seed") == 0) {
            if (!gc_parse_count(val, UINT64_MAX / 2, &c->first_seed)) {
                return usage("--seed needs a positive integer, not", val);
            }
            has_seed = true;
        }
        else if (strcmp(opt, "--repeat") == 0) {
            if (!gc_parse_count(val, 100, &c->repeat)) {
                return usage("--repeat needs an integer from 1 to 100, not",
                             val);
            }
        }
        else if (strcmp(opt, "--icount-limit") == 0) {
            char *end;
            c->icount_limit_pct = strtod(val, &end);
            if (end == val || (*end != '\0' && strcmp(end, "%") != 0) ||
                !(c->icount_limit_pct >= 0 && c->icount_limit_pct <= 100)) {
                return usage("--icount-limit needs a percentage from 0 to "
                             "100, not",
                             val);
            }
        }
        else {
            return usage("unknown option", opt);
        }
    }
    if (!has_seed) {
        /* Random by default, so that each check tries new programs; the
         * summary names the seeds, and --seed replays them. */
        c->first_seed =
            ((uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid()) %
                1000000000u +
            1;
    }
    if (c->gclab == NULL) {
        ssize_t n =
            readlink("/proc/self/exe", c->gclab_buf, sizeof c->gclab_buf - 1);
        c->gclab_buf[n > 0 ? n : 0] = '\0';
        c->gclab = c->gclab_buf;
    }
    return 0;
}

/* Everything that can be bad input, before anything runs. */
static int
validate(struct check *c)
{
    if (c->write_baseline != NULL &&
        (getenv("GCLAB_DEBUG_EXTRA_TRAVERSE") || getenv("GCLAB_CHECKS") ||
         getenv("GCLAB_STRESS"))) {
        return usage("will not write a baseline under GCLAB_CHECKS, "
                     "GCLAB_STRESS or GCLAB_DEBUG_EXTRA_TRAVERSE, which "
                     "change what is counted;",
                     c->write_baseline);
    }
    struct stat st;
    if (c->stages[GOLDENS] &&
        (stat(c->scenarios, &st) != 0 || !S_ISDIR(st.st_mode))) {
        return usage("no scenario directory (--scenarios DIR):", c->scenarios);
    }
    if (c->baseline != NULL) {
        int status = load_baseline(c);
        if (status != 0) {
            return status;
        }
    }
    else {
        for (size_t w = 0; w < COUNT(default_workloads); w++) {
            c->workloads[c->nworkloads++] = default_workloads[w];
        }
        c->sizes[c->nsizes++] = DEFAULT_SIZE;
        c->matrix_seed = 1;
    }
    if (c->ncollectors == 0) {
        for (size_t k = 0; k < COUNT(default_collectors); k++) {
            c->collectors[c->ncollectors++] = default_collectors[k];
        }
    }
    if (c->stages[REGRESSIONS]) {
        int status = load_cases(c);
        if (status != 0) {
            return status;
        }
    }
    if (c->write_baseline != NULL) {
        char parent[4096];
        snprintf(parent, sizeof parent, "%s", c->write_baseline);
        char *slash = strrchr(parent, '/');
        if (slash != NULL) {
            *slash = '\0';
        }
        if (slash != NULL && parent[0] != '\0' && gc_mkdir_p(parent) != 0) {
            return usage("cannot create the parent of", c->write_baseline);
        }
        if (stat(c->write_baseline, &st) == 0 && !S_ISDIR(st.st_mode)) {
            return usage("--write-baseline needs a directory, not",
                         c->write_baseline);
        }
    }
    return 0;
}

/* ---- the baseline, written whole ---------------------------------------- */

/* DIR.new-XXXXXX becomes DIR: swapped in one step where the kernel can
 * (renameat2 RENAME_EXCHANGE), so a reader sees the old baseline or the
 * new one; then the old one is removed. */
static int
install_baseline(struct check *c)
{
    const char *dir = c->write_baseline;
    if (rename(c->newbase, dir) == 0) {
        c->newbase[0] = '\0';
        return 0;
    }
    if (errno != EEXIST && errno != ENOTEMPTY) {
        return -1;
    }
    if (renameat2(AT_FDCWD, c->newbase, AT_FDCWD, dir, RENAME_EXCHANGE) != 0) {
        /* No exchange here: the old one steps aside first. */
        char old[4200];
        snprintf(old, sizeof old, "%s.old", c->newbase);
        if (rename(dir, old) != 0) {
            return -1;
        }
        if (rename(c->newbase, dir) != 0) {
            rename(old, dir);
            return -1;
        }
        gc_remove_tree(old);
        c->newbase[0] = '\0';
        return 0;
    }
    gc_remove_tree(c->newbase); /* now the old baseline */
    c->newbase[0] = '\0';
    return 0;
}

/* ---- gclab check -------------------------------------------------------- */

static child_fn *const stage_fns[NSTAGES] = {
    stage_conform, stage_goldens,     stage_differential, stage_exact,
    stage_icount,  stage_regressions, stage_timing};

static void
help(void)
{
    printf("usage: gclab check [--collector SPEC]... [--baseline DIR] "
           "[--write-baseline DIR]\n"
           "         [--stages LIST] [--seeds N] [--seed N] [--repeat N] "
           "[--icount-limit PCT]\n"
           "         [--scenarios DIR] [--regressions DIR] [--gclab PATH] "
           "[--verbose]\n"
           "         [--cpu N|auto|none] [--order random|sequential] "
           "[--order-seed S]\n"
           "The CI gate for a collector change, one line per stage:\n"
           "  conform       the conformance suite, every profile\n"
           "  goldens       the scenario goldens from real CPython\n"
           "  differential  random programs free what cpython frees\n"
           "  exact         exact counters of a small matrix = the "
           "baseline's\n"
           "  icount        instructions of one run (callgrind) within +1%% "
           "of the baseline's\n"
           "  regressions   each known regression is flagged, and its fix "
           "clears\n"
           "  timing        wall and GC time against the baseline: advice, "
           "never fails\n"
           "Collectors default to the baseline's, else cpython full "
           "incremental trialdel.\n"
           "--write-baseline DIR writes a new baseline, whole or not at "
           "all. Exit 0: no\n"
           "stage failed; 1: one did; 2: bad input.  docs/check.md.\n");
}

int
gc_cmd_check(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        help();
        return 0;
    }
    struct check *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return usage("out of memory", NULL);
    }
    int status = parse_args(c, argc, argv);
    if (status == 0) {
        status = validate(c);
    }
    if (status == 0) {
        status = gc_place_setup(&c->place, "check");
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(c->work, sizeof c->work, "%s/gclab-check-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (status == 0 && mkdtemp(c->work) == NULL) {
        status = usage("cannot make a scratch directory", c->work);
        c->work[0] = '\0';
    }
    if (status == 0 && c->write_baseline != NULL) {
        snprintf(c->newbase, sizeof c->newbase, "%s.new-XXXXXX",
                 c->write_baseline);
        if (mkdtemp(c->newbase) == NULL) {
            status =
                usage("cannot make a directory beside", c->write_baseline);
            c->newbase[0] = '\0';
        }
    }
    if (status != 0) {
        if (c->work[0] != '\0' && strstr(c->work, "XXXXXX") == NULL) {
            gc_remove_tree(c->work);
        }
        results_free(&c->base);
        free(c->base_icounts);
        free(c->cases);
        free(c);
        return status;
    }
    snprintf(c->target, sizeof c->target, "%s",
             c->write_baseline ? c->newbase : c->work);
    printf("gclab check (%s build, revision %s):", run_build_type(),
           GCLAB_REVISION);
    for (int k = 0; k < c->ncollectors; k++) {
        printf(" %s", c->collectors[k]);
    }
    printf("%s%s%s%s\n", c->baseline ? "; baseline " : "",
           c->baseline ? c->baseline : "",
           c->write_baseline ? "; writing " : "",
           c->write_baseline ? c->write_baseline : "");
    fflush(stdout);
    /* The matrix runs once, here, for the stages that read it -- and
     * always for a new baseline, which is whole whatever --stages says. */
    if (c->write_baseline ||
        ((c->stages[EXACT] || c->stages[TIMING]) && c->has_base)) {
        c->has_matrix =
            run_cells(c->collectors, c->ncollectors, c->workloads,
                      c->nworkloads, c->sizes, c->nsizes, c->repeat,
                      c->matrix_seed, true, &c->place, c->target,
                      &c->matrix_runs,
                      c->matrix_why, sizeof c->matrix_why) == 0;
    }
    struct gc_buf details = {0};
    int failed = 0;
    char failed_names[200] = "";
    for (int s = 0; s < NSTAGES; s++) {
        struct outcome o = {.v = SKIP};
        snprintf(o.reason, sizeof o.reason, "not selected (--stages)");
        FILE *capture = c->stages[s] ? tmpfile() : NULL;
        if (c->stages[s] && capture == NULL) {
            say(&o, FAIL, "cannot make a temporary file");
        }
        else if (c->stages[s]) {
            int rc = in_child(stage_fns[s], c, NULL, &o, capture);
            if (rc != 0) {
                say(&o, FAIL, "the stage %s %d",
                    rc > 128 ? "died of signal" : "exited with",
                    rc > 128 ? rc - 128 : rc);
            }
            rewind(capture);
            char *text = gc_read_stream(capture, NULL);
            gc_buf_printf(&details, "==== %s: %s %s\n%s", stage_names[s],
                          verdict_names[o.v], o.reason, text ? text : "");
            free(text);
            fclose(capture);
        }
        if (o.v == FAIL) {
            size_t n = strlen(failed_names);
            snprintf(failed_names + n, sizeof failed_names - n, "%s%s",
                     failed++ ? ", " : "", stage_names[s]);
        }
        printf("%-6s  %-12s  %s\n", verdict_names[o.v], stage_names[s],
               o.reason);
        fflush(stdout);
    }
    if (c->write_baseline != NULL) {
        if (failed > 0 || !c->has_matrix) {
            printf("baseline %s: not written (%s)\n", c->write_baseline,
                   failed ? "a stage failed" : "the matrix did not run");
            failed += failed == 0;
        }
        else if (install_baseline(c) != 0) {
            printf("baseline %s: could not be installed: %s\n",
                   c->write_baseline, strerror(errno));
            failed++;
        }
        else {
            printf("baseline %s: written (%zu runs%s)\n", c->write_baseline,
                   c->matrix_runs,
                   c->stages[ICOUNT] ? ", instruction counts" : "");
        }
    }
    if (failed > 0) {
        printf("check: FAIL (%s)\n",
               failed_names[0] ? failed_names : "baseline");
    }
    else {
        printf("check: PASS\n");
    }
    if (c->verbose && details.data != NULL) {
        printf("\n%s", details.data);
    }
    fflush(stdout);
    free(details.data);
    if (c->newbase[0] != '\0') {
        gc_remove_tree(c->newbase);
    }
    gc_remove_tree(c->work);
    results_free(&c->base);
    free(c->base_icounts);
    free(c->cases);
    free(c);
    return failed > 0 ? 1 : 0;
}

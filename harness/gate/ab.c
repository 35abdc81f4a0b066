/* harness/gate/ab.c -- gclab compare --ab A B [--canary C] [run args...]: two
 * gclab binaries (two builds, say the base branch's and the pull
 * request's) measured in one job.  Each invocation is `BIN run ARGS
 * --out DIR/side-NN`; the invocations go round by round, every side once
 * a round, in an order shuffled by a seeded generator, so that drift in
 * the machine (a neighbour's job, thermal state) falls on both sides
 * alike and no side always runs first.  Then each side's records are
 * joined into one results.jsonl and compared with compare_run: the same
 * options, tests, verdicts and exit status as gclab compare.
 *
 * A canary is a third binary that is known to be worse (a build with a
 * deliberate slip); it is compared with A the same way, and if that
 * comparison does not flag it the job could not have seen a regression
 * of its size, so the A/B verdict proves nothing: exit 1 either way.
 *
 * With --max-runs M, the rounds go on past --runs, a few at a time,
 * until every gating cell's minimum detectable effect is within the
 * threshold or M rounds ran: the job stops when it can see a change of
 * the size it gates on, which a noisy spell of the machine delays. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include "gate.h"
#include "measure.h"

#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 128
#define MAX_RUNS 1000

struct ab {
    const char *bins[3]; /* A, B, canary */
    int nsides;
    uint64_t runs;     /* --runs: the rounds always run */
    uint64_t max_runs; /* --max-runs: more rounds until precise, to this */
    uint64_t rounds;   /* the rounds run so far */
    uint64_t rng;      /* the order generator, carried across batches */
    struct gc_buf joined[3]; /* each side's records so far */
    struct gc_place place;   /* --cpu, --order, --order-seed */
    char cpu_arg[16];        /* the CPU every run is given */
    const char *keep;
    char *compare_args[MAX_ARGS]; /* after "compare BASE NEW" */
    int ncompare;
    char *run_args[MAX_ARGS];
    int nrun;
    bool is_json;
    char work[4096];
};

static const char *const side_names[] = {"a", "b", "canary"};

static int
usage(const char *msg, const char *arg)
{
    return gc_usage_error("compare", msg, arg);
}

/* compare's own options, which take a value each. */
static bool
is_compare_option(const char *opt)
{
    static const char *const names[] = {"--metric", "--threshold", "--alpha",
                                        "--test",   "--format",    "--pair"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (strcmp(opt, names[i]) == 0) {
            return true;
        }
    }
    return false;
}

static int
parse(struct ab *ab, int argc, char **argv)
{
    bool rest_is_run = false;
    gc_place_init(&ab->place);
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (rest_is_run || strcmp(opt, "--") == 0) {
            if (rest_is_run && ab->nrun < MAX_ARGS - 4) {
                ab->run_args[ab->nrun++] = argv[i];
            }
            rest_is_run = true;
            continue;
        }
        if (strcmp(opt, "--ab") == 0) {
            if (i + 2 >= argc) {
                return usage("--ab needs two gclab binaries, BUILD_A "
                             "BUILD_B",
                             NULL);
            }
            ab->bins[0] = argv[++i];
            ab->bins[1] = argv[++i];
            continue;
        }
        if (strcmp(opt, "--canary") == 0 || strcmp(opt, "--runs") == 0 ||
            strcmp(opt, "--max-runs") == 0 ||
            strcmp(opt, "--order-seed") == 0 || strcmp(opt, "--keep") == 0 ||
            strcmp(opt, "--cpu") == 0 || strcmp(opt, "--order") == 0 ||
            is_compare_option(opt)) {
            if (i + 1 >= argc) {
                return usage("needs a value:", opt);
            }
            const char *val = argv[++i];
            int placed = gc_place_option(&ab->place, "compare", opt, val);
            if (placed == 2) {
                return 2;
            }
            if (placed == 1) {
                continue;
            }
            if (strcmp(opt, "--canary") == 0) {
                ab->bins[2] = val;
            }
            else if (strcmp(opt, "--runs") == 0) {
                if (!gc_parse_count(val, MAX_RUNS, &ab->runs)) {
                    return usage("--runs needs an integer from 1 to 1000, "
                                 "not",
                                 val);
                }
            }
            else if (strcmp(opt, "--max-runs") == 0) {
                if (!gc_parse_count(val, MAX_RUNS, &ab->max_runs)) {
                    return usage("--max-runs needs an integer from 1 to "
                                 "1000, not",
                                 val);
                }
            }
            else if (strcmp(opt, "--keep") == 0) {
                ab->keep = val;
            }
            else if (ab->ncompare < MAX_ARGS - 4) {
                ab->compare_args[ab->ncompare++] = (char *)opt;
                ab->compare_args[ab->ncompare++] = (char *)val;
                ab->is_json |=
                    strcmp(opt, "--format") == 0 && strcmp(val, "json") == 0;
            }
            continue;
        }
        if (strcmp(opt, "--out") == 0) {
            return usage("--ab gives each run its own --out; keep them with "
                         "--keep DIR, not",
                         opt);
        }
        if (ab->nrun < MAX_ARGS - 4) {
            ab->run_args[ab->nrun++] = argv[i];
        }
    }
    ab->nsides = ab->bins[2] != NULL ? 3 : 2;
    if (ab->max_runs == 0) {
        ab->max_runs = ab->runs;
    }
    if (ab->max_runs < ab->runs) {
        char both[64];
        snprintf(both, sizeof both, "%llu < --runs %llu",
                 (unsigned long long)ab->max_runs,
                 (unsigned long long)ab->runs);
        return usage("--max-runs must be at least --runs, not", both);
    }
    for (int s = 0; s < ab->nsides; s++) {
        if (access(ab->bins[s], X_OK) != 0) {
            return usage(s == 2 ? "--canary needs a gclab binary; cannot run"
                                : "--ab needs two gclab binaries; cannot run",
                         ab->bins[s]);
        }
    }
    /* Each round made one run a side, side by side: compare them pair
     * by pair unless --test says otherwise, so that what slowed a round
     * slows both of its runs and cancels (docs/compare.md). */
    bool has_test = false;
    for (int k = 0; k < ab->ncompare; k += 2) {
        has_test |= strcmp(ab->compare_args[k], "--test") == 0;
    }
    if (!has_test) {
        ab->compare_args[ab->ncompare++] = "--test";
        ab->compare_args[ab->ncompare++] = "paired";
    }
    /* compare's options, checked before anything runs. */
    char *probe[MAX_ARGS + 4] = {"compare", "BASE", "NEW"};
    for (int k = 0; k < ab->ncompare; k++) {
        probe[3 + k] = ab->compare_args[k];
    }
    if (!compare_options_valid(3 + ab->ncompare, probe)) {
        return 2;
    }
    /* Both builds' runs on one CPU, chosen here: each run is given it,
     * since this process leaves it and a run's own auto would then
     * choose another. */
    if (gc_place_setup(&ab->place, "compare") != 0) {
        return 2;
    }
    snprintf(ab->cpu_arg, sizeof ab->cpu_arg, "none");
    if (ab->place.cpu >= 0) {
        snprintf(ab->cpu_arg, sizeof ab->cpu_arg, "%d", ab->place.cpu);
    }
    return 0;
}

/* BIN run ARGS --out DIR, its stdout to /dev/null and stderr to log;
 * the exit status, or 128 + signal, or -1. */
static int
invoke(const struct ab *ab, int side, const char *dir, const char *log)
{
    char *argv[MAX_ARGS + 8];
    int n = 0;
    argv[n++] = (char *)ab->bins[side];
    argv[n++] = "run";
    for (int k = 0; k < ab->nrun; k++) {
        argv[n++] = ab->run_args[k];
    }
    argv[n++] = "--cpu";
    argv[n++] = (char *)ab->cpu_arg;
    argv[n++] = "--out";
    argv[n++] = (char *)dir;
    argv[n] = NULL;
    int err = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int rc = run_command(argv, err);
    if (err >= 0) {
        close(err);
    }
    return rc;
}

/* The first line of a file, for a one-line error. */
static void
first_line(const char *path, char *out, size_t cap)
{
    char *text = gc_read_file(path, NULL);
    out[0] = '\0';
    if (text != NULL) {
        const char *p = text;
        while (*p == '[') { /* progress lines of gclab run */
            p = strchr(p, '\n');
            p = p ? p + 1 : "";
        }
        snprintf(out, cap, "%.*s", (int)strcspn(p, "\n"), p);
    }
    free(text);
}

/* Rounds ab->rounds + 1 to last, each side once a round in a shuffled
 * order, each run's records added to its side's.  0, or 2 after one
 * line on stderr. */
static int
run_rounds(struct ab *ab, uint64_t last)
{
    for (; ab->rounds < last; ab->rounds++) {
        int order[3] = {0, 1, 2};
        if (!ab->place.is_sequential) {
            gc_shuffle(order, (size_t)ab->nsides, sizeof *order, &ab->rng);
        }
        for (int i = 0; i < ab->nsides; i++) {
            int s = order[i];
            char dir[4300], log[4400], path[4400];
            snprintf(dir, sizeof dir, "%s/%s-%03llu", ab->work, side_names[s],
                     (unsigned long long)ab->rounds + 1);
            snprintf(log, sizeof log, "%s.log", dir);
            int rc = invoke(ab, s, dir, log);
            snprintf(path, sizeof path, "%s/results.jsonl", dir);
            char *text = gc_read_file(path, NULL);
            if (rc == 2 || rc < 0 || rc > 1 || text == NULL) {
                char line[300];
                first_line(log, line, sizeof line);
                fprintf(stderr,
                        "gclab compare: %s run ... exited with %d: %s\n",
                        ab->bins[s], rc, line[0] ? line : "(no message)");
                free(text);
                return 2;
            }
            /* Progress after each run, so that bad run arguments, found
             * by the first, are one line on stderr. */
            uint64_t k = ab->rounds * (uint64_t)ab->nsides + (uint64_t)i + 1;
            if (k == 1) {
                fprintf(stderr,
                        "gclab compare --ab: %llu runs a side%s, order seed "
                        "%llu, CPU %s\n",
                        (unsigned long long)ab->runs,
                        ab->max_runs > ab->runs ? " or more" : "",
                        (unsigned long long)ab->place.order_seed, ab->cpu_arg);
            }
            fprintf(stderr, "[%llu/%llu] %s: %s run%s\n",
                    (unsigned long long)k,
                    (unsigned long long)(last * (uint64_t)ab->nsides),
                    side_names[s], ab->bins[s],
                    rc ? " (a run failed; its record says how)" : "");
            gc_buf_printf(&ab->joined[s], "%s", text);
            free(text);
        }
    }
    return 0;
}

/* Each side's records so far, joined in DIR/SIDE/results.jsonl. */
static int
write_sides(const struct ab *ab)
{
    for (int s = 0; s < ab->nsides; s++) {
        char dir[4300], path[4400];
        snprintf(dir, sizeof dir, "%s/%s", ab->work, side_names[s]);
        snprintf(path, sizeof path, "%s/results.jsonl", dir);
        if (gc_mkdir_p(dir) != 0 || gc_write_atomic(path, ab->joined[s].data,
                                                    ab->joined[s].len) != 0) {
            return usage("cannot write", path);
        }
    }
    return 0;
}

/* compare_run of two joined sides, with the user's compare options. */
static int
compare_sides(const struct ab *ab, int base, int new, FILE *report,
              struct compare_findings *found)
{
    char a[4300], b[4300];
    snprintf(a, sizeof a, "%s/%s", ab->work, side_names[base]);
    snprintf(b, sizeof b, "%s/%s", ab->work, side_names[new]);
    char *argv[MAX_ARGS + 4] = {"compare", a, b};
    for (int k = 0; k < ab->ncompare; k++) {
        argv[3 + k] = ab->compare_args[k];
    }
    argv[3 + ab->ncompare] = NULL;
    return compare_run(3 + ab->ncompare, argv, report, found);
}

/* With --max-runs: true when every tested gating cell of A against B
 * has an MDE within compare's threshold, so that more rounds would not
 * sharpen the verdict.  The rule looks at precision only, never at a
 * p-value, so stopping on it does not raise the false alarms.  A line
 * on stderr says why more rounds follow; *status 2 when the comparison
 * itself failed. */
static bool
is_precise(const struct ab *ab, int *status)
{
    if (ab->max_runs <= ab->runs) {
        return true;
    }
    struct compare_findings f = {0};
    int rc = compare_sides(ab, 0, 1, NULL, &f);
    if (rc == 2) {
        *status = 2;
        free(f.cells);
        return true;
    }
    const struct compare_finding *worst = NULL;
    for (size_t i = 0; i < f.n; i++) {
        const struct compare_finding *c = &f.cells[i];
        bool is_open = c->gate && !c->exact &&
                       (isnan(c->mde_pct) || c->mde_pct > c->threshold_pct);
        if (is_open && (worst == NULL || isnan(c->mde_pct) ||
                        c->mde_pct > worst->mde_pct)) {
            worst = c;
        }
    }
    if (worst != NULL && ab->rounds < ab->max_runs) {
        fprintf(stderr,
                "gclab compare --ab: after %llu rounds the MDE of %s on %s "
                "is %.1f%%, above the %g%% threshold: more rounds\n",
                (unsigned long long)ab->rounds, gc_metric_names[worst->metric],
                worst->workload, worst->mde_pct, worst->threshold_pct);
    }
    free(f.cells);
    return worst == NULL;
}

/* The last round of the next batch: half of --runs more (at least
 * one), so that the MDE, which shrinks as 1/sqrt(rounds), is looked at
 * often early and rarely late, never past --max-runs. */
static uint64_t
next_batch_end(const struct ab *ab)
{
    uint64_t step = ab->runs / 2 ? ab->runs / 2 : 1;
    uint64_t last = ab->rounds + step;
    return last < ab->max_runs ? last : ab->max_runs;
}

int
compare_ab(int argc, char **argv)
{
    struct ab ab = {.runs = 10};
    int status = parse(&ab, argc, argv);
    if (status != 0) {
        return status;
    }
    if (ab.keep != NULL) {
        snprintf(ab.work, sizeof ab.work, "%s", ab.keep);
        if (gc_mkdir_p(ab.work) != 0) {
            return usage("cannot create", ab.keep);
        }
    }
    else {
        const char *tmp = getenv("TMPDIR");
        snprintf(ab.work, sizeof ab.work, "%s/gclab-ab-XXXXXX",
                 tmp && *tmp ? tmp : "/tmp");
        if (mkdtemp(ab.work) == NULL) {
            return usage("cannot make a scratch directory", ab.work);
        }
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ab.rng = ab.place.order_seed;
    status = run_rounds(&ab, ab.runs);
    if (status == 0) {
        status = write_sides(&ab);
    }
    bool precise = true;
    while (status == 0) {
        precise = is_precise(&ab, &status);
        if (precise || status != 0 || ab.rounds >= ab.max_runs) {
            break;
        }
        status = run_rounds(&ab, next_batch_end(&ab));
        if (status == 0) {
            status = write_sides(&ab);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (status == 0) {
        status = compare_sides(&ab, 0, 1, stdout, NULL);
    }
    if (status != 2 && ab.max_runs > ab.runs) {
        double secs = (double)(t1.tv_sec - t0.tv_sec) +
                      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        char line[300];
        snprintf(line, sizeof line, "rounds: %llu a side in %.1f s; %s\n",
                 (unsigned long long)ab.rounds, secs,
                 precise ? "every gating cell's MDE is within its threshold"
                         : "--max-runs reached with a gating cell's MDE "
                           "above its threshold");
        fputs(line, stderr);
        if (!ab.is_json) {
            printf("\n%s", line);
        }
    }
    if (status != 2 && ab.nsides == 3) {
        struct compare_findings f;
        int canary = compare_sides(&ab, 0, 2, NULL, &f);
        size_t regressed = 0;
        for (size_t i = 0; i < f.n; i++) {
            regressed += strcmp(f.cells[i].verdict, "regressed") == 0;
        }
        free(f.cells);
        if (canary == 2) {
            status = 2;
        }
        else if (regressed == 0) {
            /* The A/B verdict cannot be trusted: say so, fail the job. */
            if (!ab.is_json) {
                printf("\ncanary %s: NOT flagged against %s; this job could "
                       "not have seen a regression of the canary's size, so "
                       "its verdict proves nothing\n",
                       ab.bins[2], ab.bins[0]);
            }
            fprintf(stderr, "gclab compare: the canary %s was not flagged\n",
                    ab.bins[2]);
            status = 1;
        }
        else if (!ab.is_json) {
            printf("\ncanary %s: flagged against %s (%zu regressed cell%s): "
                   "this job could see a regression of its size\n",
                   ab.bins[2], ab.bins[0], regressed,
                   regressed == 1 ? "" : "s");
        }
    }
    for (int s = 0; s < 3; s++) {
        free(ab.joined[s].data);
    }
    if (ab.keep == NULL) {
        gc_remove_tree(ab.work);
    }
    fflush(stdout);
    return status;
}

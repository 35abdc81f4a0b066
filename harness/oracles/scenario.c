/* harness/oracles/scenario.c -- gclab scenario and gclab oracle: run a scenario
 * on the model, translate it to Python, compare event logs (statement
 * order significant; within one, kinds of event in order, each run of
 * one kind a multiset), and hold any
 * interpreter up against the committed goldens. */
#define _DEFAULT_SOURCE /* mkstemp */
#include "harness.h"
#include "oracles.h"
#include "measure.h"
#include "scenario-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int
gc_scenario_run_file(const char *path, const char *profile_name,
                     const char *collector, FILE *out, FILE *err)
{
    struct gc_spec spec;
    char msg[256];
    if (gc_spec_parse(collector, &spec, msg, sizeof msg) != GC_OK) {
        fprintf(err, "gclab scenario: %s\n", msg);
        return 2;
    }
    enum gc_profile profile;
    if (profile_name != NULL) {
        if (gc_profile_parse(profile_name, &profile) != GC_OK) {
            fprintf(err,
                    "gclab scenario: unknown profile '%s'; profiles: "
                    GC_PROFILE_NAMES "\n",
                    profile_name);
            return 2;
        }
        if (spec.has_profile && spec.profile != profile) {
            fprintf(err,
                    "gclab scenario: --profile %s disagrees with the "
                    "collector's profile=%s\n",
                    profile_name, gc_profile_name(spec.profile));
            return 2;
        }
    }
    struct scn_program prog;
    if (profile_name == NULL && spec.has_profile) {
        profile = spec.profile;
    }
    else if (profile_name == NULL) {
        if (!scn_load(path, GC_PROFILE_DEFAULT, true, &prog, err)) {
            return 2;
        }
        profile = scn_default_profile(&prog);
        scn_free(&prog);
    }
    if (!scn_load(path, profile, false, &prog, err)) {
        return 2;
    }
    /* The run adds profile= itself. */
    char bare[300];
    snprintf(bare, sizeof bare, "%s", spec.collector->name);
    for (size_t i = 0; i < spec.nopts; i++) {
        size_t n = strlen(bare);
        snprintf(bare + n, sizeof bare - n, "%c%s=%s", i ? ',' : ':',
                 spec.opts[i].key, spec.opts[i].value);
    }
    int status = scn_run(&prog, profile, bare, out, err);
    scn_free(&prog);
    return status;
}

int
gc_scenario_check(const char *name, const char *data, size_t len,
                  const char *profile_name, FILE *out, FILE *err)
{
    enum gc_profile profile = GC_PROFILE_DEFAULT;
    if (profile_name != NULL && gc_profile_parse(profile_name, &profile) !=
                                    GC_OK) {
        fprintf(err, "gclab scenario: unknown profile '%s'\n", profile_name);
        return 2;
    }
    struct scn_program prog;
    if (!scn_parse(name, data, len, profile, profile_name == NULL, &prog,
                   err)) {
        return 2;
    }
    if (profile_name == NULL && out != NULL) {
        scn_emit_python(&prog, out);
    }
    scn_free(&prog);
    return 0;
}

/* ---- comparing logs ---------------------------------------------------- */

struct log_line {
    long line;
    const char *text; /* the event, after "LINE: " */
};

/* Splits a log into lines; NULL text and line -1 for a malformed one. */
static struct log_line *
parse_log(char *buf, size_t *n)
{
    size_t cap = 64, k = 0;
    struct log_line *v = malloc(cap * sizeof *v);
    for (char *p = buf; v != NULL && *p;) {
        char *nl = strchr(p, '\n');
        if (nl != NULL) {
            *nl = '\0';
        }
        if (k == cap) {
            cap *= 2;
            struct log_line *w = realloc(v, cap * sizeof *v);
            if (w == NULL) {
                free(v);
                return NULL;
            }
            v = w;
        }
        char *end;
        long line = strtol(p, &end, 10);
        if (end != p && end[0] == ':' && end[1] == ' ') {
            v[k++] = (struct log_line){line, end + 2};
        }
        else {
            v[k++] = (struct log_line){-1, p};
        }
        if (nl == NULL) {
            break;
        }
        p = nl + 1;
    }
    *n = k;
    return v;
}

static int
cmp_text(const void *a, const void *b)
{
    return strcmp(((const struct log_line *)a)->text,
                  ((const struct log_line *)b)->text);
}

/* The kind of an event, the length of its verb ("finalize", "callback",
 * "collect"), with its phase for "gc" ("gc start", "gc stop"). */
static size_t
kind_len(const char *text)
{
    size_t n = strcspn(text, " ");
    if (n == 2 && strncmp(text, "gc", 2) == 0 && text[n] == ' ') {
        n += 1 + strcspn(text + n + 1, " ");
    }
    return n;
}

static bool
same_kind(const char *a, const char *b)
{
    size_t n = kind_len(a);
    return n == kind_len(b) && strncmp(a, b, n) == 0;
}

/* Puts each statement's events in a canonical order that keeps what
 * CPython fixes and forgets what it does not.  Fixed: the order of the
 * kinds -- a collection's "gc start" before its weakref callbacks, those
 * before its finalizers (3.x), all of them before "gc stop" and the
 * collect line; on the refcount path an object's finalizer before the
 * callbacks of the weakrefs to it (2.7: after).  Not fixed: the order
 * within a run of events of one kind, which follows a collector's list
 * order (a variant may find garbage in another order) or, on 2.7, a
 * dict's hash order.  So runs of one kind are sorted, and the rest
 * stays in order: equal logs have the same runs, each the same
 * multiset.  (docs/scenarios.md asks for a multiset per statement; this
 * is stricter where CPython's order is fixed.) */
static void
sort_within_runs(struct log_line *v, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && v[j].line == v[i].line &&
               same_kind(v[j].text, v[i].text)) {
            j++;
        }
        qsort(v + i, j - i, sizeof *v, cmp_text);
        i = j;
    }
}

static void
print_statement(FILE *f, const char *what, const struct log_line *v,
                size_t n, long line)
{
    fprintf(f, "#   %s:", what);
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (v[i].line == line) {
            fprintf(f, "%s %ld: %s", any ? " |" : "", line, v[i].text);
            any = true;
        }
    }
    fprintf(f, "%s\n", any ? "" : " (nothing)");
}

bool
gc_scenario_logs_match(const char *expected, const char *actual,
                       FILE *report)
{
    char *e = strdup(expected), *a = strdup(actual);
    size_t ne = 0, na = 0;
    struct log_line *ve = e ? parse_log(e, &ne) : NULL;
    struct log_line *va = a ? parse_log(a, &na) : NULL;
    bool ok = ve != NULL && va != NULL;
    for (size_t i = 1; ok && i < na; i++) {
        if (va[i].line < va[i - 1].line) {
            if (report != NULL) {
                fprintf(report, "#   line numbers go back at '%ld: %s'\n",
                        va[i].line, va[i].text);
            }
            ok = false;
        }
    }
    if (ok) {
        sort_within_runs(ve, ne);
        sort_within_runs(va, na);
        size_t i = 0;
        while (i < ne && i < na && ve[i].line == va[i].line &&
               strcmp(ve[i].text, va[i].text) == 0) {
            i++;
        }
        if (i < ne || i < na) {
            ok = false;
            long line = i < ne && i < na
                            ? (ve[i].line < va[i].line ? ve[i].line : va[i].line)
                        : i < ne ? ve[i].line
                                 : va[i].line;
            if (report != NULL) {
                fprintf(report, "#   first difference at statement %ld\n",
                        line);
                print_statement(report, "expected", ve, ne, line);
                print_statement(report, "actual  ", va, na, line);
            }
        }
    }
    free(ve);
    free(va);
    free(e);
    free(a);
    return ok;
}

/* ---- gclab scenario ------------------------------------------------------ */

int
gc_cmd_scenario(int argc, char **argv)
{
    const char *path = NULL, *profile = NULL, *collector = "cpython";
    bool emit = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--emit-python") == 0) {
            emit = true;
        }
        else if (strcmp(argv[i], "--profile") == 0 ||
                 strcmp(argv[i], "--collector") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "gclab scenario: %s needs a value\n", argv[i]);
                return 2;
            }
            *(argv[i][2] == 'p' ? &profile : &collector) = argv[i + 1];
            i++;
        }
        else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr,
                    "gclab scenario: unknown option '%s'; usage: gclab "
                    "scenario FILE [--profile P] [--collector SPEC] "
                    "[--emit-python]\n",
                    argv[i]);
            return 2;
        }
        else if (path == NULL) {
            path = argv[i];
        }
        else {
            fprintf(stderr, "gclab scenario: one FILE only ('%s', '%s')\n",
                    path, argv[i]);
            return 2;
        }
    }
    if (path == NULL) {
        fprintf(stderr, "gclab scenario: no FILE given\n");
        return 2;
    }
    if (emit) {
        struct scn_program prog;
        if (!scn_load(path, GC_PROFILE_DEFAULT, true, &prog, stderr)) {
            return 2;
        }
        scn_emit_python(&prog, stdout);
        scn_free(&prog);
        return 0; /* main() checks that stdout took it all */
    }
    return gc_scenario_run_file(path, profile, collector, stdout, stderr);
}

/* ---- gclab oracle ---------------------------------------------------------- */

/* Runs the interpreter on the scenario's translation; returns its stdout
 * and sets *status to its exit status. */
static char *
run_interpreter(const char *interpreter, const char *scenario, int *status)
{
    char tmpl[] = "/tmp/gclab-oracle-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0) {
        return NULL;
    }
    FILE *py = fdopen(fd, "w");
    struct scn_program prog;
    char *out = NULL;
    if (py != NULL && scn_load(scenario, GC_PROFILE_DEFAULT, true, &prog, stderr)) {
        scn_emit_python(&prog, py);
        scn_free(&prog);
        fclose(py);
        py = NULL;
        char *argv[] = {(char *)interpreter, tmpl, NULL};
        out = run_capture(argv, status);
    }
    if (py != NULL) {
        fclose(py);
    }
    unlink(tmpl);
    return out;
}

/* The profile whose oracle is nearest to an interpreter's version. */
static const char *
nearest_profile(const char *interpreter)
{
    char *argv[] = {(char *)interpreter, "-c",
                    "import sys; sys.stdout.write(\"%d.%d\" % "
                    "sys.version_info[:2])",
                    NULL};
    int st;
    char *v = run_capture(argv, &st);
    int major = 0, minor = 0;
    const char *p = NULL;
    if (v != NULL && st == 0 && sscanf(v, "%d.%d", &major, &minor) == 2) {
        p = major < 3              ? "2.7"
            : minor < 11           ? "3.8"
            : minor < 13           ? "3.11"
                                   : "3.13";
    }
    free(v);
    return p;
}

int
gc_cmd_oracle(int argc, char **argv)
{
    const char *interpreter = NULL, *profile = NULL;
    int first = argc;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--interpreter") == 0 ||
            strcmp(argv[i], "--profile") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "gclab oracle: %s needs a value\n", argv[i]);
                return 2;
            }
            *(argv[i][2] == 'i' ? &interpreter : &profile) = argv[i + 1];
            i++;
        }
        else if (argv[i][0] == '-') {
            fprintf(stderr,
                    "gclab oracle: unknown option '%s'; usage: gclab oracle "
                    "--interpreter PATH [--profile P] [SCENARIO...]\n",
                    argv[i]);
            return 2;
        }
        else {
            first = i;
            break;
        }
    }
    if (interpreter == NULL) {
        fprintf(stderr, "gclab oracle: --interpreter PATH is required\n");
        return 2;
    }
    if (access(interpreter, X_OK) != 0) {
        fprintf(stderr, "gclab oracle: cannot run '%s': %s\n", interpreter,
                strerror(errno));
        return 2;
    }
    enum gc_profile pr;
    if (profile != NULL && gc_profile_parse(profile, &pr) != GC_OK) {
        fprintf(stderr, "gclab oracle: unknown profile '%s'\n", profile);
        return 2;
    }
    if (profile == NULL && (profile = nearest_profile(interpreter)) == NULL) {
        fprintf(stderr, "gclab oracle: '%s' does not answer as a Python\n",
                interpreter);
        return 2;
    }
    if (first == argc) {
        fprintf(stderr, "gclab oracle: no scenarios given (e.g. "
                        "tests/scenarios/*.scn)\n");
        return 2;
    }
    int matched = 0, differed = 0, skipped = 0;
    for (int i = first; i < argc; i++) {
        const char *scn = argv[i];
        char golden[4096];
        size_t n = strlen(scn);
        if (n > 4 && strcmp(scn + n - 4, ".scn") == 0) {
            n -= 4;
        }
        snprintf(golden, sizeof golden, "%.*s.%s.out", (int)n, scn, profile);
        char *expected = gc_read_file(golden, NULL);
        if (expected == NULL) {
            printf("skip %s: no golden %s\n", scn, golden);
            skipped++;
            continue;
        }
        int status = 0;
        char *actual = run_interpreter(interpreter, scn, &status);
        if (actual == NULL) {
            printf("error %s: could not run the translation\n", scn);
            differed++;
        }
        else if (status != 0) {
            printf("differ %s: the interpreter exited with %d\n", scn, status);
            differed++;
        }
        else if (gc_scenario_logs_match(expected, actual, NULL)) {
            printf("match %s\n", scn);
            matched++;
        }
        else {
            printf("differ %s\n", scn);
            gc_scenario_logs_match(expected, actual, stdout);
            differed++;
        }
        free(expected);
        free(actual);
    }
    printf("# %s against profile %s: %d match, %d differ, %d without golden\n",
           interpreter, profile, matched, differed, skipped);
    return differed == 0 ? 0 : 1;
}

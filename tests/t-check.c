/* tests/t-check.c -- gclab check, the CI gate: its stages pass on this
 * tree; a baseline with one exact counter edited fails it (exit 1) and
 * the summary names the counter; a failed check leaves the old baseline
 * as it was; every bad input is exit 2 and one line on stderr; each
 * regression case flags and clears, and flags no longer when its pair
 * is swapped; without valgrind the instruction counts are a SKIP.
 * With --slow (suite 'check'), the whole gate on cpython including the
 * instruction counts: a baseline, a clean check against it, and the
 * test knob GCLAB_DEBUG_EXTRA_TRAVERSE=100, which the instruction counts
 * must catch and the exact counters must not see.
 *
 * Usage: t-check SOURCE_ROOT GCLAB [--slow] */
#define _GNU_SOURCE /* mkdtemp, setenv, realpath */
#include "cli.h"
#include "harness.h"
#include "tap.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char dir[] = "/tmp/gclab-t-check-XXXXXX";
static const char *root, *gclab;

#define OUT_BYTES 65536

static const char *
at(const char *name)
{
    return cli_path(dir, name);
}

static void
write_text(const char *path, const char *text)
{
    if (gc_write_atomic(path, text, strlen(text)) != 0) {
        tap_diag("cannot write %s", path);
    }
}

/* gclab check on a NULL-terminated argv: its summary in out, what it
 * said on stderr in err (either may be NULL). */
static int
check_cmd(char **argv, char *out, char *err)
{
    static char ignored[OUT_BYTES];
    return run_captured(gc_cmd_check, cli_argc(argv), argv,
                        out ? out : ignored, OUT_BYTES, err,
                        err ? OUT_BYTES : 0);
}

/* The summary line of a stage: "VERDICT  stage  reason", or "". */
static const char *
stage_line(const char *out, const char *stage)
{
    static char line[1024];
    line[0] = '\0';
    for (const char *p = out; p && *p;) {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char verdict[16], name[32];
        if (sscanf(p, "%15s %31s", verdict, name) == 2 &&
            strcmp(name, stage) == 0 && n < sizeof line) {
            memcpy(line, p, n);
            line[n] = '\0';
            return line;
        }
        p = end ? end + 1 : NULL;
    }
    return line;
}

static bool
stage_is(const char *out, const char *stage, const char *verdict)
{
    return strncmp(stage_line(out, stage), verdict, strlen(verdict)) == 0;
}

static void
bad_input(const char *what, char **argv)
{
    check_bad_input(gc_cmd_check, what, argv);
}

/* A copy of a results.jsonl whose first record of workload has one
 * counter moved by delta. */
static void
mutate(const char *from, const char *to, const char *workload,
       const char *counter, long delta)
{
    char *text = gc_read_file(from, NULL);
    struct gc_buf b = {0};
    char want[128], key[128];
    snprintf(want, sizeof want, "\"workload\":\"%s\"", workload);
    snprintf(key, sizeof key, "\"%s\":", counter);
    bool done = false;
    for (char *line = text ? strtok(text, "\n") : NULL; line;
         line = strtok(NULL, "\n")) {
        char *at_key = strstr(line, key);
        if (!done && strstr(line, want) && at_key) {
            char *num = at_key + strlen(key);
            long v = strtol(num, &num, 10);
            gc_buf_printf(&b, "%.*s%ld%s\n",
                          (int)(at_key + strlen(key) - line), line, v + delta,
                          num);
            done = true;
        }
        else {
            gc_buf_printf(&b, "%s\n", line);
        }
    }
    gc_mkdir_p(to);
    char path[600];
    snprintf(path, sizeof path, "%s/results.jsonl", to);
    write_text(path, b.data ? b.data : "");
    if (!done) {
        tap_diag("mutate: no %s record with %s", workload, counter);
    }
    free(text);
    free(b.data);
}

/* A regressions directory holding one case, its fixed and regressed
 * specs swapped if asked. */
static const char *
case_dir(const char *file, bool swap)
{
    static char d[600];
    snprintf(d, sizeof d, "%s/cases-%s%s", dir, swap ? "swapped-" : "", file);
    gc_mkdir_p(d);
    char src[600], dst[700];
    snprintf(src, sizeof src, "%s/regressions/%s", root, file);
    snprintf(dst, sizeof dst, "%s/%s", d, file);
    char *text = gc_read_file(src, NULL);
    struct gc_buf b = {0};
    for (char *line = text ? strtok(text, "\n") : NULL; line;
         line = strtok(NULL, "\n")) {
        if (swap && strncmp(line, "fixed:", 6) == 0) {
            gc_buf_printf(&b, "regressed:%s\n", line + 6);
        }
        else if (swap && strncmp(line, "regressed:", 10) == 0) {
            gc_buf_printf(&b, "fixed:%s\n", line + 10);
        }
        else {
            gc_buf_printf(&b, "%s\n", line);
        }
    }
    write_text(dst, b.data ? b.data : "");
    free(text);
    free(b.data);
    return d;
}

static bool
same_file(const char *a, const char *b)
{
    char *x = gc_read_file(a, NULL), *y = gc_read_file(b, NULL);
    bool same = x && y && strcmp(x, y) == 0;
    free(x);
    free(y);
    return same;
}

/* No DIR.new-* is left beside a baseline DIR. */
static bool
no_leftovers(void)
{
    DIR *d = opendir(dir);
    bool clean = d != NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        clean &= strstr(e->d_name, ".new-") == NULL;
    }
    if (d) {
        closedir(d);
    }
    return clean;
}

static void
bad_inputs(void)
{
    bad_input("an unknown option", (char *[]){"check", "--bogus", NULL});
    bad_input("an option without its value",
              (char *[]){"check", "--collector", NULL});
    bad_input("an unknown stage",
              (char *[]){"check", "--stages", "conform,bogus", NULL});
    bad_input("an unknown collector",
              (char *[]){"check", "--collector", "cpyton", NULL});
    bad_input("a collector option out of range",
              (char *[]){"check", "--collector", "cpython:threshold=x", NULL});
    bad_input("--seeds 0", (char *[]){"check", "--seeds", "0", NULL});
    bad_input("--repeat 0", (char *[]){"check", "--repeat", "0", NULL});
    bad_input("--icount-limit -1",
              (char *[]){"check", "--icount-limit", "-1", NULL});
    bad_input("--gclab that cannot run",
              (char *[]){"check", "--gclab", "/nonexistent/gclab", NULL});
    bad_input("no scenario directory",
              (char *[]){"check", "--stages", "goldens", "--scenarios",
                         "/nonexistent", NULL});
    bad_input("no baseline directory",
              (char *[]){"check", "--stages", "exact", "--baseline",
                         "/nonexistent", NULL});
    bad_input("no regressions directory",
              (char *[]){"check", "--stages", "regressions", "--regressions",
                         "/nonexistent", NULL});
    static const struct {
        const char *what, *text;
    } cases[] = {
        {"a case with an unknown key", "name: x\nmirrors: y\nregressed: "
                                       "incremental\nfixed: cpython\n"
                                       "workload: tuples\nsize: 100\nmetric:"
                                       " objects_visited\nworse: higher\n"
                                       "colour: blue\n"},
        {"a case without its metric", "name: x\nmirrors: y\nregressed: "
                                      "incremental\nfixed: cpython\n"
                                      "workload: tuples\nsize: 100\nworse: "
                                      "higher\n"},
        {"a case with no such metric", "name: x\nmirrors: y\nregressed: "
                                       "incremental\nfixed: cpython\n"
                                       "workload: tuples\nsize: 100\n"
                                       "metric: speed\nworse: higher\n"},
        {"a case with a bad direction", "name: x\nmirrors: y\nregressed: "
                                        "incremental\nfixed: cpython\n"
                                        "workload: tuples\nsize: 100\n"
                                        "metric: objects_visited\nworse: "
                                        "sideways\n"},
        {"a case with a bad spec", "name: x\nmirrors: y\nregressed: "
                                   "incremental:budget=-1\nfixed: cpython\n"
                                   "workload: tuples\nsize: 100\nmetric: "
                                   "objects_visited\nworse: higher\n"},
        {"a case with a bad workload", "name: x\nmirrors: y\nregressed: "
                                       "incremental\nfixed: cpython\n"
                                       "workload: tupples\nsize: 100\n"
                                       "metric: objects_visited\nworse: "
                                       "higher\n"},
        {"a case line without a colon", "name x\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char d[600], f[700];
        snprintf(d, sizeof d, "%s/bad-case-%zu", dir, i);
        snprintf(f, sizeof f, "%s/case.txt", d);
        gc_mkdir_p(d);
        write_text(f, cases[i].text);
        bad_input(cases[i].what, (char *[]){"check", "--stages", "regressions",
                                            "--regressions", d, NULL});
    }
}

/* Writes a cpython baseline (one run a cell) into base; true if it
 * passed. */
static bool
write_baseline(const char *base, char *out)
{
    char *argv[] = {
        "check",    "--collector",  "cpython",          "--repeat",   "1",
        "--stages", "exact,timing", "--write-baseline", (char *)base, NULL};
    return check_cmd(argv, out, NULL) == 0;
}

static void
baseline_tests(void)
{
    static char out[OUT_BYTES], err[OUT_BYTES], base[512];
    snprintf(base, sizeof base, "%s", at("base"));
    TEST("a new baseline: exit 0, written whole") {
        bool written = write_baseline(base, out);
        check(written);
        check(strstr(out, "written (7 runs)") != NULL);
        check(stage_is(out, "exact", "PASS"));
        char f[600];
        snprintf(f, sizeof f, "%s/results.jsonl", base);
        check(access(f, R_OK) == 0);
        check(no_leftovers());
        if (!written) {
            tap_diag("%s", out);
        }
    }
    TEST("the tree checked against its own baseline: exit 0") {
        char *argv[] = {"check",    "--baseline",   (char *)base,
                        "--stages", "exact,timing", NULL};
        check_int(check_cmd(argv, out, NULL), ==, 0);
        check(stage_is(out, "exact", "PASS"));
        check(stage_is(out, "timing", "ADVICE"));
        check(strstr(out, "check: PASS") != NULL);
    }
    static const struct {
        const char *workload, *counter;
        long delta;
    } edits[] = {
        {"cycles", "objects_visited", 1},
        {"small-cycles", "collections_gen0", -1},
        {"finalizers", "peak_live_bytes", 16},
        {"cycles", "retained_garbage_peak_bytes", 8},
    };
    for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
        char name[200], mut[64], from[600];
        snprintf(name, sizeof name,
                 "a baseline with %s of %s edited: exit 1, the counter named",
                 edits[i].counter, edits[i].workload);
        snprintf(mut, sizeof mut, "mutated-%zu", i);
        snprintf(from, sizeof from, "%s/results.jsonl", base);
        mutate(from, at(mut), edits[i].workload, edits[i].counter,
               edits[i].delta);
        TEST(name) {
            char *argv[] = {"check",    "--baseline", (char *)at(mut),
                            "--stages", "exact",      NULL};
            check_int(check_cmd(argv, out, NULL), ==, 1);
            const char *line = stage_line(out, "exact");
            check(strncmp(line, "FAIL", 4) == 0);
            check(strstr(line, edits[i].counter) != NULL);
            check(strstr(line, edits[i].workload) != NULL);
            check(strstr(out, "check: FAIL (exact)") != NULL);
            if (strstr(line, edits[i].counter) == NULL) {
                tap_diag("%s", line);
            }
        }
    }
    TEST("a baseline of another build type: exit 2, one line") {
        char from[600], text[64];
        snprintf(from, sizeof from, "%s/results.jsonl", base);
        char *data = gc_read_file(from, NULL);
        struct gc_buf b = {0};
        /* This build's type as the records give it (debug, release or
         * sanitizer), and another. */
        char mine[64] = "\"build_type\":\"";
        const char *at_type = strstr(data ? data : "", mine);
        if (at_type != NULL) {
            size_t n = strcspn(at_type + strlen(mine), "\"");
            snprintf(mine + strlen(mine), sizeof mine - strlen(mine),
                     "%.*s\"", (int)n, at_type + strlen(mine));
        }
        snprintf(text, sizeof text, "%s",
                 strstr(mine, "\"debug\"") ? "\"build_type\":\"release\""
                                           : "\"build_type\":\"debug\"");
        for (char *p = data; p && *p;) {
            char *hit = strstr(p, mine);
            if (hit == NULL) {
                gc_buf_printf(&b, "%s", p);
                break;
            }
            gc_buf_printf(&b, "%.*s%s", (int)(hit - p), p, text);
            p = hit + strlen(mine);
        }
        gc_mkdir_p(at("other-build"));
        write_text(at("other-build/results.jsonl"), b.data ? b.data : "");
        free(data);
        free(b.data);
        char *argv[] = {"check",    "--baseline", (char *)at("other-build"),
                        "--stages", "exact",      NULL};
        check_int(check_cmd(argv, NULL, err), ==, 2);
        check_uint(count_lines(err), ==, 1);
    }
    bad_input("a collector the baseline does not have",
              (char *[]){"check", "--baseline", (char *)base, "--collector",
                         "full", "--stages", "exact", NULL});
    gc_mkdir_p(at("bad-icount"));
    char from[600];
    snprintf(from, sizeof from, "%s/results.jsonl", base);
    char *copy = gc_read_file(from, NULL);
    write_text(at("bad-icount/results.jsonl"), copy ? copy : "");
    free(copy);
    write_text(at("bad-icount/icount.jsonl"), "{\"collector\":\"cpython\"}\n");
    bad_input("an icount.jsonl line without its count",
              (char *[]){"check", "--baseline", (char *)at("bad-icount"),
                         "--stages", "icount", NULL});
    setenv("GCLAB_DEBUG_EXTRA_TRAVERSE", "100", 1);
    bad_input("--write-baseline under the test knob",
              (char *[]){"check", "--stages", "exact", "--write-baseline",
                         (char *)at("knob"), NULL});
    unsetenv("GCLAB_DEBUG_EXTRA_TRAVERSE");

    TEST("a baseline written again replaces the old one") {
        char f[600];
        snprintf(f, sizeof f, "%s/stale", base);
        write_text(f, "from the old baseline\n");
        check(write_baseline(base, out));
        check(access(f, F_OK) != 0);
        snprintf(f, sizeof f, "%s/results.jsonl", base);
        check(access(f, R_OK) == 0);
        check(no_leftovers());
    }
    TEST("a check that fails writes no baseline and keeps the old one") {
        char keep[600], f[600];
        snprintf(f, sizeof f, "%s/results.jsonl", base);
        snprintf(keep, sizeof keep, "%s/kept.jsonl", dir);
        char *old = gc_read_file(f, NULL);
        write_text(keep, old ? old : "");
        free(old);
        char *argv[] = {"check",
                        "--collector",
                        "cpython",
                        "--repeat",
                        "1",
                        "--stages",
                        "exact,regressions",
                        "--regressions",
                        (char *)case_dir("incremental-small-cycles.txt", true),
                        "--write-baseline",
                        (char *)base,
                        NULL};
        check_int(check_cmd(argv, out, NULL), ==, 1);
        check(strstr(out, "not written") != NULL);
        check(same_file(f, keep));
        check(no_leftovers());
    }
    TEST("no valgrind on PATH: the instruction counts are a SKIP") {
        char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
        setenv("PATH", "/nonexistent", 1);
        char *argv[] = {"check",    "--baseline", (char *)base,
                        "--stages", "icount",     NULL};
        check_int(check_cmd(argv, out, NULL), ==, 0);
        check(stage_is(out, "icount", "SKIP"));
        check(strstr(stage_line(out, "icount"), "valgrind") != NULL);
        if (path != NULL) {
            setenv("PATH", path, 1);
        }
        free(path);
    }
}

static void
tree_passes(void)
{
    static char out[OUT_BYTES];
    char scn[600];
    snprintf(scn, sizeof scn, "%s/tests/scenarios", root);
    TEST("conform, goldens and the differential pass on this tree") {
        char *argv[] = {"check",
                        "--collector",
                        "full:profile=3.11",
                        "--stages",
                        "conform,goldens,differential",
                        "--scenarios",
                        scn,
                        "--seeds",
                        "50",
                        NULL};
        int rc = check_cmd(argv, out, NULL);
        check_int(rc, ==, 0);
        check(stage_is(out, "conform", "PASS"));
        check(stage_is(out, "goldens", "PASS"));
        check(stage_is(out, "differential", "PASS"));
        check(stage_is(out, "exact", "SKIP"));
        check(strstr(out, "check: PASS") != NULL);
        if (rc != 0) {
            tap_diag("%s", out);
        }
    }
    TEST("the negative control fails conform, and exit 1 says so") {
        char *argv[] = {"check",    "--collector", "none:profile=3.11",
                        "--stages", "conform",     NULL};
        check_int(check_cmd(argv, out, NULL), ==, 1);
        check(stage_is(out, "conform", "FAIL"));
        check(strstr(out, "check: FAIL (conform)") != NULL);
    }
}

/* gclab check's regressions stage on one case of regressions/. */
static int
run_case(const char *file, bool swap, char *out)
{
    char *argv[] = {"check", "--stages", "regressions", "--regressions",
                    (char *)case_dir(file, swap), NULL};
    return check_cmd(argv, out, NULL);
}

static void
regression_cases(void)
{
    static char out[OUT_BYTES];
    char reg[600];
    snprintf(reg, sizeof reg, "%s/regressions", root);
    DIR *d = opendir(reg);
    char *names[64];
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && n < 64) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".txt") == 0) {
            names[n++] = strdup(e->d_name);
        }
    }
    if (d) {
        closedir(d);
    }
    check(n >= 3);
    for (size_t i = 0; i < n; i++) {
        char name[300];
        snprintf(name, sizeof name, "regression case %s flags and clears",
                 names[i]);
        TEST(name) {
            int rc = run_case(names[i], false, out);
            check_int(rc, ==, 0);
            const char *line = stage_line(out, "regressions");
            check(strncmp(line, "PASS", 4) == 0);
            check(strstr(line, "flags and clears") != NULL);
            if (rc != 0) {
                tap_diag("%s", line);
            }
        }
        snprintf(name, sizeof name,
                 "regression case %s, fixed and regressed swapped, no longer "
                 "flags: exit 1",
                 names[i]);
        TEST(name) {
            check_int(run_case(names[i], true, out), ==, 1);
            const char *line = stage_line(out, "regressions");
            check(strncmp(line, "FAIL", 4) == 0);
            check(strstr(line, "no longer flags") != NULL);
        }
        free(names[i]);
    }
}

/* The whole gate on cpython, instruction counts included. */
static void
slow_tests(void)
{
    static char out[OUT_BYTES];
    char scn[600], reg[600];
    snprintf(scn, sizeof scn, "%s/tests/scenarios", root);
    snprintf(reg, sizeof reg, "%s/regressions", root);
#if defined(__SANITIZE_ADDRESS__)
    bool has_valgrind = false; /* it cannot run this build: icount skips */
#else
    bool has_valgrind = system("valgrind --version >/dev/null 2>&1") == 0;
#endif
    static char base[512];
    snprintf(base, sizeof base, "%s", at("full-base"));
    char *write[] = {"check",       "--collector", "cpython",
                     "--scenarios", scn,           "--regressions",
                     reg,           "--gclab",     (char *)gclab,
                     "--seeds",     "50",          "--write-baseline",
                     (char *)base,  NULL};
    TEST("every stage on cpython, writing a baseline: exit 0") {
        int rc = check_cmd(write, out, NULL);
        check_int(rc, ==, 0);
        for (const char *s = "conform\0goldens\0differential\0exact\0"
                             "regressions\0";
             *s; s += strlen(s) + 1) {
            check(stage_is(out, s, "PASS"));
        }
        check(stage_is(out, "icount", has_valgrind ? "PASS" : "SKIP"));
        check(strstr(out, "written") != NULL);
        if (rc != 0) {
            tap_diag("%s", out);
        }
    }
    char *against[] = {"check", "--scenarios", scn,           "--regressions",
                       reg,     "--gclab",     (char *)gclab, "--seeds",
                       "50",    "--baseline",  (char *)base,  NULL};
    TEST("every stage on cpython against that baseline: exit 0") {
        check_int(check_cmd(against, out, NULL), ==, 0);
        check(stage_is(out, "exact", "PASS"));
        check(stage_is(out, "timing", "ADVICE"));
        if (!has_valgrind) {
            tap_skip("valgrind is not installed");
            continue;
        }
        check(stage_is(out, "icount", "PASS"));
    }
    TEST("one wasted traverse pass: icount fails, exact counters pass") {
        if (!has_valgrind) {
            tap_skip("valgrind is not installed");
            continue;
        }
        setenv("GCLAB_DEBUG_EXTRA_TRAVERSE", "100", 1);
        char *argv[] = {
            "check",        "--gclab",    (char *)gclab, "--stages",
            "exact,icount", "--baseline", (char *)base,  NULL};
        int rc = check_cmd(argv, out, NULL);
        unsetenv("GCLAB_DEBUG_EXTRA_TRAVERSE");
        check_int(rc, ==, 1);
        check(stage_is(out, "exact", "PASS"));
        check(stage_is(out, "icount", "FAIL"));
        tap_diag("%s", stage_line(out, "icount"));
    }
}

int
main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: t-check SOURCE_ROOT GCLAB [--slow]\n");
        return 2;
    }
    root = argv[1];
    /* Absolute: the test moves to the source root below. */
    static char gclab_path[4096];
    if (realpath(argv[2], gclab_path) == NULL) {
        perror(argv[2]);
        return 1;
    }
    gclab = gclab_path;
    bool slow = argc > 3 && strcmp(argv[3], "--slow") == 0;
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    /* check's defaults are relative to the source root. */
    if (chdir(root) != 0) {
        perror(root);
        return 1;
    }
    if (slow) {
        slow_tests();
    }
    else {
        bad_inputs();
        tree_passes();
        baseline_tests();
        regression_cases();
    }
    gc_remove_tree(dir);
    return tap_done();
}

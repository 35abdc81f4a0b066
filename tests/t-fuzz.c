/* tests/t-fuzz.c -- gclab fuzz as a test: seeds of one collector against
 * the reachability oracle, or (--oracle) the oracle itself: planted
 * bugs and a collector that finds no cycles must fail it, failures must
 * replay and shrink, and bad arguments must be refused.
 *
 * Usage: t-fuzz --collector SPEC [--seeds N] [--collect-every-alloc]
 *        t-fuzz --oracle */
#define _DEFAULT_SOURCE /* open_memstream */
#include "harness.h"
#include "tap.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* gclab fuzz with argv: its report in *report and what it said on
 * stderr in *errors (free both). */
static int
fuzz_err(char **report, char **errors, int argc, va_list ap)
{
    char *argv[16] = {"fuzz"};
    for (int i = 0; i < argc && i < 15; i++) {
        argv[i + 1] = va_arg(ap, char *);
    }
    size_t n, m;
    FILE *out = open_memstream(report, &n);
    FILE *err = open_memstream(errors, &m);
    int rc = out != NULL && err != NULL ? gc_fuzz_run(argc + 1, argv, out, err)
                                        : -1;
    if (out != NULL) {
        fclose(out);
    }
    if (err != NULL) {
        fclose(err);
    }
    return rc;
}

static int
fuzz(char **report, int argc, ...)
{
    char *errors = NULL;
    va_list ap;
    va_start(ap, argc);
    int rc = fuzz_err(report, &errors, argc, ap);
    va_end(ap);
    free(errors);
    return rc;
}

static size_t
count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p++) {
        n++;
    }
    return n;
}

/* Bad usage: status 2, one line on stderr, nothing on stdout. */
static void
refused(const char *name, int argc, ...)
{
    char *report = NULL, *errors = NULL;
    va_list ap;
    va_start(ap, argc);
    int rc = fuzz_err(&report, &errors, argc, ap);
    va_end(ap);
    TEST(name)
    {
        check_int(rc, ==, 2);
        check_uint(count(errors, "\n"), ==, 1);
        check_str(report, "");
        if (tap_failures() > 0) {
            tap_diag("stderr: %s", errors);
        }
    }
    free(report);
    free(errors);
}

static void
diag_lines(const char *text)
{
    const char *p = text;
    while (p != NULL && *p != '\0') {
        const char *nl = strchr(p, '\n');
        int len = nl != NULL ? (int)(nl - p) : (int)strlen(p);
        tap_diag("%.*s", len, p);
        p = nl != NULL ? nl + 1 : NULL;
    }
}

static int
run_seeds(const char *collector, const char *seeds, bool every_alloc)
{
    char *report = NULL, name[200];
    int rc = every_alloc ? fuzz(&report, 5, "--collector", collector,
                                "--seeds", seeds, "--collect-every-alloc")
                         : fuzz(&report, 4, "--collector", collector,
                                "--seeds", seeds);
    snprintf(name, sizeof name, "%s: %s seeds%s pass the reachability oracle",
             collector, seeds,
             every_alloc ? ", collecting at every allocation" : "");
    TEST(name)
    {
        check_int(rc, ==, 0);
        check(strstr(report, "0 failed") != NULL);
    }
    diag_lines(report);
    free(report);
    return tap_done();
}

/* A planted bug fails every seed, each with the check named. */
static void
planted(const char *kind, const char *check_text)
{
    char *report = NULL, name[200];
    snprintf(name, sizeof name,
             "--inject %s: every seed on every collector fails with '%s'",
             kind, check_text);
    int rc = fuzz(&report, 4, "--seeds", "3", "--inject", kind);
    TEST(name)
    {
        size_t ncollectors = 0;
        while (gc_collectors[ncollectors] != NULL) {
            ncollectors++;
        }
        check_int(rc, ==, 1);
        check_uint(count(report, "FAIL "), ==, 3 * ncollectors);
        check_uint(count(report, check_text), ==, 3 * ncollectors);
        if (tap_failures() > 0) {
            diag_lines(report);
        }
    }
    free(report);
}

static void
oracle(void)
{
    planted("leak", "unreachable, in no cycle, still alive");
    planted("overfree", "refcount is too small");
    planted("phantom", "a reachable object died");
    char *report = NULL;
    TEST("none, held to what a cycle collector promises, fails it")
    {
        int rc = fuzz(&report, 5, "--collector", "none", "--seeds", "8",
                      "--expect-cycles");
        check_int(rc, ==, 1);
        check_uint(count(report, "garbage survived a full collection"), >=, 4);
    }
    free(report);
    TEST("none passes when held to what it claims")
    {
        check_int(fuzz(&report, 4, "--collector", "none", "--seeds", "8"), ==,
                  0);
    }
    free(report);

    TEST("a failing seed replays with the command its line gives")
    {
        check_int(fuzz(&report, 6, "--collector", "trialdel", "--seeds", "2",
                       "--inject", "leak"),
                  ==, 1);
        const char *line = strstr(report, "FAIL ");
        const char *replay = line != NULL ? strstr(line, "--seed ") : NULL;
        check(replay != NULL);
        if (replay != NULL) {
            char seed[32], *again = NULL;
            snprintf(seed, sizeof seed, "%llu",
                     strtoull(replay + 7, NULL, 10));
            check_int(fuzz(&again, 6, "--collector", "trialdel", "--seed",
                           seed, "--inject", "leak"),
                      ==, 1);
            /* The same line, word for word. */
            size_t len = (size_t)(strchr(line, '\n') - line);
            check(again != NULL && strncmp(again, line, len) == 0);
            free(again);
        }
    }
    free(report);

    TEST("--minimize shrinks a planted leak to the one operation")
    {
        check_int(fuzz(&report, 7, "--collector", "cpython", "--seed", "5",
                       "--inject", "leak", "--minimize"),
                  ==, 1);
        check(strstr(report, ": 1 of ") != NULL);
        check(strstr(report, "inject leak at") != NULL);
        check(strstr(report, "which fails at op") != NULL);
        if (tap_failures() > 0) {
            diag_lines(report);
        }
    }
    free(report);

    TEST("a crash is one failing seed, and the next seed still runs")
    {
        check_int(fuzz(&report, 6, "--collector", "full", "--seeds", "3",
                       "--inject", "crash"),
                  ==, 1);
        check_uint(count(report, "crashed"), ==, 3);
        check(strstr(report, "seed 3: crashed") != NULL);
        check(strstr(report, "0 passed, 3 failed") != NULL);
    }
    free(report);

    TEST("a heap made to collect at every allocation does, while enabled")
    {
        struct gc_heap_config cfg;
        gc_heap_config_init(&cfg);
        cfg.is_collect_every_alloc = true;
        struct gc_heap *heap;
        check_int(gc_heap_new(&cfg, &heap), ==, GC_OK);
        /* Instances: lists and dicts would come off free lists, which
         * allocate nothing. */
        struct gc_class_spec spec = {.name = "A"};
        struct gc_class *cls;
        check_int(gc_class_new(heap, &spec, &cls), ==, GC_OK);
        struct gc_gen_stats before[3], after[3];
        check_int(gc_get_stats(heap, before), ==, GC_OK);
        for (int i = 0; i < 9; i++) {
            gc_decref(heap, gc_instance_new(heap, cls));
        }
        check_int(gc_get_stats(heap, after), ==, GC_OK);
        for (int g = 0; g < 3; g++) {
            check_uint(after[g].collections - before[g].collections, ==, 3);
        }
        gc_disable(heap);
        gc_decref(heap, gc_instance_new(heap, cls));
        check_int(gc_get_stats(heap, before), ==, GC_OK);
        check_uint(before[0].collections, ==, after[0].collections);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }

    static const char *const bad[][2] = {
        {"--collector", "cpyton"},
        {"--collector", "cpython:threshold=abc"},
        {"--collector", "trialdel:colour=red"},
        {"--seeds", "0"},
        {"--seeds", "-1"},
        {"--seeds", "abc"},
        {"--seeds", "1e3"},
        {"--seeds", "99999999999999999999999"},
        {"--ops", "0"},
        {"--ops", "100001"},
        {"--seed", "-5"},
        {"--inject", "bug"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char name[120];
        snprintf(name, sizeof name,
                 "%s %s is refused: status 2 and one line on stderr",
                 bad[i][0], bad[i][1]);
        refused(name, 2, bad[i][0], bad[i][1]);
    }
    refused("an unknown argument is refused", 1, "--frobnicate");
    refused("an option without its value is refused", 1, "--seeds");
}

int
main(int argc, char **argv)
{
    const char *collector = NULL, *seeds = "20";
    bool every_alloc = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--oracle") == 0) {
            oracle();
            return tap_done();
        }
        if (strcmp(argv[i], "--collector") == 0 && i + 1 < argc) {
            collector = argv[++i];
        }
        else if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc) {
            seeds = argv[++i];
        }
        else if (strcmp(argv[i], "--collect-every-alloc") == 0) {
            every_alloc = true;
        }
    }
    if (collector == NULL) {
        fprintf(stderr, "usage: t-fuzz --collector SPEC [--seeds N] "
                        "[--collect-every-alloc] | --oracle\n");
        return 2;
    }
    return run_seeds(collector, seeds, every_alloc);
}

/* tests/t-ab.c -- gclab compare --ab: two gclab binaries run in one
 * job, interleaved round by round in a seeded order, each side's
 * records joined and compared.  An A/A job finds no regression; a
 * canary with cpython's young threshold at 100 (13 times the young
 * collections on alloc-churn; a wrapper script around the same
 * binary) is flagged, as B and as the canary;
 * a canary that is A itself is not, and fails the job; the order
 * repeats for a seed and holds every side once a round; bad inputs are
 * exit 2 and one line on stderr.
 *
 * Usage: t-ab GCLAB */
#define _DEFAULT_SOURCE /* mkdtemp */
#include "cli.h"
#include "harness.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define OUT_BYTES 65536

static char dir[] = "/tmp/gclab-t-ab-XXXXXX";
static char canary[600];
static const char *gclab;

static int
compare(char **argv, char *out, char *err)
{
    static char ignored[OUT_BYTES];
    return run_captured(gc_cmd_compare, cli_argc(argv), argv,
                        out ? out : ignored, OUT_BYTES, err,
                        err ? OUT_BYTES : 0);
}

/* gclab compare with head's arguments, then tail's. */
static int
ab(char **head, char **tail, char *out, char *err)
{
    char *argv[64] = {"compare"};
    int n = 1;
    for (int i = 0; head[i] != NULL && n < 62; i++) {
        argv[n++] = head[i];
    }
    for (int i = 0; tail[i] != NULL && n < 63; i++) {
        argv[n++] = tail[i];
    }
    argv[n] = NULL;
    return compare(argv, out, err);
}

/* The side names of the progress lines, in order: "b a a b ...". */
static void
order_of(const char *err, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = err; (p = strstr(p, "] ")) != NULL; p += 2) {
        size_t len = strcspn(p + 2, ":");
        if (n + len + 2 < cap) {
            n += (size_t)snprintf(out + n, cap - n, "%s%.*s", n ? " " : "",
                                  (int)len, p + 2);
        }
    }
}

static void
bad_input(const char *what, char **argv)
{
    char name[300];
    snprintf(name, sizeof name, "--ab: %s", what);
    check_bad_input(gc_cmd_compare, name, argv);
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: t-ab GCLAB\n");
        return 2;
    }
    gclab = argv[1];
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    /* The canary: the same gclab, with cpython's young threshold at 100:
     * 13 times the young collections, 3 times the objects visited. */
    snprintf(canary, sizeof canary, "%s/canary", dir);
    char script[1400];
    snprintf(script, sizeof script,
             "#!/bin/sh\n"
             "for a; do shift; [ \"$a\" = cpython ] && "
             "a=cpython:threshold=100/10/10; set -- \"$@\" \"$a\"; done\n"
             "exec '%s' \"$@\"\n",
             gclab);
    gc_write_atomic(canary, script, strlen(script));
    chmod(canary, 0755);
    char *g = (char *)gclab, *c = canary;
    static char out[OUT_BYTES], err[OUT_BYTES];
    /* Something small, judged on objects_visited, where a canary is
     * exact; the second with "--" before the run arguments. */
    char *churn[] = {"--metric",   "objects_visited", "--collector",
                     "cpython",    "--workload",      "alloc-churn",
                     "--size",     "2000",            "--allow-debug",
                     NULL};
    char *churn_sep[] = {"--metric",    "objects_visited", "--",
                         "--collector", "cpython",         "--workload",
                         "alloc-churn", "--size",          "2000",
                         "--allow-debug", NULL};
    char *tuples[] = {"--metric",   "objects_visited", "--collector",
                      "cpython",    "--workload",      "tuples",
                      "--size",     "300",             "--allow-debug",
                      NULL};

    TEST("A/A with a canary: no regression, the canary flagged, exit 0") {
        char *args[] = {"--ab", g, g, "--canary", c, "--runs", "2", NULL};
        int rc = ab(args, churn, out, err);
        check_int(rc, ==, 0);
        check(strstr(out, "result: no regression") != NULL);
        check(strstr(out, "flagged against") != NULL);
        check(strstr(out, "NOT flagged") == NULL);
        if (rc != 0) {
            tap_diag("%s%s", out, err);
        }
    }
    TEST("the canary as B: objects_visited regressed, exit 1") {
        char *args[] = {"--ab",     g,          c, "--runs", "2",
                        "--format", "markdown", NULL};
        check_int(ab(args, churn_sep, out, err), ==, 1);
        check(strstr(out, "**1 regression:** `objects_visited`") != NULL);
    }
    TEST("a canary that is A itself: not flagged, exit 1") {
        char *args[] = {"--ab", g, g, "--canary", g, "--runs", "2", NULL};
        check_int(ab(args, tuples, out, err), ==, 1);
        check(strstr(out, "NOT flagged") != NULL);
        check(strstr(err, "was not flagged") != NULL);
    }
    TEST("an order seed gives one order, each side once a round") {
        char keep[700], order1[256], order2[256];
        snprintf(keep, sizeof keep, "%s/kept", dir);
        char *args[] = {"--ab",         g,       g,        "--canary",
                        c,              "--runs", "4",     "--order-seed",
                        "12345",        "--keep", keep,    NULL};
        ab(args, tuples, NULL, err);
        order_of(err, order1, sizeof order1);
        ab(args, tuples, NULL, err);
        order_of(err, order2, sizeof order2);
        check_str(order1, order2);
        tap_diag("order: %s", order1);
        /* Rounds of three: a, b and canary once each. */
        char *copy = strdup(order1), *tok = strtok(copy, " ");
        int round[3] = {0}, k = 0, bad = 0;
        for (; tok != NULL; tok = strtok(NULL, " "), k++) {
            round[tok[0] == 'a' ? 0 : tok[0] == 'b' ? 1 : 2]++;
            if (k % 3 == 2) {
                bad += round[0] != 1 || round[1] != 1 || round[2] != 1;
                round[0] = round[1] = round[2] = 0;
            }
        }
        free(copy);
        check_int(k, ==, 12);
        check_int(bad, ==, 0);
        /* Each side's records joined: 4 runs of one record each. */
        char joined[800];
        snprintf(joined, sizeof joined, "%s/a/results.jsonl", keep);
        char *text = gc_read_file(joined, NULL);
        check_uint(count_lines(text), ==, 4);
        free(text);
    }
    TEST("--max-runs: more rounds while a gating MDE is above the "
         "threshold, none when every gating cell is exact") {
        char keep[700], joined[800];
        snprintf(keep, sizeof keep, "%s/adaptive", dir);
        snprintf(joined, sizeof joined, "%s/b/results.jsonl", keep);
        /* No timing is ever within a 0% threshold: rounds to the cap,
         * added a few at a time. */
        char *open[] = {"--ab",        g,        g,      "--runs",
                        "3",           "--max-runs", "7", "--metric",
                        "wall_ns",     "--threshold", "0", "--keep",
                        keep,          NULL};
        check_int(ab(open, churn + 2, out, err), ==, 0);
        check(strstr(out, "rounds: 7 a side") != NULL);
        check(strstr(out, "--max-runs reached") != NULL);
        check(strstr(err, "after 3 rounds the MDE of wall_ns") != NULL);
        char *text = gc_read_file(joined, NULL);
        check_uint(count_lines(text), ==, 7);
        free(text);
        /* An exact counter has no MDE to wait for: --runs rounds. */
        char *exact[] = {"--ab",   g,   g,    "--runs", "3", "--max-runs",
                         "7",      "--keep", keep,      NULL};
        check_int(ab(exact, churn, out, err), ==, 0);
        check(strstr(out, "rounds: 3 a side") != NULL);
        check(strstr(out, "MDE is within") != NULL);
        text = gc_read_file(joined, NULL);
        check_uint(count_lines(text), ==, 3);
        free(text);
    }
    bad_input("--max-runs below --runs",
              (char *[]){"compare", "--ab", g, g, "--runs", "4",
                         "--max-runs", "3", NULL});
    bad_input("--max-runs 0",
              (char *[]){"compare", "--ab", g, g, "--max-runs", "0", NULL});
    bad_input("a binary that cannot run",
              (char *[]){"compare", "--ab", g, "/nonexistent/gclab", NULL});
    bad_input("--ab with one binary", (char *[]){"compare", "--ab", g, NULL});
    bad_input("--out among the run arguments",
              (char *[]){"compare", "--ab", g, g, "--out", "x", NULL});
    bad_input("--runs 0",
              (char *[]){"compare", "--ab", g, g, "--runs", "0", NULL});
    bad_input("a bad compare option",
              (char *[]){"compare", "--ab", g, g, "--format", "xml", NULL});
    bad_input("a run argument gclab run refuses",
              (char *[]){"compare", "--ab", g, g, "--runs", "1", "--workload",
                         "bogus", "--allow-debug", NULL});
    gc_remove_tree(dir);
    return tap_done();
}

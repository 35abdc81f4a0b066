/* tests/t-compare.c -- gclab compare and gclab merge, and the shard
 * partition under them: the statistics against values worked by hand
 * (and checked with mpmath), every bad input of compare and merge (exit
 * 2 and one line on stderr), verdicts on made-up results, the partition
 * for 1..5 shares, and run --shard 1/3, 2/3, 3/3 merged against the
 * same matrix run whole. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include "cli.h"
#include "harness.h"
#include "memseries-internal.h"
#include "tap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NEAR(a, b, eps) (fabs((a) - (b)) < (eps))

static char dir[] = "/tmp/gclab-compare-XXXXXX";

static const char *
at(const char *name)
{
    return cli_path(dir, name);
}

static void
write_text(const char *name, const char *text)
{
    if (gc_write_atomic(at(name), text, strlen(text)) != 0) {
        tap_diag("cannot write %s", at(name));
    }
}

/* One record with what compare and merge read; extra is spliced in last
 * (the reader takes the last of a repeated key). */
static void
record(struct gc_buf *b, const char *collector, unsigned rep, double gc_ns,
       unsigned gen0, const char *extra)
{
    gc_buf_printf(
        b,
        "{\"schema_version\":1,\"collector\":\"%s\","
        "\"collector_effective\":\"%s\",\"workload\":\"alloc-churn\","
        "\"workload_spec\":\"alloc-churn\",\"size\":100,"
        "\"repetition\":%u,\"seed\":%u,\"status\":\"ok\","
        "\"wall_ns\":1000000,\"gc_ns\":%.0f,"
        "\"collections_gen0\":%u,\"pause_p99_ns\":5000,"
        "\"peak_live_bytes\":4096,\"build_type\":\"release\","
        "\"check_level\":0,\"gclab_revision\":\"r1\",\"shard\":null"
        "%s}\n",
        collector, collector, rep, rep, gc_ns, gen0, extra ? extra : "");
}

/* Ten runs of one collector: gc_ns around mean, spread +-4%. */
static void
results_file(const char *name, const char *collector, double mean,
             unsigned gen0, const char *extra)
{
    static const double wobble[10] = {-0.04, 0.01,  0.03, -0.02, 0.0,
                                      0.02,  -0.01, 0.04, -0.03, 0.0};
    struct gc_buf b = {0};
    for (unsigned r = 1; r <= 10; r++) {
        record(&b, collector, r, mean * (1.0 + wobble[r - 1]), gen0, extra);
    }
    write_text(name, b.data);
    free(b.data);
}

/* gclab compare on a NULL-terminated argv, its stdout caught in out
 * (or dropped when out is NULL). */
static int
compare(char **argv, char *out, size_t cap)
{
    return run_captured(gc_cmd_compare, cli_argc(argv), argv, out, cap,
                        NULL, 0);
}

/* A field of a JSON line as text (strings without their quotes). */
static void
field(const char *line, const char *key, char *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(line, pat);
    size_t n = 0;
    if (p != NULL) {
        p += strlen(pat);
        bool quoted = *p == '"';
        p += quoted;
        while (*p && n + 1 < cap &&
               (quoted ? *p != '"' : (*p != ',' && *p != '}'))) {
            out[n++] = *p++;
        }
    }
    out[n] = '\0';
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each record of a results.jsonl as its key and deterministic counters,
 * sorted: two runs of one matrix must give the same list. */
static size_t
record_keys(const char *path, char **keys, size_t cap)
{
    static const char *const fields[] = {"collector",
                                         "workload",
                                         "size",
                                         "repetition",
                                         "seed",
                                         "status",
                                         "collections_gen0",
                                         "collections_gen1",
                                         "collections_gen2",
                                         "objects_visited",
                                         "objects_collected",
                                         "peak_live_bytes",
                                         "checksum"};
    char *text = gc_read_file(path, NULL);
    size_t n = 0;
    for (char *line = text ? strtok(text, "\n") : NULL; line && n < cap;
         line = strtok(NULL, "\n")) {
        struct gc_buf k = {0};
        for (size_t f = 0; f < sizeof fields / sizeof *fields; f++) {
            char v[300];
            field(line, fields[f], v, sizeof v);
            gc_buf_printf(&k, "%s|", v);
        }
        keys[n++] = k.data;
    }
    free(text);
    qsort(keys, n, sizeof *keys, cmp_str);
    return n;
}

static void
statistics(void)
{
    TEST("t quantiles at 0.975 for 1, 7, 100/17 and 1000 df") {
        check(NEAR(gc_t_quantile(0.975, 1), 12.7062047362, 1e-8));
        check(NEAR(gc_t_quantile(0.975, 7), 2.3646242516, 1e-8));
        check(NEAR(gc_t_quantile(0.975, 100.0 / 17), 2.4588237097, 1e-8));
        check(NEAR(gc_t_quantile(0.975, 1000), 1.9623390808, 1e-8));
        check(NEAR(gc_t_quantile(0.025, 7), -2.3646242516, 1e-8));
        check(NEAR(gc_t_cdf(0, 3), 0.5, 1e-15));
        check(isnan(gc_t_quantile(1.0, 5)) && isnan(gc_t_cdf(1, 0)));
    }
    TEST("Welch by hand: {1..5} against {2,4,6,8,10}") {
        /* means 3 and 6, variances 2.5 and 10: se^2 = 0.5 + 2 = 2.5,
         * t = 3 / sqrt(2.5), df = 2.5^2 / (0.5^2/4 + 2^2/4) = 100/17;
         * p and t(0.975, 100/17) from mpmath's betainc. */
        double a[] = {1, 2, 3, 4, 5}, b[] = {2, 4, 6, 8, 10};
        struct gc_test t;
        gc_test_welch(a, 5, b, 5, &t);
        check(NEAR(t.diff, 3.0, 1e-12));
        check(NEAR(t.stat, 3.0 / sqrt(2.5), 1e-12));
        check(NEAR(t.df, 100.0 / 17.0, 1e-12));
        check(NEAR(t.p, 0.1075311949, 1e-9));
        check(NEAR(t.diff_lo, 3.0 - 2.4588237097 * sqrt(2.5), 1e-8));
        check(NEAR(t.diff_hi, 3.0 + 2.4588237097 * sqrt(2.5), 1e-8));
    }
    TEST("Welch with zero variance: exact answers, no division by zero") {
        double five[] = {5, 5, 5}, seven[] = {7, 7, 7}, more[] = {6, 7, 8};
        struct gc_test t;
        gc_test_welch(five, 3, five, 3, &t);
        check(t.p == 1.0 && t.diff == 0.0 && t.diff_lo == 0.0);
        gc_test_welch(five, 3, seven, 3, &t);
        check(t.p == 0.0 && t.diff == 2.0 && t.diff_lo == 2.0 &&
              t.diff_hi == 2.0);
        /* One side constant: df = 3 - 1 = 2, t = 2 / sqrt(1/3) = sqrt(12),
         * and for 2 df p = 1 - t / sqrt(t^2 + 2) = 1 - sqrt(12/14). */
        gc_test_welch(five, 3, more, 3, &t);
        check(NEAR(t.df, 2.0, 1e-12));
        check(NEAR(t.stat, sqrt(12.0), 1e-12));
        check(NEAR(t.p, 1.0 - sqrt(12.0 / 14.0), 1e-10));
        gc_test_welch(five, 1, more, 3, &t); /* one run: no test */
        check(isnan(t.p) && isnan(t.diff));
    }
    TEST("Mann-Whitney exact by hand: U and p for separated samples") {
        /* {1,2,3} below {4,5,6}: U of the second is 9 = 3 * 3, one
         * ordering in C(6,3) = 20 at each extreme, so p = 2/20. */
        double a[] = {1, 2, 3}, b[] = {4, 5, 6};
        struct gc_test t;
        gc_test_mann_whitney(a, 3, b, 3, &t);
        check(t.exact && t.stat == 9.0 && NEAR(t.p, 0.1, 1e-12));
        gc_test_mann_whitney(b, 3, a, 3, &t);
        check(t.exact && t.stat == 0.0 && NEAR(t.p, 0.1, 1e-12));
        /* Four a side: 2 / C(8,4) = 2/70. */
        double c[] = {1, 2, 3, 4}, d[] = {5, 6, 7, 8};
        gc_test_mann_whitney(c, 4, d, 4, &t);
        check(t.stat == 16.0 && NEAR(t.p, 2.0 / 70.0, 1e-12));
        /* {1,3} against {2,4}: U = 3 (2>1, 4>1, 4>3); orderings of two
         * and two with U >= 3 are 2 of 6, so p = 2 * 2/6. */
        double e[] = {1, 3}, f[] = {2, 4};
        gc_test_mann_whitney(e, 2, f, 2, &t);
        check(t.stat == 3.0 && NEAR(t.p, 2.0 / 3.0, 1e-12));
    }
    TEST("Mann-Whitney with ties: normal approximation, tie-corrected") {
        /* {1,2,2,3} against {2,3,4,5}: ranks of the second 4, 6.5, 7, 8
         * (2s share rank 3, 3s share 5.5... the 2s are 2,3,4 -> 3; the
         * 3s are 5,6 -> 5.5), R = 3 + 5.5 + 7 + 8 = 23.5, U = 23.5 - 10
         * = 13.5.  mu = 8; ties 3 and 2 give sum(t^3 - t) = 30, so
         * var = 16/12 * (9 - 30/56) = 11.2857; z = (5.5 - 0.5) /
         * sqrt(var) = 1.48835, p = erfc(z / sqrt 2) = 0.1366582477. */
        double a[] = {1, 2, 2, 3}, b[] = {2, 3, 4, 5};
        struct gc_test t;
        gc_test_mann_whitney(a, 4, b, 4, &t);
        check(!t.exact && t.stat == 13.5);
        check(NEAR(t.p, 0.1366582477, 1e-9));
        double same[] = {4, 4, 4};
        gc_test_mann_whitney(same, 3, same, 3, &t);
        check(t.p == 1.0); /* every value tied */
    }
    TEST("paired (Yuen) by hand: the 20% trimmed log ratio drops the "
         "disturbed pair") {
        /* log ratios {0.1, 0.2, 0.3, 0.4, 5.0}: g = 1 trimmed a side,
         * trimmed mean 0.3; winsorized {0.2, 0.2, 0.3, 0.4, 0.4} has
         * variance 0.01, so se = 0.1 / (0.6 sqrt 5), t = 0.3 / se on
         * 3 - 1 = 2 df, and for 2 df p = 1 - t / sqrt(t^2 + 2). */
        double a[] = {1, 1, 1, 1, 1};
        double b[] = {exp(0.1), exp(0.2), exp(0.3), exp(0.4), exp(5.0)};
        struct gc_test t;
        check(gc_test_paired(a, b, 5, &t));
        double se = 0.1 / (0.6 * sqrt(5.0)), stat = 0.3 / se;
        check(NEAR(t.stat, stat, 1e-9) && NEAR(t.df, 2.0, 1e-12));
        check(NEAR(t.se, se, 1e-12));
        check(NEAR(t.p, 1.0 - stat / sqrt(stat * stat + 2.0), 1e-9));
        check(NEAR(t.diff, expm1(0.3), 1e-12)); /* a's mean is 1 */
        check(t.diff_lo < t.diff && t.diff < t.diff_hi);
        /* MDE: (t(0.975, 2) + t(0.95, 2)) se as a ratio; 4.3027 and
         * 2.9200 from the t table. */
        check(NEAR(gc_mde_paired(&t, 0.05, 0.95),
                   expm1((4.302653 + 2.919986) * se), 1e-5));
        /* Too few pairs, or a value that is no positive number. */
        check(!gc_test_paired(a, b, 2, &t) && isnan(t.p));
        double z[] = {1, 0, 1, 1, 1};
        check(!gc_test_paired(a, z, 5, &t));
    }
    TEST("Holm by hand: four p-values, and the cap at 1") {
        /* sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1: 0.02, 0.03,
         * 0.06, 0.04 -> monotonic 0.02, 0.03, 0.06, 0.06. */
        double p[] = {0.01, 0.04, 0.03, 0.005}, adj[4];
        gc_holm(p, 4, adj);
        check(NEAR(adj[0], 0.03, 1e-15) && NEAR(adj[1], 0.06, 1e-15));
        check(NEAR(adj[2], 0.06, 1e-15) && NEAR(adj[3], 0.02, 1e-15));
        double q[] = {0.6, 0.5}, qa[2];
        gc_holm(q, 2, qa);
        check(qa[0] == 1.0 && qa[1] == 1.0);
        gc_holm(q, 0, qa); /* nothing to adjust */
    }
    TEST("Tukey fences by hand: outliers counted") {
        /* 1..9, 100: Q1 = 3.25, Q3 = 7.75 (type 7), IQR 4.5, fences
         * -3.5 and 14.5: only 100. */
        double v[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 100};
        check_uint(gc_tukey_outliers(v, 10), ==, 1);
        /* -20, 1..8, 30: Q1 = 2.25, Q3 = 6.75, fences -4.5 and 13.5. */
        double w[] = {1, 2, 3, 4, 5, 6, 7, 8, -20, 30};
        check_uint(gc_tukey_outliers(w, 10), ==, 2);
        double flat[] = {10, 10, 10, 10, 10};
        check_uint(gc_tukey_outliers(flat, 5), ==, 0);
        check_uint(gc_tukey_outliers(v + 7, 3), ==, 0); /* too few */
    }
}

static void
sharding(void)
{
    TEST("shard: i/n parses only with 1 <= i <= n <= 1000") {
        struct gc_shard s;
        check(gc_shard_parse("1/1", &s) && s.index == 1 && s.count == 1);
        check(gc_shard_parse("3/5", &s) && s.index == 3 && s.count == 5);
        check(gc_shard_parse("1000/1000", &s));
        static const char *const bad[] = {"0/3",    "4/3", "1/0",  "a/b",
                                          "1/",     "/3",  "1/3x", "-1/3",
                                          "1/1001", "",    "1",    "1/-3"};
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
            if (gc_shard_parse(bad[i], &s)) {
                tap_diag("'%s' parsed", bad[i]);
                check(!"a bad shard parsed");
            }
        }
    }
    TEST("shard: for n = 1..5 every item is in exactly one share, "
         "deterministically") {
        double cost[41];
        for (size_t i = 0; i < 41; i++) {
            cost[i] = (double)((i * 7919) % 13 + 1) * 1e6; /* ties too */
        }
        cost[40] = 5e7; /* one large item */
        for (unsigned n = 1; n <= 5; n++) {
            unsigned seen[41] = {0};
            double max = 0, min = INFINITY;
            for (unsigned i = 1; i <= n; i++) {
                /* Each share is its own process: a fresh balance. */
                double load[5] = {0}, again[5] = {0};
                unsigned of[41], of2[41];
                check_int(gc_shard_assign(cost, 41, n, load, of), ==, 0);
                check_int(gc_shard_assign(cost, 41, n, again, of2), ==, 0);
                check(memcmp(of, of2, sizeof of) == 0);
                double mine = 0;
                for (size_t k = 0; k < 41; k++) {
                    check(of[k] < n);
                    if (of[k] + 1 == i) {
                        seen[k]++;
                        mine += cost[k];
                    }
                }
                max = fmax(max, mine);
                min = fmin(min, mine);
            }
            for (size_t k = 0; k < 41; k++) {
                check_uint(seen[k], ==, 1);
            }
            /* Balanced: LPT's shares differ by at most the largest item. */
            check(max - min <= 5e7);
        }
    }
}

static void
compare_inputs(void)
{
    results_file("base.jsonl", "cpython", 1e6, 93, NULL);
    results_file("slow.jsonl", "cpython", 2e6, 93, NULL);
    results_file("elsewhere.jsonl", "full", 1e6, 93,
                 ",\"workload_spec\":\"cycles\"");
    results_file("debug.jsonl", "cpython", 1e6, 93,
                 ",\"build_type\":\"debug\"");
    write_text("schema2.jsonl",
               "{\"schema_version\":2,\"collector\":\"x\"}\n");
    write_text("empty.jsonl", "");
    write_text("garbage.jsonl", "not json\n");
    char *base = strdup(at("base.jsonl")), *slow = strdup(at("slow.jsonl"));
    char *missing = strdup(at("missing.jsonl"));
    struct {
        const char *what;
        char *argv[8];
    } cases[] = {
        {"no arguments", {"compare", NULL}},
        {"one result", {"compare", base, NULL}},
        {"three results", {"compare", base, slow, base, NULL}},
        {"a missing BASE", {"compare", missing, slow, NULL}},
        {"a missing NEW", {"compare", base, missing, NULL}},
        {"another schema version",
         {"compare", base, (char *)at("schema2.jsonl"), NULL}},
        {"an empty file", {"compare", base, (char *)at("empty.jsonl"), NULL}},
        {"a line that is not a record",
         {"compare", (char *)at("garbage.jsonl"), slow, NULL}},
        {"nothing to match",
         {"compare", base, (char *)at("elsewhere.jsonl"), NULL}},
        {"a debug build against a release build",
         {"compare", base, (char *)at("debug.jsonl"), NULL}},
        {"an unknown metric",
         {"compare", base, slow, "--metric", "speed", NULL}},
        {"a negative threshold",
         {"compare", base, slow, "--threshold", "-1", NULL}},
        {"a threshold that is no number",
         {"compare", base, slow, "--threshold", "5x", NULL}},
        {"an unknown test", {"compare", base, slow, "--test", "t", NULL}},
        {"an unknown format",
         {"compare", base, slow, "--format", "html", NULL}},
        {"an alpha out of range",
         {"compare", base, slow, "--alpha", "1", NULL}},
        {"a --pair without '='",
         {"compare", base, slow, "--pair", "cpython", NULL}},
        {"a --pair naming no collector",
         {"compare", base, slow, "--pair", "full=cpython", NULL}},
        {"an unknown option", {"compare", base, slow, "--bogus", "1", NULL}},
        {"an option without its value",
         {"compare", base, slow, "--metric", NULL}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        check_bad_input(gc_cmd_compare, cases[i].what, cases[i].argv);
    }
    free(base);
    free(slow);
    free(missing);
}

static void
compare_verdicts(void)
{
    static char out[65536];
    results_file("a.jsonl", "cpython", 1e6, 93, NULL);
    results_file("a2.jsonl", "cpython", 1e6, 93, NULL);
    results_file("b.jsonl", "cpython", 2e6, 93, NULL);
    results_file("b4.jsonl", "cpython", 1.04e6, 93, NULL);
    results_file("t.jsonl", "cpython:threshold=100/10/10", 2e6, 1209, NULL);
    results_file("g.jsonl", "cpython", 1e6, 94, NULL);
    char *a = strdup(at("a.jsonl")), *b = strdup(at("b.jsonl"));
    TEST("compare: a result against itself is the same, exit 0") {
        char *argv[] = {"compare", a, (char *)at("a2.jsonl"), NULL};
        check_int(compare(argv, out, sizeof out), ==, 0);
        check(strstr(out, "result: no regression") != NULL);
        check(strstr(out, "gate: wall_ns, gc_ns, pause_p99_ns, "
                          "peak_live_bytes") != NULL);
    }
    TEST("compare: gc_ns doubled is a regression, exit 1, in JSON too") {
        char *argv[] = {"compare", a, b, "--format", "json", NULL};
        check_int(compare(argv, out, sizeof out), ==, 1);
        check(strstr(out, "\"metric\":\"gc_ns\"") != NULL);
        check(strstr(out, "\"regressions\":1,") != NULL);
        check(strstr(out, "\"verdict\":\"regressed\"") != NULL);
    }
    TEST("compare: 4% slower is significant but under the 5% threshold") {
        char *argv[] = {"compare", a, (char *)at("b4.jsonl"), NULL};
        check_int(compare(argv, out, sizeof out), ==, 0);
        check(strstr(out, "slower") != NULL);
        char *strict[] = {"compare",     a,   (char *)at("b4.jsonl"),
                          "--threshold", "1", NULL};
        check_int(compare(strict, NULL, 0), ==, 1);
    }
    TEST("compare: Mann-Whitney finds the doubled gc_ns too") {
        char *argv[] = {"compare",     a,          b,          "--test",
                        "mannwhitney", "--format", "markdown", NULL};
        check_int(compare(argv, out, sizeof out), ==, 1);
        check(strstr(out, "Mann-Whitney U") != NULL);
        check(strstr(out, "| **regressed** |") != NULL);
    }
    TEST("compare: paired runs see +5% through drift and a disturbed "
         "run; Welch does not") {
        /* Twelve rounds, one run a side each: the machine's speed
         * drifts by up to 6% from round to round, alike for both runs
         * of a round, and round 5's base run is disturbed (+60%). */
        struct gc_buf x = {0}, y = {0};
        for (unsigned r = 1; r <= 12; r++) {
            double drift = 1.0 + 0.04 * (double)(r % 4) - 0.06;
            double jitter = 1.0 + 0.002 * (double)(r % 3);
            record(&x, "cpython", r, 1e6 * drift * jitter * (r == 5 ? 1.6 : 1),
                   93, NULL);
            record(&y, "cpython", r, 1.05e6 * drift / jitter, 93, NULL);
        }
        write_text("drift-a.jsonl", x.data);
        write_text("drift-b.jsonl", y.data);
        free(x.data);
        free(y.data);
        char *welch[] = {"compare",  (char *)at("drift-a.jsonl"),
                         (char *)at("drift-b.jsonl"),
                         "--metric", "gc_ns", "--threshold", "2", NULL};
        check_int(compare(welch, out, sizeof out), ==, 0);
        char *paired[] = {"compare",  (char *)at("drift-a.jsonl"),
                          (char *)at("drift-b.jsonl"),
                          "--metric", "gc_ns", "--threshold", "2",
                          "--test",   "paired", NULL};
        check_int(compare(paired, out, sizeof out), ==, 1);
        check(strstr(out, "Yuen's paired trimmed t") != NULL);
        check(strstr(out, "regressed") != NULL);
        /* A run missing from one side leaves no pairs: rank-based
         * Mann-Whitney then, which the disturbed run does not fool
         * into a regression either way. */
        struct gc_buf z = {0};
        for (unsigned r = 1; r <= 11; r++) {
            record(&z, "cpython", r, 1.05e6, 93, NULL);
        }
        write_text("eleven.jsonl", z.data);
        free(z.data);
        char *unequal[] = {"compare",  (char *)at("drift-a.jsonl"),
                           (char *)at("eleven.jsonl"),
                           "--metric", "gc_ns", "--test", "paired",
                           "--format", "json", NULL};
        compare(unequal, out, sizeof out);
        check(strstr(out, "\"test\":\"paired\"") != NULL);
        check(strstr(out, "\"n_base\":12") != NULL);
    }
    TEST("compare: one collector a side matches across specs") {
        char *argv[] = {"compare", a, (char *)at("t.jsonl"), NULL};
        check_int(compare(argv, out, sizeof out), ==, 1);
        check(strstr(out, "cpython -> cpython:threshold=100/10/10") != NULL);
        /* Exact counter: every run differs, shown, not gating. */
        check(strstr(out, "10/10 runs differ") != NULL);
    }
    TEST("compare: --pair splits at the '=' that names both sides") {
        /* Two collectors a side, so only --pair matches the specs. */
        struct gc_buf x = {0}, y = {0};
        for (unsigned r = 1; r <= 4; r++) {
            record(&x, "cpython", r, 1e6 + r, 93, NULL);
            record(&x, "full", r, 1e6 + r, 93, NULL);
            record(&y, "cpython:threshold=100/10/10", r, 1e6 + r, 93, NULL);
            record(&y, "full", r, 1e6 + r, 93, NULL);
        }
        write_text("px.jsonl", x.data);
        write_text("py.jsonl", y.data);
        free(x.data);
        free(y.data);
        char *argv[] = {"compare",
                        (char *)at("px.jsonl"),
                        (char *)at("py.jsonl"),
                        "--pair",
                        "cpython=cpython:threshold=100/10/10",
                        NULL};
        check_int(compare(argv, out, sizeof out), ==, 0);
        check(strstr(out, "cpython -> cpython:threshold=100/10/10") != NULL);
        check(strstr(out, "only in") == NULL);
        char *unpaired[] = {"compare", (char *)at("px.jsonl"),
                            (char *)at("py.jsonl"), NULL};
        check_int(run_captured(gc_cmd_compare, 3, unpaired, out, sizeof out,
                               NULL, 0),
                  ==, 0);
        check(strstr(out, "only in BASE: cpython on alloc-churn") != NULL);
    }
    TEST("compare: an exact counter that gates regresses on any change "
         "over the threshold") {
        char *argv[] = {"compare",
                        a,
                        (char *)at("g.jsonl"),
                        "--metric",
                        "collections_gen0",
                        "--format",
                        "json",
                        NULL};
        /* 93 -> 94 is +1.1%: shown as worse, under 5%. */
        check_int(compare(argv, out, sizeof out), ==, 0);
        check(strstr(out, "\"exact\":true") != NULL);
        check(strstr(out, "\"runs_differ\":10") != NULL);
        check(strstr(out, "\"verdict\":\"worse\"") != NULL);
        char *strict[] = {"compare",
                          a,
                          (char *)at("g.jsonl"),
                          "--metric",
                          "collections_gen0",
                          "--threshold",
                          "1",
                          NULL};
        check_int(compare(strict, NULL, 0), ==, 1);
    }
    TEST("compare: gc_cpu_ns gates by default when both sides have it") {
        results_file("cpu1.jsonl", "cpython", 1e6, 93,
                     ",\"gc_cpu_ns\":900000");
        results_file("cpu2.jsonl", "cpython", 1e6, 93,
                     ",\"gc_cpu_ns\":1800000");
        char *argv[] = {"compare", (char *)at("cpu1.jsonl"),
                        (char *)at("cpu2.jsonl"), NULL};
        check_int(compare(argv, out, sizeof out), ==, 1);
        check(strstr(out, "gate: wall_ns, gc_ns, gc_cpu_ns, pause_p99_ns, "
                          "peak_live_bytes") != NULL);
        /* One side without it: the four defaults, and a plain same. */
        char *one[] = {"compare", a, (char *)at("cpu2.jsonl"), NULL};
        check_int(compare(one, out, sizeof out), ==, 0);
        check(strstr(out, "gate: wall_ns, gc_ns, pause_p99_ns, "
                          "peak_live_bytes") != NULL);
    }
    TEST("compare: an outlier is counted and shown, not dropped") {
        struct gc_buf x = {0};
        for (unsigned r = 1; r <= 10; r++) {
            record(&x, "cpython", r, r == 7 ? 9e6 : 1e6 + 1000.0 * r, 93,
                   NULL);
        }
        write_text("outlier.jsonl", x.data);
        free(x.data);
        char *argv[] = {"compare", (char *)at("outlier.jsonl"),
                        a,         "--metric",
                        "gc_ns",   "--format",
                        "json",    NULL};
        compare(argv, out, sizeof out);
        check(strstr(out, "\"outliers_base\":1,\"outliers_new\":0") != NULL);
        check(strstr(out, "\"n_base\":10") != NULL);
    }
    free(a);
    free(b);
}

static void
merge_inputs(void)
{
    results_file("m1.jsonl", "cpython", 1e6, 93, NULL);
    results_file("m2.jsonl", "full", 1e6, 93, NULL);
    results_file("rev.jsonl", "full", 1e6, 93, ",\"gclab_revision\":\"r2\"");
    results_file("bt.jsonl", "full", 1e6, 93, ",\"build_type\":\"debug\"");
    results_file("cl.jsonl", "full", 1e6, 93, ",\"check_level\":2");
    char *m1 = strdup(at("m1.jsonl")), *m2 = strdup(at("m2.jsonl"));
    char *out = strdup(at("merged"));
    /* Results directories whose memory.tsv is not theirs, or not one. */
    static const char *const series[][2] = {
        {"mem-run", "1\tcpython\talloc-churn\t100\t1\t0\t1\t2\t0\n"
                    "11\tcpython\talloc-churn\t100\t1\t0\t1\t2\t0\n"},
        {"mem-name", "2\tfull\talloc-churn\t100\t2\t0\t1\t2\t0\n"},
        {"mem-row", "1\tcpython\talloc-churn\t100\t1\t0\t1\t2\n"},
        {"mem-count", "1\tcpython\talloc-churn\t100\t1\t0\t-1\t2\t0\n"},
        {"mem-header", NULL},
    };
    char *mdir[5];
    for (size_t i = 0; i < 5; i++) {
        char *jsonl = gc_read_file(m1, NULL);
        struct gc_buf b = {0};
        gc_buf_printf(&b, "%s\n%s",
                      series[i][1] ? GC_MEMSERIES_HEADER : "run\tcollector",
                      series[i][1] ? series[i][1] : "");
        mdir[i] = strdup(at(series[i][0]));
        check_int(gc_mkdir_p(mdir[i]), ==, 0);
        check_int(gc_write_atomic(cli_path(mdir[i], "results.jsonl"), jsonl,
                                  strlen(jsonl)),
                  ==, 0);
        check_int(gc_write_atomic(cli_path(mdir[i], "memory.tsv"), b.data,
                                  b.len),
                  ==, 0);
        free(jsonl);
        free(b.data);
    }
    struct {
        const char *what;
        char *argv[8];
    } cases[] = {
        {"no arguments", {"merge", NULL}},
        {"no --out", {"merge", m1, m2, NULL}},
        {"--out without a directory", {"merge", m1, "--out", NULL}},
        {"no inputs", {"merge", "--out", out, NULL}},
        {"an unknown option", {"merge", m1, "--bogus", "--out", out, NULL}},
        {"a missing input",
         {"merge", m1, (char *)at("missing.jsonl"), "--out", out, NULL}},
        {"another schema version",
         {"merge", m1, (char *)at("schema2.jsonl"), "--out", out, NULL}},
        {"a line that is not a record",
         {"merge", m1, (char *)at("garbage.jsonl"), "--out", out, NULL}},
        {"another gclab revision",
         {"merge", m1, (char *)at("rev.jsonl"), "--out", out, NULL}},
        {"another build type",
         {"merge", m1, (char *)at("bt.jsonl"), "--out", out, NULL}},
        {"another check level",
         {"merge", m1, (char *)at("cl.jsonl"), "--out", out, NULL}},
        {"a record twice", {"merge", m1, m2, m1, "--out", out, NULL}},
        {"no records at all",
         {"merge", (char *)at("empty.jsonl"), "--out", out, NULL}},
        {"an output that cannot be made",
         {"merge", m1, "--out", "/proc/gclab-forbidden", NULL}},
        {"memory.tsv: a run that has no record",
         {"merge", mdir[0], "--out", out, NULL}},
        {"memory.tsv: a run of another collector",
         {"merge", mdir[1], "--out", out, NULL}},
        {"memory.tsv: a row short of a field",
         {"merge", mdir[2], "--out", out, NULL}},
        {"memory.tsv: a field that is not a count",
         {"merge", mdir[3], "--out", out, NULL}},
        {"memory.tsv: another header",
         {"merge", mdir[4], "--out", out, NULL}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        check_bad_input(gc_cmd_merge, cases[i].what, cases[i].argv);
    }
    TEST("merge: two inputs and an empty share make one results dir") {
        char *argv[] = {"merge", m1,  (char *)at("empty.jsonl"), m2, "--out",
                        out,     NULL};
        check_int(run_captured(gc_cmd_merge, 6, argv, NULL, 0, NULL, 0), ==,
                  0);
        char *jsonl = gc_read_file(at("merged/results.jsonl"), NULL);
        char *csv = gc_read_file(at("merged/results.csv"), NULL);
        char *summary = gc_read_file(at("merged/summary.json"), NULL);
        check_uint(count_lines(jsonl), ==, 20);
        check_uint(count_lines(csv), ==, 21);
        check(summary && strstr(summary, "\"collector\":\"full\""));
        free(jsonl);
        free(csv);
        free(summary);
    }
    TEST("merge: a memory.tsv that is refused is named, line and all") {
        static char err[4096];
        static const char *const why[] = {
            "memory.tsv:3: error: memory of a run that has no record",
            "memory.tsv:2: error: memory of a run that has no record",
            "memory.tsv:2: error: a row needs 9 tab-separated fields",
            "memory.tsv:2: error: field 7 is not a count",
            "memory.tsv:1: error: not memory.tsv's header line"};
        for (size_t i = 0; i < 5; i++) {
            char *argv[] = {"merge", mdir[i], "--out", out, NULL};
            check_int(run_captured(gc_cmd_merge, 4, argv, NULL, 0, err,
                                   sizeof err),
                      ==, 2);
            check(strstr(err, why[i]) != NULL);
        }
    }
    for (size_t i = 0; i < 5; i++) {
        free(mdir[i]);
    }
    free(m1);
    free(m2);
    free(out);
}

/* run --shard 1/3, 2/3, 3/3, merged: the records of the whole run. */
static void
shards_end_to_end(void)
{
    static const char *const shards[] = {"1/3", "2/3", "3/3"};
    char outs[3][400], whole[400], merged[400];
    snprintf(whole, sizeof whole, "%s", at("whole"));
    snprintf(merged, sizeof merged, "%s", at("sharded"));
    size_t sum = 0;
    bool each_has_some = true;
    TEST("run --shard: bad shares exit 2 before running anything") {
        char *a1[] = {"run", "--allow-debug", "--shard", "4/3", NULL};
        char *a2[] = {"run", "--allow-debug", "--shard", "1/0", NULL};
        char *a3[] = {"bench", "--allow-debug", "--shard", "0/2", NULL};
        check_int(run_captured(gc_cmd_run, 4, a1, NULL, 0, NULL, 0), ==, 2);
        check_int(run_captured(gc_cmd_run, 4, a2, NULL, 0, NULL, 0), ==, 2);
        check_int(run_captured(gc_cmd_bench, 4, a3, NULL, 0, NULL, 0), ==, 2);
    }
    TEST("run --shard 1/3, 2/3, 3/3 each run a share and say which") {
        for (int i = 0; i < 3; i++) {
            snprintf(outs[i], sizeof outs[i], "%s/shard%d", dir, i + 1);
            char *argv[] = {"run",         "--allow-debug",
                            "--collector", "cpython",
                            "--collector", "full",
                            "--workload",  "cycles",
                            "--workload",  "tuples",
                            "--size",      "100,200",
                            "--repeat",    "2",
                            "--shard",     (char *)shards[i],
                            "--out",       outs[i],
                            NULL};
            check_int(run_quietly(gc_cmd_run, 18, argv), ==, 0);
            char path[1300], want[32];
            snprintf(path, sizeof path, "%s/results.jsonl", outs[i]);
            snprintf(want, sizeof want, "\"shard\":\"%s\"", shards[i]);
            char *t = gc_read_file(path, NULL);
            size_t n = count_lines(t);
            sum += n;
            each_has_some &= n > 0;
            /* Every record of the share carries it. */
            size_t carried = 0;
            for (const char *p = t; p && (p = strstr(p, want)); p++) {
                carried++;
            }
            check_uint(carried, ==, n);
            free(t);
        }
        check_uint(sum, ==, 16);
        check(each_has_some);
    }
    TEST("merge of the three shares equals the whole run: keys and exact "
         "counters") {
        char *run_argv[] = {"run",         "--allow-debug",
                            "--collector", "cpython",
                            "--collector", "full",
                            "--workload",  "cycles",
                            "--workload",  "tuples",
                            "--size",      "100,200",
                            "--repeat",    "2",
                            "--out",       whole,
                            NULL};
        check_int(run_quietly(gc_cmd_run, 16, run_argv), ==, 0);
        char *merge_argv[] = {"merge", outs[2], outs[0], outs[1],
                              "--out", merged,  NULL};
        check_int(run_captured(gc_cmd_merge, 6, merge_argv, NULL, 0, NULL, 0),
                  ==, 0);
        char *ka[32], *kb[32], path[500];
        snprintf(path, sizeof path, "%s/results.jsonl", whole);
        size_t na = record_keys(path, ka, 32);
        snprintf(path, sizeof path, "%s/results.jsonl", merged);
        size_t nb = record_keys(path, kb, 32);
        check_uint(na, ==, 16);
        check_uint(nb, ==, na);
        for (size_t i = 0; i < na && i < nb; i++) {
            if (strcmp(ka[i], kb[i]) != 0) {
                tap_diag("whole %s", ka[i]);
                tap_diag("merged %s", kb[i]);
                check(!"a record differs");
                break;
            }
        }
        for (size_t i = 0; i < na; i++) {
            free(ka[i]);
        }
        for (size_t i = 0; i < nb; i++) {
            free(kb[i]);
        }
        /* And merging a share twice is refused. */
        char *twice[] = {"merge", outs[0], outs[0], "--out", merged, NULL};
        check_int(run_captured(gc_cmd_merge, 5, twice, NULL, 0, NULL, 0), ==,
                  2);
    }
}

int
main(void)
{
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    statistics();
    sharding();
    compare_inputs();
    compare_verdicts();
    merge_inputs();
    shards_end_to_end();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    check(system(cmd) == 0);
    return tap_done();
}

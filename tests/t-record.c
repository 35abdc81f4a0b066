/* tests/t-record.c -- records round-trip (harness/records/record.c): what gclab
 * run writes, read and written again, is the same bytes, members,
 * pauses and memory series alike; so is a record whose collector spec
 * is 2,000 characters long and whose workload name is written with a
 * \u00e9 escape, and the reader hands both back whole and decoded.
 * gclab merge of one directory gives the same files, memory.tsv
 * included. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include "cli.h"
#include "measure.h"
#include "record.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* text with every `from` replaced by `to`, malloc'd. */
static char *
replace_all(const char *text, const char *from, const char *to)
{
    size_t nfrom = strlen(from), nto = strlen(to), n = 0;
    for (const char *p = strstr(text, from); p; p = strstr(p + nfrom, from)) {
        n++;
    }
    char *out = malloc(strlen(text) + n * nto + 1);
    char *o = out;
    for (const char *p = text;;) {
        const char *hit = strstr(p, from);
        if (hit == NULL) {
            strcpy(o, p);
            break;
        }
        memcpy(o, p, (size_t)(hit - p));
        o += hit - p;
        memcpy(o, to, nto);
        o += nto;
        p = hit + nfrom;
    }
    return out;
}

/* Whether dir_a/name and dir_b/name hold the same bytes (and exist). */
static bool
same_file(const char *dir_a, const char *dir_b, const char *name)
{
    size_t na, nb;
    char *a = gc_read_file(cli_path(dir_a, name), &na);
    char *b = gc_read_file(cli_path(dir_b, name), &nb);
    bool same = a != NULL && b != NULL && na == nb && memcmp(a, b, na) == 0;
    if (!same) {
        tap_diag("%s/%s and %s/%s differ", dir_a, name, dir_b, name);
    }
    free(a);
    free(b);
    return same;
}

/* Reads dir's records and pauses and writes them into out; 0 or the
 * first failure's status. */
static int
read_and_write(const char *dir, const char *out)
{
    struct results res = {0};
    int rc = results_read("test", dir, false, &res);
    rc = rc ? rc : results_read_pauses("test", dir, &res);
    rc = rc ? rc : results_read_memory("test", dir, &res);
    rc = rc ? rc : gc_mkdir_p(out) != 0 ? 1 : results_write("test", out, &res);
    results_free(&res);
    return rc;
}

int
main(void)
{
    char tmpl[] = "/tmp/gclab-t-record-XXXXXX";
    const char *dir = mkdtemp(tmpl);
    if (dir == NULL) {
        perror("mkdtemp");
        return 1;
    }
    char run[300], again[300], odd[300], odd_again[300], merged[300];
    snprintf(run, sizeof run, "%s/run", dir);
    snprintf(again, sizeof again, "%s/again", dir);
    snprintf(odd, sizeof odd, "%s/odd", dir);
    snprintf(odd_again, sizeof odd_again, "%s/odd-again", dir);
    snprintf(merged, sizeof merged, "%s/merged", dir);

    TEST("gclab run writes records and pauses")
    {
        char *args[] = {"run",         "--allow-debug",
                        "--collector", "cpython",
                        "--collector", "full",
                        "--workload",  "server",
                        "--workload",  "cycles:rounds=60",
                        "--size",      "300",
                        "--repeat",    "2",
                        "--out",       run,
                        NULL};
        check_int(run_quietly(gc_cmd_run, cli_argc(args), args), ==, 0);
        char *pauses = gc_read_file(cli_path(run, "pauses.jsonl"), NULL);
        check_uint(count_lines(pauses), >, 0);
        free(pauses);
        /* A workload's options stay in its spec, as given. */
        char *jsonl = gc_read_file(cli_path(run, "results.jsonl"), NULL);
        check(jsonl != NULL &&
              strstr(jsonl, "\"workload_spec\":\"cycles:rounds=60\"") != NULL);
        free(jsonl);
    }
    TEST("a run's records, pauses and memory series, read and written "
         "again, are the same bytes")
    {
        check_int(read_and_write(run, again), ==, 0);
        check(same_file(run, again, "results.jsonl"));
        check(same_file(run, again, "pauses.jsonl"));
        check(same_file(run, again, "results.csv"));
        check(same_file(run, again, "summary.json"));
        check(same_file(run, again, "memory.tsv"));
    }
    TEST("gclab merge of one directory gives the same files")
    {
        char *args[] = {"merge", run, "--out", merged, NULL};
        check_int(run_quietly(gc_cmd_merge, cli_argc(args), args), ==, 0);
        check(same_file(run, merged, "results.jsonl"));
        check(same_file(run, merged, "pauses.jsonl"));
        /* The memory series too, every run's points (plots read them
         * from the merged directory). */
        char *mem = gc_read_file(cli_path(merged, "memory.tsv"), NULL);
        check_uint(count_lines(mem), >, 8);
        free(mem);
        check(same_file(run, merged, "memory.tsv"));
    }
    /* A collector spec of 2,000 characters (the old reader kept 511) and
     * a workload written as JSON escapes (the old reader kept "\u00e9"
     * as six characters). */
    char spec[2001];
    memcpy(spec, "cpython:", 8);
    for (size_t i = 8; i < 2000; i++) {
        spec[i] = "threshold=700,"[i % 14];
    }
    spec[2000] = '\0';
    char collector[2100];
    snprintf(collector, sizeof collector, "\"collector\":\"%s\"", spec);
    TEST("a 2,000-character spec and a \\u00e9 escape round-trip")
    {
        char *jsonl = gc_read_file(cli_path(run, "results.jsonl"), NULL);
        char *pauses = gc_read_file(cli_path(run, "pauses.jsonl"), NULL);
        check(jsonl != NULL && pauses != NULL);
        static const char *const edits[][2] = {
            {"\"workload\":\"server\"", "\"workload\":\"caf\\u00e9\""},
            {"\"workload_spec\":\"server\"",
             "\"workload_spec\":\"caf\\u00e9:tab=\\t\""},
            {"\"workload\":\"server\"", "\"workload\":\"caf\\u00e9:tab=\\t\""},
        };
        char *j1 = replace_all(jsonl, "\"collector\":\"cpython\"", collector);
        char *j2 = replace_all(j1, edits[0][0], edits[0][1]);
        char *j3 = replace_all(j2, edits[1][0], edits[1][1]);
        char *p1 = replace_all(pauses, "\"collector\":\"cpython\"", collector);
        char *p2 = replace_all(p1, edits[2][0], edits[2][1]);
        check(strstr(j3, spec) != NULL && strstr(j3, "caf\\u00e9") != NULL);
        check_int(gc_mkdir_p(odd), ==, 0);
        check_int(
            gc_write_atomic(cli_path(odd, "results.jsonl"), j3, strlen(j3)),
            ==, 0);
        check_int(
            gc_write_atomic(cli_path(odd, "pauses.jsonl"), p2, strlen(p2)), ==,
            0);
        check_int(read_and_write(odd, odd_again), ==, 0);
        check(same_file(odd, odd_again, "results.jsonl"));
        check(same_file(odd, odd_again, "pauses.jsonl"));

        /* The reader hands the values back whole and decoded. */
        struct results res = {0};
        check_int(results_read("test", odd, false, &res), ==, 0);
        check_int(results_read_pauses("test", odd, &res), ==, 0);
        size_t longest = 0, with_pauses = 0;
        for (size_t i = 0; i < res.total; i++) {
            size_t n = strlen(res.recs[i].item.collector);
            longest = n > longest ? n : longest;
            with_pauses += res.recs[i].r.nsamples > 0;
        }
        check_uint(longest, ==, 2000);
        check_uint(with_pauses, ==, res.total);
        bool decoded = false;
        for (int w = 0; w < res.nworkloads; w++) {
            decoded |= strcmp(res.workloads[w], "caf\xc3\xa9:tab=\t") == 0;
        }
        check(decoded);
        char buf[8];
        check_str(record_text(&res.meta[0], "workload", buf, sizeof buf),
                  "caf\xc3\xa9");
        results_free(&res);
        /* And the CSV has the spec whole. */
        char *csv = gc_read_file(cli_path(odd_again, "results.csv"), NULL);
        check(csv != NULL && strstr(csv, spec) != NULL);
        free(csv);
        free(jsonl);
        free(pauses);
        free(j1);
        free(j2);
        free(j3);
        free(p1);
        free(p2);
    }
    TEST("pauses of a run that has no record are refused")
    {
        static const char line[] =
            "{\"schema_version\":1,\"collector\":\"nosuch\",\"workload\":"
            "\"server\",\"size\":300,\"repetition\":1,\"pauses\":[]}\n";
        check_int(gc_write_atomic(cli_path(again, "pauses.jsonl"), line,
                                  strlen(line)),
                  ==, 0);
        struct results res = {0};
        check_int(results_read("test", again, false, &res), ==, 0);
        check_int(results_read_pauses("test", again, &res), ==, 2);
        results_free(&res);
    }
    if (getenv("GCLAB_KEEP_TMP") == NULL) {
        gc_remove_tree(dir);
    }
    return tap_done();
}

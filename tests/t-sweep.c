/* tests/t-sweep.c -- retained garbage and the sweep, end to end: gclab
 * run --retained records the oracle mark's peak (refcounting alone keeps
 * every cycle, a collector far less), --layout reaches the record, and
 * gclab sweep writes its results and table and refuses bad knobs. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include "harness.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

/* A subcommand with stdout (its tables, not TAP) sent to /dev/null. */
static int
quietly(int (*cmd)(int, char **), int argc, char **argv)
{
    fflush(stdout);
    FILE *saved = stdout, *null = fopen("/dev/null", "w");
    if (null != NULL) {
        stdout = null;
    }
    int rc = cmd(argc, argv);
    if (null != NULL) {
        fclose(null);
        stdout = saved;
    }
    return rc;
}

/* Whether the line of len bytes holds "key":"value". */
static bool
line_has(const char *line, size_t len, const char *key, const char *value)
{
    char want[160];
    snprintf(want, sizeof want, "\"%s\":\"%s\"", key, value);
    const char *c = strstr(line, want);
    return c != NULL && (size_t)(c - line) < len;
}

/* The integer field name of the first record (line) of the collector
 * (and the workload, unless NULL); -1 if there is none. */
static long long
field_in(const char *jsonl, const char *collector, const char *workload,
         const char *name)
{
    for (const char *line = jsonl; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (line_has(line, len, "collector", collector) &&
            (workload == NULL || line_has(line, len, "workload", workload))) {
            char key[128];
            snprintf(key, sizeof key, "\"%s\":", name);
            const char *f = strstr(line, key);
            if (f != NULL && (size_t)(f - line) < len) {
                return strtoll(f + strlen(key), NULL, 10);
            }
        }
        line = end ? end + 1 : NULL;
    }
    return -1;
}

static long long
field_of(const char *jsonl, const char *collector, const char *name)
{
    return field_in(jsonl, collector, NULL, name);
}

static size_t
count_lines(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++) {
        n += *s == '\n';
    }
    return n;
}

int
main(int argc, char **argv)
{
    /* The figure scripts: meson passes the source tree's plots/. */
    char *plots = argc > 1 ? argv[1] : "plots";
    char dir[] = "/tmp/gclab-t-sweep-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        printf("Bail out! cannot make a temporary directory\n");
        return 1;
    }
    char out[300], path[400];
    TEST("run --retained: refcounting alone keeps the most garbage") {
        snprintf(out, sizeof out, "%s/retained", dir);
        char *args[] = {"run", "--allow-debug", "--retained", "--layout",
                        "shuffled", "--collector", "none", "--collector",
                        "cpython:threshold=10", "--workload", "cycles",
                        "--size", "300", "--out", out, NULL};
        tap_check(quietly(gc_cmd_run, 15, args) == 0, "run exits 0",
                  __FILE__, __LINE__);
        snprintf(path, sizeof path, "%s/results.jsonl", out);
        char *jsonl = gc_read_file(path, NULL);
        long long none = field_of(jsonl, "none", "retained_garbage_peak_bytes");
        long long cpy = field_of(jsonl, "cpython:threshold=10",
                                 "retained_garbage_peak_bytes");
        tap_diag("retained garbage peak: none %lld, cpython %lld bytes", none,
                 cpy);
        check(none > 0 && cpy >= 0 && none > 2 * cpy);
        check(jsonl && strstr(jsonl, "\"layout\":\"shuffled\"") != NULL);
        free(jsonl);
    }
    TEST("run without --retained records no accounting") {
        snprintf(out, sizeof out, "%s/plain", dir);
        char *args[] = {"run", "--allow-debug", "--collector", "none",
                        "--workload", "cycles", "--size", "300", "--out",
                        out, NULL};
        check(quietly(gc_cmd_run, 10, args) == 0);
        snprintf(path, sizeof path, "%s/results.jsonl", out);
        char *jsonl = gc_read_file(path, NULL);
        check(field_of(jsonl, "none", "retained_garbage_peak_bytes") == 0);
        check(jsonl && strstr(jsonl, "\"layout\":\"alloc-order\"") != NULL);
        free(jsonl);
    }
    TEST("run: server records request latencies, simple and metered") {
        snprintf(out, sizeof out, "%s/server", dir);
        char *args[] = {"run", "--allow-debug", "--collector", "cpython",
                        "--workload", "server", "--workload", "cycles",
                        "--size", "200", "--out", out, NULL};
        check(quietly(gc_cmd_run, 12, args) == 0);
        snprintf(path, sizeof path, "%s/results.jsonl", out);
        char *jsonl = gc_read_file(path, NULL);
        const char *c = "cpython", *w = "server";
        long long p99 = field_in(jsonl, c, w, "request_p99_ns");
        long long max = field_in(jsonl, c, w, "request_max_ns");
        long long m99 = field_in(jsonl, c, w, "request_metered_p99_ns");
        long long mmax = field_in(jsonl, c, w, "request_metered_max_ns");
        tap_diag("server: p99 %lld, max %lld; metered p99 %lld, max %lld ns",
                 p99, max, m99, mmax);
        /* Metered latency is never below the request's own. */
        check(p99 > 0 && max >= p99 && m99 >= p99 && mmax >= max);
        /* cycles serves no requests. */
        check(field_in(jsonl, c, "cycles", "request_max_ns") == 0);
        free(jsonl);
    }
    TEST("run --peer: the twin's recorded pauses give the peer its MMU") {
        const char *python = "/usr/bin/python3";
        FILE *probe = fopen(python, "r");
        if (probe == NULL) {
            tap_skip("no /usr/bin/python3");
        }
        else {
            fclose(probe);
            snprintf(out, sizeof out, "%s/peer", dir);
            char *args[] = {"run", "--allow-debug", "--collector", "cpython",
                            "--workload", "cycles", "--size", "400",
                            "--repeat", "2", "--peer", (char *)python,
                            "--out", out, NULL};
            check(quietly(gc_cmd_run, 14, args) == 0);
            snprintf(path, sizeof path, "%s/results.jsonl", out);
            char *jsonl = gc_read_file(path, NULL);
            /* The row with the recorder: every pause, so MMU and a curve;
             * the row without: neither. */
            const char *with = jsonl ? strstr(jsonl, "+callbacks\"") : NULL;
            const char *line = with;
            while (line != NULL && line > jsonl && line[-1] != '\n') {
                line--;
            }
            const char *eol = line ? strchr(line, '\n') : NULL;
            const char *curve = line ? strstr(line, "\"mmu_curve\":[[") : NULL;
            check(line != NULL && curve != NULL && curve < eol);
            long long mmu = -1;
            const char *f = line ? strstr(line, "\"mmu_100ms\":") : NULL;
            if (f != NULL && f < eol) {
                mmu = strtoll(f + 13, NULL, 10);
            }
            tap_diag("peer with recorder: mmu_100ms %lld millionths", mmu);
            check(mmu > 0 && mmu <= 1000000);
            free(jsonl);
        }
    }
    TEST("run: a large refcount cascade is a pause of its own kind") {
        snprintf(out, sizeof out, "%s/cascade", dir);
        char *args[] = {"run", "--allow-debug", "--collector", "cpython",
                        "--workload", "long-lived-growth", "--size", "3000",
                        "--cascade-min", "1000", "--out", out, NULL};
        check(quietly(gc_cmd_run, 12, args) == 0);
        snprintf(path, sizeof path, "%s/results.jsonl", out);
        char *jsonl = gc_read_file(path, NULL);
        /* The heap it grew is dropped at the end in one cascade. */
        long long n = field_of(jsonl, "cpython", "cascades");
        long long max = field_of(jsonl, "cpython", "cascade_max_ns");
        tap_diag("cascades %lld, longest %lld ns", n, max);
        check(n >= 1 && max > 0);
        free(jsonl);
        char *none[] = {"run", "--allow-debug", "--collector", "cpython",
                        "--workload", "long-lived-growth", "--size", "3000",
                        "--cascade-min", "100000", "--out", out, NULL};
        check(quietly(gc_cmd_run, 12, none) == 0);
        jsonl = gc_read_file(path, NULL);
        check(field_of(jsonl, "cpython", "cascades") == 0);
        free(jsonl);
    }
    TEST("sweep: one record per setting and repetition, and the table") {
        snprintf(out, sizeof out, "%s/sweep", dir);
        char *args[] = {"sweep", "--allow-debug", "--collector", "cpython",
                        "--collector", "full", "--knob", "threshold0=10,1000",
                        "--workload", "cycles", "--size", "300", "--repeat",
                        "2", "--out", out, "--plots", plots, NULL};
        check(quietly(gc_cmd_sweep, 18, args) == 0);
        snprintf(path, sizeof path, "%s/results.jsonl", out);
        char *jsonl = gc_read_file(path, NULL);
        check(count_lines(jsonl) == 2 * 2 * 2);
        check(field_of(jsonl, "cpython:threshold=10", "retained_garbage_"
                                                      "peak_bytes") >= 0);
        check(jsonl && strstr(jsonl, "\"collector\":\"full:min=1000\""));
        snprintf(path, sizeof path, "%s/data/pareto.dat", out);
        char *dat = gc_read_file(path, NULL);
        /* Per collector: a name line, two settings, two blank lines. */
        check(count_lines(dat) == 2 * (1 + 2 + 2));
        free(jsonl);
        free(dat);
    }
    TEST("sweep: bad knobs and missing arguments exit 2") {
        char *a1[] = {"sweep", "--allow-debug", "--collector", "cpython",
                      "--knob", "nosuch=1,2", "--workload", "cycles", NULL};
        char *a2[] = {"sweep", "--allow-debug", "--collector", "cpython",
                      "--knob", "threshold0", "--workload", "cycles", NULL};
        char *a3[] = {"sweep", "--allow-debug", "--collector", "cpython",
                      "--knob", "threshold0=,", "--workload", "cycles", NULL};
        char *a4[] = {"sweep", "--allow-debug", "--collector", "cpython",
                      "--knob", "threshold0=10", NULL};
        char *a5[] = {"sweep", "--allow-debug", "--collector", "cpython",
                      "--knob", "threshold0=10", "--workload", "cycles",
                      "--repeat", "0", NULL};
        check(quietly(gc_cmd_sweep, 8, a1) == 2);
        check(quietly(gc_cmd_sweep, 8, a2) == 2);
        check(quietly(gc_cmd_sweep, 8, a3) == 2);
        check(quietly(gc_cmd_sweep, 6, a4) == 2);
        check(quietly(gc_cmd_sweep, 10, a5) == 2);
    }
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) {
        tap_diag("could not remove %s", dir);
    }
    return tap_done();
}

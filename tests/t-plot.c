/* tests/t-plot.c -- gclab plot (harness/plots/plot.c): on a gclab merge of
 * three shards it writes the same .dat files as on one directory
 * holding the same records in another order, the memory series (carried
 * by the merge in memory.tsv) among them; a figure that fails is
 * named with why, left out of index.html, and the exit status is 1;
 * ratios are to the run's first collector however the records are
 * ordered; index.html links only files that are there; a results
 * directory whose path holds a space, quotes and a $ draws like any
 * other.
 *
 * Usage: t-plot PLOTS_DIR (meson passes the source tree's plots/). */
#define _DEFAULT_SOURCE /* mkdtemp */
#include "cli.h"
#include "measure.h"
#include "plot.h"
#include "tap.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool
exists(const char *dir, const char *name)
{
    struct stat st;
    return stat(cli_path(dir, name), &st) == 0 && st.st_size > 0;
}

/* The lines of text in reverse order (each keeps its newline). */
static void
append_reversed(struct gc_buf *b, const char *text)
{
    const char *end = text + strlen(text);
    while (end > text) {
        const char *start = end - 1;
        while (start > text && start[-1] != '\n') {
            start--;
        }
        gc_buf_printf(b, "%.*s", (int)(end - start), start);
        if (end[-1] != '\n') {
            gc_buf_printf(b, "\n");
        }
        end = start;
    }
}

/* ONE/memory.tsv for the records as the test puts them in ONE: the
 * third shard's lines reversed, then the second's, then the first's;
 * each row's run (its record's line) renumbered to match.  The number
 * of rows. */
static size_t
write_one_memory(char shard[][300], const char *one)
{
    struct gc_buf b = {0};
    size_t offset = 0, rows = 0;
    for (int i = 2; i >= 0; i--) {
        char *jsonl = gc_read_file(cli_path(shard[i], "results.jsonl"), NULL);
        char *tsv = gc_read_file(cli_path(shard[i], "memory.tsv"), NULL);
        size_t n = count_lines(jsonl);
        char *line = tsv ? strchr(tsv, '\n') : NULL;
        if (i == 2 && tsv != NULL) {
            gc_buf_printf(&b, "%.*s", line ? (int)(line - tsv + 1) : 0, tsv);
        }
        while (line != NULL && line[1] != '\0') {
            char *rest;
            unsigned long run = strtoul(line + 1, &rest, 10);
            char *end = strchr(rest, '\n');
            gc_buf_printf(&b, "%zu%.*s\n", offset + n - run + 1,
                          end ? (int)(end - rest) : (int)strlen(rest), rest);
            rows++;
            line = end;
        }
        offset += n;
        free(jsonl);
        free(tsv);
    }
    check_int(gc_write_atomic(cli_path(one, "memory.tsv"), b.data, b.len), ==,
              0);
    free(b.data);
    return rows;
}

/* Every .dat file of DIR_A/data is in DIR_B/data with the same bytes; the
 * number of files compared. */
static size_t
same_dat_files(const char *dir_a, const char *dir_b)
{
    char data[400];
    snprintf(data, sizeof data, "%s/data", dir_a);
    DIR *d = opendir(data);
    size_t n = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 4, ".dat") != 0) {
            continue;
        }
        char a[600], b[600];
        snprintf(a, sizeof a, "%s/data/%s", dir_a, e->d_name);
        snprintf(b, sizeof b, "%s/data/%s", dir_b, e->d_name);
        size_t na, nb;
        char *x = gc_read_file(a, &na), *y = gc_read_file(b, &nb);
        if (x == NULL || y == NULL || na != nb || memcmp(x, y, na) != 0) {
            tap_diag("%s and %s differ", a, b);
            check(!"a .dat file differs");
        }
        free(x);
        free(y);
        n++;
    }
    if (d != NULL) {
        closedir(d);
    }
    return n;
}

/* Every src='...' and href='...' of DIR/index.html names a file there;
 * the number of links. */
static size_t
links_resolve(const char *dir)
{
    char *html = gc_read_file(cli_path(dir, "index.html"), NULL);
    size_t n = 0;
    for (const char *p = html; p != NULL && *p; p++) {
        const char *q = NULL;
        if (strncmp(p, "src='", 5) == 0) {
            q = p + 5;
        }
        else if (strncmp(p, "href='", 6) == 0) {
            q = p + 6;
        }
        if (q == NULL) {
            continue;
        }
        const char *end = strchr(q, '\'');
        char name[300];
        snprintf(name, sizeof name, "%.*s", end ? (int)(end - q) : 0, q);
        if (!exists(dir, name)) {
            tap_diag("index.html links %s, which is not there", name);
            check(!"a dangling link");
        }
        n++;
    }
    free(html);
    return n;
}

int
main(int argc, char **argv)
{
    const char *plots = argc > 1 ? argv[1] : "plots";
    char tmpl[] = "/tmp/gclab-t-plot-XXXXXX";
    const char *dir = mkdtemp(tmpl);
    if (dir == NULL) {
        perror("mkdtemp");
        return 1;
    }
    bool gnuplot = plot_has_program("gnuplot");
    char shard[3][300], merged[300], one[300];
    for (int i = 0; i < 3; i++) {
        snprintf(shard[i], sizeof shard[i], "%s/shard%d", dir, i + 1);
    }
    snprintf(merged, sizeof merged, "%s/merged", dir);
    snprintf(one, sizeof one, "%s/one", dir);

    TEST("three shards of a matrix, and their merge")
    {
        for (int i = 0; i < 3; i++) {
            char share[8];
            snprintf(share, sizeof share, "%d/3", i + 1);
            char *args[] = {"run",         "--allow-debug", "--collector",
                            "trialdel",    "--collector",   "cpython",
                            "--collector", "full",          "--workload",
                            "server",      "--workload",    "cycles",
                            "--size",      "300",           "--repeat",
                            "2",           "--retained",    "--shard",
                            share,         "--out",         shard[i],
                            NULL};
            check_int(run_quietly(gc_cmd_run, cli_argc(args), args), ==, 0);
        }
        char *args[] = {"merge", shard[0], shard[1], shard[2],
                        "--out", merged,   NULL};
        check_int(run_quietly(gc_cmd_merge, cli_argc(args), args), ==, 0);
    }
    TEST("one directory with the same records, in another order")
    {
        static const char *const files[] = {"results.jsonl", "pauses.jsonl"};
        check_int(gc_mkdir_p(one), ==, 0);
        for (int f = 0; f < 2; f++) {
            struct gc_buf b = {0};
            for (int i = 2; i >= 0; i--) {
                char *text = gc_read_file(cli_path(shard[i], files[f]), NULL);
                check(text != NULL);
                append_reversed(&b, text ? text : "");
                free(text);
            }
            check_int(gc_write_atomic(cli_path(one, files[f]), b.data, b.len),
                      ==, 0);
            free(b.data);
        }
        /* Every run's memory series is carried by the merge: as many rows
         * as the shards had, and what plot draws from them below is the
         * same as from ONE, where each row was renumbered by hand. */
        size_t rows = write_one_memory(shard, one);
        check_uint(rows, >, 20);
        char *mem = gc_read_file(cli_path(merged, "memory.tsv"), NULL);
        check_uint(count_lines(mem), ==, rows + 1);
        free(mem);
    }
    TEST("gclab plot on the merge and on the one directory: the same "
         ".dat files")
    {
        char *a[] = {"plot", merged, "--plots", (char *)plots, NULL};
        char *b[] = {"plot", one, "--plots", (char *)plots, NULL};
        int ra = run_quietly(gc_cmd_plot, 4, a);
        int rb = run_quietly(gc_cmd_plot, 4, b);
        check_int(ra, ==, gnuplot ? 0 : 1);
        check_int(rb, ==, ra);
        check_uint(same_dat_files(merged, one), >=, 10);
        check_uint(same_dat_files(one, merged), >=, 10);
        static const char *const some[] = {
            "data/throughput.dat",     "data/ratio.dat", "data/phases.dat",
            "data/pause_cdf.dat",      "data/mmu.dat",   "data/memory.dat",
            "data/pause_timeline.dat", "data/memory_series.dat",
            "index.html"};
        for (size_t i = 0; i < sizeof some / sizeof *some; i++) {
            if (!exists(merged, some[i])) {
                tap_diag("gclab plot wrote no %s", some[i]);
                check(!"a file missing");
            }
        }
        check(!exists(merged, "data/scaling.dat")); /* no DIR/scaling */
        /* Each collector's series reached the figure: a block with its
         * points, the retained garbage among them. */
        char *series =
            gc_read_file(cli_path(merged, "data/memory_series.dat"), NULL);
        check_uint(count_lines(series), >, 3 * 5);
        check(series && strstr(series, "\"trialdel\"") != NULL);
        free(series);
        /* The reference is the run's first collector, not the first in
         * any order the records happen to be in. */
        char *ratio = gc_read_file(cli_path(merged, "data/ratio.dat"), NULL);
        static const char head[] = "workload\t\"trialdel\"\t";
        check(ratio && strncmp(ratio, head, sizeof head - 1) == 0);
        free(ratio);
    }
    TEST("index.html links only what is there")
    {
        check_uint(links_resolve(merged), >, 5);
        if (gnuplot) {
            check(exists(merged, "throughput.png"));
            check(exists(merged, "phases.svg"));
        }
    }
    TEST("a figure that fails is named, left out, and exits 1")
    {
        if (!gnuplot) {
            tap_skip("gnuplot is not installed");
            continue;
        }
        char broken[300];
        snprintf(broken, sizeof broken, "%s/plots-broken", dir);
        check_int(gc_mkdir_p(broken), ==, 0);
        static const char *const scripts[] = {
            "common.gp", "lines.gp",    "memory.gp",       "phases.gp",
            "timeline.gp", "pareto.gp", "memory-series.gp"};
        for (size_t i = 0; i < sizeof scripts / sizeof *scripts; i++) {
            size_t n;
            char *text = gc_read_file(cli_path(plots, scripts[i]), &n);
            check(text != NULL);
            check_int(gc_write_atomic(cli_path(broken, scripts[i]), text, n),
                      ==, 0);
            free(text);
        }
        static const char bad[] = "plot nosuchfunction(x)\n";
        check_int(
            gc_write_atomic(cli_path(broken, "bars.gp"), bad, strlen(bad)), ==,
            0);
        static char err[16384];
        char *args[] = {"plot", merged, "--plots", broken, NULL};
        check_int(run_captured(gc_cmd_plot, 4, args, NULL, 0, err, sizeof err),
                  ==, 1);
        check(strstr(err, "gclab plot: figure throughput: gnuplot exited") !=
              NULL);
        check(strstr(err, "figure mmu") == NULL);
        check(!exists(merged, "throughput.png"));
        check(exists(merged, "mmu.png"));
        char *html = gc_read_file(cli_path(merged, "index.html"), NULL);
        check(html && strstr(html, "src='throughput.png'") == NULL);
        check(html && strstr(html, "throughput: not drawn") != NULL);
        check(html && strstr(html, "src='mmu.png'") != NULL);
        free(html);
        links_resolve(merged);
    }
    TEST("a results path with a space, quotes and a $ draws like any "
         "other")
    {
        char odd[400];
        snprintf(odd, sizeof odd, "%s/o'brien \"run\" $HOME/r", dir);
        char *run[] = {"run",    "--allow-debug", "--workload", "server",
                       "--size", "200",           "--out",      odd,
                       NULL};
        check_int(run_quietly(gc_cmd_run, cli_argc(run), run), ==, 0);
        char *args[] = {"plot", odd, "--plots", (char *)plots, NULL};
        check_int(run_quietly(gc_cmd_plot, 4, args), ==, gnuplot ? 0 : 1);
        check(exists(odd, "index.html"));
        check(exists(odd, "data/pause_cdf.dat"));
        if (gnuplot) {
            check(exists(odd, "pause_cdf.png"));
            check(exists(odd, "throughput.svg"));
        }
        links_resolve(odd);
    }
    if (getenv("GCLAB_KEEP_TMP") == NULL) {
        gc_remove_tree(dir);
    }
    return tap_done();
}

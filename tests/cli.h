/* tests/cli.h -- helpers for tests that run gclab's subcommands in
 * process: silence their tables, capture what they say on stderr, count
 * lines. */
#ifndef GCLAB_TEST_CLI_H
#define GCLAB_TEST_CLI_H

#include "harness.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How many arguments a NULL-terminated argv holds. */
static inline int
cli_argc(char **argv)
{
    int n = 0;
    while (argv[n] != NULL) {
        n++;
    }
    return n;
}

static inline size_t
count_lines(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++) {
        n += *s == '\n';
    }
    return n;
}

/* Copies what a temporary file caught into buf (up to cap bytes,
 * NUL-terminated) and closes it. */
static inline void
cli_drain(FILE *f, char *buf, size_t cap)
{
    rewind(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* Runs a subcommand in process.  Its stdout (its table, not TAP) is
 * caught in out, or sent to /dev/null when out is NULL; its stderr is
 * caught in err unless err is NULL.  Returns its exit status. */
static inline int
run_captured(int (*cmd)(int, char **), int argc, char **argv, char *out,
             size_t out_cap, char *err, size_t err_cap)
{
    fflush(stdout);
    fflush(stderr);
    FILE *saved = stdout;
    FILE *sink = out != NULL ? tmpfile() : fopen("/dev/null", "w");
    if (sink != NULL) {
        stdout = sink;
    }
    FILE *caught = err != NULL ? tmpfile() : NULL;
    int saved_err = caught != NULL ? dup(2) : -1;
    if (saved_err >= 0) {
        dup2(fileno(caught), 2);
    }
    int rc = cmd(argc, argv);
    fflush(stdout);
    fflush(stderr);
    if (saved_err >= 0) {
        dup2(saved_err, 2);
        close(saved_err);
    }
    if (caught != NULL) {
        cli_drain(caught, err, err_cap);
    }
    if (sink != NULL) {
        stdout = saved;
        if (out != NULL) {
            cli_drain(sink, out, out_cap);
        }
        else {
            fclose(sink);
        }
    }
    else if (out != NULL) {
        out[0] = '\0';
    }
    return rc;
}

/* The same with stdout to /dev/null and stderr left alone. */
static inline int
run_quietly(int (*cmd)(int, char **), int argc, char **argv)
{
    return run_captured(cmd, argc, argv, NULL, 0, NULL, 0);
}

/* dir/name, in one of a few rotating buffers: good until eight more. */
static inline const char *
cli_path(const char *dir, const char *name)
{
    static char paths[8][512];
    static int k;
    char *p = paths[k++ % 8];
    snprintf(p, 512, "%s/%s", dir, name);
    return p;
}

/* One TAP point: cmd on argv exits 2 and says exactly one line on
 * stderr, as bad input must (argv[0] names the subcommand). */
static inline void
check_bad_input(int (*cmd)(int, char **), const char *what, char **argv)
{
    char name[400];
    static char err[8192];
    snprintf(name, sizeof name, "gclab %s: %s: exit 2, one line", argv[0],
             what);
    TEST(name) {
        int rc = run_captured(cmd, cli_argc(argv), argv, NULL, 0, err,
                              sizeof err);
        check_int(rc, ==, 2);
        check_uint(count_lines(err), ==, 1);
        if (count_lines(err) != 1) {
            tap_diag("stderr: %s", err);
        }
    }
}

#endif /* GCLAB_TEST_CLI_H */

/* tests/t-bad-input.c -- the hostile-input corpus (tests/bad-input/):
 * malformed scenarios and results, absurd command lines, output places
 * that cannot be written.  Each case runs the real gclab in a child
 * process and must end as the case says: for an error, exactly one line
 * on stderr and the exit status given (2), never a signal or a
 * sanitizer report, and files the case names left byte for byte as
 * they were.
 *
 * usage: t-bad-input GCLAB CASES-DIR
 *
 * CASES-DIR/cases holds stanzas; a line's first word says what it is:
 *
 *     case NAME            starts a case
 *     setup SHELL          run first; must succeed (lines add up)
 *     run SHELL            the command; `gclab ARGS` execs the binary,
 *                          `gclab_unprivileged ARGS` execs it as nobody
 *                          when we are root, so a read-only directory
 *                          means read-only
 *     exit N               expected status (default 2)
 *     stderr TEXT          the one line starts with TEXT
 *     stdout empty         nothing on stdout
 *     same A B             files A and B are identical afterwards
 *
 * Shell text sees $D (CASES-DIR), $T (an empty directory of the case's
 * own) and $GCLAB; TEXT and the files of `same` have $D and $T
 * replaced too. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include "harness.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_SAME 4

struct bad_case {
    char name[128];
    struct gc_buf setup, run;
    int exit_status;
    char *stderr_prefix;
    bool is_stdout_empty;
    char *same[MAX_SAME][2];
    int nsame;
    int line; /* in the cases file, for messages */
};

static const char preamble[] =
    "gclab() { exec \"$GCLAB\" \"$@\"; }\n"
    "gclab_unprivileged() {\n"
    "    if [ \"$(id -u)\" = 0 ]; then\n"
    "        exec setpriv --reuid=65534 --regid=65534 --clear-groups \\\n"
    "            \"$GCLAB\" \"$@\"\n"
    "    fi\n"
    "    exec \"$GCLAB\" \"$@\"\n"
    "}\n";

/* s with $D and $T replaced; the caller frees it. */
static char *
expand(const char *s, const char *dir, const char *tmp)
{
    struct gc_buf b = {0};
    gc_buf_printf(&b, "%s", "");
    for (; *s; s++) {
        if (s[0] == '$' && (s[1] == 'D' || s[1] == 'T')) {
            gc_buf_printf(&b, "%s", s[1] == 'D' ? dir : tmp);
            s++;
        }
        else {
            gc_buf_printf(&b, "%c", *s);
        }
    }
    return b.data;
}

/* Runs sh -c (preamble + script) with stdout and stderr into files;
 * returns the wait status, or -1. */
static int
run_shell(const char *script, const char *out_path, const char *err_path)
{
    struct gc_buf b = {0};
    gc_buf_printf(&b, "%s%s", preamble, script);
    pid_t pid = fork();
    if (pid == 0) {
        int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0) {
            _exit(126);
        }
        close(o);
        close(e);
        /* A case that hangs is killed, and fails as a signal. */
        alarm(60);
        execl("/bin/sh", "sh", "-c", b.data, (char *)NULL);
        _exit(127);
    }
    free(b.data);
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid) {
        return -1;
    }
    return st;
}

static bool
same_bytes(const char *a, const char *b)
{
    size_t na, nb;
    char *x = gc_read_file(a, &na), *y = gc_read_file(b, &nb);
    bool same = x != NULL && y != NULL && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

/* The checks of one case; false if any failed. */
static bool
check_case(const struct bad_case *c, const char *dir, const char *tmp,
           const char *out_path, const char *err_path)
{
    /* nobody must reach $T for gclab_unprivileged. */
    if (!check(mkdir(tmp, 0755) == 0 && chmod(tmp, 0755) == 0 &&
               setenv("T", tmp, 1) == 0)) {
        return false;
    }
    if (c->setup.data != NULL) {
        int st = run_shell(c->setup.data, out_path, err_path);
        if (!check(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
            tap_diag("cases:%d: setup failed", c->line);
            return false;
        }
    }
    int st = run_shell(c->run.data, out_path, err_path);
    size_t nout = 0, nerr = 0;
    char *out = gc_read_file(out_path, &nout);
    char *err = gc_read_file(err_path, &nerr);
    bool ok = check(st != -1 && out != NULL && err != NULL);
    if (!ok) {
        free(out);
        free(err);
        return false;
    }
    if (!WIFEXITED(st)) {
        ok &= check(WIFEXITED(st));
        tap_diag("cases:%d: killed by signal %d", c->line,
                 WIFSIGNALED(st) ? WTERMSIG(st) : -1);
    }
    else {
        ok &= check_int(WEXITSTATUS(st), ==, c->exit_status);
    }
    ok &= check(strstr(err, "Sanitizer") == NULL &&
                strstr(err, "runtime error") == NULL);
    const char *nl = memchr(err, '\n', nerr);
    if (c->exit_status == 0) {
        ok &= check_uint(nerr, ==, 0);
    }
    else {
        ok &= check(nl != NULL && nl == err + nerr - 1); /* one line */
    }
    if (c->stderr_prefix != NULL) {
        char *want = expand(c->stderr_prefix, dir, tmp);
        if (!check(strncmp(err, want, strlen(want)) == 0)) {
            tap_diag("wanted: %s", want);
            ok = false;
        }
        free(want);
    }
    if (c->is_stdout_empty) {
        ok &= check_uint(nout, ==, 0);
    }
    for (int i = 0; i < c->nsame; i++) {
        char *a = expand(c->same[i][0], dir, tmp);
        char *b = expand(c->same[i][1], dir, tmp);
        if (!check(same_bytes(a, b))) {
            tap_diag("%s and %s differ", a, b);
            ok = false;
        }
        free(a);
        free(b);
    }
    if (!ok) {
        tap_diag("cases:%d: stderr was: %.600s", c->line, err);
    }
    free(out);
    free(err);
    return ok;
}

static void
run_case(const struct bad_case *c, const char *dir, const char *root)
{
    /* Named by the case's line: names hold spaces and slashes. */
    char tmp[PATH_MAX], out_path[PATH_MAX], err_path[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/%d", root, c->line);
    snprintf(out_path, sizeof out_path, "%s/%d.stdout", root, c->line);
    snprintf(err_path, sizeof err_path, "%s/%d.stderr", root, c->line);
    TEST(c->name) {
        check_case(c, dir, tmp, out_path, err_path);
    }
}

static void
case_free(struct bad_case *c)
{
    free(c->setup.data);
    free(c->run.data);
    free(c->stderr_prefix);
    for (int i = 0; i < c->nsame; i++) {
        free(c->same[i][0]);
        free(c->same[i][1]);
    }
    memset(c, 0, sizeof *c);
    c->exit_status = 2;
}

/* One line of the cases file into c; false (with a diagnostic) if the
 * line means nothing. */
static bool
parse_line(struct bad_case *c, char *line, int lineno)
{
    char *arg = line + strcspn(line, " ");
    if (*arg == ' ') {
        *arg++ = '\0';
    }
    if (strcmp(line, "case") == 0) {
        snprintf(c->name, sizeof c->name, "%s", arg);
        c->line = lineno;
    }
    else if (strcmp(line, "setup") == 0 || strcmp(line, "run") == 0) {
        gc_buf_printf(line[0] == 's' ? &c->setup : &c->run, "%s\n", arg);
    }
    else if (strcmp(line, "exit") == 0) {
        c->exit_status = atoi(arg);
    }
    else if (strcmp(line, "stderr") == 0) {
        free(c->stderr_prefix);
        c->stderr_prefix = strdup(arg);
    }
    else if (strcmp(line, "stdout") == 0 && strcmp(arg, "empty") == 0) {
        c->is_stdout_empty = true;
    }
    else if (strcmp(line, "same") == 0 && c->nsame < MAX_SAME &&
             strchr(arg, ' ') != NULL) {
        char *b = strchr(arg, ' ');
        *b++ = '\0';
        c->same[c->nsame][0] = strdup(arg);
        c->same[c->nsame][1] = strdup(b);
        c->nsame++;
    }
    else {
        tap_diag("cases:%d: cannot read '%s'", lineno, line);
        return false;
    }
    return true;
}

int
main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: t-bad-input GCLAB CASES-DIR\n");
        return 2;
    }
    char gclab[PATH_MAX], dir[PATH_MAX], cases[PATH_MAX + 8];
    char root[] = "/tmp/gclab-bad-input-XXXXXX";
    if (realpath(argv[1], gclab) == NULL || realpath(argv[2], dir) == NULL ||
        mkdtemp(root) == NULL || chmod(root, 0755) != 0) {
        fprintf(stderr, "t-bad-input: %s\n", strerror(errno));
        return 2;
    }
    setenv("GCLAB", gclab, 1);
    setenv("D", dir, 1);
    snprintf(cases, sizeof cases, "%s/cases", dir);
    char *text = gc_read_file(cases, NULL);
    if (text == NULL) {
        fprintf(stderr, "t-bad-input: cannot read %s\n", cases);
        return 2;
    }
    struct bad_case c;
    memset(&c, 0, sizeof c);
    case_free(&c);
    int lineno = 0;
    bool ok = true;
    for (char *line = text, *next; line != NULL; line = next) {
        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        lineno++;
        if (line[0] == '#' || line[0] == '\0') {
            continue;
        }
        if (strncmp(line, "case ", 5) == 0 && c.name[0] != '\0') {
            run_case(&c, dir, root);
            case_free(&c);
        }
        ok &= parse_line(&c, line, lineno);
    }
    if (c.name[0] != '\0') {
        run_case(&c, dir, root);
    }
    case_free(&c);
    free(text);
    check(ok); /* the cases file read cleanly */
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", root, root);
    if (system(cmd) != 0) {
        tap_diag("could not remove %s", root);
    }
    return tap_done();
}

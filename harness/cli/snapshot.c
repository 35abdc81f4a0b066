/* harness/cli/snapshot.c -- `gclab snapshot`: runs a real program under
 * a real interpreter with the capture module (harness/python/
 * gclab_capture.py, embedded, given with -c) and checks the snapshot it
 * wrote by reading it back (docs/snapshot.md).  The interpreter is
 * started with an argument vector, never through a shell.  Its stderr
 * is kept: passed on when all went well, else reduced to one line --
 * the program's exit status and last stderr line, or the capture's own
 * complaint -- and exit status 2. */
#include "snapshot-format.h"
#include "snapshot-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern const char gc_twin_gclab_capture[]; /* scripts/embed.py */

#define CMD "snapshot"

static int
usage(const char *msg, const char *arg)
{
    return gc_usage_error(CMD, msg, arg);
}

/* The last non-empty line of text, at most bytes - 1 of it, in out. */
static void
last_line(const char *text, char *out, size_t bytes)
{
    size_t n = text != NULL ? strlen(text) : 0;
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r')) {
        n--;
    }
    size_t start = n;
    while (start > 0 && text[start - 1] != '\n') {
        start--;
    }
    size_t len = n - start < bytes - 1 ? n - start : bytes - 1;
    if (len > 0) {
        memcpy(out, text + start, len);
    }
    out[len] = '\0';
}

/* Runs argv with stderr into *err_text; the exit status, 128 + signal,
 * or -1 if it could not be started. */
static int
run_keeping_stderr(char *const *argv, char **err_text)
{
    int fds[2];
    *err_text = NULL;
    if (pipe(fds) != 0) {
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 2);
        close(fds[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return -1;
    }
    FILE *f = fdopen(fds[0], "r");
    if (f != NULL) {
        *err_text = gc_read_stream(f, NULL);
        fclose(f);
    }
    else {
        close(fds[0]);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

int
gc_cmd_snapshot(int argc, char **argv)
{
    const char *python = NULL, *at = "exit", *out = NULL, *collects = "7";
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--help") == 0) {
            printf("usage: gclab snapshot --python PY [--at "
                   "exit|full-collection|signal] [--out FILE] "
                   "[--collects N] -- SCRIPT [ARGS]\n"
                   "       gclab snapshot --shape FILE\n");
            return 0;
        }
        if (i + 1 >= argc) {
            return usage("option needs a value:", opt);
        }
        const char *val = argv[++i];
        if (strcmp(opt, "--shape") == 0) {
            return gc_snapshot_shape_text(val, stdout, stderr);
        }
        if (strcmp(opt, "--python") == 0) {
            python = val;
        }
        else if (strcmp(opt, "--at") == 0) {
            if (strcmp(val, "exit") != 0 &&
                strcmp(val, "full-collection") != 0 &&
                strcmp(val, "signal") != 0) {
                return usage("--at takes exit, full-collection or signal, "
                             "not",
                             val);
            }
            at = val;
        }
        else if (strcmp(opt, "--out") == 0) {
            out = val;
        }
        else if (strcmp(opt, "--collects") == 0) {
            char *end;
            long n = strtol(val, &end, 10);
            if (*end != '\0' || end == val || n < 1 ||
                n > GC_SNAPSHOT_MAX_COLLECTS) {
                return usage("--collects takes 1 to 64, not", val);
            }
            collects = val;
        }
        else {
            return usage("unknown option", opt);
        }
    }
    if (python == NULL) {
        return usage("needs --python PY", NULL);
    }
    if (i + 1 >= argc) {
        return usage("needs -- SCRIPT [ARGS]", NULL);
    }
    const char *script = argv[i + 1];
    struct stat st;
    if (stat(script, &st) != 0 || !S_ISREG(st.st_mode) ||
        access(script, R_OK) != 0) {
        fprintf(stderr, "gclab snapshot: cannot read %s: %s\n", script,
                errno != 0 ? strerror(errno) : "not a regular file");
        return 2;
    }
    char default_out[4096];
    if (out == NULL) {
        const char *base = strrchr(script, '/');
        base = base != NULL ? base + 1 : script;
        size_t n = strlen(base);
        if (n > 3 && strcmp(base + n - 3, ".py") == 0) {
            n -= 3;
        }
        snprintf(default_out, sizeof default_out, "%.*s.gcsnap", (int)n,
                 base);
        out = default_out;
    }
    /* python -c CAPTURE --at AT --out OUT --collects N -- SCRIPT ARGS */
    size_t nargs = 10 + (size_t)(argc - i);
    char **args = calloc(nargs, sizeof *args);
    if (args == NULL) {
        fprintf(stderr, "gclab snapshot: out of memory\n");
        return 2;
    }
    size_t k = 0;
    args[k++] = (char *)python;
    args[k++] = "-c";
    args[k++] = (char *)gc_twin_gclab_capture;
    args[k++] = "--at";
    args[k++] = (char *)at;
    args[k++] = "--out";
    args[k++] = (char *)out;
    args[k++] = "--collects";
    args[k++] = (char *)collects;
    for (int j = i; j < argc; j++) {
        args[k++] = argv[j];
    }
    args[k] = NULL;
    if (strcmp(at, "signal") == 0) {
        fprintf(stderr, "gclab snapshot: the capture waits for SIGUSR1 to "
                        "the interpreter (kill -USR1 PID)\n");
    }
    char *err_text = NULL;
    int status = run_keeping_stderr(args, &err_text);
    free(args);
    char line[512];
    last_line(err_text, line, sizeof line);
    int rc = 0;
    if (status == 127 || status < 0) {
        fprintf(stderr, "gclab snapshot: cannot run %s\n", python);
        rc = 2;
    }
    else if (status == 3 && strncmp(line, "gclab-capture: ", 15) == 0) {
        fprintf(stderr, "gclab snapshot: %s: %s\n", python, line + 15);
        rc = 2;
    }
    else if (status != 0) {
        fprintf(stderr, "gclab snapshot: %s exited with status %d%s%s\n",
                script, status, line[0] ? ": " : "", line);
        rc = 2;
    }
    else if (err_text != NULL) {
        fputs(err_text, stderr);
    }
    free(err_text);
    if (rc != 0) {
        return rc;
    }
    struct gc_snapshot s;
    char err[512];
    if (gc_snapshot_read(out, NULL, &s, err, sizeof err) != GC_OK) {
        fprintf(stderr, "gclab snapshot: %s\n", err);
        return 2;
    }
    printf("%s: python %s at %s: %llu tracked objects, %llu untracked, "
           "%llu edges, %llu bytes; gc.collect() %.3f ms, %.3f ms of CPU "
           "(medians of %zu after the first)\n",
           out, s.python, s.at, (unsigned long long)s.ntracked,
           (unsigned long long)s.nuntracked, (unsigned long long)s.nedges,
           (unsigned long long)s.heap_bytes,
           (double)gc_snapshot_collect_median_ns(&s) / 1e6,
           (double)gc_snapshot_collect_cpu_median_ns(&s) / 1e6,
           s.ncollects > 1 ? s.ncollects - 1 : s.ncollects);
    gc_snapshot_free(&s);
    return 0;
}

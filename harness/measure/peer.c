/* harness/measure/peer.c -- peers: a workload's Python twin on a real
 * interpreter, pinned as the model's runs are, its pauses read from
 * the gc.callbacks recorder. */
#include "gc.h"
#include "harness.h"
#include "workload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "listener.h"
#include "measure.h"

/* ---- peers: the twins on a real interpreter ------------------------------ */

const char *
peer_label(const char *python, bool has_recorder)
{
    static struct {
        char python[512];
        char label[2][64];
    } cache[8];
    static int ncache;
    for (int i = 0; i < ncache; i++) {
        if (strcmp(cache[i].python, python) == 0) {
            return cache[i].label[has_recorder];
        }
    }
    if (ncache == 8 || access(python, X_OK) != 0) {
        return NULL;
    }
    char *argv[] = {(char *)python, "-c",
                    "import sys; sys.stdout.write(sys.version.split()[0])",
                    NULL};
    int status;
    char *out = run_capture(argv, &status);
    char version[32] = "";
    if (out != NULL && status == 0 && out[0] != '\0') {
        snprintf(version, sizeof version, "%s", out);
    }
    free(out);
    if (version[0] == '\0') {
        return NULL;
    }
    snprintf(cache[ncache].python, sizeof cache[ncache].python, "%s", python);
    snprintf(cache[ncache].label[0], 64, "python%s", version);
    snprintf(cache[ncache].label[1], 64, "python%s+callbacks", version);
    return cache[ncache++].label[has_recorder];
}

/* Runs a workload's twin: `python -c TWIN size=N seed=S opts...`, and
 * reads back the "metric value" lines it prints. */
/* "pauses_ns START:LENGTH:GEN,..." from a twin's recorder: the pause
 * samples (NULL, 0 if malformed or memory runs out). */
static struct gc_pause_sample *
parse_peer_pauses(const char *text, uint32_t *n)
{
    *n = 0;
    size_t cap = 1;
    for (const char *c = text; *c; c++) {
        cap += *c == ',';
    }
    struct gc_pause_sample *s = calloc(cap, sizeof *s);
    const char *p = text;
    while (s != NULL && *n < cap && *p != '\0' && *p != '\n') {
        char *end;
        unsigned long long at = strtoull(p, &end, 10), len, gen;
        if (*end != ':' ||
            (len = strtoull(end + 1, &end, 10), *end != ':') ||
            (gen = strtoull(end + 1, &end, 10), gen > 2) ||
            (*end != ',' && *end != '\n' && *end != '\0')) {
            free(s);
            *n = 0;
            return NULL;
        }
        s[(*n)++] = (struct gc_pause_sample){
            .start_ns = at, .pause_ns = len, .gen = (uint32_t)gen,
            .reason = GC_REASON_THRESHOLD};
        p = *end == ',' ? end + 1 : end;
    }
    return s;
}

void
run_peer(const struct item *it, const struct gc_workload_spec *ws,
         struct child_result *out, struct gc_pause_sample **samples)
{
    memset(out, 0, sizeof *out);
    *samples = NULL;
    snprintf(out->effective, sizeof out->effective, "%s", it->peer);
    int fds[2];
    if (pipe(fds) != 0) {
        out->status = RUN_FAILED;
        return;
    }
    char size_arg[64], seed_arg[64], opt_args[8][160];
    char *args[16];
    int n = 0;
    snprintf(size_arg, sizeof size_arg, "size=%llu",
             (unsigned long long)it->size);
    snprintf(seed_arg, sizeof seed_arg, "seed=%llu",
             (unsigned long long)it->seed);
    args[n++] = (char *)it->peer;
    args[n++] = "-c";
    args[n++] = (char *)ws->workload->twin;
    args[n++] = size_arg;
    args[n++] = seed_arg;
    for (size_t i = 0; i < ws->nopts && i < 8; i++) {
        snprintf(opt_args[i], sizeof opt_args[i], "%s=%s", ws->opts[i].key,
                 ws->opts[i].value);
        args[n++] = opt_args[i];
    }
    args[n] = NULL;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 1);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 2);
        }
        setenv("GCLAB_RECORD_GC", it->has_recorder ? "1" : "0", 1);
        if (gc_place_pin_self(it->cpu) != 0) {
            _exit(126);
        }
        execv(it->peer, args);
        _exit(127);
    }
    close(fds[1]);
    FILE *in = pid > 0 ? fdopen(fds[0], "r") : NULL;
    char *line = NULL;
    size_t line_cap = 0;
    bool has_checksum = false;
    while (in != NULL && getline(&line, &line_cap, in) > 0) {
        char key[64];
        unsigned long long v;
        if (strncmp(line, "pauses_ns ", 10) == 0 && *samples == NULL) {
            *samples = parse_peer_pauses(line + 10, &out->nsamples);
            continue;
        }
        if (sscanf(line, "%63s %llu", key, &v) != 2) {
            continue;
        }
#define M(name, help)                                                       \
    if (strcmp(key, #name) == 0) {                                          \
        out->m.name = v;                                                    \
    }
        GC_METRICS(M)
#undef M
        has_checksum |= strcmp(key, "checksum") == 0;
    }
    free(line);
    if (in != NULL) {
        fclose(in);
    }
    else {
        close(fds[0]);
    }
    int st = 0;
    if (pid > 0) {
        waitpid(pid, &st, 0);
    }
    out->m.mutator_ns =
        out->m.wall_ns > out->m.gc_ns ? out->m.wall_ns - out->m.gc_ns : 0;
    if (*samples != NULL) {
        listen_mmu_of_samples(*samples, out->nsamples, &out->m);
    }
    out->status = pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
                          has_checksum
                      ? RUN_OK
                      : RUN_FAILED;
}

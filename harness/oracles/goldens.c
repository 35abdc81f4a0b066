/* harness/oracles/goldens.c -- the scenario goldens a collector is held to:
 * every NAME.scn under a directory against NAME.PROFILE.out, the log
 * real CPython printed (scripts/regen-goldens.sh), statements in order,
 * within one the kinds of event in order and each run of one kind as a
 * multiset (gc_scenario_logs_match).  tests/t-scenarios and
 * gclab check both run them through here.
 *
 * A collector is held to the scenarios its capabilities cover (needs()):
 * refcount-only `none` to those that never collect, `full` to those
 * that do not depend on generations or automatic timing.  A scenario
 * may declare more in a comment line "# needs: untracking". */
#define _DEFAULT_SOURCE /* open_memstream */
#include "gc.h"
#include "harness.h"
#include "oracles.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const profiles[] = {"2.7", "3.8", "3.11", "3.13"};

static int
by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What a scenario needs of a collector, read from its statements:
 * any collection needs cycles; collect 0 or 1 needs generations; enable
 * or a threshold change times automatic collections by CPython's
 * policy, so it needs the generational trigger and default thresholds. */
static uint32_t
needs(const char *text)
{
    uint32_t caps = 0;
    bool has_tracked = false;
    for (const char *line = text; line != NULL && *line;) {
        while (*line == ' ' || *line == '\t') {
            line++;
        }
        char verb[32] = "", arg[32] = "";
        sscanf(line, "%31s %31s", verb, arg);
        if (strncmp(line, "# needs: untracking", 19) == 0) {
            caps |= GC_CAP_UNTRACKING; /* declared by the scenario */
        }
        else if (strcmp(verb, "tracked") == 0) {
            has_tracked = true;
        }
        else if (strcmp(verb, "collect") == 0) {
            caps |= GC_CAP_CYCLES;
            if (arg[0] == '0' || arg[0] == '1') {
                caps |= GC_CAP_GENERATIONS;
            }
        }
        else if (strcmp(verb, "freeze") == 0) {
            caps |= GC_CAP_CYCLES | GC_CAP_FREEZE;
        }
        else if (strcmp(verb, "enable") == 0 ||
                 (strcmp(verb, "threshold") == 0 && arg[0] != '\0')) {
            caps |= GC_CAP_CYCLES | GC_CAP_GENERATIONS | GC_CAP_AUTOMATIC |
                    GC_CAP_DEFAULT_THRESHOLDS;
        }
        line = strchr(line, '\n');
        line = line != NULL ? line + 1 : NULL;
    }
    /* Tracking after a collection depends on which objects it saw. */
    if (has_tracked && (caps & GC_CAP_CYCLES)) {
        caps |= GC_CAP_UNTRACKING;
    }
    return caps;
}

/* The sorted names of the .scn files in dir; NULL (errno set) if it
 * cannot be read. */
static char **
scenario_names(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    *n = 0;
    if (d == NULL) {
        return NULL;
    }
    char **names = NULL;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".scn") == 0) {
            char **more = realloc(names, (*n + 1) * sizeof *names);
            char *name = more != NULL ? strdup(e->d_name) : NULL;
            names = more != NULL ? more : names;
            if (name == NULL) {
                break;
            }
            names[(*n)++] = name;
        }
    }
    closedir(d);
    if (names == NULL) {
        names = malloc(sizeof *names);
    }
    if (names != NULL) {
        qsort(names, *n, sizeof *names, by_name);
    }
    return names;
}

int
gc_goldens_find(const char *dir, const char *collector, const char *only,
                struct gc_goldens *out, char *err, size_t err_bytes)
{
    *out = (struct gc_goldens){0};
    struct gc_heap *probe;
    if (gc_heap_new_spec(collector, NULL, &probe, err, err_bytes) != GC_OK) {
        return -1;
    }
    uint32_t caps = gc_heap_caps(probe);
    gc_heap_destroy(probe);
    char **names = scenario_names(dir, &out->nscenarios);
    if (names == NULL) {
        snprintf(err, err_bytes, "cannot read %s: %s", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < out->nscenarios; i++) {
        char scn[4096];
        snprintf(scn, sizeof scn, "%s/%s", dir, names[i]);
        char *text = gc_read_file(scn, NULL);
        bool is_covered = text != NULL && (needs(text) & ~caps) == 0;
        free(text);
        for (size_t p = 0; is_covered && rc == 0 && p < 4; p++) {
            char golden[4096];
            if (only != NULL && strcmp(only, profiles[p]) != 0) {
                continue;
            }
            snprintf(golden, sizeof golden, "%s/%.*s.%s.out", dir,
                     (int)strlen(names[i]) - 4, names[i], profiles[p]);
            char *expected = gc_read_file(golden, NULL);
            if (expected == NULL) {
                continue; /* the scenario does not apply to this profile */
            }
            struct gc_golden *more =
                realloc(out->items, (out->n + 1) * sizeof *more);
            char *path = more != NULL ? strdup(scn) : NULL;
            if (path == NULL) {
                free(expected);
                snprintf(err, err_bytes, "out of memory");
                rc = -1;
                break;
            }
            out->items = more;
            out->items[out->n++] = (struct gc_golden){.scenario = path,
                                                      .profile = profiles[p],
                                                      .expected = expected};
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

void
gc_goldens_free(struct gc_goldens *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->items[i].scenario);
        free(g->items[i].expected);
    }
    free(g->items);
    *g = (struct gc_goldens){0};
}

bool
gc_golden_check(const struct gc_golden *g, const char *collector, FILE *report)
{
    char *out = NULL, *err = NULL;
    size_t out_len = 0, err_len = 0;
    FILE *fo = open_memstream(&out, &out_len);
    FILE *fe = open_memstream(&err, &err_len);
    bool ok = false;
    if (fo != NULL && fe != NULL) {
        int rc =
            gc_scenario_run_file(g->scenario, g->profile, collector, fo, fe);
        fclose(fo);
        fclose(fe);
        fo = fe = NULL;
        ok = rc == 0 && err_len == 0 &&
             gc_scenario_logs_match(g->expected, out, report);
        if ((rc != 0 || err_len != 0) && report != NULL) {
            fprintf(report, "# %s on %s: exit status %d; stderr: %s%s",
                    g->scenario, g->profile, rc, err_len ? err : "(none)\n",
                    err_len && err[err_len - 1] != '\n' ? "\n" : "");
        }
    }
    if (fo != NULL) {
        fclose(fo);
    }
    if (fe != NULL) {
        fclose(fe);
    }
    free(out);
    free(err);
    return ok;
}

/* tests/t-scenarios.c -- every scenario in tests/scenarios/ against its
 * goldens from real CPython, one TAP point per (scenario, profile):
 * statements in order, the events of one statement as a multiset.
 * Usage: t-scenarios DIR [--collector SPEC] [--profile P]
 *
 * A collector is held to the scenarios its capabilities cover (see
 * needs()): refcount-only `none` to those that never collect, `full` to
 * those that do not depend on generations or automatic timing.  A
 * scenario may declare more in a comment line "# needs: untracking". */
#define _DEFAULT_SOURCE /* open_memstream */
#include "gc.h"
#include "harness.h"
#include "tap.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

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

int
main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/scenarios";
    const char *collector = "cpython", *only = NULL;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--collector") == 0) {
            collector = argv[i + 1];
        }
        else if (strcmp(argv[i], "--profile") == 0) {
            only = argv[i + 1];
        }
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        tap_diag("cannot open %s", dir);
        check(d != NULL);
        return tap_done();
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".scn") == 0) {
            names = realloc(names, (n + 1) * sizeof *names);
            names[n++] = strdup(e->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    static const char *const profiles[] = {"2.7", "3.8", "3.11", "3.13"};
    int goldens = 0;
    uint32_t caps;
    struct gc_heap *probe;
    char msg[256];
    if (gc_heap_new_spec(collector, NULL, &probe, msg, sizeof msg) != GC_OK) {
        tap_diag("bad collector: %s", msg);
        check(!"collector spec");
        return tap_done();
    }
    caps = gc_heap_caps(probe);
    gc_heap_destroy(probe);
    for (size_t i = 0; i < n; i++) {
        for (int p = 0; p < 4; p++) {
            if (only != NULL && strcmp(only, profiles[p]) != 0) {
                continue;
            }
            char scn[4096], golden[4096], name[300];
            snprintf(scn, sizeof scn, "%s/%s", dir, names[i]);
            snprintf(golden, sizeof golden, "%s/%.*s.%s.out", dir,
                     (int)strlen(names[i]) - 4, names[i], profiles[p]);
            char *expected = gc_read_file(golden, NULL);
            if (expected == NULL) {
                continue; /* the scenario does not apply to this profile */
            }
            char *text = gc_read_file(scn, NULL);
            bool is_covered = text != NULL && (needs(text) & ~caps) == 0;
            free(text);
            if (!is_covered) {
                free(expected);
                continue;
            }
            goldens++;
            snprintf(name, sizeof name, "%s on %s matches CPython",
                     names[i], profiles[p]);
            TEST(name) {
                char *out = NULL, *err = NULL;
                size_t out_len = 0, err_len = 0;
                FILE *fo = open_memstream(&out, &out_len);
                FILE *fe = open_memstream(&err, &err_len);
                int rc = gc_scenario_run_file(scn, profiles[p], collector, fo,
                                              fe);
                fclose(fo);
                fclose(fe);
                check_int(rc, ==, 0);
                check_str(err, "");
                check(gc_scenario_logs_match(expected, out, stdout));
                free(out);
                free(err);
            }
            free(expected);
        }
        free(names[i]);
    }
    free(names);
    tap_diag("%zu scenarios, %d goldens", n, goldens);
    check(goldens > 0);
    return tap_done();
}

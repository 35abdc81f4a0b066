/* tests/t-scenarios.c -- every scenario in tests/scenarios/ against its
 * goldens from real CPython, one TAP point per (scenario, profile):
 * statements in order, the events of one statement as a multiset.
 * Usage: t-scenarios DIR [--collector SPEC] [--profile P]
 *
 * Which goldens a collector is held to, and how one is run, is
 * harness/goldens.c's, which gclab check shares. */
#include "harness.h"
#include "tap.h"

#include <string.h>

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
    struct gc_goldens g;
    char err[256];
    if (gc_goldens_find(dir, collector, only, &g, err, sizeof err) != 0) {
        tap_diag("%s", err);
        check(!"goldens found");
        return tap_done();
    }
    for (size_t i = 0; i < g.n; i++) {
        const char *base = strrchr(g.items[i].scenario, '/');
        char name[300];
        snprintf(name, sizeof name, "%s on %s matches CPython",
                 base != NULL ? base + 1 : g.items[i].scenario,
                 g.items[i].profile);
        TEST(name) { check(gc_golden_check(&g.items[i], collector, stdout)); }
    }
    tap_diag("%zu scenarios, %zu goldens", g.nscenarios, g.n);
    check(g.n > 0);
    gc_goldens_free(&g);
    return tap_done();
}

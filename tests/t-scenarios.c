/* tests/t-scenarios.c -- every scenario in tests/scenarios/ against its
 * goldens from real CPython, one TAP point per (scenario, profile):
 * statements in order; within one, the kinds of event in CPython's
 * order and each run of one kind as a multiset.  First, that rule on
 * made-up logs.  Usage: t-scenarios DIR [--collector SPEC] [--profile P]
 *
 * Which goldens a collector is held to, and how one is run, is
 * harness/oracles/goldens.c's, which gclab check shares. */
#include "harness.h"
#include "oracles.h"
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
    TEST("logs: a run of one kind may come in any order") {
        check(gc_scenario_logs_match("3: finalize a\n3: finalize b\n"
                                     "3: collect 2 2\n",
                                     "3: finalize b\n3: finalize a\n"
                                     "3: collect 2 2\n",
                                     NULL));
    }
    TEST("logs: callbacks before finalizers is not the same log") {
        check(!gc_scenario_logs_match("5: callback w\n5: finalize a\n",
                                      "5: finalize a\n5: callback w\n",
                                      NULL));
        check(!gc_scenario_logs_match("5: finalize a\n5: callback w\n"
                                      "5: finalize b\n",
                                      "5: finalize b\n5: callback w\n"
                                      "5: finalize a\n",
                                      NULL));
        check(!gc_scenario_logs_match("5: gc start 2\n5: finalize a\n",
                                      "5: finalize a\n5: gc start 2\n",
                                      NULL));
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

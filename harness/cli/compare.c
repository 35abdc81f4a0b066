/* harness/cli/compare.c -- gclab compare: two results directories
 * judged (gate/compare.c), or, with --ab, two builds run interleaved
 * and then judged (gate/ab.c). */
#include "harness.h"

#include <stdio.h>
#include <string.h>

#include "gate.h"

int
gc_cmd_compare(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--ab") == 0) {
            return compare_ab(argc, argv);
        }
    }
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        printf(
            "usage: gclab compare BASE NEW [--metric M]... [--threshold PCT]\n"
            "         [--test welch|mannwhitney|paired] [--alpha A]\n"
            "         [--format table|markdown|json] [--pair BASE=NEW]...\n"
            "BASE and NEW are results directories or results.jsonl files. "
            "Runs match by\n"
            "(collector, workload, size); --pair BASE_SPEC=NEW_SPEC matches "
            "two collectors,\n"
            "and when each side ran one collector they match by workload "
            "and size.\n"
            "--metric names a gating metric (default: gc_ns, pause_p99_ns, "
            "peak_live_bytes,\n"
            "wall_ns, and gc_cpu_ns when both sides ran with --pause-cpu). "
            "Exit 0: nothing\n"
            "regressed; 1: a regression; 2: bad input.  docs/compare.md.\n"
            "\n"
            "       gclab compare --ab BUILD_A BUILD_B [--canary BUILD_C] "
            "[--runs N] [--max-runs M]\n"
            "         [--order-seed S] [--keep DIR] [compare options] "
            "[--] [run args...]\n"
            "runs `BUILD run ARGS` N times each (default 10), interleaved "
            "in a seeded random\n"
            "order, joins each side's records and compares A with B, "
            "run by run within\n"
            "each round (--test paired, unless --test is given); a "
            "canary (a build known\n"
            "to be worse) must be flagged against A, or the job fails.  "
            "With --max-runs,\n"
            "more rounds follow until every gating cell's MDE is within "
            "--threshold.\n");
        return 0;
    }
    return compare_run(argc, argv, stdout, NULL);
}

/* harness/cli/main.c -- the gclab command: dispatch to subcommands.  Bad
 * usage gets one line on stderr and exit status 2. */
#include "harness.h"
#include "version.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int
cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("gclab %s (revision %s)\n", GCLAB_VERSION, GCLAB_REVISION);
    return 0;
}

static int cmd_help(int argc, char **argv);

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"bench", gc_cmd_bench, "the main job: suite, results, plots, report"},
    {"check", gc_cmd_check, "the CI gate: conformance, goldens, counters, "
                            "instructions"},
    {"compare", gc_cmd_compare, "base vs new results: changes, CIs, the gate"},
    {"conform", gc_cmd_conform, "the conformance suite, as TAP"},
    {"fuzz", gc_cmd_fuzz, "random programs against a reachability oracle"},
    {"list", gc_cmd_list, "collectors and workloads, one per line"},
    {"merge", gc_cmd_merge, "join the results of --shard runs"},
    {"micro", gc_cmd_micro, "micro benchmarks of the primitives"},
    {"oracle", gc_cmd_oracle, "hold an interpreter up against the goldens"},
    {"plot", gc_cmd_plot, "every figure and index.html of a results dir"},
    {"report", gc_cmd_report, "the summary table of stored results"},
    {"run", gc_cmd_run, "collectors x workloads: collections, time"},
    {"scenario", gc_cmd_scenario, "run a scenario, or --emit-python"},
    {"sweep", gc_cmd_sweep, "one knob's values: GC time vs retained garbage"},
    {"system", gc_cmd_system, "this machine: CPUs, pinning, noise; advice"},
    {"twin", gc_cmd_twin, "a workload's Python twin: print or run it"},
    {"version", cmd_version, "version and git revision"},
    {"help", cmd_help, "this list"},
};

static int
cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("usage: gclab COMMAND [ARGS]\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        printf("  %-8s %s\n", commands[i].name, commands[i].help);
    }
    return 0;
}

/* Output that never reached stdout (a full disk, /dev/full) must not
 * pass for success.  A command that already failed has said why. */
static int
check_stdout(int status)
{
    errno = 0;
    bool is_flushed = fflush(stdout) == 0;
    if (status != 0 || (is_flushed && !ferror(stdout))) {
        return status;
    }
    fprintf(stderr, "gclab: cannot write standard output%s%s\n",
            errno != 0 ? ": " : "", errno != 0 ? strerror(errno) : "");
    return 2;
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "gclab: no command; try 'gclab help'\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            return check_stdout(commands[i].run(argc - 1, argv + 1));
        }
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        return check_stdout(cmd_help(argc - 1, argv + 1));
    }
    fprintf(stderr, "gclab: unknown command '%s'; try 'gclab help'\n",
            argv[1]);
    return 2;
}

/* tests/t-place.c -- a steady instrument (issue 19): --cpu pins runs
 * and records where they ran, the parent leaves that CPU, --order
 * shuffles each round of repetitions by a seed that replays it,
 * gclab system says a fact or "unknown" on every line, and the minimum
 * detectable effect against a hand-computed value and a simulation. */
#define _GNU_SOURCE /* sched_getaffinity, mkdtemp */
#include "cli.h"
#include "harness.h"
#include "place-internal.h"
#include "tap.h"

#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The (collector, repetition) of each record of DIR/results.jsonl in
 * the order they ran (run_index), as "c:r c:r ..." into out; the
 * file itself is in matrix order, which *matrix_order says. */
static void
run_order(const char *dir, char *out, size_t cap, bool *matrix_order)
{
    char path[400];
    snprintf(path, sizeof path, "%s/results.jsonl", dir);
    char *text = gc_read_file(path, NULL);
    char item[64][48];
    size_t n = 0;
    bool ordered = true;
    for (const char *p = text; p != NULL && *p && n < 64;
         p = strchr(p, '\n')) {
        p += *p == '\n';
        const char *c = strstr(p, "\"collector\":\"");
        const char *r = strstr(p, "\"repetition\":");
        const char *k = strstr(p, "\"run_index\":");
        if (c == NULL || r == NULL || k == NULL) {
            break;
        }
        c += strlen("\"collector\":\"");
        long rep = strtol(r + strlen("\"repetition\":"), NULL, 10);
        long at = strtol(k + strlen("\"run_index\":"), NULL, 10);
        if (at < 1 || at > 64) {
            break;
        }
        /* Matrix order: repetitions ascending, cpython, full, none. */
        ordered &= n / 3 + 1 == (size_t)rep &&
                   strncmp(c, n % 3 == 0   ? "cpython"
                              : n % 3 == 1 ? "full"
                                           : "none",
                           4) == 0;
        snprintf(item[at - 1], sizeof item[at - 1], "%.*s:%ld ",
                 (int)strcspn(c, "\""), c, rep);
        n++;
    }
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && len + 48 < cap; i++) {
        len += (size_t)snprintf(out + len, cap - len, "%s", item[i]);
    }
    *matrix_order = ordered && n > 0;
    free(text);
}

static bool
file_has(const char *dir, const char *name, const char *needle)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = gc_read_file(path, NULL);
    bool yes = text != NULL && strstr(text, needle) != NULL;
    free(text);
    return yes;
}

static int
run(const char *dir, const char *cpu, const char *order, const char *seed)
{
    char *argv[] = {"run", "--allow-debug", "--collector", "cpython",
                    "--collector", "full", "--collector", "none",
                    "--workload", "alloc-churn", "--size", "300",
                    "--repeat", "6", "--out", (char *)dir, "--cpu",
                    (char *)cpu, "--order", (char *)order, "--order-seed",
                    (char *)seed, NULL};
    return run_captured(gc_cmd_run, cli_argc(argv), argv, NULL, 0, NULL, 0);
}

int
main(void)
{
    char tmp[] = "/tmp/gclab-t-place-XXXXXX";
    if (mkdtemp(tmp) == NULL) {
        printf("Bail out! cannot make a scratch directory\n");
        return 1;
    }
    char a[200], b[200], c[200], d[200];
    snprintf(a, sizeof a, "%s/a", tmp);
    snprintf(b, sizeof b, "%s/b", tmp);
    snprintf(c, sizeof c, "%s/c", tmp);
    snprintf(d, sizeof d, "%s/d", tmp);

    TEST("shuffle: a permutation, the same for the same seed") {
        int x[50], y[50], seen[50] = {0};
        for (int i = 0; i < 50; i++) {
            x[i] = y[i] = i;
        }
        uint64_t s1 = 42, s2 = 42;
        gc_shuffle(x, 50, sizeof *x, &s1);
        gc_shuffle(y, 50, sizeof *y, &s2);
        bool same = true, moved = false;
        for (int i = 0; i < 50; i++) {
            seen[x[i]]++;
            same &= x[i] == y[i];
            moved |= x[i] != i;
        }
        bool perm = true;
        for (int i = 0; i < 50; i++) {
            perm &= seen[i] == 1;
        }
        check(perm);
        check(same);
        check(moved);
    }

    TEST("--order random: each round holds every cell once, and the seed "
         "replays the order") {
        check_int(run(a, "none", "random", "7"), ==, 0);
        check_int(run(b, "none", "random", "7"), ==, 0);
        char oa[4096], ob[4096];
        bool file_a, file_b;
        run_order(a, oa, sizeof oa, &file_a);
        run_order(b, ob, sizeof ob, &file_b);
        check_str(oa, ob);
        check(file_a); /* written in matrix order, whatever ran when */
        /* Round r is records 3r..3r+2: repetition r + 1 of each. */
        bool rounds_ok = true, any_shuffled = false;
        const char *p = oa;
        for (int r = 1; r <= 6; r++) {
            char names[3][32];
            for (int k = 0; k < 3; k++) {
                int rep = 0;
                if (sscanf(p, "%31[^:]:%d ", names[k], &rep) != 2) {
                    rounds_ok = false;
                    break;
                }
                rounds_ok &= rep == r;
                p = strchr(p, ' ') + 1;
            }
            rounds_ok &= strcmp(names[0], names[1]) != 0 &&
                         strcmp(names[1], names[2]) != 0 &&
                         strcmp(names[0], names[2]) != 0;
            any_shuffled |= strcmp(names[0], "cpython") != 0 ||
                            strcmp(names[1], "full") != 0;
        }
        check(rounds_ok);
        check(any_shuffled);
        check(file_has(a, "results.jsonl", "\"order\":\"random\","
                                           "\"order_seed\":7"));
    }

    TEST("--order sequential: matrix order, and the records say so") {
        check_int(run(c, "none", "sequential", "7"), ==, 0);
        char oc[4096];
        bool file_c;
        run_order(c, oc, sizeof oc, &file_c);
        check(file_c);
        check(strncmp(oc, "cpython:1 full:1 none:1 cpython:2 full:2 none:2 ",
                      48) == 0);
        check(file_has(c, "results.jsonl", "\"order\":\"sequential\","
                                           "\"order_seed\":null"));
    }

    TEST("--cpu none: records carry cpu null") {
        check(file_has(a, "results.jsonl", "\"cpu\":null,\"cpu_pin\":\"none\""));
    }

    TEST("--cpu 0: records carry it, the parent leaves CPU 0") {
        /* Where it may go: the CPUs this process may use, which a
         * cpuset can make fewer than the machine has. */
        cpu_set_t before;
        check_int(sched_getaffinity(0, sizeof before, &before), ==, 0);
        CPU_CLR(0, &before);
        check_int(run(d, "0", "random", "3"), ==, 0);
        check(file_has(d, "results.jsonl", "\"cpu\":0,\"cpu_pin\":\"0\""));
        cpu_set_t now;
        check_int(sched_getaffinity(0, sizeof now, &now), ==, 0);
        if (gc_place_cpu_count() > 1 && CPU_COUNT(&before) > 0) {
            check(!CPU_ISSET(0, &now));
        }
        else {
            tap_skip("no CPU but 0 to use: the parent has nowhere else to go");
        }
    }

    TEST("compare warns when the sides ran on different CPUs, only then") {
        char err[1024];
        char *argv[] = {"compare", a, d, NULL};
        run_captured(gc_cmd_compare, 3, argv, NULL, 0, err, sizeof err);
        check(strstr(err, "warning: BASE ran on host") != NULL);
        check(strstr(err, "CPU unpinned; NEW on host") != NULL);
        char *same[] = {"compare", a, c, NULL};
        run_captured(gc_cmd_compare, 3, same, NULL, 0, err, sizeof err);
        check(strstr(err, "warning") == NULL);
    }

    TEST("compare gives the MDE of each tested cell") {
        char out[16384];
        char *argv[] = {"compare", a, c, "--format", "json", NULL};
        run_captured(gc_cmd_compare, 5, argv, out, sizeof out, NULL, 0);
        const char *wall = strstr(out, "\"metric\":\"wall_ns\"");
        const char *mde = wall ? strstr(wall, "\"mde_pct\":") : NULL;
        check(mde != NULL);
        double v = mde ? strtod(mde + strlen("\"mde_pct\":"), NULL) : 0;
        check(v > 0 && v < 1000);
    }

    TEST("pinning a process leaves it on that CPU alone") {
        check_int(gc_place_pin_self(0), ==, 0);
        cpu_set_t now;
        check_int(sched_getaffinity(0, sizeof now, &now), ==, 0);
        check_int(CPU_COUNT(&now), ==, 1);
        check(CPU_ISSET(0, &now));
        check_int(sched_getcpu(), ==, 0);
    }

    TEST("auto where affinity cannot be set: unpinned, and said so") {
        setenv("GCLAB_TEST_NO_AFFINITY", "1", 1);
        char err[512];
        char *argv[] = {"run", "--allow-debug", "--workload", "alloc-churn",
                        "--size", "300", "--out", a, NULL};
        int rc = run_captured(gc_cmd_run, cli_argc(argv), argv, NULL, 0, err,
                              sizeof err);
        unsetenv("GCLAB_TEST_NO_AFFINITY");
        check_int(rc, ==, 0);
        check(strstr(err, "warning: cannot pin") != NULL);
        check(file_has(a, "results.jsonl",
                       "\"cpu\":null,\"cpu_pin\":\"auto-unpinned\""));
    }

    TEST("auto picks one CPU, the same every time, one this process may "
         "use") {
        cpu_set_t all;
        CPU_ZERO(&all);
        for (int k = 0; k < gc_place_cpu_count(); k++) {
            CPU_SET(k, &all);
        }
        sched_setaffinity(0, sizeof all, &all);
        int first = gc_place_auto_cpu();
        check(first >= 0);
        check_int(gc_place_auto_cpu(), ==, first);
        check(gc_place_cpu_online(first));
    }

    TEST("results directories get system.json") {
        check(file_has(a, "system.json", "\"cpus\":"));
        check(file_has(a, "system.json", "\"advice\":["));
    }

    TEST("gclab system: every line a fact or unknown, and advice") {
        char out[8192], err[512];
        char *argv[] = {"system", "--interval-ms", "50", NULL};
        int rc = run_captured(gc_cmd_system, cli_argc(argv), argv, out,
                              sizeof out, err, sizeof err);
        check_int(rc, ==, 0);
        check_str(err, "");
        size_t facts = 0, advice = 0;
        bool lines_ok = true;
        for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
            if (strncmp(line, "advice: ", 8) == 0) {
                advice++;
                continue;
            }
            /* "name   value": a name, spaces, then something. */
            size_t name = strspn(line, "abcdefghijklmnopqrstuvwxyz_");
            size_t gap = strspn(line + name, " ");
            lines_ok &= name > 0 && gap > 0 && line[name + gap] != '\0';
            facts++;
        }
        check(lines_ok);
        check(facts >= 15);
        check(advice >= 1);
    }

    TEST("MDE: by hand, and a simulation detects it 95% of the time") {
        /* sd 1, 10 a side: df 18, t(0.975) 2.1009, t(0.95) 1.7341,
         * se sqrt(0.2). */
        double mde = gc_mde(1.0, 10, 1.0, 10, 0.05, 0.95);
        check(fabs(mde - (2.10092 + 1.73406) * sqrt(0.2)) < 1e-3);
        check(gc_mde(0.0, 5, 0.0, 5, 0.05, 0.95) == 0.0);
        check(isnan(gc_mde(1.0, 1, 1.0, 10, 0.05, 0.95)));
        /* Normal samples (Box-Muller) shifted by the MDE: Welch at 0.05
         * rejects in about 95% of 2000 trials. */
        uint64_t rng = 9;
        int hits = 0, trials = 2000;
        for (int t = 0; t < trials; t++) {
            double x[10], y[10];
            for (int i = 0; i < 10; i++) {
                for (int side = 0; side < 2; side++) {
                    double u1 = ((double)(gc_random_next(&rng) >> 11) + 1) /
                                9007199254740993.0;
                    double u2 = (double)(gc_random_next(&rng) >> 11) /
                                9007199254740992.0;
                    double z = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
                    (side ? y : x)[i] = z + (side ? mde : 0);
                }
            }
            struct gc_test r;
            gc_test_welch(x, 10, y, 10, &r);
            hits += r.p < 0.05;
        }
        double power = (double)hits / trials;
        tap_diag("simulated power at the MDE: %.3f", power);
        check(power > 0.93 && power < 0.97);
    }
    gc_remove_tree(tmp);
    return tap_done();
}

/* harness/run.c -- gclab run (collectors x workloads, in this process
 * for now) and gclab twin (a workload's Python twin).  Each run starts
 * from a full collection, as the twins do, and records the collections
 * per generation it caused, which compare exactly with the twin's on a
 * real interpreter. */
#include "gc.h"
#include "harness.h"
#include "workload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ITEMS 32

/* Tracked objects a bare interpreter holds after gc.collect() (`python
 * -c`, len(gc.get_objects()), measured on 2.7.18, 3.8.18, 3.11.7 and
 * 3.13.0).  They sit in the oldest generation and count in the 25%
 * rule's long_lived_total, so a run starts from the same place as its
 * twin. */
static const uint64_t interpreter_objects[GC_PROFILE_COUNT] = {
    [GC_PROFILE_2_7] = 3475,
    [GC_PROFILE_3_8] = 4482,
    [GC_PROFILE_3_11] = 11091,
    [GC_PROFILE_3_13] = 5089,
};

/* n lists held by one rooted list: the interpreter's own objects. */
static enum gc_status
add_baseline(struct gc_heap *heap, uint64_t n)
{
    if (n == 0) {
        return GC_OK;
    }
    struct gc_object *holder = gc_list_new(heap);
    if (holder == NULL) {
        return GC_ENOMEM;
    }
    enum gc_status rc = gc_root_set(heap, "__interpreter__", holder);
    for (uint64_t i = 1; i < n && rc == GC_OK; i++) {
        struct gc_object *l = gc_list_new(heap);
        rc = l != NULL ? gc_list_append(heap, holder, l) : GC_ENOMEM;
        gc_xdecref(heap, l);
    }
    gc_decref(heap, holder);
    return rc;
}

static int
usage(const char *msg, const char *arg)
{
    fprintf(stderr, "gclab run: %s%s%s\n", msg, arg ? " " : "",
            arg ? arg : "");
    return 2;
}

static bool
parse_count(const char *text, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || text[0] == '-' ||
        v == 0 || v > max) {
        return false;
    }
    *out = v;
    return true;
}

int
gc_cmd_run(int argc, char **argv)
{
    const char *collectors[MAX_ITEMS], *workloads[MAX_ITEMS];
    int ncollectors = 0, nworkloads = 0;
    uint64_t size = 0, repeat = 1, seed = 1, baseline = UINT64_MAX;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (i + 1 >= argc) {
            return usage("unknown or incomplete option", opt);
        }
        const char *val = argv[++i];
        if (strcmp(opt, "--collector") == 0 && ncollectors < MAX_ITEMS) {
            collectors[ncollectors++] = val;
        }
        else if (strcmp(opt, "--workload") == 0 && nworkloads < MAX_ITEMS) {
            workloads[nworkloads++] = val;
        }
        else if (strcmp(opt, "--size") == 0) {
            if (!parse_count(val, 1000000000, &size)) {
                return usage("--size needs an integer from 1 to 1e9, not", val);
            }
        }
        else if (strcmp(opt, "--repeat") == 0) {
            if (!parse_count(val, 10000, &repeat)) {
                return usage("--repeat needs an integer from 1 to 10000, not",
                             val);
            }
        }
        else if (strcmp(opt, "--baseline") == 0) {
            if (strcmp(val, "0") == 0) {
                baseline = 0;
            }
            else if (!parse_count(val, 100000000, &baseline)) {
                return usage("--baseline needs an integer from 0 to 1e8, not",
                             val);
            }
        }
        else if (strcmp(opt, "--seed") == 0) {
            if (!parse_count(val, UINT64_MAX / 2, &seed)) {
                return usage("--seed needs a positive integer, not", val);
            }
        }
        else {
            return usage("unknown option", opt);
        }
    }
    if (ncollectors == 0) {
        collectors[ncollectors++] = "cpython";
    }
    if (nworkloads == 0) {
        for (size_t w = 0; gc_workloads[w] != NULL && w < MAX_ITEMS; w++) {
            workloads[nworkloads++] = gc_workloads[w]->name;
        }
    }
    /* Check every spec before running anything. */
    char err[256];
    struct gc_workload_spec wspecs[MAX_ITEMS];
    for (int c = 0; c < ncollectors; c++) {
        struct gc_spec spec;
        if (gc_spec_parse(collectors[c], &spec, err, sizeof err) != GC_OK) {
            fprintf(stderr, "gclab run: %s\n", err);
            return 2;
        }
    }
    for (int w = 0; w < nworkloads; w++) {
        if (gc_workload_spec_parse(workloads[w], &wspecs[w], err,
                                   sizeof err) != GC_OK) {
            fprintf(stderr, "gclab run: %s\n", err);
            return 2;
        }
    }
    printf("%-32s %-40s %8s %4s %10s %8s %8s %8s %12s %s\n", "collector",
           "workload", "size", "rep", "wall_ms", "gen0", "gen1", "gen2",
           "collected", "checksum");
    int status = 0;
    for (int w = 0; w < nworkloads; w++) {
        uint64_t first_checksum = 0;
        bool has_first = false;
        for (int c = 0; c < ncollectors; c++) {
            for (uint64_t r = 0; r < repeat; r++) {
                struct gc_heap *heap;
                if (gc_heap_new_spec(collectors[c], NULL, &heap, err,
                                     sizeof err) != GC_OK) {
                    fprintf(stderr, "gclab run: %s\n", err);
                    return 2;
                }
                struct gc_workload_params p = {
                    .size = size ? size : wspecs[w].workload->default_size,
                    .seed = seed + r,
                    .opts = wspecs[w].opts,
                    .nopts = wspecs[w].nopts,
                };
                uint64_t base =
                    baseline != UINT64_MAX
                        ? baseline
                        : interpreter_objects[gc_heap_profile(heap)];
                if (add_baseline(heap, base) != GC_OK) {
                    fprintf(stderr, "gclab run: out of memory\n");
                    return 1;
                }
                gc_collect(heap, 2);
                struct gc_gen_stats before[3], after[3];
                bool has_stats = gc_get_stats(heap, before) == GC_OK;
                uint64_t checksum = 0, t0 = gc_clock_ns();
                enum gc_status rc =
                    wspecs[w].workload->run(heap, &p, &checksum);
                uint64_t wall = gc_clock_ns() - t0;
                if (has_stats) {
                    gc_get_stats(heap, after);
                }
                else {
                    memset(before, 0, sizeof before);
                    memset(after, 0, sizeof after);
                }
                if (rc != GC_OK) {
                    fprintf(stderr, "gclab run: %s on %s failed: %s\n",
                            collectors[c], workloads[w], gc_status_str(rc));
                    status = 1;
                }
                else if (has_first && checksum != first_checksum) {
                    fprintf(stderr,
                            "gclab run: %s on %s: checksum %llu differs "
                            "from %s's %llu\n",
                            collectors[c], workloads[w],
                            (unsigned long long)checksum, collectors[0],
                            (unsigned long long)first_checksum);
                    status = 1;
                }
                first_checksum = has_first ? first_checksum : checksum;
                has_first = true;
                printf("%-32s %-40s %8llu %4llu %10.2f %8llu %8llu %8llu "
                       "%12llu %llu\n",
                       collectors[c], workloads[w], (unsigned long long)p.size,
                       (unsigned long long)r + 1, (double)wall / 1e6,
                       (unsigned long long)(after[0].collections -
                                            before[0].collections),
                       (unsigned long long)(after[1].collections -
                                            before[1].collections),
                       (unsigned long long)(after[2].collections -
                                            before[2].collections),
                       (unsigned long long)(after[0].collected +
                                            after[1].collected +
                                            after[2].collected -
                                            before[0].collected -
                                            before[1].collected -
                                            before[2].collected),
                       (unsigned long long)checksum);
                gc_heap_destroy(heap);
            }
        }
    }
    return status;
}

int
gc_cmd_twin(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "gclab twin: usage: gclab twin WORKLOAD [--python "
                        "PATH [key=value...]]\n");
        return 2;
    }
    const struct gc_workload *w = gc_workload_find(argv[1]);
    if (w == NULL) {
        char err[256];
        struct gc_workload_spec spec;
        gc_workload_spec_parse(argv[1], &spec, err, sizeof err);
        fprintf(stderr, "gclab twin: %s\n", err);
        return 2;
    }
    if (argc == 2) {
        fputs(w->twin, stdout);
        return 0;
    }
    if (strcmp(argv[2], "--python") != 0 || argc < 4) {
        fprintf(stderr, "gclab twin: expected --python PATH, not '%s'\n",
                argv[2]);
        return 2;
    }
    /* Run it: python -c TEXT args... */
    char *args[64];
    int n = 0;
    args[n++] = argv[3];
    args[n++] = "-c";
    args[n++] = (char *)w->twin;
    for (int i = 4; i < argc && n < 63; i++) {
        args[n++] = argv[i];
    }
    args[n] = NULL;
    fflush(stdout);
    execv(argv[3], args);
    fprintf(stderr, "gclab twin: cannot run '%s': %s\n", argv[3],
            strerror(errno));
    return 2;
}

/* harness/cli/run.c -- gclab run: the options into a matrix
 * (measure/matrix.c), its records written (records/record.c), a
 * summary table and, with --trace, Chrome's trace-event file. */
#include "gc.h"
#include "harness.h"
#include "workload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "measure.h"
#include "record.h"

#define MAX_ITEMS 32


static int
usage(const char *msg, const char *arg)
{
    return gc_usage_error("run", msg, arg);
}

/* Chrome's trace-event format (loads in Perfetto and chrome://tracing):
 * each run is a process of its own, holding its measured region and
 * every kept pause, in microseconds from the region's start. */
static int
write_trace(const char *out_dir, const struct record *recs, size_t total,
            const struct matrix *mx)
{
    struct gc_buf b = {0};
    gc_buf_printf(&b, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
    for (size_t i = 0; i < total; i++) {
        const struct record *r = &recs[i];
        char name[400];
        snprintf(name, sizeof name, "%s on %s, size %llu, rep %llu",
                 r->item.collector, mx->workloads[r->item.workload],
                 (unsigned long long)r->item.size,
                 (unsigned long long)r->item.rep);
        gc_buf_printf(&b, "%s\n{\"ph\":\"M\",\"pid\":%zu,\"tid\":1,"
                          "\"name\":\"process_name\",\"args\":{\"name\":",
                      i ? "," : "", i + 1);
        gc_buf_json_string(&b, name);
        gc_buf_printf(&b, "}}");
        gc_buf_printf(&b, ",\n{\"ph\":\"X\",\"pid\":%zu,\"tid\":1,"
                          "\"name\":\"measured\",\"cat\":\"phase\","
                          "\"ts\":0,\"dur\":%.3f,\"args\":{\"status\":"
                          "\"%s\"}}",
                      i + 1, (double)r->r.m.wall_ns / 1e3,
                      status_names[r->r.status]);
        for (uint32_t j = 0; r->samples != NULL && j < r->r.nsamples; j++) {
            const struct gc_pause_sample *p = &r->samples[j];
            if (p->kind == GC_PAUSE_SKIP) {
                gc_buf_printf(&b, ",\n{\"ph\":\"i\",\"s\":\"t\",\"pid\":%zu,"
                                  "\"tid\":2,\"name\":\"skip gen%u\","
                                  "\"cat\":\"decision\",\"ts\":%.3f,"
                                  "\"args\":{\"why\":\"%s\","
                                  "\"live_bytes\":%llu}}",
                              i + 1, p->gen, (double)p->start_ns / 1e3,
                              gc_skip_name((enum gc_skip)p->reason),
                              (unsigned long long)p->live_bytes);
                continue;
            }
            if (p->kind == GC_PAUSE_CASCADE) {
                gc_buf_printf(&b, ",\n{\"ph\":\"X\",\"pid\":%zu,"
                                  "\"tid\":3,\"name\":\"refcount cascade\","
                                  "\"cat\":\"refcount\",\"ts\":%.3f,"
                                  "\"dur\":%.3f,\"args\":{\"live_bytes\":"
                                  "%llu}}",
                              i + 1, (double)p->start_ns / 1e3,
                              (double)p->pause_ns / 1e3,
                              (unsigned long long)p->live_bytes);
                continue;
            }
            gc_buf_printf(&b, ",\n{\"ph\":\"X\",\"pid\":%zu,\"tid\":2,"
                              "\"name\":\"collect gen%u\",\"cat\":\"gc\","
                              "\"ts\":%.3f,\"dur\":%.3f,\"args\":{"
                              "\"generation\":%u,\"reason\":\"%s\","
                              "\"live_bytes\":%llu,\"promoted\":%llu,"
                              "\"cpu_ns\":%llu,"
                              "\"minor_faults\":%llu,\"ctx_switches\":%llu}}",
                          i + 1, p->gen, (double)p->start_ns / 1e3,
                          (double)p->pause_ns / 1e3, p->gen,
                          gc_reason_name((enum gc_reason)p->reason),
                          (unsigned long long)p->live_bytes,
                          (unsigned long long)p->promoted,
                          (unsigned long long)p->cpu_ns,
                          (unsigned long long)p->minor_faults,
                          (unsigned long long)p->ctx_switches);
        }
    }
    gc_buf_printf(&b, "\n]}\n");
    int rc = gc_write_named("run", out_dir, "trace.json", &b);
    free(b.data);
    return rc;
}

/* ---- gclab run ------------------------------------------------------------ */

int
gc_cmd_run(int argc, char **argv)
{
    const char *collectors[MAX_ITEMS], *workloads[MAX_ITEMS];
    int ncollectors = 0, nworkloads = 0;
    uint64_t sizes[MAX_ITEMS];
    int nsizes = 0;
    uint64_t repeat = 1, seed = 1, baseline = UINT64_MAX;
    uint64_t memory_cap = (uint64_t)4 << 30;
    const char *out_dir = NULL;
    const char *peers[8];
    int npeers = 0;
    bool allow_debug = false, trace = false, pause_cpu = false;
    bool retained = false, prefault_heap = false, no_fork = false;
    uint64_t warmup = 0, cascade_min = GC_CASCADE_MIN_DEFAULT;
    enum gc_layout layout = GC_LAYOUT_ALLOC_ORDER;
    bool has_layout = false;
    struct gc_shard shard = {0, 0};
    struct gc_place place;
    gc_place_init(&place);
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--allow-debug") == 0) {
            allow_debug = true;
            continue;
        }
        if (strcmp(opt, "--trace") == 0) {
            trace = true;
            continue;
        }
        if (strcmp(opt, "--pause-cpu") == 0) {
            pause_cpu = true;
            continue;
        }
        if (strcmp(opt, "--retained") == 0) {
            retained = true;
            continue;
        }
        if (strcmp(opt, "--prefault") == 0) {
            prefault_heap = true;
            continue;
        }
        if (strcmp(opt, "--no-fork") == 0) {
            no_fork = true;
            continue;
        }
        if (strcmp(opt, "--help") == 0) {
            printf(
                "usage: gclab run [--collector SPEC]... [--workload "
                "NAME[:k=v,...]]...\n"
                "         [--size N[,N...]] [--repeat N] [--seed N] "
                "[--out DIR] [--trace]\n"
                "         [--peer PYTHON]... [--baseline N] "
                "[--memory-cap-mb N] [--pause-cpu]\n"
                "         [--layout alloc-order|shuffled|snapshot] [--retained] "
                "[--warmup N] [--prefault]\n"
                "         [--cascade-min N] [--shard I/N] [--no-fork] "
                "[--allow-debug]\n"
                "         [--cpu N|auto|none] [--order random|sequential] "
                "[--order-seed S]\n"
                "Runs every (collector, workload, size, repetition) in a "
                "child process of its\n"
                "own and prints means with 95%% CIs; --out writes "
                "results.jsonl, results.csv\n"
                "and summary.json (results/schema.md), --trace also "
                "trace.json.\n"
                "--shard I/N runs only share I of N of the matrix, balanced "
                "by expected cost\n"
                "(docs/sharding.md); gclab merge joins the shares.\n"
                "--no-fork runs everything in this process, without the "
                "memory cap or crash\n"
                "isolation: for valgrind and debuggers (gclab check counts "
                "instructions so).\n"
                "--cpu pins each run to one CPU (default auto: the same CPU "
                "every time,\n"
                "docs/placement.md); --order random (default) shuffles each "
                "round of\n"
                "repetitions by a seed that the records keep.\n");
            return 0;
        }
        if (i + 1 >= argc) {
            return usage("unknown or incomplete option", opt);
        }
        const char *val = argv[++i];
        int placed = gc_place_option(&place, "run", opt, val);
        if (placed == 2) {
            return 2;
        }
        if (placed == 1) {
            continue;
        }
        if (strcmp(opt, "--collector") == 0 && ncollectors < MAX_ITEMS) {
            collectors[ncollectors++] = val;
        }
        else if (strcmp(opt, "--workload") == 0 && nworkloads < MAX_ITEMS) {
            workloads[nworkloads++] = val;
        }
        else if (strcmp(opt, "--size") == 0) {
            /* One size or a comma-separated list; an empty piece ('',
             * '1,,2') is a mistake, not the default size. */
            for (const char *p = val;; p++) {
                char tok[32];
                size_t n = strcspn(p, ",");
                if (nsizes == MAX_ITEMS || n >= sizeof tok) {
                    return usage("--size needs integers from 1 to 1e9, not",
                                 val);
                }
                memcpy(tok, p, n);
                tok[n] = '\0';
                if (!gc_parse_count(tok, 1000000000, &sizes[nsizes])) {
                    return usage("--size needs integers from 1 to 1e9, not",
                                 val);
                }
                nsizes++;
                p += n;
                if (*p == '\0') {
                    break;
                }
            }
        }
        else if (strcmp(opt, "--repeat") == 0) {
            if (!gc_parse_count(val, 10000, &repeat)) {
                return usage("--repeat needs an integer from 1 to 10000, not",
                             val);
            }
        }
        else if (strcmp(opt, "--seed") == 0) {
            if (!gc_parse_count(val, UINT64_MAX / 2, &seed)) {
                return usage("--seed needs a positive integer, not", val);
            }
        }
        else if (strcmp(opt, "--baseline") == 0) {
            if (strcmp(val, "0") == 0) {
                baseline = 0;
            }
            else if (!gc_parse_count(val, 100000000, &baseline)) {
                return usage("--baseline needs an integer from 0 to 1e8, not",
                             val);
            }
        }
        else if (strcmp(opt, "--memory-cap-mb") == 0) {
            uint64_t mb;
            if (!gc_parse_count(val, 1 << 20, &mb)) {
                return usage("--memory-cap-mb needs a positive integer, not",
                             val);
            }
            memory_cap = mb << 20;
        }
        else if (strcmp(opt, "--out") == 0) {
            out_dir = val;
        }
        else if (strcmp(opt, "--cascade-min") == 0) {
            if (!gc_parse_count(val, UINT64_MAX / 2, &cascade_min)) {
                return usage("--cascade-min needs a positive integer, not",
                             val);
            }
        }
        else if (strcmp(opt, "--warmup") == 0) {
            if (strcmp(val, "0") != 0 && !gc_parse_count(val, 100, &warmup)) {
                return usage("--warmup needs an integer from 0 to 100, not",
                             val);
            }
        }
        else if (strcmp(opt, "--layout") == 0) {
            if (gc_layout_parse(val, &layout) != GC_OK) {
                return usage("--layout needs alloc-order, shuffled or "
                             "snapshot, not",
                             val);
            }
            has_layout = true;
        }
        else if (strcmp(opt, "--shard") == 0) {
            if (!gc_shard_parse(val, &shard)) {
                return usage("--shard needs I/N with 1 <= I <= N <= 1000, not",
                             val);
            }
        }
        else if (strcmp(opt, "--peer") == 0 && npeers < 8) {
            if (peer_label(val, false) == NULL) {
                return usage("--peer needs a Python interpreter; cannot run",
                             val);
            }
            peers[npeers++] = val;
        }
        else {
            return usage("unknown option", opt);
        }
    }
    if (trace && out_dir == NULL) {
        return usage("--trace writes DIR/trace.json and needs --out DIR",
                     NULL);
    }
    if (run_check_build("run", allow_debug) != 0) {
        return 2;
    }
    if (ncollectors == 0) {
        collectors[ncollectors++] = "cpython";
    }
    if (nworkloads == 0) {
        for (size_t w = 0; gc_workloads[w] != NULL && w < MAX_ITEMS; w++) {
            workloads[nworkloads++] = gc_workloads[w]->name;
        }
    }
    /* Check every spec and the output directory before running. */
    char err[256];
    static struct gc_workload_spec wspecs[MAX_ITEMS];
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
        if (npeers > 0 && wspecs[w].workload->twin == NULL) {
            fprintf(stderr, "gclab run: workload '%s' has no Python twin "
                            "for --peer\n", wspecs[w].workload->name);
            return 2;
        }
    }
    static const char *const outputs[] = {RESULTS_FILES, "trace.json",
                                          "system.json", NULL};
    char failed[4096];
    if (out_dir != NULL &&
        gc_out_dir_ready(out_dir, outputs, failed, sizeof failed) != 0) {
        fprintf(stderr, "gclab run: cannot write %s: %s\n", failed,
                strerror(errno));
        return 2;
    }
    if (gc_place_setup(&place, "run") != 0) {
        return 2;
    }
    struct matrix mx = {.collectors = collectors, .ncollectors = ncollectors,
                        .workloads = workloads, .wspecs = wspecs,
                        .nworkloads = nworkloads, .sizes = sizes,
                        .nsizes = nsizes, .peers = peers, .npeers = npeers,
                        .repeat = repeat, .seed = seed,
                        .baseline = baseline, .memory_cap = memory_cap,
                        .pause_cpu = pause_cpu, .has_layout = has_layout,
                        .layout = layout,
                        .retained = retained, .warmup = warmup,
                        .prefault = prefault_heap, .shard = shard,
                        .cascade_min = cascade_min, .in_process = no_fork,
                        .place = &place};
    size_t total;
    struct record *recs = run_matrix(&mx, &total);
    if (recs == NULL) {
        fprintf(stderr, "gclab run: out of memory\n");
        return 1;
    }
    int status = check_records(recs, total, workloads);
    print_summary_table(recs, total, collectors[0], workloads);
    if (place.cpu >= 0) {
        printf("# each run pinned to CPU %d (--cpu %s)", place.cpu,
               place.cpu_pin);
    }
    else {
        printf("# runs not pinned (--cpu %s)", place.cpu_pin);
    }
    if (place.is_sequential) {
        printf("; in matrix order\n");
    }
    else {
        printf("; rounds in random order, --order-seed %llu\n",
               (unsigned long long)place.order_seed);
    }
    if (out_dir != NULL && write_results(out_dir, recs, total, &mx) != 0) {
        status = 1;
    }
    if (trace && write_trace(out_dir, recs, total, &mx) != 0) {
        status = 1;
    }
    free_records(recs, total);
    return status;
}

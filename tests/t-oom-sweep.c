/* tests/t-oom-sweep.c -- out of memory at every allocation of
 * representative programs, on every registered collector and profile:
 * scenarios from tests/scenarios (cycles of every container kind,
 * finalizers and resurrection, weakref callbacks, legacy garbage,
 * freeze, gc.callbacks) and all twelve workloads, each kept small.
 *
 * Each run makes a heap on the failing allocator, then fails the k-th
 * allocation after the heap exists (t-oom covers heap creation), once
 * or from then on, for k = 1, 2, ... until a run passes its last
 * allocation.  Every run must end in GC_OK or GC_ENOMEM, and succeed
 * despite a failure (or fail later for want of what it could not do)
 * only where Python would print "Exception ignored" (the heap counts
 * those); then the verifier passes at level 2 and the heap gives back
 * every byte.  ASan runs check the memory itself.
 *
 * Usage: t-oom-sweep SCENARIO_DIR [--collector NAME] */
#include "harness.h"
#include "oracles.h"
#include "tap.h"
#include "workload.h"

#include <stdlib.h>
#include <string.h>

static const char *const scenarios[] = {
    "seed.scn",                    /* a ring, finalizers, gc.garbage */
    "cycle_mixed_containers.scn",  /* lists, dicts, tuples in cycles */
    "resurrect_cycle_collect.scn", /* resurrection in a cycle */
    "weakrefs.scn",                /* weakrefs and callbacks */
    "legacy_garbage_listing.scn",  /* gc.garbage */
    "freeze_hides_cycle.scn",      /* gc.freeze, where offered */
    "callbacks_resurrection.scn",  /* gc.callbacks */
};
#define NSCENARIOS (sizeof scenarios / sizeof *scenarios)

static const enum gc_profile profiles[] = {
    GC_PROFILE_2_7,  GC_PROFILE_3_8,  GC_PROFILE_3_11,
    GC_PROFILE_3_13, GC_PROFILE_3_14, GC_PROFILE_3_15};
#define NPROFILES (sizeof profiles / sizeof *profiles)

/* What one program under one collector and profile did. */
struct sweep {
    uint64_t points;  /* allocation indices failed */
    uint64_t stopped; /* runs that ended in GC_ENOMEM */
    uint64_t wrong;   /* runs that ended otherwise badly */
    bool applies;     /* false: the scenario is not for this heap */
};

/* The workloads, as specs at size 24, kept small: the sweep runs each
 * once per allocation it makes, so its time grows with the square of
 * that count.  Each is still large enough to reach all of its steps (a
 * slot reused, a history trimmed, a gc.collect() between requests, a
 * B-tree node split with its children). */
static const char *const workloads[] = {
    "finalizers:rounds=3",
    "cycles:rounds=3",
    "alloc-churn:allocs=72", /* 3 batches of 6 records */
    "weakref-cache:n=12",    /* 6 kept, then replaced */
    "server:requests=12,sessions=2,every=5,history=2",
    "small-cycles:n=12", /* 6 kept, then replaced */
    "tuples:rounds=3",
    /* Short-lived trees of depths 0 and 2, which recurse. */
    "binary-trees:depth=2,min_depth=0",
    /* 16 keys at degree 2: the root split as a leaf and again with
     * children, leaves split below it; a second tree after the first
     * is dropped. */
    "btree-gc:n=16,loops=2,degree=2",
    "gc-collect:loops=2,cycles=2,links=2",
    "gc-traversal:levels=4,width=2,loops=1", /* width caps a level */
    "long-lived-growth:n=8",
    /* Payloads: a queue of 3 self-cycles, rings of 2, a pool of 2
     * connections, each replaced at least once. */
    "run-queue:n=6,live=3,payload=100",
    "payload-cycles:n=6,live=3,cycle=2,payload=1000",
    "http-client:n=6,pool=2,body=1000",
    "http-client:n=6,pool=2,body=1000,fix=1",
};
#define NWORKLOADS (sizeof workloads / sizeof *workloads)

/* The program: a scenario file, or a parsed workload spec. */
static enum gc_status
program(struct gc_heap *heap, const char *path,
        const struct gc_workload_spec *workload)
{
    if (workload == NULL) {
        FILE *null = fopen("/dev/null", "w");
        if (null == NULL) {
            return GC_EIO;
        }
        enum gc_status rc = gc_scenario_run_heap(path, heap, null, null);
        fclose(null);
        return rc;
    }
    struct gc_workload_params p = {.size = 24,
                                   .seed = 1,
                                   .opts = workload->opts,
                                   .nopts = workload->nopts};
    uint64_t checksum;
    return workload->workload->run(heap, &p, &checksum);
}

static void
diag_run(const char *what, const char *collector, enum gc_profile profile,
         uint64_t k, bool is_persistent, const char *problem)
{
    tap_diag("%s on %s:profile=%s, %s failure at allocation %llu: %s", what,
             collector, gc_profile_name(profile),
             is_persistent ? "a persistent" : "a single",
             (unsigned long long)k, problem);
}

static void
sweep_one(const char *path, const struct gc_workload_spec *workload,
          const char *what, const struct gc_collector *collector,
          enum gc_profile profile, bool is_persistent, struct sweep *out)
{
    bool injected = true;
    out->applies = true;
    /* k = 0 fails nothing: the program must pass on this heap at all
     * (freeze needs a collector that offers it, `none` does not
     * collect the cycle a scenario rescues from). */
    for (uint64_t k = 0; injected && k < 1000000; k++) {
        struct gc_failing_allocator fa;
        gc_failing_allocator_init(&fa, 0, false);
        struct gc_heap_config cfg;
        gc_heap_config_init(&cfg);
        cfg.profile = profile;
        cfg.allocator = &fa.base;
        cfg.collector = collector;
        struct gc_heap *heap;
        if (gc_heap_new(&cfg, &heap) != GC_OK) {
            diag_run(what, collector->name, profile, k, is_persistent,
                     "no heap without a failure");
            out->wrong++;
            return;
        }
        /* Automatic collections at failure points too. */
        int64_t t0 = 5;
        gc_set_threshold(heap, 1, &t0);
        fa.fail_at = k != 0 ? fa.calls + k : 0;
        fa.is_persistent = is_persistent;
        enum gc_status rc = program(heap, path, workload);
        injected = k == 0 || fa.failures != 0;
        char err[256];
        if (k == 0 && rc != GC_OK) {
            out->applies = false;
            gc_heap_destroy(heap);
            return;
        }
        if (k == 0) {
            gc_heap_destroy(heap);
            continue;
        }
        out->points += injected;
        uint64_t ignored = gc_heap_stats(heap)->unraisable_errors;
        /* A scenario whose finalizer could not resurrect its object
         * fails its next statement (a rescue), as the Python program
         * would after "Exception ignored". */
        if ((rc == GC_ENOMEM && injected) ||
            (rc == GC_EINVAL && injected && ignored != 0)) {
            out->stopped++;
        }
        else if (rc != GC_OK) {
            diag_run(what, collector->name, profile, k, is_persistent,
                     gc_status_str(rc));
            out->wrong++;
        }
        else if (injected && ignored == 0) {
            diag_run(what, collector->name, profile, k, is_persistent,
                     "succeeded, though an allocation failed unreported");
            out->wrong++;
        }
        if (gc_heap_verify(heap, 2, err, sizeof err) != GC_OK) {
            diag_run(what, collector->name, profile, k, is_persistent, err);
            out->wrong++;
        }
        uint64_t leaked = gc_heap_destroy(heap);
        if (leaked != 0) {
            snprintf(err, sizeof err, "%llu bytes leaked",
                     (unsigned long long)leaked);
            diag_run(what, collector->name, profile, k, is_persistent, err);
            out->wrong++;
        }
    }
}

static void
sweep_collector(const char *dir, const struct gc_collector *collector,
                uint64_t *total)
{
    char path[1024], what[300], name[600], err[256];
    for (size_t s = 0; s < NSCENARIOS + NWORKLOADS; s++) {
        bool is_scenario = s < NSCENARIOS;
        struct gc_workload_spec spec;
        if (is_scenario) {
            snprintf(path, sizeof path, "%s/%s", dir, scenarios[s]);
            snprintf(what, sizeof what, "%s", scenarios[s]);
        }
        else {
            const char *text = workloads[s - NSCENARIOS];
            snprintf(what, sizeof what, "workload %s", text);
            /* A bad spec fails here: run, it would only read as "not
             * for this heap" and be skipped. */
            enum gc_status parsed =
                gc_workload_spec_parse(text, &spec, err, sizeof err);
            if (parsed != GC_OK) {
                snprintf(name, sizeof name, "%s: %s", collector->name, what);
                TEST(name)
                {
                    tap_diag("%s", err);
                    check_int(parsed, ==, GC_OK);
                }
                continue;
            }
        }
        struct sweep all = {0};
        size_t applied = 0;
        for (size_t p = 0; p < NPROFILES; p++) {
            for (int persistent = 0; persistent < 2; persistent++) {
                struct sweep one = {0};
                sweep_one(is_scenario ? path : NULL,
                          is_scenario ? NULL : &spec, what, collector,
                          profiles[p], persistent != 0, &one);
                applied += one.applies;
                all.points += one.points;
                all.stopped += one.stopped;
                all.wrong += one.wrong;
            }
        }
        *total += all.points;
        snprintf(name, sizeof name,
                 "%s: %s, out of memory at each of %llu allocations "
                 "(%zu profile and failure kinds): an error or done, a "
                 "valid heap, no leak",
                 collector->name, what, (unsigned long long)all.points,
                 applied);
        TEST(name)
        {
            if (applied == 0) {
                tap_skip("not for this collector on any profile");
            }
            else {
                check_uint(all.wrong, ==, 0);
                check_uint(all.stopped, >, 0); /* failures did stop it */
            }
        }
    }
}

/* A workload added to the registry and not here would go unswept. */
static void
check_every_workload_swept(void)
{
    TEST("every registered workload is in the sweep")
    {
        for (size_t w = 0; gc_workloads[w] != NULL; w++) {
            const char *name = gc_workloads[w]->name;
            size_t len = strlen(name);
            bool found = false;
            for (size_t i = 0; i < NWORKLOADS && !found; i++) {
                found = strncmp(workloads[i], name, len) == 0 &&
                        (workloads[i][len] == '\0' ||
                         workloads[i][len] == ':');
            }
            if (!found) {
                tap_diag("workload %s has no spec in t-oom-sweep", name);
            }
            check(found);
        }
    }
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr,
                "usage: t-oom-sweep SCENARIO_DIR [--collector NAME]\n");
        return 2;
    }
    const char *only = NULL;
    for (int i = 2; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--collector") == 0) {
            only = argv[++i];
        }
    }
    check_every_workload_swept();
    uint64_t total = 0;
    for (size_t c = 0; gc_collectors[c] != NULL; c++) {
        if (only == NULL || strcmp(only, gc_collectors[c]->name) == 0) {
            sweep_collector(argv[1], gc_collectors[c], &total);
        }
    }
    tap_diag("allocation indices failed in all: %llu",
             (unsigned long long)total);
    return tap_done();
}

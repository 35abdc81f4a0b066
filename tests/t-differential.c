/* tests/t-differential.c -- every cycle collector frees exactly what the
 * reference frees, on seeded random programs (harness/oracles/differential.c
 * says what a program does and what must agree; gclab check runs a
 * short batch of the same).
 *
 * Usage: t-differential [--seeds N] [--seed S] [--long]
 * (default 1000 seeds; --long 20000). */
#include "harness.h"
#include "oracles.h"
#include "support.h"

#include <stdlib.h>

static const char *const variants[] = {
    "full",
    "full:ratio=2,min=50",
    "incremental",
    "incremental:budget=20,count=trackable",
    "trialdel",
    "trialdel:buffer=8",
    "cpython:generations=1",
    "cpython:generations=2",
    "cpython:pending-rule=off",
    "cpython:threshold=5/2/2",
    "cpython:bytes=1",
    "cpython:young-cap=4",
    "full:defer=os",
    "full:defer=live",
    "incremental:trigger=3.14.0",
};
#define NVARIANTS (sizeof variants / sizeof *variants)

static void
run(const char *collector, enum gc_profile profile, uint64_t seed,
    struct gc_diff_outcome *out)
{
    char spec[200];
    snprintf(spec, sizeof spec, "%s%sprofile=%s", collector,
             strchr(collector, ':') ? "," : ":", gc_profile_name(profile));
    gc_differential_run(spec, seed, out);
    if (!out->ok) {
        tap_diag("%s: the heap failed or leaked", spec);
    }
}

int
main(int argc, char **argv)
{
    uint64_t seeds = 1000, first = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--long") == 0) {
            seeds = 20000;
        }
        else if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc) {
            seeds = strtoull(argv[++i], NULL, 10);
        }
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            first = strtoull(argv[++i], NULL, 10);
            seeds = 1;
        }
    }
    tap_diag("seeds %llu..%llu", (unsigned long long)first,
             (unsigned long long)(first + seeds - 1));
    static struct gc_diff_outcome ref, got;
    uint64_t failed_seed[NVARIANTS] = {0}, freed_any = 0;
    for (uint64_t seed = first; seed < first + seeds; seed++) {
        enum gc_profile profile = (enum gc_profile)(seed % GC_PROFILE_COUNT);
        run("cpython", profile, seed, &ref);
        freed_any += ref.live < 200;
        for (size_t v = 0; v < NVARIANTS; v++) {
            if (failed_seed[v] != 0) {
                continue;
            }
            run(variants[v], profile, seed, &got);
            if (!gc_differential_same(&ref, &got)) {
                failed_seed[v] = seed;
                tap_diag("%s differs from cpython on seed %llu (profile %s):"
                         " %zu vs %zu survivors, %llu vs %llu live",
                         variants[v], (unsigned long long)seed,
                         gc_profile_name(profile), got.n, ref.n,
                         (unsigned long long)got.live,
                         (unsigned long long)ref.live);
            }
        }
    }
    char name[200];
    for (size_t v = 0; v < NVARIANTS; v++) {
        snprintf(name, sizeof name,
                 "%s frees exactly what cpython frees on %llu seeds",
                 variants[v], (unsigned long long)seeds);
        TEST(name) {
            check_uint(failed_seed[v], ==, 0);
        }
    }
    TEST("the programs leave small heaps: the collections did free") {
        check_uint(freed_any, >, seeds / 2);
    }
    return tap_done();
}

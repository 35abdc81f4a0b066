/* harness/micro.c -- gclab micro: the cost of the primitives, in ns per
 * operation, as mean, 95% CI and CV over repetitions (with the best run
 * too, since a noisy machine only ever adds time).
 *
 * A compiler barrier sits between paired operations so that an
 * incref/decref pair is not folded away. */
#include "gc.h"
#include "harness.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BARRIER() __asm__ volatile("" ::: "memory")

struct micro_ctx {
    struct gc_heap *heap;
    struct gc_class *cls;
    struct gc_object *obj;
};

typedef void micro_fn(struct micro_ctx *ctx, uint64_t n);

static void
bench_incref_decref(struct micro_ctx *ctx, uint64_t n)
{
    struct gc_object *obj = ctx->obj;
    for (uint64_t i = 0; i < n; i++) {
        gc_incref(obj);
        BARRIER();
        gc_decref(ctx->heap, obj);
        BARRIER();
    }
}

static void
bench_instance(struct micro_ctx *ctx, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        struct gc_object *inst = gc_instance_new(ctx->heap, ctx->cls);
        BARRIER();
        gc_decref(ctx->heap, inst);
    }
}

static void
bench_list(struct micro_ctx *ctx, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        struct gc_object *l = gc_list_new(ctx->heap);
        BARRIER();
        gc_decref(ctx->heap, l);
    }
}

static void
bench_tuple2(struct micro_ctx *ctx, uint64_t n)
{
    struct gc_object *items[2] = {ctx->obj, ctx->obj};
    for (uint64_t i = 0; i < n; i++) {
        struct gc_object *t = gc_tuple_new(ctx->heap, 2, items);
        BARRIER();
        gc_decref(ctx->heap, t);
    }
}

static const struct {
    const char *name;
    micro_fn *fn;
} benches[] = {
    {"incref+decref", bench_incref_decref},
    {"instance new+free", bench_instance},
    {"list new+free", bench_list},
    {"tuple(2) new+free", bench_tuple2},
};

static int
parse_u64(const char *opt, const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v == 0 ||
        text[0] == '-') {
        fprintf(stderr, "gclab micro: %s needs a positive integer, not '%s'\n",
                opt, text);
        return -1;
    }
    *out = v;
    return 0;
}

int
gc_cmd_micro(int argc, char **argv)
{
    uint64_t iterations = 2000000, repeat = 10;
    struct gc_heap_config cfg;
    gc_heap_config_init(&cfg);
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (i + 1 >= argc) {
            fprintf(stderr, "gclab micro: unknown or incomplete option '%s'\n",
                    opt);
            return 2;
        }
        const char *val = argv[++i];
        if (strcmp(opt, "--iterations") == 0) {
            if (parse_u64(opt, val, &iterations) < 0) {
                return 2;
            }
        }
        else if (strcmp(opt, "--repeat") == 0) {
            if (parse_u64(opt, val, &repeat) < 0 || repeat > 1000) {
                return 2;
            }
        }
        else if (strcmp(opt, "--profile") == 0) {
            if (gc_profile_parse(val, &cfg.profile) != GC_OK) {
                fprintf(stderr,
                        "gclab micro: unknown profile '%s'; one of 2.7 3.8 "
                        "3.11 3.13\n",
                        val);
                return 2;
            }
        }
        else {
            fprintf(stderr, "gclab micro: unknown option '%s'\n", opt);
            return 2;
        }
    }

    struct micro_ctx ctx = {0};
    if (gc_heap_new(&cfg, &ctx.heap) != GC_OK) {
        fprintf(stderr, "gclab micro: cannot create a heap\n");
        return 1;
    }
    struct gc_class_spec spec = {.name = "Rec"};
    ctx.obj = gc_int_new(ctx.heap, 1000000);
    if (gc_class_new(ctx.heap, &spec, &ctx.cls) != GC_OK || !ctx.obj) {
        fprintf(stderr, "gclab micro: out of memory\n");
        return 1;
    }
    double *samples = calloc(repeat, sizeof *samples);
    if (samples == NULL) {
        return 1;
    }
    printf("# profile %s, %llu iterations x %llu repetitions\n",
           gc_profile_name(cfg.profile), (unsigned long long)iterations,
           (unsigned long long)repeat);
    printf("%-20s %10s %10s %8s %10s\n", "benchmark", "mean_ns", "ci95_ns",
           "cv", "best_ns");
    for (size_t b = 0; b < sizeof benches / sizeof *benches; b++) {
        benches[b].fn(&ctx, iterations / 10); /* warm-up */
        for (uint64_t r = 0; r < repeat; r++) {
            uint64_t t0 = gc_clock_ns();
            benches[b].fn(&ctx, iterations);
            samples[r] = (double)(gc_clock_ns() - t0) / (double)iterations;
        }
        struct gc_summary s;
        gc_summarize(samples, repeat, &s);
        printf("%-20s %10.3f %10.3f %8.4f %10.3f\n", benches[b].name, s.mean,
               s.ci95, s.cv, s.min);
    }
    free(samples);
    gc_decref(ctx.heap, ctx.obj);
    uint64_t leaked = gc_heap_destroy(ctx.heap);
    if (leaked != 0) {
        fprintf(stderr, "gclab micro: %llu bytes leaked\n",
                (unsigned long long)leaked);
        return 1;
    }
    return 0;
}

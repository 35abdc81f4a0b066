/* harness/measure/micro.c -- gclab micro: the cost of the primitives, in ns per
 * operation, as mean, 95% CI and CV over repetitions (with the best run
 * too, since a noisy machine only ever adds time).
 *
 * A compiler barrier sits between paired operations so that an
 * incref/decref pair is not folded away. */
#include "gbench.h"
#include "gc.h"
#include "harness.h"
#include "place-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BARRIER() __asm__ volatile("" ::: "memory")

#include <stdbool.h>

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

/* ---- the collect suite: full collections of a live ring ----------- */

/* A ring of n instances, each .next pointing at the following one,
 * rooted as "ring": the same construction as
 * workloads/python/ring_collect.py. */
static void
build_ring(struct micro_ctx *ctx, uint64_t n)
{
    struct gc_heap *heap = ctx->heap;
    struct gc_object *first = gc_instance_new(heap, ctx->cls), *prev = first;
    for (uint64_t i = 1; i < n; i++) {
        struct gc_object *node = gc_instance_new(heap, ctx->cls);
        gc_attr_set(heap, prev, "next", node);
        gc_decref(heap, node);
        prev = node;
    }
    gc_attr_set(heap, prev, "next", first);
    gc_root_set(heap, "ring", first);
    gc_decref(heap, first);
}

/* Nanoseconds to build the ring and run `collections` full
 * collections on it. */
static double
timed_ring(struct micro_ctx *ctx, uint64_t n, int collections)
{
    gc_collect(ctx->heap, 2);
    uint64_t t0 = gc_clock_ns();
    build_ring(ctx, n);
    for (int i = 0; i < collections; i++) {
        gc_collect(ctx->heap, 2);
    }
    uint64_t t1 = gc_clock_ns();
    gc_root_del(ctx->heap, "ring");
    gc_collect(ctx->heap, 2);
    return (double)(t1 - t0);
}

/* One young collection of 700 fresh instances held by a list: best of
 * 200 tries per repetition. */
static double
timed_young(struct micro_ctx *ctx)
{
    double best = 1e300;
    for (int i = 0; i < 200; i++) {
        gc_collect(ctx->heap, 2);
        struct gc_object *keep = gc_list_new(ctx->heap);
        for (int k = 0; k < 700; k++) {
            struct gc_object *node = gc_instance_new(ctx->heap, ctx->cls);
            gc_list_append(ctx->heap, keep, node);
            gc_decref(ctx->heap, node);
        }
        uint64_t t0 = gc_clock_ns();
        gc_collect(ctx->heap, 0);
        double ns = (double)(gc_clock_ns() - t0);
        best = ns < best ? ns : best;
        gc_decref(ctx->heap, keep);
    }
    return best;
}

static void
print_summary(const char *name, const double *samples, uint64_t n)
{
    struct gc_summary s;
    gc_summarize(samples, n, &s);
    printf("%-20s %10.3f %10.3f %8.4f %10.3f\n", name, s.mean, s.ci95, s.cv,
           s.min);
}

static void
suite_collect(struct micro_ctx *ctx, const uint64_t *sizes, size_t nsizes,
              uint64_t repeat, double *samples)
{
    char name[64];
    gc_disable(ctx->heap);
    printf("%-20s %10s %10s %8s %10s\n", "benchmark", "mean_ns", "ci95_ns",
           "cv", "best_ns");
    for (size_t i = 0; i < nsizes; i++) {
        for (uint64_t r = 0; r < repeat; r++) {
            double without = timed_ring(ctx, sizes[i], 0);
            double with = timed_ring(ctx, sizes[i], 10);
            samples[r] = (with - without) / 10.0 / (double)sizes[i];
        }
        snprintf(name, sizeof name, "full-ring-%llu",
                 (unsigned long long)sizes[i]);
        print_summary(name, samples, repeat);
    }
    for (uint64_t r = 0; r < repeat; r++) {
        samples[r] = timed_young(ctx);
    }
    print_summary("young-700", samples, repeat);
}

/* ---- the shapes suite: full-collection cost per object by shape ---- */

enum shape { CHAIN, LIST_CHAIN, DICT_CHAIN, SHUFFLED, FREEING_CYCLES };
static const char *const shape_names[] = {"chain", "list-chain", "dict-chain",
                                          "shuffled", "freeing-cycles"};

/* The permutation workloads/python/shapes.py makes (same LCG). */
static void
lcg_perm(uint32_t *perm, uint64_t n)
{
    uint64_t x = 12345;
    for (uint64_t i = 0; i < n; i++) {
        perm[i] = (uint32_t)i;
    }
    for (uint64_t i = n - 1; i > 0; i--) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t j = (x >> 33) % (i + 1);
        uint32_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
}

/* Builds the shape, rooted as "keep" unless it is garbage by design. */
static void
build_shape(struct micro_ctx *ctx, enum shape shape, uint64_t n,
            const uint32_t *perm, struct gc_object **nodes)
{
    struct gc_heap *heap = ctx->heap;
    if (shape == LIST_CHAIN) {
        struct gc_object *head = gc_list_new(heap), *cur = head;
        for (uint64_t i = 1; i < n; i++) {
            struct gc_object *next = gc_list_new(heap);
            gc_list_append(heap, cur, next);
            gc_decref(heap, next);
            cur = next;
        }
        gc_root_set(heap, "keep", head);
        gc_decref(heap, head);
        return;
    }
    if (shape == DICT_CHAIN) {
        /* One interned key, as the twin's literal "next". */
        struct gc_object *key = gc_str_from_cstr(heap, "next");
        struct gc_object *head = gc_dict_new(heap), *cur = head;
        for (uint64_t i = 1; i < n; i++) {
            struct gc_object *next = gc_dict_new(heap);
            gc_dict_set(heap, cur, key, next);
            gc_decref(heap, next);
            cur = next;
        }
        gc_root_set(heap, "keep", head);
        gc_decref(heap, head);
        gc_decref(heap, key);
        return;
    }
    for (uint64_t i = 0; i < n; i++) {
        nodes[i] = gc_instance_new(heap, ctx->cls);
    }
    if (shape == CHAIN || shape == SHUFFLED) {
        for (uint64_t i = 0; i + 1 < n; i++) {
            uint64_t a = shape == CHAIN ? i : perm[i];
            uint64_t b = shape == CHAIN ? i + 1 : perm[i + 1];
            gc_attr_set(heap, nodes[a], "next", nodes[b]);
        }
        gc_root_set(heap, "keep", nodes[shape == CHAIN ? 0 : perm[0]]);
    }
    else {
        for (uint64_t i = 0; i + 9 < n; i += 10) {
            for (uint64_t k = 0; k < 10; k++) {
                gc_attr_set(heap, nodes[i + k], "next",
                            nodes[i + (k + 1) % 10]);
            }
        }
    }
    for (uint64_t i = 0; i < n; i++) {
        gc_decref(heap, nodes[i]);
    }
}

static int
shape_parse(const char *name)
{
    for (int s = CHAIN; s <= FREEING_CYCLES; s++) {
        if (strcmp(name, shape_names[s]) == 0) {
            return s;
        }
    }
    return -1;
}

/* only: one shape, or -1 for all of them. */
static void
suite_shapes(struct micro_ctx *ctx, uint64_t n, uint64_t repeat, int only,
             double *samples)
{
    uint32_t *perm = malloc(n * sizeof *perm);
    struct gc_object **nodes = malloc(n * sizeof *nodes);
    if (perm == NULL || nodes == NULL) {
        fprintf(stderr, "gclab micro: out of memory\n");
        exit(1);
    }
    lcg_perm(perm, n);
    /* The twin's "keep" is a global: its module dict always holds
     * containers (functions, the class), so it stays tracked and old and
     * the full collection's scan meets it before the shape.  Left empty,
     * the roots table would be untracked by a full collection and
     * tracked again, young, by the store of "keep": behind the shape, so
     * that move_unreachable would move every object out and back. */
    struct gc_object *anchor = gc_list_new(ctx->heap);
    if (anchor == NULL ||
        gc_root_set(ctx->heap, "shapes-anchor", anchor) != GC_OK) {
        fprintf(stderr, "gclab micro: out of memory\n");
        exit(1);
    }
    gc_decref(ctx->heap, anchor);
    gc_disable(ctx->heap);
    printf("%-20s %10s %10s %8s %10s\n", "shape", "mean_ns", "ci95_ns",
           "cv", "best_ns");
    for (int s = CHAIN; s <= FREEING_CYCLES; s++) {
        if (only >= 0 && s != only) {
            continue;
        }
        for (uint64_t r = 0; r < repeat; r++) {
            gc_collect(ctx->heap, 2);
            build_shape(ctx, (enum shape)s, n, perm, nodes);
            uint64_t t0 = gc_clock_ns();
            gc_collect(ctx->heap, 2);
            samples[r] = (double)(gc_clock_ns() - t0) / (double)n;
            gc_root_del(ctx->heap, "keep");
            gc_collect(ctx->heap, 2);
        }
        print_summary(shape_names[s], samples, repeat);
    }
    free(perm);
    free(nodes);
}

/* An integer from 1 to max; the bound keeps n * sizeof(item) from
 * wrapping around (a shape of 2^62 objects was a 0-byte array). */
static int
parse_u64(const char *opt, const char *text, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v == 0 ||
        text[0] == '-' || v > max) {
        fprintf(stderr,
                "gclab micro: %s needs an integer from 1 to %llu, not '%s'\n",
                opt, (unsigned long long)max, text);
        return -1;
    }
    *out = v;
    return 0;
}

int
gc_cmd_micro(int argc, char **argv)
{
    /* --gbench: google-benchmark's runner, its flags passed through. */
    if (argc > 1 && strcmp(argv[1], "--gbench") == 0) {
        argv[1] = argv[0];
        return gc_gbench_main(argc - 1, argv + 1);
    }
    uint64_t iterations = 2000000, repeat = 10;
    uint64_t sizes[8] = {100000, 1000000};
    size_t nsizes = 2;
    bool is_collect = false, is_shapes = false;
    int only_shape = -1;
    const char *suite = NULL;
    struct gc_heap_config cfg;
    gc_heap_config_init(&cfg);
    struct gc_place place;
    gc_place_init(&place);
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (i + 1 >= argc) {
            fprintf(stderr, "gclab micro: unknown or incomplete option '%s'\n",
                    opt);
            return 2;
        }
        const char *val = argv[++i];
        int placed = gc_place_option(&place, "micro", opt, val);
        if (placed == 2) {
            return 2;
        }
        if (placed == 1) {
            continue;
        }
        if (strcmp(opt, "--iterations") == 0) {
            if (parse_u64(opt, val, 10000000000, &iterations) < 0) {
                return 2;
            }
        }
        else if (strcmp(opt, "--repeat") == 0) {
            if (parse_u64(opt, val, 1000, &repeat) < 0) {
                return 2;
            }
        }
        else if (strcmp(opt, "--suite") == 0) {
            if (strcmp(val, "collect") != 0 && strcmp(val, "primitives") &&
                strcmp(val, "shapes") != 0) {
                fprintf(stderr, "gclab micro: unknown suite '%s'; suites: "
                                "primitives collect shapes\n", val);
                return 2;
            }
            suite = val;
            is_collect = strcmp(val, "collect") == 0;
            is_shapes = strcmp(val, "shapes") == 0;
        }
        else if (strcmp(opt, "--size") == 0) {
            if (nsizes == 2 && sizes[0] == 100000 && sizes[1] == 1000000) {
                nsizes = 0; /* the first --size replaces the defaults */
            }
            if (nsizes == 8) {
                fprintf(stderr, "gclab micro: at most 8 --size options\n");
                return 2;
            }
            if (parse_u64(opt, val, 1000000000, &sizes[nsizes]) < 0) {
                return 2;
            }
            nsizes++;
        }
        else if (strcmp(opt, "--shape") == 0) {
            if ((only_shape = shape_parse(val)) < 0) {
                fprintf(stderr, "gclab micro: unknown shape '%s'; shapes: "
                                "chain list-chain dict-chain shuffled "
                                "freeing-cycles\n",
                        val);
                return 2;
            }
        }
        else if (strcmp(opt, "--layout") == 0) {
            /* The snapshot layout is a snapshot's; micro's shapes have
             * no addresses to follow. */
            if (gc_layout_parse(val, &cfg.layout) != GC_OK ||
                cfg.layout == GC_LAYOUT_SNAPSHOT) {
                fprintf(stderr, "gclab micro: --layout needs alloc-order or "
                                "shuffled, not '%s'\n", val);
                return 2;
            }
        }
        else if (strcmp(opt, "--profile") == 0) {
            if (gc_profile_parse(val, &cfg.profile) != GC_OK) {
                fprintf(stderr,
                        "gclab micro: unknown profile '%s'; one of "
                        GC_PROFILE_NAMES "\n",
                        val);
                return 2;
            }
        }
        else {
            fprintf(stderr, "gclab micro: unknown option '%s'\n", opt);
            return 2;
        }
    }

    if (only_shape >= 0) {
        if (suite != NULL && !is_shapes) {
            fprintf(stderr, "gclab micro: --shape belongs to --suite shapes, "
                            "not '%s'\n", suite);
            return 2;
        }
        is_shapes = true; /* --shape alone means the shapes suite */
    }
    /* The measuring happens in this process: it goes onto the CPU. */
    if (gc_place_setup(&place, "micro") != 0 ||
        gc_place_pin_self(place.cpu) != 0) {
        return 2;
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
    char cpu[32] = "unpinned";
    if (place.cpu >= 0) {
        snprintf(cpu, sizeof cpu, "CPU %d", place.cpu);
    }
    if (is_shapes) {
        /* The last --size, or 1e6 (the default list's last). */
        uint64_t n = sizes[nsizes - 1];
        printf("# profile %s, layout %s, one full collection per shape of "
               "%llu objects, ns per object; %llu repetitions; %s\n",
               gc_profile_name(cfg.profile), gc_layout_name(cfg.layout),
               (unsigned long long)n, (unsigned long long)repeat, cpu);
        suite_shapes(&ctx, n, repeat, only_shape, samples);
        iterations = 0;
    }
    else if (is_collect) {
        printf("# profile %s, full collections: (t(build + 10 collect) - "
               "t(build)) / 10 / N, ns per object; young-700: ns per "
               "collection; %llu repetitions; %s\n",
               gc_profile_name(cfg.profile), (unsigned long long)repeat, cpu);
        suite_collect(&ctx, sizes, nsizes, repeat, samples);
        iterations = 0;
    }
    else {
        printf("# profile %s, %llu iterations x %llu repetitions; %s\n",
               gc_profile_name(cfg.profile), (unsigned long long)iterations,
               (unsigned long long)repeat, cpu);
        printf("%-20s %10s %10s %8s %10s\n", "benchmark", "mean_ns",
               "ci95_ns", "cv", "best_ns");
    }
    for (size_t b = 0; iterations > 0 && b < sizeof benches / sizeof *benches;
         b++) {
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

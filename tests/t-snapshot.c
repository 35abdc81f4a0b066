/* tests/t-snapshot.c -- a real program's heap (tests/snapshot/, written
 * by `gclab snapshot` on CPython 3.14) read and rebuilt: a full
 * collection of the model visits exactly the snapshot's tracked
 * objects, on every profile; every collector runs it to the same
 * checksum and frees it all; freeze and the young stream do what they
 * say; the reader refuses truncated, newer and dangling input with one
 * line, and neither it nor the workload leaks when memory runs out.
 * Version 2's addresses place the objects (the snapshot layout): in the
 * interpreter's address order in memory, in its gc order in the list.
 *
 * usage: t-snapshot SNAPSHOT-FILE */
#include "gc-internal.h" /* the young list, to see where objects sit */
#include "snapshot-format.h"
#include "snapshot-internal.h"
#include "support.h"
#include "workload.h"

#include <stdlib.h>
#include <unistd.h>

struct count {
    uint64_t visited, collections, young;
};

static void
on_end(void *data, int gen, uint64_t visited, uint64_t collected,
       uint64_t uncollectable)
{
    struct count *c = data;
    c->visited += visited;
    c->collections++;
    c->young += gen < 2;
}

/* The workload on spec (a collector) with opts; GC_OK and *c, *sum. */
static enum gc_status
run(const char *spec, const struct gc_allocator *a,
    const struct gc_option_value *opts, size_t nopts, struct count *c,
    uint64_t *sum, uint64_t *leaked)
{
    char err[256];
    struct gc_heap *heap;
    if (gc_heap_new_spec(spec, a, &heap, err, sizeof err) != GC_OK) {
        if (a == NULL) {
            tap_diag("%s", err);
        }
        *leaked = 0;
        return a == NULL ? GC_EINVAL : GC_ENOMEM;
    }
    struct gc_listener l = {.data = c, .collect_end = on_end};
    memset(c, 0, sizeof *c);
    gc_set_listener(heap, &l);
    /* Typed as a spec's options are (the workload reads typed values). */
    struct gc_option_value typed[8];
    const struct gc_option *table = gc_workload_find("snapshot")->options;
    for (size_t i = 0; i < nopts && i < 8; i++) {
        if (gc_option_parse("snapshot", gc_option_find(table, opts[i].key),
                            opts[i].value, &typed[i], err,
                            sizeof err) != GC_OK) {
            tap_diag("%s", err);
        }
    }
    struct gc_workload_params p = {.size = 1, .seed = 1, .opts = typed,
                                   .nopts = nopts};
    enum gc_status rc =
        gc_workload_find("snapshot")->run(heap, &p, sum);
    *leaked = gc_heap_destroy(heap);
    return rc;
}

/* What a full collection of an empty heap of spec visits: the heap's
 * own tracked objects (gc.garbage's list; on 3.14+ the roots' dict,
 * tracked from creation), which are not the program's. */
static uint64_t
own_objects(const char *spec)
{
    char err[256];
    struct gc_heap *heap;
    struct count c = {0};
    if (gc_heap_new_spec(spec, NULL, &heap, err, sizeof err) != GC_OK) {
        return UINT64_MAX;
    }
    struct gc_listener l = {.data = &c, .collect_end = on_end};
    gc_set_listener(heap, &l);
    gc_collect(heap, 2);
    gc_heap_destroy(heap);
    return c.visited;
}

/* Where the lists of a snapshot sit when its first collection begins:
 * the young list's last n objects (the snapshot's, after the heap's
 * own), each as its length and address. */
#define PLACED_MAX 8
struct placed {
    struct gc_heap *heap;
    size_t n, len[PLACED_MAX];
    uintptr_t addr[PLACED_MAX];
    bool seen;
};

static void
on_begin_placed(void *data, int gen, enum gc_reason why)
{
    struct placed *pl = data;
    (void)gen;
    (void)why;
    if (pl->seen) {
        return;
    }
    pl->seen = true;
    struct gc_head *young = &pl->heap->gens[0].head;
    struct gc_head *h = young;
    for (size_t k = 0; k < pl->n; k++) {
        h = gc_head_prev(h);
    }
    for (size_t k = 0; k < pl->n && h != young; k++, h = gc_head_next(h)) {
        struct gc_object *o = gc_object_of(h);
        pl->len[k] = gc_list_len(o);
        pl->addr[k] = (uintptr_t)o;
    }
}

/* The snapshot at path on a 3.14 heap with layout; false if it did not
 * run. */
static bool
run_placed(const char *path, enum gc_layout layout, struct placed *pl)
{
    char err[256];
    struct gc_spec spec;
    struct gc_heap_config cfg;
    gc_heap_config_init(&cfg);
    if (gc_spec_parse("cpython:profile=3.14", &spec, err, sizeof err) !=
        GC_OK) {
        return false;
    }
    gc_spec_config(&spec, &cfg);
    cfg.layout = layout;
    if (gc_heap_new(&cfg, &pl->heap) != GC_OK) {
        return false;
    }
    struct gc_listener l = {.data = pl, .collect_begin = on_begin_placed};
    gc_set_listener(pl->heap, &l);
    struct gc_option_value opts[1];
    const struct gc_option *table = gc_workload_find("snapshot")->options;
    bool ok = gc_option_parse("snapshot", gc_option_find(table, "file"),
                              path, &opts[0], err, sizeof err) == GC_OK;
    struct gc_workload_params p = {.size = 1, .seed = 1, .opts = opts,
                                   .nopts = 1};
    uint64_t sum;
    ok = ok && gc_workload_find("snapshot")->run(pl->heap, &p, &sum) == GC_OK;
    ok = gc_heap_destroy(pl->heap) == 0 && ok;
    return ok && pl->seen;
}

/* The system allocator, counting live bytes, failing at one call. */
struct counting {
    struct gc_allocator base;
    uint64_t calls, fail_at, live;
};

static void *
c_alloc(void *ctx, size_t n)
{
    struct counting *c = ctx;
    if (++c->calls == c->fail_at) {
        return NULL;
    }
    c->live += n;
    return malloc(n);
}

static void *
c_resize(void *ctx, void *p, size_t old, size_t n)
{
    struct counting *c = ctx;
    if (++c->calls == c->fail_at) {
        return NULL;
    }
    void *q = realloc(p, n);
    if (q != NULL) {
        c->live = c->live - old + n;
    }
    return q;
}

static void
c_free(void *ctx, void *p, size_t n)
{
    struct counting *c = ctx;
    c->live -= n;
    free(p);
}

static enum gc_status
parse(const char *text, char *err, size_t err_bytes)
{
    struct gc_snapshot s;
    enum gc_status rc =
        gc_snapshot_parse("x.gcsnap", text, strlen(text), NULL, &s, err,
                          err_bytes);
    gc_snapshot_free(&s);
    return rc;
}

#define HEAD                                                                \
    "gclab-snapshot 1\npython 3.14.10\nat exit\nthreshold 2000 10 10\n"     \
    "count 1 2 3\ncollections 4 0 0\ncollect_ns 900 800 700\n"              \
    "collect_cpu_ns 800 700 600\n"                                         \
    "collected 5 0 0\n"

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: t-snapshot SNAPSHOT-FILE\n");
        return 2;
    }
    const char *file = argv[1];
    char err[300];
    struct gc_snapshot s;
    TEST("the committed snapshot reads") {
        check_int(gc_snapshot_read(file, NULL, &s, err, sizeof err), ==,
                  GC_OK);
        check_uint(s.ntracked, >, 1000);
        check_uint(s.ncollects, >=, 5);
        check_uint(gc_snapshot_collect_median_ns(&s), >, 0);
    }
    uint64_t ntracked = s.ntracked;
    gc_snapshot_free(&s);

    struct gc_option_value opts[4] = {{.key = "file", .value = file}};
    static const char *const profiles[] = {"2.7", "3.8", "3.11", "3.13",
                                           "3.14", "3.15"};
    for (size_t i = 0; i < sizeof profiles / sizeof *profiles; i++) {
        char name[200], spec[64];
        snprintf(spec, sizeof spec, "cpython:profile=%s", profiles[i]);
        snprintf(name, sizeof name,
                 "profile %s: a full collection visits exactly the %llu "
                 "tracked objects (and the heap's own)",
                 profiles[i], (unsigned long long)ntracked);
        TEST(name) {
            struct count c;
            uint64_t sum = 0, leaked = 1;
            check_int(run(spec, NULL, opts, 1, &c, &sum, &leaked), ==, GC_OK);
            uint64_t own = own_objects(spec);
            check_uint(own, <=, 2);
            check_uint(c.collections, ==, 1);
            check_uint(c.visited, ==, ntracked + own);
            check_uint(leaked, ==, 0);
        }
    }
    static const char *const collectors[] = {"cpython", "full",
                                             "incremental", "trialdel",
                                             "none"};
    uint64_t reference = 0;
    for (size_t i = 0; i < sizeof collectors / sizeof *collectors; i++) {
        char name[200];
        snprintf(name, sizeof name, "%s: the same checksum, nothing leaked",
                 collectors[i]);
        TEST(name) {
            struct count c;
            uint64_t sum = 0, leaked = 1;
            check_int(run(collectors[i], NULL, opts, 1, &c, &sum, &leaked),
                      ==, GC_OK);
            reference = i == 0 ? sum : reference;
            check_uint(sum, ==, reference);
            check_uint(leaked, ==, 0);
        }
    }
    TEST("freeze=1: the full collection visits none of them") {
        struct count c;
        uint64_t sum = 0, leaked = 1;
        opts[1] = (struct gc_option_value){.key = "freeze", .value = "1"};
        check_int(run("cpython", NULL, opts, 2, &c, &sum, &leaked), ==,
                  GC_OK);
        check_uint(c.collections, ==, 1);
        check_uint(c.visited, ==, 0); /* the heap's own are frozen too */
        check_uint(leaked, ==, 0);
    }
    TEST("young=20000: the stream makes young collections") {
        struct count c;
        uint64_t sum = 0, leaked = 1;
        opts[1] = (struct gc_option_value){.key = "young", .value = "20000"};
        opts[2] = (struct gc_option_value){.key = "collections", .value = "0"};
        check_int(run("cpython", NULL, opts, 3, &c, &sum, &leaked), ==,
                  GC_OK);
        check_uint(c.young, >, 0);
        check_uint(leaked, ==, 0);
    }
    TEST("the reader: out of memory at each allocation, nothing leaks") {
        uint64_t failures = 0, wrong = 0, k;
        for (k = 1;; k++) {
            struct counting ca = {{c_alloc, c_resize, c_free, NULL}, 0, k, 0};
            ca.base.ctx = &ca;
            enum gc_status rc =
                gc_snapshot_read(file, &ca.base, &s, err, sizeof err);
            if (rc == GC_OK) {
                gc_snapshot_free(&s);
                wrong += ca.live != 0;
                break;
            }
            failures++;
            wrong += rc != GC_ENOMEM || ca.live != 0 ||
                     strstr(err, "out of memory") == NULL;
        }
        check_uint(failures, >=, 4);
        check_uint(wrong, ==, 0);
    }
    TEST("the workload: out of memory at allocations of the heap, an "
         "error and no leak") {
        uint64_t stopped = 0, wrong = 0;
        for (uint64_t k = 1; k < 200000; k += 997) {
            struct gc_failing_allocator fa;
            gc_failing_allocator_init(&fa, k, true);
            struct count c;
            uint64_t sum = 0, leaked = 1;
            enum gc_status rc =
                run("cpython", &fa.base, opts, 1, &c, &sum, &leaked);
            stopped += rc == GC_ENOMEM;
            if ((rc != GC_ENOMEM && rc != GC_OK) || leaked != 0 ||
                (rc == GC_OK && fa.failures != 0)) {
                tap_diag("failing at %llu: %s, %llu bytes leaked",
                         (unsigned long long)k, gc_status_str(rc),
                         (unsigned long long)leaked);
                wrong++;
            }
        }
        check_uint(stopped, >, 10);
        check_uint(wrong, ==, 0);
    }
    TEST("a truncated or altered snapshot is refused, at every cut") {
        size_t len;
        FILE *f = fopen(file, "rb");
        char *data = malloc(1 << 24);
        len = f != NULL && data != NULL ? fread(data, 1, 1 << 24, f) : 0;
        if (f != NULL) {
            fclose(f);
        }
        uint64_t wrong = 0;
        for (size_t cut = 0; cut < len; cut += 1 + cut / 50) {
            enum gc_status rc =
                gc_snapshot_parse("t", data, cut, NULL, &s, err, sizeof err);
            wrong += rc != GC_EINVAL;
        }
        check_uint(len, >, 1000);
        check_uint(wrong, ==, 0);
        /* And altered: a byte changed to one the format uses, in the
         * header or anywhere; read or refused, never more (ASan). */
        static const char bytes[] = "0123456789 \n-aokx\0";
        uint64_t x = 12345, refused = 0;
        for (int m = 0; m < 300 && len > 0; m++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t at = (size_t)(x >> 33) % (m % 2 ? len : 600);
            char was = data[at];
            data[at] = bytes[(x >> 20) % (sizeof bytes - 1)];
            enum gc_status rc =
                gc_snapshot_parse("t", data, len, NULL, &s, err, sizeof err);
            if (rc == GC_OK) {
                gc_snapshot_free(&s);
            }
            refused += rc == GC_EINVAL;
            wrong += rc != GC_OK && rc != GC_EINVAL;
            data[at] = was;
        }
        check_uint(refused, >, 100);
        check_uint(wrong, ==, 0);
        free(data);
    }
    TEST("truncated: says so, with the line") {
        check_int(parse(HEAD "tracked 1\nuntracked 0\nedges 0\n", err,
                        sizeof err),
                  ==, GC_EINVAL);
        check(strstr(err, "x.gcsnap: truncated after line 12") != NULL);
    }
    TEST("a newer format version is refused") {
        check_int(parse("gclab-snapshot 3\n", err, sizeof err), ==,
                  GC_EINVAL);
        check(strstr(err, "format version 3; this gclab reads version 2"));
    }
    TEST("an edge to an unknown id is refused") {
        check_int(parse(HEAD "tracked 1\nuntracked 0\nedges 1\n"
                             "heap_bytes 56\nrss_bytes 0\nkinds 1\nk list\n"
                             "o 0 2 56 1 1 7\nend\n",
                        err, sizeof err),
                  ==, GC_EINVAL);
        check(strstr(err, "x.gcsnap:17: edge to unknown id 7") != NULL);
    }
#define CYCLE                                                               \
    HEAD "tracked 4\nuntracked 1\nedges 6\n"                               \
         "heap_bytes 156\nrss_bytes 0\nkinds 3\nk list\n"                   \
         "k tuple\nk int\no 0 2 72 1 2 1 4\no 1 2 56 1 1 3\no 0 1 56 1 1 0\n" \
         "o 0 2 56 1 2 1 0\na 2 28\nend\n"
    TEST("a well-formed small snapshot: a cycle of lists and a tuple") {
        check_int(parse(CYCLE, err, sizeof err), ==, GC_OK);
    }
    TEST("version 1 still reads: no addresses") {
        struct gc_snapshot v1;
        check_int(gc_snapshot_parse("x.gcsnap", CYCLE, strlen(CYCLE), NULL,
                                    &v1, err, sizeof err),
                  ==, GC_OK);
        check_int(v1.version, ==, 1);
        check_uint(v1.ntracked == 4 ? v1.nodes[3].addr : 1, ==, 0);
        check_uint(v1.ntracked == 4 ? v1.nodes[3].nedges : 0, ==, 2);
        gc_snapshot_free(&v1);
    }
#define HEAD2                                                               \
    "gclab-snapshot 2\npython 3.14.10\nat exit\nthreshold 2000 10 10\n"     \
    "count 1 2 3\ncollections 4 0 0\ncollect_ns 900 800 700\n"              \
    "collect_cpu_ns 800 700 600\ncollected 5 0 0\n"
#define CYCLE2                                                              \
    HEAD2 "tracked 4\nuntracked 1\nedges 6\n"                              \
          "heap_bytes 156\nrss_bytes 0\nkinds 3\nk list\n"                  \
          "k tuple\nk int\no 0 2 72 1 4096 2 1 4\no 1 2 56 1 512 1 3\n"       \
          "o 0 1 56 1 2048 1 0\no 0 2 56 1 1024 2 1 0\na 2 28 9999\nend\n"
    TEST("version 2: each object's address") {
        struct gc_snapshot v2;
        check_int(gc_snapshot_parse("x.gcsnap", CYCLE2, strlen(CYCLE2), NULL,
                                    &v2, err, sizeof err),
                  ==, GC_OK);
        check_int(v2.version, ==, 2);
        if (v2.ntracked == 4 && v2.nuntracked == 1) {
            check_uint(v2.nodes[0].addr, ==, 4096);
            check_uint(v2.nodes[3].addr, ==, 1024);
            check_uint(v2.nodes[3].nedges, ==, 2);
            check_uint(v2.edges[v2.nodes[3].edge0 + 1], ==, 0);
            check_uint(v2.nodes[4].addr, ==, 9999);
        }
        gc_snapshot_free(&v2);
    }
    TEST("version 2: a line without its address is refused") {
        check_int(parse(HEAD2 "tracked 0\nuntracked 1\nedges 0\n"
                              "heap_bytes 28\nrss_bytes 0\nkinds 1\nk int\n"
                              "a 0 28\nend\n",
                        err, sizeof err),
                  ==, GC_EINVAL);
        check(strstr(err, "x.gcsnap:17: expected 'a KIND SIZE ADDR'") != NULL);
        /* A version-1 'o' line reads as one with an address and one
         * edge fewer: the edge count then disagrees. */
        check_int(parse(HEAD2 "tracked 1\nuntracked 0\nedges 1\n"
                              "heap_bytes 56\nrss_bytes 0\nkinds 1\nk list\n"
                              "o 0 2 56 1 1 0\nend\n",
                        err, sizeof err),
                  ==, GC_EINVAL);
        check(strstr(err, "0 edges, the header says 1") != NULL);
    }
    TEST("the snapshot layout: memory in address order, the list in gc "
         "order") {
        /* Six lists of 1..6 items (one atom), their addresses in the
         * interpreter a permutation of their gc order. */
        static const unsigned rank[6] = {3, 0, 5, 1, 4, 2};
        char path[] = "/tmp/t-snapshot-XXXXXX";
        int fd = mkstemp(path);
        FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
        check(f != NULL);
        if (f != NULL) {
            fputs(HEAD2 "tracked 6\nuntracked 1\nedges 21\nheap_bytes 500\n"
                        "rss_bytes 0\nkinds 2\nk list\nk bytes\n", f);
            for (unsigned i = 0; i < 6; i++) {
                fprintf(f, "o 0 2 64 1 %u %u", 100000 + 64 * rank[i], i + 1);
                for (unsigned e = 0; e <= i; e++) {
                    fputs(" 6", f);
                }
                fputs("\n", f);
            }
            fputs("a 1 40 5000\nend\n", f);
            fclose(f);
        }
        struct placed snap = {.n = 6}, alloc = {.n = 6};
        check(run_placed(path, GC_LAYOUT_SNAPSHOT, &snap));
        check(run_placed(path, GC_LAYOUT_ALLOC_ORDER, &alloc));
        uint64_t wrong_order = 0, wrong_place = 0, alloc_place = 0;
        for (size_t i = 0; i < 6; i++) {
            /* gc order: list i (length i + 1) is the i-th, both ways */
            wrong_order += snap.len[i] != i + 1 || alloc.len[i] != i + 1;
            for (size_t j = 0; j < 6; j++) {
                wrong_place += (snap.addr[i] < snap.addr[j]) !=
                               (rank[i] < rank[j]);
                alloc_place += (alloc.addr[i] < alloc.addr[j]) != (i < j);
            }
        }
        check_uint(wrong_order, ==, 0);
        /* Where the heap takes its blocks from malloc (ASan builds,
         * GCLAB_MALLOC=malloc) no layout places anything: the order of
         * the list is all there is to check. */
        struct gc_heap *probe = new_heap(GC_PROFILE_3_14);
        bool has_pool = probe != NULL && gc_heap_arena_bytes(probe) > 0;
        if (probe != NULL) {
            gc_heap_destroy(probe);
        }
        if (!has_pool) {
            tap_skip("heap uses malloc");
        }
        check(!has_pool || wrong_place == 0);
        check(!has_pool || alloc_place == 0);
        unlink(path);
    }
    TEST("its shape: one component of three, the list outside it") {
        /* 0 -> 1 -> 3 -> 1, 3 -> 0: {0, 1, 3}; 2 -> 0 only. */
        char path[] = "/tmp/t-snapshot-XXXXXX";
        int fd = mkstemp(path);
        FILE *f = fd >= 0 ? fdopen(fd, "w+") : NULL;
        FILE *text = tmpfile();
        check(f != NULL && text != NULL);
        if (f != NULL && text != NULL) {
            fputs(CYCLE, f);
            fflush(f);
            check_int(gc_snapshot_shape_text(path, text, stderr), ==, 0);
            rewind(text);
            char out[8192] = {0};
            size_t n = fread(out, 1, sizeof out - 1, text);
            out[n] = '\0';
            check(strstr(out, "1 of more than one object, holding 3") !=
                  NULL);
            const char *g1 = strstr(out, "generation 1 ");
            unsigned long n1 = 0;
            check(g1 != NULL && sscanf(g1 + 13, "%lu", &n1) == 1 &&
                  n1 == 1);
            check(strstr(out, "3  list 2, tuple 1") != NULL);
        }
        if (f != NULL) {
            fclose(f);
        }
        if (text != NULL) {
            fclose(text);
        }
        unlink(path);
    }
    return tap_done();
}

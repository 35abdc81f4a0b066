/* workloads/snapshot-read.c -- reads a gclab snapshot (docs/snapshot.md)
 * into flat arrays: one node per object, one array of edges.  Strict:
 * every line is checked as it is read, counts must match the header,
 * every edge must name an object of the file, and the file must end
 * with "end", so that a truncated or altered file is refused with one
 * line, never half-loaded.  Allocation goes through the caller's
 * allocator, so that the tests can fail each allocation in turn. */
#include "snapshot-format.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    const char *name;
    const char *p, *end;
    uint64_t line;
    char *err;
    size_t err_bytes;
    const struct gc_allocator *a;
};

static enum gc_status
fail(struct parser *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum gc_status
fail(struct parser *ps, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ps->p >= ps->end && ps->line > 0) {
        snprintf(ps->err, ps->err_bytes, "%s: truncated after line %llu (%s)",
                 ps->name, (unsigned long long)ps->line, msg);
    }
    else {
        snprintf(ps->err, ps->err_bytes, "%s:%llu: %s", ps->name,
                 (unsigned long long)ps->line + 1, msg);
    }
    return GC_EINVAL;
}

static void *
alloc(const struct gc_allocator *a, size_t n)
{
    return a->alloc(a->ctx, n > 0 ? n : 1);
}

/* The next space-separated word of the current line: [*w, *w + *n). */
static bool
word(struct parser *ps, const char **w, size_t *n)
{
    while (ps->p < ps->end && *ps->p == ' ') {
        ps->p++;
    }
    *w = ps->p;
    while (ps->p < ps->end && *ps->p != ' ' && *ps->p != '\n') {
        ps->p++;
    }
    *n = (size_t)(ps->p - *w);
    return *n > 0;
}

static bool
is_word(struct parser *ps, const char *expect)
{
    const char *w;
    size_t n;
    return word(ps, &w, &n) && n == strlen(expect) &&
           memcmp(w, expect, n) == 0;
}

static bool
u64(struct parser *ps, uint64_t *out)
{
    const char *w;
    size_t n;
    if (!word(ps, &w, &n) || n > 20) {
        return false;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (w[i] < '0' || w[i] > '9' || v > (UINT64_MAX - 9) / 10) {
            return false;
        }
        v = v * 10 + (uint64_t)(w[i] - '0');
    }
    *out = v;
    return true;
}

static bool
i64(struct parser *ps, int64_t *out)
{
    uint64_t v;
    bool neg = ps->p < ps->end && ps->p[0] == ' ' && ps->p + 1 < ps->end &&
               ps->p[1] == '-';
    if (neg) {
        ps->p += 2;
        if (ps->p < ps->end && *ps->p == ' ') {
            return false;
        }
    }
    if (!u64(ps, &v) || v > (uint64_t)INT64_MAX) {
        return false;
    }
    *out = neg ? -(int64_t)v : (int64_t)v;
    return true;
}

/* The current line is over: a newline, nothing else. */
static bool
eol(struct parser *ps)
{
    if (ps->p >= ps->end || *ps->p != '\n') {
        return false;
    }
    ps->p++;
    ps->line++;
    return true;
}

/* key then n integers, unsigned into u or signed into i. */
static enum gc_status
key_ints(struct parser *ps, const char *key, uint64_t *u, int64_t *i,
         size_t n)
{
    if (!is_word(ps, key)) {
        return fail(ps, "expected '%s'", key);
    }
    for (size_t k = 0; k < n; k++) {
        if (u != NULL ? !u64(ps, &u[k]) : !i64(ps, &i[k])) {
            return fail(ps, "'%s' needs %zu %sintegers", key, n,
                        u != NULL ? "unsigned " : "");
        }
    }
    return eol(ps) ? GC_OK : fail(ps, "'%s': trailing text", key);
}

/* key then 1..GC_SNAPSHOT_MAX_COLLECTS numbers; *n says how many. */
static enum gc_status
key_list(struct parser *ps, const char *key, uint64_t *v, size_t *n)
{
    if (!is_word(ps, key)) {
        return fail(ps, "expected '%s'", key);
    }
    *n = 0;
    while (ps->p < ps->end && *ps->p != '\n') {
        if (*n == GC_SNAPSHOT_MAX_COLLECTS || !u64(ps, &v[*n])) {
            return fail(ps, "'%s' needs 1 to %d unsigned integers", key,
                        GC_SNAPSHOT_MAX_COLLECTS);
        }
        (*n)++;
    }
    if (*n == 0) {
        return fail(ps, "'%s' needs 1 to %d unsigned integers", key,
                    GC_SNAPSHOT_MAX_COLLECTS);
    }
    return eol(ps) ? GC_OK : fail(ps, "'%s': no newline", key);
}

static enum gc_status
key_text(struct parser *ps, const char *key, char *out, size_t bytes)
{
    const char *w;
    size_t n;
    if (!is_word(ps, key)) {
        return fail(ps, "expected '%s'", key);
    }
    if (!word(ps, &w, &n) || n >= bytes) {
        return fail(ps, "'%s' needs a word of under %zu bytes", key, bytes);
    }
    memcpy(out, w, n);
    out[n] = '\0';
    return eol(ps) ? GC_OK : fail(ps, "'%s': trailing text", key);
}

static enum gc_status
header(struct parser *ps, struct gc_snapshot *s)
{
    uint64_t version, v[3];
    if (!is_word(ps, "gclab-snapshot")) {
        return fail(ps, "not a gclab snapshot");
    }
    if (!u64(ps, &version)) {
        return fail(ps, "bad format version");
    }
    if (version > GC_SNAPSHOT_VERSION || version == 0) {
        return fail(ps, "format version %llu; this gclab reads version %d",
                    (unsigned long long)version, GC_SNAPSHOT_VERSION);
    }
    if (!eol(ps)) {
        return fail(ps, "bad format version");
    }
    s->version = (int)version;
    size_t n2, n3;
    GC_TRY(key_text(ps, "python", s->python, sizeof s->python));
    GC_TRY(key_text(ps, "at", s->at, sizeof s->at));
    GC_TRY(key_ints(ps, "threshold", NULL, s->threshold, 3));
    GC_TRY(key_ints(ps, "count", NULL, s->count, 3));
    GC_TRY(key_ints(ps, "collections", NULL, s->collections, 3));
    GC_TRY(key_list(ps, "collect_ns", s->collect_ns, &s->ncollects));
    GC_TRY(key_list(ps, "collect_cpu_ns", s->collect_cpu_ns, &n3));
    GC_TRY(key_list(ps, "collected", s->collected, &n2));
    if (n2 != s->ncollects || n3 != s->ncollects) {
        ps->line--;
        return fail(ps, "'collect_ns', 'collect_cpu_ns' and 'collected' "
                        "differ in length");
    }
    GC_TRY(key_ints(ps, "tracked", &s->ntracked, NULL, 1));
    GC_TRY(key_ints(ps, "untracked", &s->nuntracked, NULL, 1));
    GC_TRY(key_ints(ps, "edges", &s->nedges, NULL, 1));
    GC_TRY(key_ints(ps, "heap_bytes", &s->heap_bytes, NULL, 1));
    GC_TRY(key_ints(ps, "rss_bytes", &s->rss_bytes, NULL, 1));
    GC_TRY(key_ints(ps, "kinds", v, NULL, 1));
    /* Each line of a count takes at least 4 bytes ("a 0 0\n" is 6), so
     * a count the file cannot hold is refused before it is allocated. */
    uint64_t room = (uint64_t)(ps->end - ps->p) / 4 + 1;
    if (s->ntracked > room || s->nuntracked > room || v[0] > room ||
        s->nedges / 2 > room ||
        s->ntracked + s->nuntracked > GC_SNAPSHOT_MAX_NODES) {
        snprintf(ps->err, ps->err_bytes,
                 "%s: truncated: its counts need more than the %llu bytes "
                 "left after line %llu",
                 ps->name, (unsigned long long)(ps->end - ps->p),
                 (unsigned long long)ps->line);
        return GC_EINVAL;
    }
    s->nkinds = (size_t)v[0];
    return GC_OK;
}

static enum gc_status
kinds(struct parser *ps, struct gc_snapshot *s)
{
    /* Every name points into one block, sized by the lines. */
    const char *start = ps->p;
    size_t bytes = 0;
    for (size_t i = 0; i < s->nkinds; i++) {
        const char *w;
        size_t n;
        if (!is_word(ps, "k") || !word(ps, &w, &n) || !eol(ps)) {
            return fail(ps, "expected 'k NAME' (kind %zu of %zu)", i + 1,
                        s->nkinds);
        }
        bytes += n + 1;
    }
    s->kind_names = alloc(ps->a, s->nkinds * sizeof *s->kind_names);
    s->names = alloc(ps->a, bytes);
    s->names_bytes = bytes;
    if (s->kind_names == NULL || s->names == NULL) {
        snprintf(ps->err, ps->err_bytes, "%s: out of memory", ps->name);
        return GC_ENOMEM;
    }
    const char *end = ps->p;
    ps->p = start;
    char *q = s->names;
    for (size_t i = 0; i < s->nkinds; i++) {
        const char *w;
        size_t n;
        is_word(ps, "k");
        word(ps, &w, &n);
        ps->p++;
        memcpy(q, w, n);
        q[n] = '\0';
        s->kind_names[i] = q;
        q += n + 1;
    }
    ps->p = end;
    return GC_OK;
}

static enum gc_status
objects(struct parser *ps, struct gc_snapshot *s)
{
    uint64_t nnodes = s->ntracked + s->nuntracked, nedges = 0;
    for (uint64_t i = 0; i < nnodes; i++) {
        struct gc_snapshot_node *nd = &s->nodes[i];
        bool is_tracked = i < s->ntracked;
        uint64_t kind, gen = 0, n = 0;
        /* Version 2 adds each object's address (id()) after REFCNT on
         * an 'o' line and after SIZE on an 'a' line. */
        bool has_addr = s->version >= 2;
        nd->addr = 0; /* none before version 2 */
        if (!is_word(ps, is_tracked ? "o" : "a")) {
            return fail(ps, "expected %s line %llu of %llu",
                        is_tracked ? "an 'o'" : "an 'a'",
                        (unsigned long long)(is_tracked
                                                 ? i + 1
                                                 : i - s->ntracked + 1),
                        (unsigned long long)(is_tracked ? s->ntracked
                                                        : s->nuntracked));
        }
        if (!u64(ps, &kind) || kind >= s->nkinds ||
            (is_tracked && (!u64(ps, &gen) || gen > 2)) ||
            !u64(ps, &nd->size_bytes) ||
            (is_tracked && !u64(ps, &nd->refcnt)) ||
            (has_addr && !u64(ps, &nd->addr)) ||
            (is_tracked && !u64(ps, &n))) {
            static const char *const forms[2][2] = {
                {"expected 'a KIND SIZE'", "expected 'a KIND SIZE ADDR'"},
                {"expected 'o KIND GEN SIZE REFCNT N IDS'",
                 "expected 'o KIND GEN SIZE REFCNT ADDR N IDS'"}};
            return fail(ps, "%s", forms[is_tracked][has_addr]);
        }
        if (n > s->nedges - nedges) {
            return fail(ps, "more edges than the header's %llu",
                        (unsigned long long)s->nedges);
        }
        nd->kind = (uint32_t)kind;
        nd->gen = is_tracked ? (int32_t)gen : -1;
        nd->edge0 = nedges;
        nd->nedges = (uint32_t)n;
        for (uint64_t e = 0; e < n; e++) {
            uint64_t id;
            if (!u64(ps, &id)) {
                return fail(ps, "expected %llu edge ids",
                            (unsigned long long)n);
            }
            if (id >= nnodes) {
                return fail(ps, "edge to unknown id %llu (ids are 0 to %llu)",
                            (unsigned long long)id,
                            (unsigned long long)nnodes - 1);
            }
            s->edges[nedges++] = (uint32_t)id;
        }
        if (!eol(ps)) {
            return fail(ps, "trailing text");
        }
    }
    if (nedges != s->nedges) {
        return fail(ps, "%llu edges, the header says %llu",
                    (unsigned long long)nedges,
                    (unsigned long long)s->nedges);
    }
    if (!is_word(ps, "end") || !eol(ps)) {
        return fail(ps, "expected 'end'");
    }
    if (ps->p != ps->end) {
        return fail(ps, "text after 'end'");
    }
    return GC_OK;
}

enum gc_status
gc_snapshot_parse(const char *name, const char *data, size_t len,
                  const struct gc_allocator *allocator,
                  struct gc_snapshot *s, char *err, size_t err_bytes)
{
    memset(s, 0, sizeof *s);
    s->allocator = allocator != NULL ? allocator : &gc_allocator_system;
    struct parser ps = {.name = name, .p = data, .end = data + len,
                        .err = err, .err_bytes = err_bytes,
                        .a = s->allocator};
    if (memchr(data, '\0', len) != NULL) {
        snprintf(err, err_bytes, "%s: a NUL byte: not a gclab snapshot",
                 name);
        return GC_EINVAL;
    }
    enum gc_status rc = header(&ps, s);
    if (rc == GC_OK) {
        rc = kinds(&ps, s);
    }
    if (rc == GC_OK) {
        uint64_t nnodes = s->ntracked + s->nuntracked;
        s->nodes = alloc(ps.a, (size_t)nnodes * sizeof *s->nodes);
        s->edges = alloc(ps.a, (size_t)s->nedges * sizeof *s->edges);
        if (s->nodes == NULL || s->edges == NULL) {
            snprintf(err, err_bytes, "%s: out of memory for %llu objects",
                     name, (unsigned long long)nnodes);
            rc = GC_ENOMEM;
        }
    }
    if (rc == GC_OK) {
        rc = objects(&ps, s);
    }
    if (rc != GC_OK) {
        gc_snapshot_free(s);
    }
    return rc;
}

enum gc_status
gc_snapshot_read(const char *path, const struct gc_allocator *allocator,
                 struct gc_snapshot *out, char *err, size_t err_bytes)
{
    const struct gc_allocator *a =
        allocator != NULL ? allocator : &gc_allocator_system;
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    long size = -1;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0) {
        size = ftell(f);
        rewind(f);
    }
    if (f == NULL || size < 0) {
        snprintf(err, err_bytes, "%s: cannot read: %s", path,
                 strerror(errno != 0 ? errno : EIO));
        if (f != NULL) {
            fclose(f);
        }
        return GC_EIO;
    }
    char *data = alloc(a, (size_t)size);
    if (data == NULL) {
        fclose(f);
        snprintf(err, err_bytes, "%s: out of memory for %ld bytes", path,
                 size);
        return GC_ENOMEM;
    }
    size_t got = fread(data, 1, (size_t)size, f);
    bool is_error = ferror(f) != 0 || got != (size_t)size;
    fclose(f);
    enum gc_status rc;
    if (is_error) {
        snprintf(err, err_bytes, "%s: cannot read: %s", path,
                 got != (size_t)size ? "it changed while read"
                                     : strerror(EIO));
        rc = GC_EIO;
    }
    else {
        rc = gc_snapshot_parse(path, data, got, a, out, err, err_bytes);
    }
    a->free(a->ctx, data, size > 0 ? (size_t)size : 1);
    return rc;
}

void
gc_snapshot_free(struct gc_snapshot *s)
{
    const struct gc_allocator *a = s->allocator;
    if (a == NULL) {
        return;
    }
    if (s->kind_names != NULL) {
        a->free(a->ctx, s->kind_names,
                s->nkinds > 0 ? s->nkinds * sizeof *s->kind_names : 1);
    }
    if (s->names != NULL) {
        a->free(a->ctx, s->names, s->names_bytes > 0 ? s->names_bytes : 1);
    }
    uint64_t nnodes = s->ntracked + s->nuntracked;
    if (s->nodes != NULL) {
        a->free(a->ctx, s->nodes,
                nnodes > 0 ? (size_t)nnodes * sizeof *s->nodes : 1);
    }
    if (s->edges != NULL) {
        a->free(a->ctx, s->edges,
                s->nedges > 0 ? (size_t)s->nedges * sizeof *s->edges : 1);
    }
    memset(s, 0, sizeof *s);
}

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static uint64_t
median_after_first(const uint64_t *times, size_t ncollects)
{
    uint64_t v[GC_SNAPSHOT_MAX_COLLECTS];
    size_t first = ncollects > 1 ? 1 : 0, n = ncollects - first;
    if (ncollects == 0) {
        return 0;
    }
    memcpy(v, times + first, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_u64);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

uint64_t
gc_snapshot_collect_median_ns(const struct gc_snapshot *s)
{
    return median_after_first(s->collect_ns, s->ncollects);
}

uint64_t
gc_snapshot_collect_cpu_median_ns(const struct gc_snapshot *s)
{
    return median_after_first(s->collect_cpu_ns, s->ncollects);
}

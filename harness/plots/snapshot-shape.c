/* harness/plots/snapshot-shape.c -- the shape of a snapshot's heap: kinds,
 * sizes, generations, roots and the largest strongly connected
 * components of its tracked objects (Tarjan's algorithm, iterative, so
 * a million-deep chain needs no deep C stack).  As text for `gclab
 * snapshot --shape FILE`, and as a page per snapshot workload of a
 * results directory for `gclab plot`. */
#include "snapshot-internal.h"
#include "snapshot-format.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TOP 12

struct kind_total {
    uint64_t count, bytes;
    uint32_t kind;
};

struct scc {
    uint64_t size;
    uint64_t first; /* a member, for its kinds */
};

struct shape {
    struct kind_total *tracked, *untracked; /* by kind, then sorted */
    uint64_t gens[3];
    uint64_t size_buckets[24]; /* [2^i, 2^(i+1)) bytes; the last: more */
    uint64_t roots;            /* counted from outside the tracked */
    uint64_t max_degree;
    uint64_t nsccs, scc_objects; /* components of more than one */
    struct scc top[TOP];
    size_t ntop;
    /* Kinds of each top component: counts by kind, the first few. */
    struct kind_total top_kinds[TOP][3];
};

static int
by_count(const void *a, const void *b)
{
    const struct kind_total *x = a, *y = b;
    return (x->count < y->count) - (x->count > y->count);
}

/* Keeps the TOP largest components, largest first. */
static void
keep_scc(struct shape *sh, uint64_t size, uint64_t member)
{
    size_t i = sh->ntop < TOP ? sh->ntop++ : TOP - 1;
    if (i == TOP - 1 && sh->ntop == TOP && sh->top[i].size >= size) {
        return;
    }
    while (i > 0 && sh->top[i - 1].size < size) {
        sh->top[i] = sh->top[i - 1];
        i--;
    }
    sh->top[i] = (struct scc){size, member};
}

/* Tarjan over the tracked objects; comp[v] gets v's component's root
 * (the member it was found from) for the kinds of the top ones. */
static int
sccs(const struct gc_snapshot *s, struct shape *sh, uint32_t *comp)
{
    uint64_t n = s->ntracked;
    uint32_t *index = calloc(n + 1, sizeof *index); /* 0: unvisited */
    uint32_t *low = malloc((n + 1) * sizeof *low);
    uint32_t *stack = malloc((n + 1) * sizeof *stack);
    uint32_t *call = malloc((n + 1) * sizeof *call);
    uint32_t *pos = malloc((n + 1) * sizeof *pos);
    uint8_t *on = calloc(n + 1, 1);
    int rc = index && low && stack && call && pos && on ? 0 : -1;
    uint32_t next = 1;
    size_t sp = 0;
    for (uint64_t start = 0; rc == 0 && start < n; start++) {
        if (index[start] != 0) {
            continue;
        }
        size_t cp = 0;
        call[cp++] = (uint32_t)start;
        pos[start] = 0;
        index[start] = low[start] = next++;
        stack[sp++] = (uint32_t)start;
        on[start] = 1;
        while (cp > 0) {
            uint32_t v = call[cp - 1];
            const struct gc_snapshot_node *nd = &s->nodes[v];
            if (pos[v] < nd->nedges) {
                uint32_t w = s->edges[nd->edge0 + pos[v]++];
                if (w >= n) {
                    continue; /* untracked */
                }
                if (index[w] == 0) {
                    index[w] = low[w] = next++;
                    pos[w] = 0;
                    stack[sp++] = w;
                    on[w] = 1;
                    call[cp++] = w;
                }
                else if (on[w] && index[w] < low[v]) {
                    low[v] = index[w];
                }
                continue;
            }
            cp--;
            if (cp > 0 && low[v] < low[call[cp - 1]]) {
                low[call[cp - 1]] = low[v];
            }
            if (low[v] == index[v]) {
                uint64_t size = 0;
                uint32_t w;
                do {
                    w = stack[--sp];
                    on[w] = 0;
                    comp[w] = v;
                    size++;
                } while (w != v);
                if (size > 1) {
                    sh->nsccs++;
                    sh->scc_objects += size;
                    keep_scc(sh, size, v);
                }
            }
        }
    }
    free(index);
    free(low);
    free(stack);
    free(call);
    free(pos);
    free(on);
    return rc;
}

static void
shape_free(struct shape *sh)
{
    free(sh->tracked);
    free(sh->untracked);
}

static int
shape_of(const struct gc_snapshot *s, struct shape *sh)
{
    memset(sh, 0, sizeof *sh);
    size_t nk = s->nkinds > 0 ? s->nkinds : 1;
    sh->tracked = calloc(nk, sizeof *sh->tracked);
    sh->untracked = calloc(nk, sizeof *sh->untracked);
    uint32_t *in = calloc(s->ntracked + s->nuntracked + 1, sizeof *in);
    uint32_t *comp = malloc((s->ntracked + 1) * sizeof *comp);
    int rc = sh->tracked && sh->untracked && in && comp ? 0 : -1;
    for (uint64_t e = 0; rc == 0 && e < s->nedges; e++) {
        in[s->edges[e]]++;
    }
    for (uint64_t i = 0; rc == 0 && i < s->ntracked + s->nuntracked; i++) {
        const struct gc_snapshot_node *nd = &s->nodes[i];
        bool is_tracked = i < s->ntracked;
        struct kind_total *k =
            &(is_tracked ? sh->tracked : sh->untracked)[nd->kind];
        k->count++;
        k->bytes += nd->size_bytes;
        if (!is_tracked) {
            continue;
        }
        sh->gens[nd->gen >= 0 && nd->gen < 3 ? nd->gen : 2]++;
        size_t b = 0;
        while (b < 23 && (nd->size_bytes >> (b + 1)) != 0) {
            b++;
        }
        sh->size_buckets[b]++;
        sh->roots += nd->refcnt > in[i];
        if (nd->nedges > sh->max_degree) {
            sh->max_degree = nd->nedges;
        }
    }
    if (rc == 0) {
        rc = sccs(s, sh, comp);
    }
    for (size_t t = 0; rc == 0 && t < sh->ntop; t++) {
        /* The component's kinds: one pass over its members. */
        uint64_t *by = calloc(nk, sizeof *by);
        if (by == NULL) {
            rc = -1;
            break;
        }
        for (uint64_t i = 0; i < s->ntracked; i++) {
            if (comp[i] == (uint32_t)sh->top[t].first) {
                by[s->nodes[i].kind]++;
            }
        }
        for (size_t j = 0; j < 3; j++) {
            size_t best = 0;
            for (size_t k = 1; k < s->nkinds; k++) {
                best = by[k] > by[best] ? k : best;
            }
            sh->top_kinds[t][j] = (struct kind_total){by[best], 0,
                                                      (uint32_t)best};
            by[best] = 0;
        }
        free(by);
    }
    for (size_t i = 0; rc == 0 && i < s->nkinds; i++) {
        sh->tracked[i].kind = sh->untracked[i].kind = (uint32_t)i;
    }
    if (rc == 0) {
        qsort(sh->tracked, s->nkinds, sizeof *sh->tracked, by_count);
        qsort(sh->untracked, s->nkinds, sizeof *sh->untracked, by_count);
    }
    free(in);
    free(comp);
    return rc;
}

static void
write_shape(struct gc_buf *b, const struct gc_snapshot *s,
            const struct shape *sh, bool html)
{
    const char *h2 = html ? "<h2>%s</h2><table>" : "\n%s\n";
    const char *row = html ? "<tr><td>%s</td><td class='num'>%llu</td>"
                             "<td class='num'>%llu</td></tr>"
                           : "  %-28s %12llu %14llu\n";
    const char *row1 = html ? "<tr><td>%s</td><td class='num'>%llu</td>"
                              "</tr>"
                            : "  %-28s %12llu\n";
    const char *scc_row = html ? "<tr><td class='num'>%llu</td><td>%s</td>"
                                 "</tr>"
                               : "  %12llu  %s\n";
    gc_buf_printf(b, html ? "<p>" : "");
    gc_buf_printf(b,
                  "python %s, captured at %s: %llu tracked objects, %llu "
                  "untracked referents, %llu edges, %llu bytes "
                  "(sys.getsizeof), resident set %llu bytes; gc.collect() "
                  "%.3f ms, %.3f ms of CPU (medians); collections so far "
                  "%lld/%lld/%lld; "
                  "%llu objects referenced from outside the tracked ones; "
                  "most referents of one object %llu.",
                  s->python, s->at, (unsigned long long)s->ntracked,
                  (unsigned long long)s->nuntracked,
                  (unsigned long long)s->nedges,
                  (unsigned long long)s->heap_bytes,
                  (unsigned long long)s->rss_bytes,
                  (double)gc_snapshot_collect_median_ns(s) / 1e6,
                  (double)gc_snapshot_collect_cpu_median_ns(s) / 1e6,
                  (long long)s->collections[0], (long long)s->collections[1],
                  (long long)s->collections[2],
                  (unsigned long long)sh->roots,
                  (unsigned long long)sh->max_degree);
    gc_buf_printf(b, html ? "</p>" : "\n");
    for (int t = 0; t < 2; t++) {
        const struct kind_total *k = t == 0 ? sh->tracked : sh->untracked;
        gc_buf_printf(b, h2,
                      t == 0 ? "Tracked objects by kind: count, bytes"
                             : "Untracked referents by kind: count, bytes");
        for (size_t i = 0; i < s->nkinds && i < TOP && k[i].count > 0; i++) {
            gc_buf_printf(b, row, s->kind_names[k[i].kind],
                          (unsigned long long)k[i].count,
                          (unsigned long long)k[i].bytes);
        }
        gc_buf_printf(b, html ? "</table>" : "");
    }
    gc_buf_printf(b, h2, "Generations before the measurement: objects");
    for (int g = 0; g < 3; g++) {
        char name[32];
        snprintf(name, sizeof name, "generation %d", g);
        gc_buf_printf(b, row1, name, (unsigned long long)sh->gens[g]);
    }
    gc_buf_printf(b, html ? "</table>" : "");
    gc_buf_printf(b, h2, "Sizes of tracked objects: objects");
    for (size_t i = 0; i < 24; i++) {
        char name[48];
        if (sh->size_buckets[i] == 0) {
            continue;
        }
        snprintf(name, sizeof name, "%llu-%llu bytes", 1ULL << i,
                 (2ULL << i) - 1);
        gc_buf_printf(b, row1, name,
                      (unsigned long long)sh->size_buckets[i]);
    }
    gc_buf_printf(b, html ? "</table>" : "");
    char title[160];
    snprintf(title, sizeof title,
             "Strongly connected components: %llu of more than one "
             "object, holding %llu; the largest: objects, main kinds",
             (unsigned long long)sh->nsccs,
             (unsigned long long)sh->scc_objects);
    gc_buf_printf(b, h2, title);
    for (size_t t = 0; t < sh->ntop; t++) {
        char kinds[200];
        size_t n = 0;
        for (size_t j = 0; j < 3 && sh->top_kinds[t][j].count > 0; j++) {
            n += (size_t)snprintf(
                kinds + n, sizeof kinds - n, "%s%s %llu", j ? ", " : "",
                s->kind_names[sh->top_kinds[t][j].kind],
                (unsigned long long)sh->top_kinds[t][j].count);
            n = n < sizeof kinds ? n : sizeof kinds - 1;
        }
        gc_buf_printf(b, scc_row, (unsigned long long)sh->top[t].size,
                      kinds);
    }
    gc_buf_printf(b, html ? "</table>" : "");
}

int
gc_snapshot_shape_text(const char *path, FILE *out, FILE *err)
{
    struct gc_snapshot s;
    char msg[512];
    if (gc_snapshot_read(path, NULL, &s, msg, sizeof msg) != GC_OK) {
        fprintf(err, "gclab snapshot: %s\n", msg);
        return 2;
    }
    struct shape sh;
    struct gc_buf b = {0};
    int rc = shape_of(&s, &sh);
    if (rc == 0) {
        gc_buf_printf(&b, "%s: ", path);
        write_shape(&b, &s, &sh, false);
        fputs(b.data, out);
    }
    else {
        fprintf(err, "gclab snapshot: %s: out of memory\n", path);
    }
    free(b.data);
    shape_free(&sh);
    gc_snapshot_free(&s);
    return rc == 0 ? 0 : 2;
}

/* The file=F of a snapshot workload spec, in out; false if none. */
static bool
spec_file(const char *spec, char *out, size_t bytes)
{
    if (strncmp(spec, "snapshot:", 9) != 0) {
        return false;
    }
    const char *f = strstr(spec, "file=");
    while (f != NULL && f[-1] != ':' && f[-1] != ',') {
        f = strstr(f + 1, "file=");
    }
    if (f == NULL) {
        return false;
    }
    f += 5;
    size_t n = strcspn(f, ",");
    if (n == 0 || n >= bytes) {
        return false;
    }
    memcpy(out, f, n);
    out[n] = '\0';
    return true;
}

static void
html_text(struct gc_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '<') {
            gc_buf_printf(b, "&lt;");
        }
        else if (*s == '&') {
            gc_buf_printf(b, "&amp;");
        }
        else if (*s == '\'') {
            gc_buf_printf(b, "&#39;");
        }
        else {
            gc_buf_printf(b, "%c", *s);
        }
    }
}

void
gc_snapshot_pages(struct gc_buf *index, const char *dir,
                  const char *const *workloads, int n)
{
    int npages = 0;
    for (int w = 0; w < n; w++) {
        char file[1024];
        if (!spec_file(workloads[w], file, sizeof file)) {
            continue;
        }
        bool is_seen = false;
        for (int v = 0; v < w && !is_seen; v++) {
            char other[1024];
            is_seen = spec_file(workloads[v], other, sizeof other) &&
                      strcmp(other, file) == 0;
        }
        if (is_seen) {
            continue;
        }
        if (npages++ == 0) {
            gc_buf_printf(index, "<h2>Heaps of the snapshots</h2><ul>");
        }
        struct gc_snapshot s;
        struct shape sh;
        char msg[512], name[64];
        gc_buf_printf(index, "<li>");
        if (gc_snapshot_read(file, NULL, &s, msg, sizeof msg) != GC_OK) {
            gc_buf_printf(index, "<span class='failed'>not drawn: ");
            html_text(index, msg);
            gc_buf_printf(index, "</span></li>");
            continue;
        }
        snprintf(name, sizeof name, "snapshot-%d.html", npages);
        struct gc_buf page = {0};
        if (shape_of(&s, &sh) == 0) {
            gc_buf_printf(&page,
                          "<!doctype html><html lang='en'><head><meta "
                          "charset='utf-8'><title>heap of a snapshot</title>"
                          "<style>body{font-family:sans-serif;max-width:"
                          "1000px;margin:2em auto}td,th{border:1px solid "
                          "#ccc;padding:2px 8px}table{border-collapse:"
                          "collapse}td.num{text-align:right}</style></head>"
                          "<body><h1>The heap of ");
            html_text(&page, file);
            gc_buf_printf(&page, "</h1>");
            write_shape(&page, &s, &sh, true);
            gc_buf_printf(&page, "<p><a href='index.html'>Each collector on "
                                 "it: the report</a></p></body></html>\n");
        }
        shape_free(&sh);
        if (page.data == NULL ||
            gc_write_named("plot", dir, name, &page) != 0) {
            gc_buf_printf(index, "<span class='failed'>not drawn: ");
            html_text(index, file);
            gc_buf_printf(index, "</span></li>");
        }
        else {
            gc_buf_printf(index, "<a href='%s'>", name);
            html_text(index, file);
            gc_buf_printf(index,
                          "</a>: %llu tracked objects, gc.collect() %.3f ms "
                          "on python %s</li>",
                          (unsigned long long)s.ntracked,
                          (double)gc_snapshot_collect_median_ns(&s) / 1e6,
                          s.python);
        }
        free(page.data);
        gc_snapshot_free(&s);
    }
    if (npages > 0) {
        gc_buf_printf(index, "</ul>");
    }
}

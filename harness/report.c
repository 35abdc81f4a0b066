/* harness/report.c -- gclab report: reads results.jsonl back and prints
 * the summary table of gclab run, so stored results can be looked at
 * again (or compared across machines) without running anything.
 *
 * The reader takes the records gclab writes: one flat JSON object per
 * line, `schema_version` first.  Anything else -- an unreadable file, a
 * line that is not such an object, another schema version -- is one
 * line on stderr naming the file and line, and exit status 2. */
#include "run-internal.h"

#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct reader {
    size_t line;
    const char *p;
    char err[160];
};

static bool
fail(struct reader *r, const char *what)
{
    if (r->err[0] == '\0') {
        snprintf(r->err, sizeof r->err, "%s", what);
    }
    return false;
}

static void
skip_space(struct reader *r)
{
    while (*r->p == ' ' || *r->p == '\t' || *r->p == '\r') {
        r->p++;
    }
}

/* A JSON string into out (escapes other than \" and \\ kept as text:
 * gclab's names never need them). */
static bool
read_string(struct reader *r, char *out, size_t cap)
{
    if (*r->p != '"') {
        return fail(r, "a string was expected");
    }
    size_t n = 0;
    for (r->p++; *r->p != '"'; r->p++) {
        if (*r->p == '\0' || *r->p == '\n') {
            return fail(r, "a string does not end");
        }
        if (*r->p == '\\' && r->p[1] != '\0' && r->p[1] != '\n') {
            r->p++;
        }
        if (n + 1 < cap) {
            out[n++] = *r->p;
        }
    }
    r->p++;
    out[n] = '\0';
    return true;
}

/* Skips any value, nested arrays included; scalars are copied to out
 * (strings without their quotes). */
static bool
read_value(struct reader *r, char *out, size_t cap, int depth)
{
    skip_space(r);
    out[0] = '\0';
    if (*r->p == '"') {
        return read_string(r, out, cap);
    }
    if (*r->p == '[') {
        if (depth > 8) {
            return fail(r, "arrays nest too deep");
        }
        char scratch[64];
        r->p++;
        skip_space(r);
        if (*r->p == ']') {
            r->p++;
            return true;
        }
        for (;;) {
            if (!read_value(r, scratch, sizeof scratch, depth + 1)) {
                return false;
            }
            skip_space(r);
            if (*r->p == ']') {
                r->p++;
                return true;
            }
            if (*r->p != ',') {
                return fail(r, "an array lacks ',' or ']'");
            }
            r->p++;
        }
    }
    size_t n = 0;
    /* strchr() finds the terminating NUL too: test for it first. */
    while (*r->p != '\0' &&
           (isalnum((unsigned char)*r->p) || strchr("+-.", *r->p) != NULL)) {
        if (n + 1 < cap) {
            out[n++] = *r->p;
        }
        r->p++;
    }
    out[n] = '\0';
    return n > 0 ? true : fail(r, "a value was expected");
}

static bool
parse_u64(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || text[0] == '-') {
        return false;
    }
    *out = v;
    return true;
}

/* Copies a string field into a fixed buffer; a longer one is refused,
 * not cut, since merge and compare match on these. */
static bool
copy_field(struct reader *r, char *out, size_t cap, const char *val)
{
    if (strlen(val) >= cap) {
        return fail(r, "a field is longer than gclab writes");
    }
    memcpy(out, val, strlen(val) + 1);
    return true;
}

static bool
record_field(struct reader *r, struct record *rec, struct record_meta *meta,
             const char *key, const char *val, char *workload)
{
    uint64_t v = 0;
    if (strcmp(key, "collector") == 0) {
        free((char *)rec->item.collector); /* a member given twice: last */
        rec->item.collector = strdup(val);
        return rec->item.collector != NULL || fail(r, "out of memory");
    }
    if (strcmp(key, "workload") == 0) {
        return copy_field(r, workload, RESULTS_FIELD_BYTES, val);
    }
    static const struct {
        const char *key;
        size_t offset, cap;
    } strings[] = {
#define S(k, f) {k, offsetof(struct record_meta, f), sizeof(((struct record_meta *)0)->f)}
        S("workload_spec", workload_spec), S("build_type", build_type),
        S("gclab_revision", revision), S("check_level", check_level),
        S("shard", shard), S("host", host), S("cpu", cpu),
#undef S
    };
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++) {
        if (strcmp(key, strings[i].key) == 0) {
            return copy_field(r, (char *)meta + strings[i].offset,
                              strings[i].cap, val);
        }
    }
    if (strcmp(key, "collector_effective") == 0) {
        return copy_field(r, rec->r.effective, sizeof rec->r.effective, val);
    }
    if (strcmp(key, "status") == 0) {
        for (int s = RUN_OK; s <= RUN_CRASHED; s++) {
            if (strcmp(status_names[s], val) == 0) {
                rec->r.status = s;
                return true;
            }
        }
        return fail(r, "an unknown status");
    }
    if (strcmp(key, "seed") == 0) {
        return parse_u64(val, &meta->seed) || fail(r, "seed is not a count");
    }
    if (strcmp(key, "size") == 0 || strcmp(key, "repetition") == 0) {
        if (!parse_u64(val, &v) ||
            (strcmp(key, "repetition") == 0 && v == 0)) {
            return fail(r, "size and repetition must be counts");
        }
        if (key[0] == 's') {
            rec->item.size = v;
        }
        else {
            rec->item.rep = v - 1;
        }
        return true;
    }
#define M(name, help)                                                       \
    if (strcmp(key, #name) == 0) {                                          \
        return parse_u64(val, &rec->r.m.name) ||                            \
               fail(r, "metric " #name " is not a count");                  \
    }
    GC_METRICS(M)
#undef M
    return true; /* environment and fields added later: not needed here */
}

/* The workload's index in res->workloads: by its spec (name and
 * options, as gclab run groups them), else by its name. */
static bool
intern_workload(struct reader *r, struct results *res, const char *name,
                int *out)
{
    int w = 0;
    while (w < res->nworkloads && strcmp(res->workloads[w], name) != 0) {
        w++;
    }
    if (w == res->nworkloads) {
        if (w == RESULTS_MAX_WORKLOADS) {
            return fail(r, "more than 64 workloads");
        }
        if ((res->workloads[w] = strdup(name)) == NULL) {
            return fail(r, "out of memory");
        }
        res->nworkloads++;
    }
    *out = w;
    return true;
}

/* One line: a flat object whose first member is schema_version. */
static bool
read_record(struct reader *r, struct results *res)
{
    struct record *rec = &res->recs[res->total];
    struct record_meta *meta = &res->meta[res->total];
    char key[64], val[512], workload[RESULTS_FIELD_BYTES] = "";
    bool has_collector = false, has_workload = false, has_status = false;
    skip_space(r);
    if (*r->p != '{') {
        return fail(r, "a record must be a JSON object");
    }
    r->p++;
    for (int i = 0;; i++) {
        skip_space(r);
        if (!read_string(r, key, sizeof key)) {
            return false;
        }
        skip_space(r);
        if (*r->p != ':') {
            return fail(r, "a member lacks ':'");
        }
        r->p++;
        if (!read_value(r, val, sizeof val, 0)) {
            return false;
        }
        if (i == 0) {
            uint64_t version;
            if (strcmp(key, "schema_version") != 0) {
                return fail(r, "the first member is not schema_version");
            }
            if (!parse_u64(val, &version) || version != GC_SCHEMA_VERSION) {
                snprintf(r->err, sizeof r->err,
                         "schema_version %.40s; this gclab reads %d", val,
                         GC_SCHEMA_VERSION);
                return false;
            }
        }
        else if (!record_field(r, rec, meta, key, val, workload)) {
            return false;
        }
        has_collector |= strcmp(key, "collector") == 0;
        has_workload |= strcmp(key, "workload") == 0;
        has_status |= strcmp(key, "status") == 0;
        skip_space(r);
        if (*r->p == '}') {
            r->p++;
            break;
        }
        if (*r->p != ',') {
            return fail(r, "members must be separated by ','");
        }
        r->p++;
    }
    skip_space(r);
    if (*r->p != '\n' && *r->p != '\0') {
        return fail(r, "text follows the record");
    }
    if (!has_collector || !has_workload || !has_status) {
        return fail(r, "collector, workload or status is missing");
    }
    return intern_workload(r, res,
                           meta->workload_spec[0] ? meta->workload_spec
                                                  : workload,
                           &rec->item.workload);
}

void
results_free(struct results *res)
{
    for (size_t i = 0; res->recs != NULL && i < res->total; i++) {
        free((char *)res->recs[i].item.collector);
        free(res->meta[i].line);
    }
    for (int w = 0; w < res->nworkloads; w++) {
        free((char *)res->workloads[w]);
    }
    for (size_t i = 0; i < res->nsources; i++) {
        free(res->sources[i]);
    }
    free(res->sources);
    free(res->recs);
    free(res->meta);
    *res = (struct results){0};
}

/* Room for more records and one more source; false when memory ran
 * out. */
static bool
results_grow(struct results *res, size_t more, const char *path)
{
    char **sources = realloc(res->sources,
                             (res->nsources + 1) * sizeof *sources);
    if (sources == NULL) {
        return false;
    }
    res->sources = sources;
    if ((sources[res->nsources] = strdup(path)) == NULL) {
        return false;
    }
    res->nsources++;
    size_t cap = res->total + more;
    struct record *recs = realloc(res->recs, cap * sizeof *recs);
    if (recs == NULL) {
        return false;
    }
    res->recs = recs;
    struct record_meta *meta = realloc(res->meta, cap * sizeof *meta);
    if (meta == NULL) {
        return false;
    }
    res->meta = meta;
    memset(recs + res->total, 0, more * sizeof *recs);
    memset(meta + res->total, 0, more * sizeof *meta);
    return true;
}

/* The records in the len bytes of text (NUL-terminated), appended to
 * res; 0, or 2 with one line on err naming path (and the line). */
static int
results_parse(const char *cmd, const char *path, const char *text,
              size_t len, bool may_be_empty, struct results *res, FILE *err)
{
    /* No results file holds a NUL byte; the parser would stop at one. */
    if (memchr(text, '\0', len) != NULL) {
        fprintf(err, "gclab %s: cannot read %s: it holds NUL bytes, so it "
                     "is not a results file\n",
                cmd, path);
        return 2;
    }
    size_t lines = 1;
    for (size_t i = 0; i < len; i++) {
        lines += text[i] == '\n';
    }
    struct reader r = {.p = text};
    int status = 0;
    size_t first = res->total;
    if (!results_grow(res, lines, path)) {
        fprintf(err, "gclab %s: out of memory reading %s\n", cmd, path);
        status = 2;
    }
    while (status == 0 && *r.p != '\0') {
        r.line++;
        const char *eol = strchr(r.p, '\n');
        const char *end = eol ? eol : r.p + strlen(r.p);
        bool blank = true;
        for (const char *q = r.p; q != end; q++) {
            blank &= isspace((unsigned char)*q) != 0;
        }
        if (!blank) {
            struct record_meta *meta = &res->meta[res->total];
            meta->source = res->sources[res->nsources - 1];
            meta->lineno = r.line;
            meta->line = strndup(r.p, (size_t)(end - r.p));
            /* Counted even when it fails: its strings are freed too. */
            bool ok = read_record(&r, res);
            res->total++;
            if (!ok || meta->line == NULL) {
                fprintf(err, "%s:%zu: error: %s\n", path, r.line,
                        ok ? "out of memory" : r.err);
                status = 2;
            }
        }
        r.p = eol ? eol + 1 : end;
    }
    if (status == 0 && res->total == first && !may_be_empty) {
        fprintf(err, "%s: error: no records\n", path);
        status = 2;
    }
    return status;
}

int
results_read(const char *cmd, const char *arg, bool may_be_empty,
             struct results *res)
{
    char path[4096];
    struct stat st;
    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(path, sizeof path, "%s/results.jsonl", arg);
    }
    else {
        snprintf(path, sizeof path, "%s", arg);
    }
    size_t len = 0;
    char *text = gc_read_file(path, &len);
    if (text == NULL) {
        fprintf(stderr, "gclab %s: cannot read %s: %s\n", cmd, path,
                strerror(errno));
        return 2;
    }
    int status = results_parse(cmd, path, text, len, may_be_empty, res,
                               stderr);
    free(text);
    return status;
}

int
gc_results_check(const char *name, const char *data, size_t len,
                 size_t *nrecords, FILE *err)
{
    struct results res = {0};
    int status = 2;
    char *text = malloc(len + 1);
    if (text == NULL) {
        fprintf(err, "gclab report: out of memory reading %s\n", name);
    }
    else {
        memcpy(text, data, len);
        text[len] = '\0';
        status = results_parse("report", name, text, len, false, &res, err);
    }
    *nrecords = res.total;
    results_free(&res);
    free(text);
    return status;
}

int
results_check_build(const char *cmd, const struct record_meta *ref,
                    const struct results *res, bool same_revision)
{
    static const struct {
        const char *name;
        size_t offset;
    } must_match[] = {
        {"build_type", offsetof(struct record_meta, build_type)},
        {"check_level", offsetof(struct record_meta, check_level)},
        {"gclab_revision", offsetof(struct record_meta, revision)},
    };
    size_t nfields = same_revision ? 3 : 2;
    for (size_t i = 0; i < res->total; i++) {
        const struct record_meta *b = &res->meta[i];
        for (size_t f = 0; f < nfields; f++) {
            const char *x = (const char *)b + must_match[f].offset;
            const char *y = (const char *)ref + must_match[f].offset;
            if (strcmp(x, y) != 0) {
                fprintf(stderr,
                        "gclab %s: %s:%zu: %s '%s' differs from '%s' at "
                        "%s:%zu; numbers of different builds do not mix\n",
                        cmd, b->source, b->lineno, must_match[f].name, x, y,
                        ref->source, ref->lineno);
                return 2;
            }
        }
    }
    return 0;
}

/* Each group of `base` beside the same (collector, workload, size) of
 * `other`: mean wall times and their ratio with a 95% interval. */
static int
compare(const struct results *base, const struct results *other)
{
    struct group *ga = calloc(base->total, sizeof *ga);
    struct group *gb = calloc(other->total, sizeof *gb);
    if (ga == NULL || gb == NULL) {
        free(ga);
        free(gb);
        fprintf(stderr, "gclab report: out of memory\n");
        return 1;
    }
    size_t na = summarize(base->recs, base->total, ga);
    size_t nb = summarize(other->recs, other->total, gb);
    printf("%-22s %-34s %8s %12s %12s %16s %8s\n", "workload", "collector",
           "size", "a_wall_ms", "b_wall_ms", "b/a (95% CI)", "verdict");
    size_t matched = 0;
    for (size_t i = 0; i < na; i++) {
        const struct group *a = &ga[i];
        const char *wl = base->workloads[a->workload];
        for (size_t j = 0; j < nb; j++) {
            const struct group *b = &gb[j];
            if (strcmp(a->collector, b->collector) != 0 ||
                strcmp(wl, other->workloads[b->workload]) != 0 ||
                a->size != b->size || a->n == 0 || b->n == 0) {
                continue;
            }
            double ci;
            double ratio = gc_ratio(b->wall.mean, b->wall.ci95, a->wall.mean,
                                    a->wall.ci95, &ci);
            char cell[48];
            snprintf(cell, sizeof cell, "%.3f +-%.3f", ratio, ci);
            printf("%-22.22s %-34.34s %8llu %12.3f %12.3f %16s %8s\n", wl,
                   a->collector, (unsigned long long)a->size,
                   a->wall.mean / 1e6, b->wall.mean / 1e6, cell,
                   ratio - ci > 1.0   ? "slower"
                   : ratio + ci < 1.0 ? "faster"
                                      : "same");
            matched++;
        }
    }
    free(ga);
    free(gb);
    if (matched == 0) {
        fprintf(stderr, "gclab report: the two results share no (collector, "
                        "workload, size) with ok runs\n");
        return 2;
    }
    return 0;
}

int
gc_cmd_report(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || argv[1][0] == '-' ||
        (argc == 3 && argv[2][0] == '-')) {
        fprintf(stderr, "gclab report: usage: gclab report RESULTS "
                        "[OTHER]  (a directory or a results.jsonl)\n");
        return 2;
    }
    struct results a = {0}, b = {0};
    int status = results_read("report", argv[1], false, &a);
    if (status == 0 && argc == 3) {
        status = results_read("report", argv[2], false, &b);
    }
    if (status == 0 && argc == 2) {
        print_summary_table(a.recs, a.total, a.recs[0].item.collector,
                            a.workloads);
    }
    else if (status == 0) {
        status = compare(&a, &b);
    }
    results_free(&a);
    results_free(&b);
    return status;
}

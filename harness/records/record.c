/* harness/records/record.c -- records written and read back (record.h).
 *
 * The writer makes each run's record as a JSON object (jansson) and
 * writes it as one line: compact, ASCII only, \u escapes in lower-case
 * hex as Python's json.dumps writes them, reals to six significant
 * digits.  That text is a fixed point: parsing a line and writing the
 * object again gives the same bytes, so gclab merge rewrites records
 * instead of copying lines, and keeps members it does not know.
 *
 * The reader takes one flat JSON object per line, schema_version first.
 * Anything else -- an unreadable file, a line that is not such an
 * object, another schema version -- is one line on stderr naming the
 * file and line, and exit status 2. */
#include "memseries-internal.h"
#include "measure.h"
#include "record.h"
#include "version.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ---- writing ------------------------------------------------------------ */

#define JSON_FLAGS (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(6))

/* Sets o[key] to v (taking it); *ok goes false if either is missing,
 * which is how running out of memory shows. */
static void
put(json_t *o, const char *key, json_t *v, bool *ok)
{
    if (o == NULL || v == NULL || json_object_set_new(o, key, v) != 0) {
        *ok = false;
    }
}

/* A JSON string of s.  JSON strings are UTF-8; bytes that are not (no
 * name gclab makes has any) become '?', so that a record is still
 * written. */
static json_t *
text(const char *s)
{
    json_t *j = json_string(s);
    char *copy = j == NULL ? strdup(s) : NULL;
    if (copy != NULL) {
        for (unsigned char *p = (unsigned char *)copy; *p; p++) {
            *p = *p < 0x80 ? *p : '?';
        }
        j = json_string(copy);
        free(copy);
    }
    return j;
}

/* Counts are written as JSON integers, which are signed 64-bit here:
 * none reaches 2^63 (292 years in nanoseconds), and one that did would
 * be written as 2^63 - 1 rather than as a negative number. */
static json_t *
count(uint64_t v)
{
    return json_integer(v > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)v);
}

/* The record of one run of the matrix. */
static json_t *
record_of_run(const struct record *rec, const struct gc_workload_spec *ws,
              const struct gc_env *env, const struct matrix *mx)
{
    const struct gc_metrics *m = &rec->r.m;
    json_t *o = json_object();
    bool ok = true;
    put(o, "schema_version", json_integer(GC_SCHEMA_VERSION), &ok);
    put(o, "collector", text(rec->item.collector), &ok);
    put(o, "collector_effective", text(rec->r.effective), &ok);
    put(o, "reference",
        text(mx->reference ? mx->reference : mx->collectors[0]), &ok);
    put(o, "workload", text(ws->text[0] ? ws->workload->name : ""), &ok);
    /* The spec as given: ws->text is cut up by the parse. */
    put(o, "workload_spec", text(mx->workloads[rec->item.workload]), &ok);
    put(o, "size", count(rec->item.size), &ok);
    put(o, "repetition", count(rec->item.rep + 1), &ok);
    put(o, "seed", count(rec->item.seed), &ok);
    put(o, "status", json_string(status_names[rec->r.status]), &ok);
    put(o, "signal", json_integer(rec->r.signal), &ok);
    put(o, "peer", json_boolean(rec->item.peer != NULL), &ok);
    put(o, "peer_recorder", json_boolean(rec->item.has_recorder), &ok);
#define M(name, help) put(o, #name, count(m->name), &ok);
    GC_METRICS(M)
#undef M
    put(o, "gc_share",
        json_real(m->wall_ns ? (double)m->gc_ns / (double)m->wall_ns : 0.0),
        &ok);
    double curve[MMU_POINTS];
    json_t *points = mmu_curve(rec, curve) ? json_array() : json_null();
    for (int k = 0; json_is_array(points) && k < MMU_POINTS; k++) {
        json_t *point =
            json_pack("[I,f]", (json_int_t)mmu_curve_window_ns[k], curve[k]);
        ok &= point != NULL && json_array_append_new(points, point) == 0;
    }
    put(o, "mmu_curve", points, &ok);
    put(o, "shard",
        mx->shard.count > 0
            ? json_sprintf("%u/%u", mx->shard.index, mx->shard.count)
            : json_null(),
        &ok);
    /* Where it ran and in what order (place.c): records of different
     * CPUs do not compare, and gclab compare says so. */
    const struct gc_place *place = mx->place;
    put(o, "cpu", rec->item.cpu >= 0 ? json_integer(rec->item.cpu) : json_null(),
        &ok);
    put(o, "cpu_pin", text(place ? place->cpu_pin : "none"), &ok);
    put(o, "run_index", count(rec->item.run_index), &ok);
    bool is_random = place != NULL && !place->is_sequential;
    put(o, "order", json_string(is_random ? "random" : "sequential"), &ok);
    put(o, "order_seed", is_random ? count(place->order_seed) : json_null(), &ok);
    char started[32] = "";
    struct tm tm;
    if (rec->started != 0 && gmtime_r(&rec->started, &tm) != NULL) {
        strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    put(o, "started_at", text(started), &ok);
    put(o, "host", text(env->host), &ok);
    put(o, "cpu_model", text(env->cpu_model), &ok);
    put(o, "kernel", text(env->kernel), &ok);
    put(o, "thp", text(env->thp), &ok);
    put(o, "governor", text(env->governor), &ok);
    put(o, "aslr", text(env->aslr), &ok);
    put(o, "compiler", text(__VERSION__), &ok);
    put(o, "build_type", text(run_build_type()), &ok);
    put(o, "check_level", json_integer(GCLAB_CHECKS_DEFAULT), &ok);
    put(o, "events", json_boolean(GCLAB_EVENTS), &ok);
    put(o, "layout", text(gc_layout_name(rec->item.layout)), &ok);
    put(o, "gclab_revision", text(GCLAB_REVISION), &ok);
    put(o, "tree_dirty", json_boolean(strstr(GCLAB_REVISION, "dirty")), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* j as one line of b, in the form the file comment gives; false when
 * memory ran out. */
static bool
dump_line(struct gc_buf *b, const json_t *j)
{
    char *s = json_dumps(j, JSON_FLAGS);
    if (s == NULL) {
        return false;
    }
    /* Escapes come in pairs, so a backslash here always starts one. */
    for (char *p = s; *p; p++) {
        if (*p == '\\') {
            for (int k = 2; p[1] == 'u' && k < 6; k++) {
                p[k] = (char)tolower((unsigned char)p[k]);
            }
            p++;
        }
    }
    gc_buf_printf(b, "%s\n", s);
    free(s);
    return true;
}

/* The columns of a pause in pauses.jsonl, in order (results/schema.md). */
#define PAUSE_COLUMNS 10

/* The pauses one run kept, as a line of pauses.jsonl; nothing for a run
 * without any.  False when memory ran out. */
static bool
pauses_line(struct gc_buf *b, const struct record *rec, const char *workload)
{
    if (rec->samples == NULL || rec->r.nsamples == 0) {
        return true;
    }
    json_t *o = json_object();
    json_t *list = json_array();
    bool ok = list != NULL;
    put(o, "schema_version", json_integer(GC_SCHEMA_VERSION), &ok);
    put(o, "collector", text(rec->item.collector), &ok);
    put(o, "workload", text(workload), &ok);
    put(o, "size", count(rec->item.size), &ok);
    put(o, "repetition", count(rec->item.rep + 1), &ok);
    for (uint32_t i = 0; ok && i < rec->r.nsamples; i++) {
        const struct gc_pause_sample *s = &rec->samples[i];
        json_t *p = json_pack(
            "[IIIIIIIIII]", (json_int_t)s->start_ns, (json_int_t)s->pause_ns,
            (json_int_t)s->gen, (json_int_t)s->reason, (json_int_t)s->kind,
            (json_int_t)s->live_bytes, (json_int_t)s->garbage_bytes,
            (json_int_t)s->cpu_ns, (json_int_t)s->minor_faults,
            (json_int_t)s->ctx_switches);
        ok = p != NULL && json_array_append_new(list, p) == 0;
    }
    json_incref(list);
    put(o, "pauses", list, &ok);
    ok = ok && dump_line(b, o);
    json_decref(list);
    json_decref(o);
    return ok;
}

static void
csv_header(struct gc_buf *b)
{
    gc_buf_printf(b, "schema_version,collector,collector_effective,workload,"
                     "size,repetition,status");
#define M(name, help) gc_buf_printf(b, ",%s", #name);
    GC_METRICS(M)
#undef M
    gc_buf_printf(b, ",gc_share,build_type,gclab_revision\n");
}

static void
record_csv(struct gc_buf *b, const struct record *rec,
           const struct record_meta *meta, const char *workload)
{
    char buf[32];
    gc_buf_printf(b, "%d,", GC_SCHEMA_VERSION);
    gc_buf_csv_field(b, rec->item.collector);
    gc_buf_printf(b, ",");
    gc_buf_csv_field(
        b, record_text(meta, "collector_effective", buf, sizeof buf));
    gc_buf_printf(b, ",");
    gc_buf_csv_field(b, workload);
    gc_buf_printf(b, ",%llu,%llu,%s", (unsigned long long)rec->item.size,
                  (unsigned long long)rec->item.rep + 1,
                  status_names[rec->r.status]);
#define M(name, help)                                                         \
    gc_buf_printf(b, ",%llu", (unsigned long long)rec->r.m.name);
    GC_METRICS(M)
#undef M
    gc_buf_printf(b, ",%.6f,",
                  rec->r.m.wall_ns
                      ? (double)rec->r.m.gc_ns / (double)rec->r.m.wall_ns
                      : 0.0);
    gc_buf_csv_field(b, record_text(meta, "build_type", buf, sizeof buf));
    gc_buf_printf(b, ",");
    gc_buf_csv_field(b, record_text(meta, "gclab_revision", buf, sizeof buf));
    gc_buf_printf(b, "\n");
}

/* ---- summaries ---------------------------------------------------------- */

size_t
summarize(const struct record *recs, size_t total, struct group *groups)
{
    size_t ng = 0;
    double *wall = malloc((total ? total : 1) * sizeof *wall);
    double *gc = malloc((total ? total : 1) * sizeof *gc);
    for (size_t i = 0; i < total && wall && gc; i++) {
        const struct item *it = &recs[i].item;
        size_t g = 0;
        while (g < ng && !(strcmp(groups[g].collector, it->collector) == 0 &&
                           groups[g].workload == it->workload &&
                           groups[g].size == it->size)) {
            g++;
        }
        if (g < ng) {
            continue;
        }
        size_t n = 0;
        for (size_t j = i; j < total; j++) {
            const struct item *o = &recs[j].item;
            if (recs[j].r.status == RUN_OK &&
                strcmp(o->collector, it->collector) == 0 &&
                o->workload == it->workload && o->size == it->size) {
                wall[n] = (double)recs[j].r.m.wall_ns;
                gc[n] = (double)recs[j].r.m.gc_ns;
                n++;
            }
        }
        groups[ng] = (struct group){.collector = it->collector,
                                    .workload = it->workload,
                                    .size = it->size,
                                    .n = n};
        gc_summarize(wall, n, &groups[ng].wall);
        gc_summarize(gc, n, &groups[ng].gc);
        ng++;
    }
    free(wall);
    free(gc);
    return ng;
}

struct gc_summary
records_summary(const struct record *recs, size_t total, const char *collector,
                int workload, uint64_t size, metric_fn *fn)
{
    double *v = malloc((total ? total : 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; v != NULL && i < total; i++) {
        const struct record *r = &recs[i];
        if (r->r.status == RUN_OK && r->item.workload == workload &&
            r->item.size == size &&
            strcmp(r->item.collector, collector) == 0) {
            v[n++] = fn(&r->r.m);
        }
    }
    struct gc_summary s;
    gc_summarize(v, n, &s);
    free(v);
    return s;
}

static const struct group *
reference_of(const struct group *groups, size_t ng, const struct group *g,
             const char *reference)
{
    for (size_t i = 0; i < ng; i++) {
        if (strcmp(groups[i].collector, reference) == 0 &&
            groups[i].workload == g->workload && groups[i].size == g->size) {
            return &groups[i];
        }
    }
    return NULL;
}

void
print_summary_table(const struct record *recs, size_t total,
                    const char *reference, const char *const *workloads)
{
    struct group *groups = calloc(total ? total : 1, sizeof *groups);
    if (groups == NULL) {
        return;
    }
    size_t ng = summarize(recs, total, groups);
    printf("%-22s %-34s %8s %3s %12s %10s %12s %10s %7s %9s\n", "workload",
           "collector", "size", "n", "wall_ms", "+-ci95", "gc_ms", "+-ci95",
           "gc_%", "vs_ref");
    for (size_t g = 0; g < ng; g++) {
        const struct group *x = &groups[g];
        const struct group *ref = reference_of(groups, ng, x, reference);
        double share =
            x->wall.mean > 0 ? 100.0 * x->gc.mean / x->wall.mean : 0.0;
        char ratio[32] = "-";
        if (ref != NULL && ref->wall.mean > 0 && x->n > 0) {
            snprintf(ratio, sizeof ratio, "%.3f",
                     x->wall.mean / ref->wall.mean);
        }
        printf("%-22.22s %-34.34s %8llu %3zu %12.3f %10.3f %12.3f %10.3f "
               "%7.2f %9s\n",
               workloads[x->workload], x->collector,
               (unsigned long long)x->size, x->n, x->wall.mean / 1e6,
               x->wall.ci95 / 1e6, x->gc.mean / 1e6, x->gc.ci95 / 1e6, share,
               ratio);
    }
    free(groups);
}

static void
summary_json(struct gc_buf *b, const struct record *recs, size_t total,
             const char *const *workloads)
{
    struct group *groups = calloc(total ? total : 1, sizeof *groups);
    if (groups == NULL) {
        return;
    }
    size_t ng = summarize(recs, total, groups);
    gc_buf_printf(b, "{\"schema_version\":%d,\"groups\":[", GC_SCHEMA_VERSION);
    for (size_t g = 0; g < ng; g++) {
        const struct group *x = &groups[g];
        const struct group *ref =
            reference_of(groups, ng, x, recs[0].item.collector);
        gc_buf_printf(b, "%s{\"collector\":", g ? "," : "");
        gc_buf_json_string(b, x->collector);
        gc_buf_printf(b, ",\"workload\":");
        gc_buf_json_string(b, workloads[x->workload]);
        gc_buf_printf(
            b,
            ",\"size\":%llu,\"n\":%zu,\"wall_ns_mean\":%.1f,"
            "\"wall_ns_ci95\":%.1f,\"wall_ns_cv\":%.5f,\"gc_ns_mean\":%.1f,"
            "\"gc_ns_ci95\":%.1f,\"wall_ratio_to_reference\":%.5f}",
            (unsigned long long)x->size, x->n, x->wall.mean, x->wall.ci95,
            x->wall.cv, x->gc.mean, x->gc.ci95,
            ref && ref->wall.mean > 0 ? x->wall.mean / ref->wall.mean : 0.0);
    }
    gc_buf_printf(b, "]}\n");
    free(groups);
}

int
records_cmp_run(const struct results *res, const struct record *a,
                const struct record *b)
{
    int c = strcmp(res->workloads[a->item.workload],
                   res->workloads[b->item.workload]);
    if (c == 0) {
        c = (a->item.size > b->item.size) - (a->item.size < b->item.size);
    }
    if (c == 0) {
        c = (a->item.rep > b->item.rep) - (a->item.rep < b->item.rep);
    }
    return c;
}

/* ---- the files ---------------------------------------------------------- */

static int
write_files(const char *cmd, const char *dir, const struct record *recs,
            const struct record_meta *meta, size_t total,
            const char *const *workloads)
{
    struct gc_buf jsonl = {0}, pauses = {0}, csv = {0}, summary = {0};
    bool ok = true;
    csv_header(&csv);
    for (size_t i = 0; ok && i < total; i++) {
        const char *workload = workloads[recs[i].item.workload];
        ok = meta[i].json != NULL && dump_line(&jsonl, meta[i].json) &&
             pauses_line(&pauses, &recs[i], workload);
        record_csv(&csv, &recs[i], &meta[i], workload);
    }
    summary_json(&summary, recs, total, workloads);
    int rc = 0;
    if (!ok) {
        fprintf(stderr, "gclab %s: out of memory writing %s\n", cmd, dir);
        rc = -1;
    }
    else if (gc_write_named(cmd, dir, "results.jsonl", &jsonl) != 0 ||
             gc_write_named(cmd, dir, "pauses.jsonl", &pauses) != 0 ||
             gc_write_named(cmd, dir, "results.csv", &csv) != 0 ||
             gc_write_named(cmd, dir, "summary.json", &summary) != 0 ||
             gc_memseries_write(cmd, dir, recs, total, workloads) != 0) {
        rc = -1;
    }
    free(jsonl.data);
    free(pauses.data);
    free(csv.data);
    free(summary.data);
    return rc;
}

int
results_write(const char *cmd, const char *dir, const struct results *res)
{
    return write_files(cmd, dir, res->recs, res->meta, res->total,
                       res->workloads);
}

int
write_results(const char *out_dir, const struct record *recs, size_t total,
              const struct matrix *mx)
{
    struct gc_env env;
    gc_env_read(&env);
    struct record_meta *meta = calloc(total ? total : 1, sizeof *meta);
    if (meta == NULL) {
        fprintf(stderr, "gclab run: out of memory writing %s\n", out_dir);
        return -1;
    }
    for (size_t i = 0; i < total; i++) {
        meta[i].json = record_of_run(
            &recs[i], &mx->wspecs[recs[i].item.workload], &env, mx);
    }
    int rc = write_files("run", out_dir, recs, meta, total, mx->workloads);
    /* What the machine was doing, beside the numbers (gclab system). */
    if (rc == 0 &&
        gc_system_write(out_dir, mx->place ? mx->place->cpu : -1) != 0) {
        fprintf(stderr, "gclab: cannot write %s/system.json: %s\n", out_dir,
                strerror(errno));
        rc = -1;
    }
    if (rc == 0 && !mx->quiet) {
        fprintf(stderr,
                "gclab: wrote %s/results.jsonl, pauses.jsonl, results.csv, "
                "summary.json, system.json, memory.tsv\n",
                out_dir);
    }
    for (size_t i = 0; i < total; i++) {
        json_decref(meta[i].json);
    }
    free(meta);
    return rc;
}

/* ---- reading ------------------------------------------------------------ */

const char *
record_text(const struct record_meta *m, const char *key, char *buf, size_t n)
{
    const json_t *v = json_object_get(m->json, key);
    buf[0] = '\0';
    if (json_is_string(v)) {
        return json_string_value(v);
    }
    if (json_is_integer(v)) {
        snprintf(buf, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    }
    else if (json_is_real(v)) {
        snprintf(buf, n, "%.6g", json_real_value(v));
    }
    else if (json_is_boolean(v)) {
        snprintf(buf, n, "%s", json_is_true(v) ? "true" : "false");
    }
    return buf;
}

/* One record's reading: its line, and what went wrong. */
struct line {
    const char *text;
    size_t len, lineno;
    char err[200];
};

static bool fail(struct line *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool
fail(struct line *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->err, sizeof l->err, fmt, ap);
    va_end(ap);
    return false;
}

static const char *
skip_space(const char *p, const char *end)
{
    while (p < end && isspace((unsigned char)*p)) {
        p++;
    }
    return p;
}

/* A record starts {"schema_version":N.  That is checked on the text
 * first, so that another version is named as such even where the rest
 * of the line would not parse. */
static bool
check_schema_first(struct line *l)
{
    const char *p = l->text, *end = l->text + l->len;
    static const char key[] = "\"schema_version\"";
    p = skip_space(p, end);
    if (p == end || *p++ != '{') {
        return fail(l, "a record must be a JSON object");
    }
    p = skip_space(p, end);
    if ((size_t)(end - p) < sizeof key - 1 ||
        memcmp(p, key, sizeof key - 1) != 0) {
        return fail(l, "the first member is not schema_version");
    }
    p += sizeof key - 1;
    p = skip_space(p, end);
    if (p == end || *p++ != ':') {
        return fail(l, "a member lacks ':'");
    }
    p = skip_space(p, end);
    char token[41];
    size_t n = 0;
    while (p < end && n + 1 < sizeof token &&
           (isalnum((unsigned char)*p) || strchr("+-.", *p) != NULL)) {
        token[n++] = *p++;
    }
    token[n] = '\0';
    if (strcmp(token, "1") != 0) {
        snprintf(l->err, sizeof l->err,
                 "schema_version %s; this gclab reads %d",
                 n ? token : "missing", GC_SCHEMA_VERSION);
        return false;
    }
    return true;
}

/* Arrays hold scalars, or arrays of scalars (mmu_curve's points). */
static bool
shallow_array(const json_t *a, int depth)
{
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        if (json_is_object(v) ||
            (json_is_array(v) && (depth > 0 || !shallow_array(v, 1)))) {
            return false;
        }
    }
    return true;
}

static bool
is_count(const json_t *v)
{
    return json_is_integer(v) && json_integer_value(v) >= 0;
}

/* The workload's index in res->workloads, interned by spec. */
static bool
intern_workload(struct line *l, struct results *res, const char *name,
                int *out)
{
    int w = 0;
    while (w < res->nworkloads && strcmp(res->workloads[w], name) != 0) {
        w++;
    }
    if (w == res->nworkloads) {
        if (w == RESULTS_MAX_WORKLOADS) {
            return fail(l, "more than 64 workloads");
        }
        if ((res->workloads[w] = strdup(name)) == NULL) {
            return fail(l, "out of memory");
        }
        res->nworkloads++;
    }
    *out = w;
    return true;
}

/* The members the harness computes with, from the record's object into
 * rec. */
static bool
read_members(struct line *l, const json_t *o, struct record *rec,
             struct results *res)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)o, key, v)
    {
        if (json_is_object(v)) {
            return fail(l, "member '%.60s' is an object; records are flat",
                        key);
        }
        if (json_is_array(v) && !shallow_array(v, 0)) {
            return fail(l, "arrays nest too deep in member '%.60s'", key);
        }
    }
    const json_t *collector = json_object_get(o, "collector");
    const json_t *workload = json_object_get(o, "workload");
    const json_t *spec = json_object_get(o, "workload_spec");
    const json_t *status = json_object_get(o, "status");
    if (!json_is_string(collector) || !json_is_string(workload) ||
        !json_is_string(status)) {
        return fail(l, "collector, workload or status is missing");
    }
    rec->item.collector = json_string_value(collector);
    int s = RUN_OK;
    while (s <= RUN_CRASHED &&
           strcmp(status_names[s], json_string_value(status)) != 0) {
        s++;
    }
    if (s > RUN_CRASHED) {
        return fail(l, "an unknown status '%.40s'", json_string_value(status));
    }
    rec->r.status = s;
    const json_t *size = json_object_get(o, "size");
    const json_t *rep = json_object_get(o, "repetition");
    if ((size != NULL && !is_count(size)) ||
        (rep != NULL && (!is_count(rep) || json_integer_value(rep) == 0))) {
        return fail(l, "size and repetition must be counts");
    }
    rec->item.size = size ? (uint64_t)json_integer_value(size) : 0;
    rec->item.rep = rep ? (uint64_t)json_integer_value(rep) - 1 : 0;
    const json_t *seed = json_object_get(o, "seed");
    if (seed != NULL && !is_count(seed)) {
        return fail(l, "seed is not a count");
    }
    rec->item.seed = seed ? (uint64_t)json_integer_value(seed) : 0;
    const json_t *signal = json_object_get(o, "signal");
    rec->r.signal =
        json_is_integer(signal) ? (int)json_integer_value(signal) : 0;
    if (json_is_true(json_object_get(o, "peer"))) {
        rec->item.peer = rec->item.collector;
    }
    rec->item.has_recorder = json_is_true(json_object_get(o, "peer_recorder"));
#define M(name, help)                                                         \
    v = json_object_get(o, #name);                                            \
    if (v != NULL && !is_count(v)) {                                          \
        return fail(l, "metric %s is not a count", #name);                    \
    }                                                                         \
    rec->r.m.name = v ? (uint64_t)json_integer_value(v) : 0;
    GC_METRICS(M)
#undef M
    const char *wl = json_is_string(spec) && json_string_length(spec) > 0
                         ? json_string_value(spec)
                         : json_string_value(workload);
    return intern_workload(l, res, wl, &rec->item.workload);
}

/* One line into the next record of res. */
static bool
read_record(struct line *l, struct results *res)
{
    struct record *rec = &res->recs[res->total];
    struct record_meta *meta = &res->meta[res->total];
    if (!check_schema_first(l)) {
        return false;
    }
    json_error_t jerr;
    meta->json = json_loadb(l->text, l->len, 0, &jerr);
    if (meta->json == NULL) {
        return fail(l, "%s", jerr.text);
    }
    return read_members(l, meta->json, rec, res);
}

void
results_free(struct results *res)
{
    for (size_t i = 0; res->recs != NULL && i < res->total; i++) {
        json_decref(res->meta[i].json);
        free(res->recs[i].samples);
        free(res->recs[i].mem);
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
    char **sources =
        realloc(res->sources, (res->nsources + 1) * sizeof *sources);
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

/* Calls fn on each line of the len bytes at text that is not blank,
 * until fn returns false: then one line on err naming path and the
 * line, and 2.  A NUL byte is refused before any line. */
static int
each_line(const char *cmd, const char *path, const char *text, size_t len,
          bool (*fn)(struct line *, void *), void *ctx, FILE *err)
{
    if (len > 0 && memchr(text, '\0', len) != NULL) {
        fprintf(err,
                "gclab %s: cannot read %s: it holds NUL bytes, so it "
                "is not a results file\n",
                cmd, path);
        return 2;
    }
    struct line l = {.lineno = 0};
    for (const char *p = text, *end = text + len; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *stop = eol ? eol : end;
        bool blank = true;
        for (const char *q = p; q != stop; q++) {
            blank &= isspace((unsigned char)*q) != 0;
        }
        l.text = p;
        l.len = (size_t)(stop - p);
        l.lineno++;
        if (!blank && !fn(&l, ctx)) {
            fprintf(err, "%s:%zu: error: %s\n", path, l.lineno, l.err);
            return 2;
        }
        p = eol ? eol + 1 : end;
    }
    return 0;
}

static bool
record_line(struct line *l, void *ctx)
{
    struct results *res = ctx;
    struct record_meta *meta = &res->meta[res->total];
    meta->source = res->sources[res->nsources - 1];
    meta->lineno = l->lineno;
    bool ok = read_record(l, res);
    res->total++; /* counted even when it failed: its object is freed */
    return ok;
}

/* The records in the len bytes of text, appended to res; 0, or 2 with
 * one line on err naming path (and the line). */
static int
results_parse(const char *cmd, const char *path, const char *text, size_t len,
              bool may_be_empty, struct results *res, FILE *err)
{
    size_t lines = 1, first = res->total;
    for (size_t i = 0; i < len; i++) {
        lines += text[i] == '\n';
    }
    if (!results_grow(res, lines, path)) {
        fprintf(err, "gclab %s: out of memory reading %s\n", cmd, path);
        return 2;
    }
    int status = each_line(cmd, path, text, len, record_line, res, err);
    if (status == 0 && res->total == first && !may_be_empty) {
        fprintf(err, "%s: error: no records\n", path);
        status = 2;
    }
    return status;
}

/* DIR/name when arg is a directory; else arg itself (name NULL), or
 * name beside it when arg is a file called results.jsonl. */
static void
results_path(const char *arg, const char *name, char *path, size_t n)
{
    struct stat st;
    const char *slash = strrchr(arg, '/');
    const char *base = slash ? slash + 1 : arg;
    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(path, n, "%s/%s", arg, name ? name : "results.jsonl");
    }
    else if (name == NULL) {
        snprintf(path, n, "%s", arg);
    }
    else if (strcmp(base, "results.jsonl") == 0) {
        snprintf(path, n, "%.*s%s", (int)(base - arg), arg, name);
    }
    else {
        path[0] = '\0';
    }
}

int
results_read(const char *cmd, const char *arg, bool may_be_empty,
             struct results *res)
{
    char path[4096];
    results_path(arg, NULL, path, sizeof path);
    size_t len = 0;
    char *text = gc_read_file(path, &len);
    if (text == NULL) {
        fprintf(stderr, "gclab %s: cannot read %s: %s\n", cmd, path,
                strerror(errno));
        return 2;
    }
    int status =
        results_parse(cmd, path, text, len, may_be_empty, res, stderr);
    free(text);
    return status;
}

int
gc_results_check(const char *name, const char *data, size_t len,
                 size_t *nrecords, FILE *err)
{
    struct results res = {0};
    int status = results_parse("report", name, data, len, false, &res, err);
    *nrecords = res.total;
    results_free(&res);
    return status;
}

/* Reading pauses.jsonl: the records of one source, and where the last
 * line's run was found (lines come in record order). */
struct pause_reader {
    struct results *res;
    size_t first, next;
};

static bool
pause_line(struct line *l, void *ctx)
{
    struct pause_reader *pr = ctx;
    struct results *res = pr->res;
    if (!check_schema_first(l)) {
        return false;
    }
    json_error_t jerr;
    json_t *o = json_loadb(l->text, l->len, 0, &jerr);
    if (o == NULL) {
        return fail(l, "%s", jerr.text);
    }
    const json_t *collector = json_object_get(o, "collector");
    const json_t *workload = json_object_get(o, "workload");
    const json_t *size = json_object_get(o, "size");
    const json_t *rep = json_object_get(o, "repetition");
    const json_t *list = json_object_get(o, "pauses");
    bool ok = json_is_string(collector) && json_is_string(workload) &&
              is_count(size) && is_count(rep) && json_is_array(list);
    if (!ok) {
        json_decref(o);
        return fail(l, "a line needs collector, workload, size, repetition "
                       "and pauses");
    }
    /* The record it belongs to: usually the one after the last. */
    size_t found = res->total;
    for (size_t k = 0; k < res->total - pr->first && found == res->total;
         k++) {
        size_t i =
            pr->first + (pr->next - pr->first + k) % (res->total - pr->first);
        const struct item *it = &res->recs[i].item;
        if (res->recs[i].samples == NULL &&
            it->size == (uint64_t)json_integer_value(size) &&
            it->rep + 1 == (uint64_t)json_integer_value(rep) &&
            strcmp(it->collector, json_string_value(collector)) == 0 &&
            strcmp(res->workloads[it->workload],
                   json_string_value(workload)) == 0) {
            found = i;
        }
    }
    size_t n = json_array_size(list);
    struct gc_pause_sample *s =
        found < res->total ? calloc(n ? n : 1, sizeof *s) : NULL;
    if (found == res->total) {
        json_decref(o);
        return fail(l, "pauses of a run that has no record");
    }
    for (size_t i = 0; s != NULL && i < n; i++) {
        const json_t *p = json_array_get(list, i);
        json_int_t v[PAUSE_COLUMNS];
        bool good = json_array_size(p) == PAUSE_COLUMNS;
        for (size_t c = 0; good && c < PAUSE_COLUMNS; c++) {
            const json_t *x = json_array_get(p, c);
            good = is_count(x);
            v[c] = good ? json_integer_value(x) : 0;
        }
        if (!good) {
            free(s);
            json_decref(o);
            return fail(l, "a pause is not ten counts");
        }
        s[i] = (struct gc_pause_sample){.start_ns = (uint64_t)v[0],
                                        .pause_ns = (uint64_t)v[1],
                                        .gen = (uint32_t)v[2],
                                        .reason = (uint32_t)v[3],
                                        .kind = (uint32_t)v[4],
                                        .live_bytes = (uint64_t)v[5],
                                        .garbage_bytes = (uint64_t)v[6],
                                        .cpu_ns = (uint64_t)v[7],
                                        .minor_faults = (uint64_t)v[8],
                                        .ctx_switches = (uint64_t)v[9]};
    }
    json_decref(o);
    if (s == NULL) {
        return fail(l, "out of memory");
    }
    res->recs[found].samples = s;
    res->recs[found].r.nsamples = (uint32_t)n;
    pr->next = found + 1;
    return true;
}

int
results_read_pauses(const char *cmd, const char *arg, struct results *res)
{
    char path[4096];
    results_path(arg, "pauses.jsonl", path, sizeof path);
    size_t len = 0;
    char *text = path[0] ? gc_read_file(path, &len) : NULL;
    if (text == NULL) {
        if (path[0] == '\0' || errno == ENOENT) {
            return 0; /* results from before pauses were kept */
        }
        fprintf(stderr, "gclab %s: cannot read %s: %s\n", cmd, path,
                strerror(errno));
        return 2;
    }
    /* The records of the last source read, which this file is beside. */
    struct pause_reader pr = {.res = res, .first = res->total};
    while (pr.first > 0 &&
           res->meta[pr.first - 1].source == res->sources[res->nsources - 1]) {
        pr.first--;
    }
    pr.next = pr.first;
    int status = pr.first < res->total
                     ? each_line(cmd, path, text, len, pause_line, &pr, stderr)
                     : 0;
    free(text);
    return status;
}

/* Reading memory.tsv: the records of one source, and on the first pass
 * only counting each run's points, on the second storing them. */
struct memory_reader {
    struct results *res;
    size_t first;
    bool store;
};

#define MEMORY_COLUMNS 9
static const char memory_header[] = GC_MEMSERIES_HEADER;

/* A count of decimal digits, the whole of [p, end). */
static bool
tsv_count(const char *p, const char *end, uint64_t *out)
{
    uint64_t v = 0;
    if (p == end) {
        return false;
    }
    for (; p < end; p++) {
        if (!isdigit((unsigned char)*p) || v > (UINT64_MAX - 9) / 10) {
            return false;
        }
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *out = v;
    return true;
}

static bool
memory_line(struct line *l, void *ctx)
{
    struct memory_reader *mr = ctx;
    struct results *res = mr->res;
    if (l->lineno == 1) {
        return l->len == sizeof memory_header - 1 &&
                       memcmp(l->text, memory_header, l->len) == 0
                   ? true
                   : fail(l, "not memory.tsv's header line");
    }
    const char *field[MEMORY_COLUMNS + 1];
    size_t nf = 0;
    const char *end = l->text + l->len;
    field[nf++] = l->text;
    for (const char *p = l->text; p < end && nf <= MEMORY_COLUMNS; p++) {
        if (*p == '\t') {
            field[nf++] = p + 1;
        }
    }
    if (nf != MEMORY_COLUMNS) {
        return fail(l, "a row needs %d tab-separated fields", MEMORY_COLUMNS);
    }
    field[nf] = end + 1;
    uint64_t v[MEMORY_COLUMNS] = {0};
    static const bool numeric[MEMORY_COLUMNS] = {true,  false, false,
                                                 true,  true,  true,
                                                 true,  true,  true};
    for (size_t c = 0; c < MEMORY_COLUMNS; c++) {
        if (numeric[c] && !tsv_count(field[c], field[c + 1] - 1, &v[c])) {
            return fail(l, "field %zu is not a count", c + 1);
        }
    }
    /* run is the record's 1-based place in the results.jsonl beside it;
     * the names must agree, or the file is another run's. */
    size_t i = mr->first + (size_t)v[0] - 1;
    const struct item *it = i < res->total && v[0] > 0 ? &res->recs[i].item
                                                       : NULL;
    size_t lc = (size_t)(field[2] - field[1] - 1);
    size_t lw = (size_t)(field[3] - field[2] - 1);
    if (it == NULL || it->size != v[3] || it->rep + 1 != v[4] ||
        strlen(it->collector) != lc ||
        memcmp(it->collector, field[1], lc) != 0 ||
        strlen(res->workloads[it->workload]) != lw ||
        memcmp(res->workloads[it->workload], field[2], lw) != 0) {
        return fail(l, "memory of a run that has no record");
    }
    struct record *r = &res->recs[i];
    if (!mr->store) {
        if (r->r.nmem == UINT32_MAX) {
            return fail(l, "too many points");
        }
        r->r.nmem++;
        return true;
    }
    if (r->mem == NULL) {
        r->mem = calloc(r->r.nmem, sizeof *r->mem);
        if (r->mem == NULL) {
            return fail(l, "out of memory");
        }
        r->r.nmem = 0;
    }
    r->mem[r->r.nmem++] = (struct gc_mem_point){.alloc_bytes = v[5],
                                                .live_bytes = v[6],
                                                .os_bytes = v[7],
                                                .garbage_bytes = v[8]};
    return true;
}

int
results_read_memory(const char *cmd, const char *arg, struct results *res)
{
    char path[4096];
    results_path(arg, "memory.tsv", path, sizeof path);
    size_t len = 0;
    char *text = path[0] ? gc_read_file(path, &len) : NULL;
    if (text == NULL) {
        if (path[0] == '\0' || errno == ENOENT) {
            return 0; /* results from before the series was kept */
        }
        fprintf(stderr, "gclab %s: cannot read %s: %s\n", cmd, path,
                strerror(errno));
        return 2;
    }
    struct memory_reader mr = {.res = res, .first = res->total};
    while (mr.first > 0 &&
           res->meta[mr.first - 1].source == res->sources[res->nsources - 1]) {
        mr.first--;
    }
    for (size_t i = mr.first; i < res->total; i++) {
        res->recs[i].r.nmem = 0;
    }
    int status = each_line(cmd, path, text, len, memory_line, &mr, stderr);
    if (status == 0) {
        mr.store = true;
        status = each_line(cmd, path, text, len, memory_line, &mr, stderr);
    }
    free(text);
    return status;
}

int
results_check_build(const char *cmd, const struct record_meta *ref,
                    const struct results *res, bool same_revision)
{
    static const char *const must_match[] = {"build_type", "check_level",
                                             "gclab_revision"};
    size_t nfields = same_revision ? 3 : 2;
    for (size_t i = 0; i < res->total; i++) {
        const struct record_meta *b = &res->meta[i];
        for (size_t f = 0; f < nfields; f++) {
            char xb[32], yb[32];
            const char *x = record_text(b, must_match[f], xb, sizeof xb);
            const char *y = record_text(ref, must_match[f], yb, sizeof yb);
            if (strcmp(x, y) != 0) {
                fprintf(stderr,
                        "gclab %s: %s:%zu: %s '%s' differs from '%s' at "
                        "%s:%zu; numbers of different builds do not mix\n",
                        cmd, b->source, b->lineno, must_match[f], x, y,
                        ref->source, ref->lineno);
                return 2;
            }
        }
    }
    return 0;
}

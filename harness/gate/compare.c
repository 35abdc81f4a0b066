/* harness/gate/compare.c -- gclab compare BASE NEW: the CI gate for a
 * collector change.  For every (collector, workload, size) the two
 * results share, and every metric shown, it gives both means, the
 * change, the 95% interval of the difference (Welch), a p-value and a
 * verdict; it exits 1 when a gating metric regressed.
 *
 * What counts as a regression: worse by more than --threshold percent
 * AND significant after Holm's adjustment over every cell that was
 * tested, so that comparing many metrics over many workloads does not
 * raise the false alarm rate with their number.  Deterministic
 * counters (collections, objects visited, peak live bytes) are exact
 * for a seed: they are compared run by run, not tested, and any change
 * is shown.  Outliers (beyond Tukey's fences) are counted per side and
 * shown; nothing is dropped.  docs/compare.md says how to read it. */
#include "measure.h"
#include "record.h"
#include "gate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAIRS 16

enum test_kind { TEST_WELCH, TEST_MANN_WHITNEY, TEST_PAIRED };
enum format { FORMAT_TABLE, FORMAT_MARKDOWN, FORMAT_JSON };
enum direction { LOWER_IS_BETTER, HIGHER_IS_BETTER, NEITHER };

/* What gates when no --metric names it: time in and out of
 * collections, the worst pauses, and memory -- and gc_cpu_ns when both
 * sides measured it (gclab run --pause-cpu), since time a collection
 * spends descheduled inflates gc_ns but not its CPU time. */
static const char *const default_gate[] = {"gc_ns", "pause_p99_ns",
                                           "peak_live_bytes", "wall_ns"};
/* Shown beside the gate, always: any change in them is news. */
static const char *const shown_counters[] = {
    "collections_gen0", "collections_gen1", "collections_gen2",
    "objects_visited"};
/* Exact for a seed (design.md, "Harness"): compared run by run. */
static const char *const deterministic[] = {
    "collections_gen0",
    "collections_gen1",
    "collections_gen2",
    "objects_visited",
    "objects_collected",
    "objects_uncollectable",
    "peak_live_bytes",
    "retained_garbage_peak_bytes",
    "peak_os_bytes",
    "peak_region_live_bytes",
    "collections_by_bytes",
    "skips_pending_rule",
    "skips_memory",
    "promoted_gen1",
    "promoted_gen2",
    "memory_samples",
    "live_growth_pct",
    "memory_verdict",
    "checksum"};

#define COUNT(a) (sizeof(a) / sizeof *(a))

struct options {
    const char *base_path, *new_path;
    bool gate[GC_METRIC_COUNT], shown[GC_METRIC_COUNT];
    double threshold_pct, alpha;
    enum test_kind test;
    enum format format;
    const char *pairs[MAX_PAIRS]; /* BASE_SPEC=NEW_SPEC, as given */
    const char *pair_base[MAX_PAIRS], *pair_new[MAX_PAIRS];
    char pair_text[MAX_PAIRS][2 * RESULTS_FIELD_BYTES];
    size_t npairs;
    bool default_gate; /* no --metric */
};

/* One input: its records and their groups. */
struct side {
    struct results res;
    struct group *groups;
    size_t ngroups;
    bool *matched;
};

/* A base group beside the new group it is compared with. */
struct match {
    const struct group *b, *n;
};

/* One metric of one match. */
struct cell {
    const struct match *m;
    size_t metric;
    bool gate;
    bool exact;  /* a deterministic counter, compared run by run */
    bool tested; /* a test ran: it is one of Holm's family */
    bool paired; /* by the paired test */
    size_t nb, nn, outliers_b, outliers_n;
    size_t pairs, pairs_differ; /* exact cells: runs of the same seed */
    double base_mean, new_mean, change_pct;
    double base_sd, new_sd;
    /* Tested cells: the smallest change, in % of the base mean, that
     * these runs would flag with COMPARE_POWER at Holm's first step
     * (alpha over the cells tested); NaN elsewhere. */
    double mde_pct;
    struct gc_test t;
    double p_holm;
    const char *verdict;
};

#define COMPARE_POWER 0.95

static int
usage(const char *msg, const char *arg)
{
    return gc_usage_error("compare", msg, arg);
}

static bool
is_one_of(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(name, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

static bool
ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

static enum direction
direction_of(const char *metric)
{
    if (strncmp(metric, "mmu_", 4) == 0 ||
        strcmp(metric, "alloc_per_s") == 0) {
        return HIGHER_IS_BETTER;
    }
    if (strcmp(metric, "checksum") == 0 ||
        strcmp(metric, "objects_collected") == 0) {
        return NEITHER; /* neither more nor less is better */
    }
    return LOWER_IS_BETTER;
}

/* ---- options ----------------------------------------------------------- */

static int
parse_options(int argc, char **argv, struct options *o)
{
    *o = (struct options){.threshold_pct = 5.0, .alpha = 0.05};
    bool has_metric = false;
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (opt[0] != '-') {
            if (npos == 2) {
                return usage("takes two results, BASE and NEW; also", opt);
            }
            *(npos++ ? &o->new_path : &o->base_path) = opt;
            continue;
        }
        if (i + 1 >= argc) {
            return usage("unknown or incomplete option", opt);
        }
        const char *val = argv[++i];
        char *end;
        if (strcmp(opt, "--metric") == 0) {
            size_t m = gc_metric_find(val);
            if (m == GC_METRIC_COUNT) {
                return usage("--metric: no such metric (gclab list names "
                             "them):",
                             val);
            }
            o->gate[m] = true;
            has_metric = true;
        }
        else if (strcmp(opt, "--threshold") == 0) {
            o->threshold_pct = strtod(val, &end);
            if (end == val || (*end != '\0' && strcmp(end, "%") != 0) ||
                !(o->threshold_pct >= 0 && o->threshold_pct <= 1000)) {
                return usage("--threshold needs a percentage from 0 to 1000, "
                             "not",
                             val);
            }
        }
        else if (strcmp(opt, "--alpha") == 0) {
            o->alpha = strtod(val, &end);
            if (end == val || *end != '\0' ||
                !(o->alpha > 0 && o->alpha < 1)) {
                return usage("--alpha needs a level between 0 and 1, not",
                             val);
            }
        }
        else if (strcmp(opt, "--test") == 0) {
            if (strcmp(val, "welch") == 0) {
                o->test = TEST_WELCH;
            }
            else if (strcmp(val, "mannwhitney") == 0) {
                o->test = TEST_MANN_WHITNEY;
            }
            else if (strcmp(val, "paired") == 0) {
                o->test = TEST_PAIRED;
            }
            else {
                return usage("--test is welch, mannwhitney or paired, not",
                             val);
            }
        }
        else if (strcmp(opt, "--format") == 0) {
            static const char *const names[] = {"table", "markdown", "json"};
            size_t f = 0;
            while (f < COUNT(names) && strcmp(val, names[f]) != 0) {
                f++;
            }
            if (f == COUNT(names)) {
                return usage("--format is table, markdown or json, not", val);
            }
            o->format = (enum format)f;
        }
        else if (strcmp(opt, "--pair") == 0) {
            if (o->npairs == MAX_PAIRS || strchr(val, '=') == NULL) {
                return usage("--pair needs BASE_SPEC=NEW_SPEC (at most 16), "
                             "not",
                             val);
            }
            o->pairs[o->npairs++] = val;
        }
        else {
            return usage("unknown option", opt);
        }
    }
    if (npos != 2) {
        return usage("usage: gclab compare BASE NEW [--metric M]... "
                     "[--threshold PCT] [--test welch|mannwhitney|paired] "
                     "[--format table|markdown|json] [--pair BASE=NEW]...",
                     NULL);
    }
    o->default_gate = !has_metric;
    for (size_t i = 0; !has_metric && i < COUNT(default_gate); i++) {
        o->gate[gc_metric_find(default_gate[i])] = true;
    }
    for (size_t m = 0; m < GC_METRIC_COUNT; m++) {
        o->shown[m] =
            o->gate[m] || is_one_of(gc_metric_names[m], shown_counters,
                                    COUNT(shown_counters));
    }
    return 0;
}

/* ---- matching ----------------------------------------------------------- */

static bool
has_collector(const struct side *s, const char *spec)
{
    for (size_t g = 0; g < s->ngroups; g++) {
        if (strcmp(s->groups[g].collector, spec) == 0) {
            return true;
        }
    }
    return false;
}

/* A collector spec holds '=' itself (cpython:threshold=100/10/10), so
 * BASE_SPEC=NEW_SPEC splits at the one '=' that leaves a collector of
 * BASE on its left and one of NEW on its right. */
static int
split_pairs(struct options *o, const struct side *base, const struct side *new)
{
    for (size_t i = 0; i < o->npairs; i++) {
        const char *text = o->pairs[i];
        size_t len = strlen(text), found = 0;
        if (len >= sizeof o->pair_text[i]) {
            return usage("--pair is too long:", text);
        }
        for (size_t k = 0; k < len; k++) {
            char left[sizeof o->pair_text[i]];
            if (text[k] != '=') {
                continue;
            }
            memcpy(left, text, k);
            left[k] = '\0';
            if (has_collector(base, left) &&
                has_collector(new, text + k + 1)) {
                memcpy(o->pair_text[i], text, len + 1);
                o->pair_text[i][k] = '\0';
                o->pair_base[i] = o->pair_text[i];
                o->pair_new[i] = o->pair_text[i] + k + 1;
                found++;
            }
        }
        if (found != 1) {
            fprintf(stderr,
                    "gclab compare: --pair %s: %s a collector of BASE "
                    "(%s) and one of NEW (%s)\n",
                    text,
                    found ? "splits in more than one way into"
                          : "does not split into",
                    o->base_path, o->new_path);
            return 2;
        }
    }
    return 0;
}

/* Some ok run timed its collections on the CPU clock. */
static bool
has_cpu_times(const struct side *s)
{
    for (size_t i = 0; i < s->res.total; i++) {
        if (s->res.recs[i].r.status == RUN_OK &&
            s->res.recs[i].r.m.gc_cpu_ns > 0) {
            return true;
        }
    }
    return false;
}

static size_t
distinct_collectors(const struct side *s, const char **one)
{
    size_t n = 0;
    for (size_t g = 0; g < s->ngroups; g++) {
        size_t h = 0;
        while (h < g &&
               strcmp(s->groups[h].collector, s->groups[g].collector) != 0) {
            h++;
        }
        n += h == g;
        *one = s->groups[0].collector;
    }
    return n;
}

/* What a base collector is compared with: its --pair partner; else,
 * when each side ran one collector, the other side's; else itself. */
static const char *
partner_of(const struct options *o, const char *spec, const char *only_new)
{
    for (size_t i = 0; i < o->npairs; i++) {
        if (strcmp(o->pair_base[i], spec) == 0) {
            return o->pair_new[i];
        }
    }
    return only_new != NULL ? only_new : spec;
}

static size_t
match_groups(const struct options *o, struct side *base, struct side *new,
             struct match *out)
{
    const char *b1 = NULL, *n1 = NULL;
    bool single = o->npairs == 0 && distinct_collectors(base, &b1) == 1 &&
                  distinct_collectors(new, &n1) == 1;
    size_t n = 0;
    for (size_t i = 0; i < base->ngroups; i++) {
        const struct group *b = &base->groups[i];
        const char *want = partner_of(o, b->collector, single ? n1 : NULL);
        for (size_t j = 0; j < new->ngroups && b->n > 0; j++) {
            const struct group *g = &new->groups[j];
            if (!new->matched[j] && g->n > 0 && g->size == b->size &&
                strcmp(g->collector, want) == 0 &&
                strcmp(base->res.workloads[b->workload],
                       new->res.workloads[g->workload]) == 0) {
                base->matched[i] = new->matched[j] = true;
                out[n++] = (struct match){b, g};
                break;
            }
        }
    }
    return n;
}

/* ---- cells ------------------------------------------------------------- */

/* The metric over a group's ok runs, with each run's seed (for records
 * from before the seed field, 1 + the repetition: gclab run's default). */
static size_t
group_values(const struct side *s, const struct group *g, size_t metric,
             double *v, uint64_t *seed)
{
    size_t n = 0;
    for (size_t i = 0; i < s->res.total; i++) {
        const struct record *r = &s->res.recs[i];
        if (r->r.status == RUN_OK && r->item.workload == g->workload &&
            r->item.size == g->size &&
            strcmp(r->item.collector, g->collector) == 0) {
            v[n] = (double)gc_metric_get(&r->r.m, metric);
            seed[n] = r->item.seed ? r->item.seed : r->item.rep + 1;
            n++;
        }
    }
    return n;
}

/* Both sides ran the same seeds, once each: pairs them, counting those
 * that differ.  False if they did not. */
static bool
pair_by_seed(const double *a, const uint64_t *sa, size_t na, const double *b,
             const uint64_t *sb, size_t nb, size_t *differ)
{
    *differ = 0;
    if (na != nb || na == 0) {
        return false;
    }
    for (size_t i = 0; i < na; i++) {
        size_t hits = 0, at = 0, twins = 0;
        for (size_t j = 0; j < nb; j++) {
            hits += sb[j] == sa[i];
            at = sb[j] == sa[i] ? j : at;
            twins += sa[j] == sa[i];
        }
        if (hits != 1 || twins != 1) {
            return false;
        }
        *differ += a[i] != b[at];
    }
    return true;
}

static void
evaluate(struct cell *c, const struct options *o, const struct side *base,
         const struct side *new, double *va, double *vb, uint64_t *sa,
         uint64_t *sb)
{
    const char *name = gc_metric_names[c->metric];
    c->nb = group_values(base, c->m->b, c->metric, va, sa);
    c->nn = group_values(new, c->m->n, c->metric, vb, sb);
    struct gc_summary a, b;
    gc_summarize(va, c->nb, &a);
    gc_summarize(vb, c->nn, &b);
    c->base_mean = a.mean;
    c->new_mean = b.mean;
    c->base_sd = a.stddev;
    c->new_sd = b.stddev;
    c->mde_pct = NAN;
    double diff = b.mean - a.mean;
    c->change_pct = a.mean != 0.0 ? 100.0 * diff / fabs(a.mean)
                    : diff == 0.0 ? 0.0
                                  : copysign(INFINITY, diff);
    c->outliers_b = gc_tukey_outliers(va, c->nb);
    c->outliers_n = gc_tukey_outliers(vb, c->nn);
    /* Exact: a deterministic counter run by run, or any metric that
     * held one value a side over repeated runs (a pause percentile of
     * runs without collections): nothing to test, so not one of Holm's
     * family either. */
    bool constant = c->nb > 0 && c->nn > 0 && a.min == a.max && b.min == b.max;
    bool counter = is_one_of(name, deterministic, COUNT(deterministic));
    if ((counter &&
         (pair_by_seed(va, sa, c->nb, vb, sb, c->nn, &c->pairs_differ) ||
          constant)) ||
        (constant && c->nb >= 2 && c->nn >= 2)) {
        c->exact = true;
        c->pairs = c->nb == c->nn ? c->nb : 0;
        c->t = (struct gc_test){.diff = diff,
                                .diff_lo = diff,
                                .diff_hi = diff,
                                .stat = NAN,
                                .df = NAN,
                                .p = diff == 0.0 ? 1.0 : 0.0};
        c->p_holm = c->t.p;
        return;
    }
    /* Paired: the i-th ok run of each side, which compare --ab made in
     * the same round.  Unequal counts (a run failed) or a value that is
     * not positive leave no pairs: Mann-Whitney then, also rank-based. */
    if (o->test == TEST_PAIRED && c->nb == c->nn &&
        gc_test_paired(va, vb, c->nb, &c->t)) {
        c->paired = true;
        c->change_pct = 100.0 * c->t.diff / fabs(a.mean);
    }
    else if (o->test == TEST_WELCH) {
        gc_test_welch(va, c->nb, vb, c->nn, &c->t);
    }
    else {
        gc_test_mann_whitney(va, c->nb, vb, c->nn, &c->t);
    }
    c->tested = !isnan(c->t.p) && c->nb >= 2 && c->nn >= 2;
    c->p_holm = NAN;
}

static const char *
verdict_of(const struct cell *c, const struct options *o)
{
    if (!c->exact && !c->tested) {
        return "too few runs";
    }
    bool differs = c->exact ? c->t.diff != 0.0 : c->p_holm < o->alpha;
    const char *name = gc_metric_names[c->metric];
    enum direction d = direction_of(name);
    if (!differs) {
        return "same";
    }
    if (d == NEITHER) {
        return "changed";
    }
    bool worse = d == LOWER_IS_BETTER ? c->t.diff > 0 : c->t.diff < 0;
    bool time = ends_with(name, "_ns");
    if (worse && c->gate && fabs(c->change_pct) > o->threshold_pct) {
        return "regressed";
    }
    return worse ? (time ? "slower" : "worse") : (time ? "faster" : "better");
}

/* ---- output ------------------------------------------------------------- */

static void
format_value(char *out, size_t cap, const char *metric, double v)
{
    double a = fabs(v);
    if (ends_with(metric, "_ns")) {
        if (a >= 1e9) {
            snprintf(out, cap, "%.3f s", v / 1e9);
        }
        else if (a >= 1e6) {
            snprintf(out, cap, "%.3f ms", v / 1e6);
        }
        else if (a >= 1e3) {
            snprintf(out, cap, "%.2f us", v / 1e3);
        }
        else {
            snprintf(out, cap, "%.0f ns", v);
        }
    }
    else if (ends_with(metric, "_bytes")) {
        if (a >= 1048576.0) {
            snprintf(out, cap, "%.2f MiB", v / 1048576.0);
        }
        else if (a >= 1024.0) {
            snprintf(out, cap, "%.1f KiB", v / 1024.0);
        }
        else {
            snprintf(out, cap, "%.0f B", v);
        }
    }
    else if (strncmp(metric, "mmu_", 4) == 0) {
        snprintf(out, cap, "%.4f", v / 1e6); /* stored in millionths */
    }
    else {
        snprintf(out, cap, v == floor(v) && a < 1e15 ? "%.0f" : "%.6g", v);
    }
}

static void
format_pct(char *out, size_t cap, double pct)
{
    if (isnan(pct)) {
        snprintf(out, cap, "n/a");
    }
    else if (isinf(pct)) {
        snprintf(out, cap, "%s", pct > 0 ? "+inf%" : "-inf%");
    }
    else {
        snprintf(out, cap, "%+.1f%%", pct);
    }
}

/* The interval of the difference as percentages of the base mean. */
static void
format_ci(char *out, size_t cap, const struct cell *c)
{
    if (c->exact) {
        snprintf(out, cap, "exact");
    }
    else if (isnan(c->t.diff_lo) || c->base_mean == 0.0) {
        snprintf(out, cap, "-");
    }
    else {
        snprintf(out, cap, "[%+.1f, %+.1f]%%",
                 100.0 * c->t.diff_lo / fabs(c->base_mean),
                 100.0 * c->t.diff_hi / fabs(c->base_mean));
    }
}

static void
format_p(char *out, size_t cap, const struct cell *c)
{
    if (c->exact) {
        snprintf(out, cap, "exact");
    }
    else if (!c->tested) {
        snprintf(out, cap, "-");
    }
    else if (c->p_holm < 1e-4) {
        snprintf(out, cap, "<1e-4");
    }
    else {
        snprintf(out, cap, "%.4f", c->p_holm);
    }
}

/* The texts of one cell's columns. */
struct cells_text {
    char base[32], new[32], change[32], ci[48], p[16], outliers[64];
    char mde[16];
};

static void
cell_text(const struct cell *c, struct cells_text *t)
{
    const char *name = gc_metric_names[c->metric];
    format_value(t->base, sizeof t->base, name, c->base_mean);
    format_value(t->new, sizeof t->new, name, c->new_mean);
    format_pct(t->change, sizeof t->change, c->change_pct);
    format_ci(t->ci, sizeof t->ci, c);
    format_p(t->p, sizeof t->p, c);
    if (isfinite(c->mde_pct)) {
        snprintf(t->mde, sizeof t->mde, "%.1f%%", c->mde_pct);
    }
    else {
        snprintf(t->mde, sizeof t->mde, "-");
    }
    if (c->exact && c->pairs > 0) {
        snprintf(t->outliers, sizeof t->outliers, "%zu/%zu runs differ",
                 c->pairs_differ, c->pairs);
    }
    else {
        snprintf(t->outliers, sizeof t->outliers, "%zu / %zu", c->outliers_b,
                 c->outliers_n);
    }
}

struct report {
    const struct options *o;
    const struct side *base, *new;
    const struct match *matches;
    size_t nmatches;
    const struct cell *cells;
    size_t ncells, ntested, nregressed;
};

static const char *
test_name(const struct options *o)
{
    return o->test == TEST_WELCH          ? "Welch's t"
           : o->test == TEST_MANN_WHITNEY ? "Mann-Whitney U"
                                          : "Yuen's paired trimmed t";
}

static void
gate_list(struct gc_buf *b, const struct options *o, const char *quote)
{
    const char *sep = "";
    for (size_t m = 0; m < GC_METRIC_COUNT; m++) {
        if (o->gate[m]) {
            gc_buf_printf(b, "%s%s%s%s", sep, quote, gc_metric_names[m],
                          quote);
            sep = ", ";
        }
    }
}

static void
unmatched_lines(struct gc_buf *b, const struct report *r, const char *bullet)
{
    const struct side *sides[] = {r->base, r->new};
    for (int s = 0; s < 2; s++) {
        for (size_t g = 0; g < sides[s]->ngroups; g++) {
            const struct group *x = &sides[s]->groups[g];
            if (!sides[s]->matched[g]) {
                gc_buf_printf(b, "%sonly in %s: %s on %s, size %llu%s\n",
                              bullet, s ? "NEW" : "BASE", x->collector,
                              sides[s]->res.workloads[x->workload],
                              (unsigned long long)x->size,
                              x->n ? "" : " (no ok runs)");
            }
        }
    }
}

static void
print_table(struct gc_buf *b, const struct report *r)
{
    const struct options *o = r->o;
    gc_buf_printf(b, "gclab compare: %s -> %s\n", o->base_path, o->new_path);
    gc_buf_printf(b, "gate: ");
    gate_list(b, o, "");
    gc_buf_printf(b,
                  " (regressed: worse by more than %g%% and Holm-adjusted "
                  "p < %g; %s; %zu cells tested)\n"
                  "MDE: the smallest change these runs would flag with "
                  "%.0f%% power (at alpha / %zu, Holm's first step)\n",
                  o->threshold_pct, o->alpha, test_name(o), r->ntested,
                  100 * COMPARE_POWER, r->ntested);
    const struct match *last = NULL;
    for (size_t i = 0; i < r->ncells; i++) {
        const struct cell *c = &r->cells[i];
        if (c->m != last) {
            last = c->m;
            const char *arrow =
                strcmp(c->m->b->collector, c->m->n->collector) == 0 ? ""
                                                                    : " -> ";
            gc_buf_printf(b,
                          "\n%s, size %llu: %s%s%s (n %zu / %zu)\n"
                          "  %-22s %14s %14s %9s %18s %7s %8s %16s  %s\n",
                          r->base->res.workloads[c->m->b->workload],
                          (unsigned long long)c->m->b->size,
                          c->m->b->collector, arrow,
                          *arrow ? c->m->n->collector : "", c->m->b->n,
                          c->m->n->n, "metric", "base", "new", "change",
                          "95% CI", "MDE", "p_holm", "outliers b/n",
                          "verdict");
        }
        struct cells_text t;
        cell_text(c, &t);
        char metric[40];
        snprintf(metric, sizeof metric, "%s%s", gc_metric_names[c->metric],
                 c->gate ? " *" : "");
        gc_buf_printf(b, "  %-22s %14s %14s %9s %18s %7s %8s %16s  %s\n",
                      metric, t.base, t.new, t.change, t.ci, t.mde, t.p,
                      t.outliers, c->verdict);
    }
    gc_buf_printf(b, "\n(* gates)\n");
    unmatched_lines(b, r, "");
    if (r->nregressed > 0) {
        gc_buf_printf(b, "result: %zu regression%s\n", r->nregressed,
                      r->nregressed == 1 ? "" : "s");
    }
    else {
        gc_buf_printf(b, "result: no regression\n");
    }
}

static void
print_markdown(struct gc_buf *b, const struct report *r)
{
    const struct options *o = r->o;
    gc_buf_printf(b, "### gclab compare: `%s` → `%s`\n\n", o->base_path,
                  o->new_path);
    if (r->nregressed > 0) {
        gc_buf_printf(b, "**%zu regression%s:**", r->nregressed,
                      r->nregressed == 1 ? "" : "s");
        const char *sep = " ";
        for (size_t i = 0; i < r->ncells; i++) {
            const struct cell *c = &r->cells[i];
            if (strcmp(c->verdict, "regressed") == 0) {
                gc_buf_printf(b, "%s`%s` on %s (size %llu)", sep,
                              gc_metric_names[c->metric],
                              r->base->res.workloads[c->m->b->workload],
                              (unsigned long long)c->m->b->size);
                sep = ", ";
            }
        }
        gc_buf_printf(b, "\n\n");
    }
    else {
        gc_buf_printf(b, "**No regression.**\n\n");
    }
    gc_buf_printf(b, "Gate: ");
    gate_list(b, o, "`");
    gc_buf_printf(b,
                  ". A gating metric regressed when it is worse by more "
                  "than %g%% and significant after Holm's adjustment "
                  "over the %zu cells tested (%s, α = %g). Deterministic "
                  "counters are compared exactly, run by run; outliers "
                  "are counted beyond Tukey's fences, never dropped.\n\n",
                  o->threshold_pct, r->ntested, test_name(o), o->alpha);
    gc_buf_printf(b, "MDE: the smallest change these runs would flag with "
                     "%.0f%% power, at α / %zu (Holm's first step).\n\n",
                  100 * COMPARE_POWER, r->ntested);
    gc_buf_printf(b, "| workload | size | collector | n | metric | base | "
                     "new | change | 95%% CI | MDE | p (Holm) | "
                     "outliers base/new | verdict |\n"
                     "|---|--:|---|--:|---|--:|--:|--:|--:|--:|--:|--:|---|"
                     "\n");
    for (size_t i = 0; i < r->ncells; i++) {
        const struct cell *c = &r->cells[i];
        struct cells_text t;
        cell_text(c, &t);
        bool same = strcmp(c->m->b->collector, c->m->n->collector) == 0;
        bool bad = strcmp(c->verdict, "regressed") == 0;
        gc_buf_printf(b,
                      "| %s | %llu | `%s`%s%s%s | %zu/%zu | %s%s%s | %s | %s "
                      "| %s | %s | %s | %s | %s | %s%s%s |\n",
                      r->base->res.workloads[c->m->b->workload],
                      (unsigned long long)c->m->b->size, c->m->b->collector,
                      same ? "" : " → `", same ? "" : c->m->n->collector,
                      same ? "" : "`", c->nb, c->nn, c->gate ? "**" : "",
                      gc_metric_names[c->metric], c->gate ? "**" : "", t.base,
                      t.new, t.change, t.ci, t.mde, t.p, t.outliers,
                      bad ? "**" : "",
                      c->verdict, bad ? "**" : "");
    }
    gc_buf_printf(b, "\nGating metrics in **bold**; n is ok runs, base/new."
                     "\n");
    struct gc_buf notes = {0};
    unmatched_lines(&notes, r, "- ");
    if (notes.len > 0) {
        gc_buf_printf(b, "\nNot compared:\n\n%s", notes.data);
    }
    free(notes.data);
}

static void
json_number(struct gc_buf *b, const char *key, double v)
{
    if (isfinite(v)) {
        gc_buf_printf(b, ",\"%s\":%.17g", key, v);
    }
    else {
        gc_buf_printf(b, ",\"%s\":null", key);
    }
}

static void
print_json(struct gc_buf *b, const struct report *r)
{
    const struct options *o = r->o;
    gc_buf_printf(b, "{\"base\":");
    gc_buf_json_string(b, o->base_path);
    gc_buf_printf(b, ",\"new\":");
    gc_buf_json_string(b, o->new_path);
    gc_buf_printf(b,
                  ",\"test\":\"%s\",\"threshold_pct\":%g,\"alpha\":%g,"
                  "\"gate\":[",
                  o->test == TEST_WELCH          ? "welch"
                  : o->test == TEST_MANN_WHITNEY ? "mannwhitney"
                                                 : "paired",
                  o->threshold_pct, o->alpha);
    gate_list(b, o, "\"");
    gc_buf_printf(b, "],\"cells_tested\":%zu,\"regressions\":%zu,\"cells\":[",
                  r->ntested, r->nregressed);
    for (size_t i = 0; i < r->ncells; i++) {
        const struct cell *c = &r->cells[i];
        gc_buf_printf(b, "%s{\"workload\":", i ? "," : "");
        gc_buf_json_string(b, r->base->res.workloads[c->m->b->workload]);
        gc_buf_printf(b, ",\"size\":%llu,\"base_collector\":",
                      (unsigned long long)c->m->b->size);
        gc_buf_json_string(b, c->m->b->collector);
        gc_buf_printf(b, ",\"new_collector\":");
        gc_buf_json_string(b, c->m->n->collector);
        gc_buf_printf(b,
                      ",\"metric\":\"%s\",\"gate\":%s,\"exact\":%s,"
                      "\"tested\":%s,\"n_base\":%zu,\"n_new\":%zu",
                      gc_metric_names[c->metric], c->gate ? "true" : "false",
                      c->exact ? "true" : "false",
                      c->tested ? "true" : "false", c->nb, c->nn);
        json_number(b, "base_mean", c->base_mean);
        json_number(b, "new_mean", c->new_mean);
        json_number(b, "diff", c->t.diff);
        json_number(b, "diff_ci95_lo", c->t.diff_lo);
        json_number(b, "diff_ci95_hi", c->t.diff_hi);
        json_number(b, "change_pct", c->change_pct);
        json_number(b, "stat", c->t.stat);
        json_number(b, "df", c->t.df);
        json_number(b, "p", c->t.p);
        json_number(b, "p_holm", c->p_holm);
        json_number(b, "mde_pct", c->mde_pct);
        gc_buf_printf(b, ",\"outliers_base\":%zu,\"outliers_new\":%zu",
                      c->outliers_b, c->outliers_n);
        if (c->exact) {
            gc_buf_printf(b, ",\"runs_paired\":%zu,\"runs_differ\":%zu",
                          c->pairs, c->pairs_differ);
        }
        gc_buf_printf(b, ",\"verdict\":\"%s\"}", c->verdict);
    }
    gc_buf_printf(b, "],\"unmatched\":[");
    const struct side *sides[] = {r->base, r->new};
    const char *sep = "";
    for (int s = 0; s < 2; s++) {
        for (size_t g = 0; g < sides[s]->ngroups; g++) {
            const struct group *x = &sides[s]->groups[g];
            if (sides[s]->matched[g]) {
                continue;
            }
            gc_buf_printf(b, "%s{\"side\":\"%s\",\"collector\":", sep,
                          s ? "new" : "base");
            gc_buf_json_string(b, x->collector);
            gc_buf_printf(b, ",\"workload\":");
            gc_buf_json_string(b, sides[s]->res.workloads[x->workload]);
            gc_buf_printf(b, ",\"size\":%llu,\"n\":%zu}",
                          (unsigned long long)x->size, x->n);
            sep = ",";
        }
    }
    gc_buf_printf(b, "]}\n");
}

/* ---- gclab compare ------------------------------------------------------ */

static int
read_side(const char *path, struct side *s)
{
    *s = (struct side){0};
    int status = results_read("compare", path, false, &s->res);
    if (status != 0) {
        return status;
    }
    s->groups = calloc(s->res.total, sizeof *s->groups);
    s->matched = calloc(s->res.total, sizeof *s->matched);
    if (s->groups == NULL || s->matched == NULL) {
        return usage("out of memory reading", path);
    }
    s->ngroups = summarize(s->res.recs, s->res.total, s->groups);
    return 0;
}

static void
free_side(struct side *s)
{
    results_free(&s->res);
    free(s->groups);
    free(s->matched);
}

/* A record's member as record_text gives it, but "null" for a null
 * (an unpinned run's cpu), so that absent and null stay apart. */
static void
member_text(const struct record_meta *m, const char *key, char *out,
            size_t cap)
{
    char buf[64];
    snprintf(out, cap, "%s",
             json_is_null(json_object_get(m->json, key))
                 ? "null"
                 : record_text(m, key, buf, sizeof buf));
}

/* Where a side's runs ran: its records' host and CPU ("null":
 * unpinned), "mixed" where they differ, "" where no record says. */
static void
where_ran(const struct side *s, char *host, size_t host_cap, char *cpu,
          size_t cpu_cap)
{
    host[0] = cpu[0] = '\0';
    for (size_t i = 0; i < s->res.total; i++) {
        char h[64], c[16];
        member_text(&s->res.meta[i], "host", h, sizeof h);
        member_text(&s->res.meta[i], "cpu", c, sizeof c);
        if (i == 0) {
            snprintf(host, host_cap, "%s", h);
            snprintf(cpu, cpu_cap, "%s", c);
        }
        if (strcmp(host, h) != 0) {
            snprintf(host, host_cap, "mixed");
        }
        if (strcmp(cpu, c) != 0) {
            snprintf(cpu, cpu_cap, "mixed");
        }
    }
}

/* Times from two CPUs (this VM's differ by ~40%) or two machines differ
 * by more than most changes: one warning on stderr, the verdicts as
 * they are.  Records from before the fields say nothing. */
static void
warn_if_elsewhere(const struct side *base, const struct side *new)
{
    char hb[64], hn[64], cb[16], cn[16];
    where_ran(base, hb, sizeof hb, cb, sizeof cb);
    where_ran(new, hn, sizeof hn, cn, sizeof cn);
    bool other_host = hb[0] && hn[0] && strcmp(hb, hn) != 0;
    bool other_cpu = cb[0] && cn[0] &&
                     (strcmp(cb, cn) != 0 || strcmp(cb, "mixed") == 0);
    if (other_host || other_cpu) {
        fprintf(stderr,
                "gclab compare: warning: BASE ran on host %s, CPU %s; NEW "
                "on host %s, CPU %s: timings from different CPUs or "
                "machines do not compare (pin both with --cpu)\n",
                hb, strcmp(cb, "null") == 0 ? "unpinned" : cb, hn,
                strcmp(cn, "null") == 0 ? "unpinned" : cn);
    }
}

/* Every shown metric of every match, tested, adjusted and judged; the
 * number of regressions, or -1 when memory ran out. */
static int
judge(struct report *r, struct cell *cells)
{
    const struct options *o = r->o;
    size_t most = r->base->res.total > r->new->res.total ? r->base->res.total
                                                         : r->new->res.total;
    double *va = malloc(most * sizeof *va), *vb = malloc(most * sizeof *vb);
    uint64_t *sa = malloc(most * sizeof *sa), *sb = malloc(most * sizeof *sb);
    double *p = malloc(r->ncells * sizeof *p);
    double *adj = malloc(r->ncells * sizeof *adj);
    int rc = -1;
    if (va && vb && sa && sb && p && adj) {
        size_t k = 0;
        for (size_t i = 0; i < r->nmatches; i++) {
            for (size_t m = 0; m < GC_METRIC_COUNT; m++) {
                if (o->shown[m]) {
                    cells[k] = (struct cell){
                        .m = &r->matches[i], .metric = m, .gate = o->gate[m]};
                    evaluate(&cells[k], o, r->base, r->new, va, vb, sa, sb);
                    k++;
                }
            }
        }
        /* Holm over every cell a test ran on, whatever its metric. */
        size_t nt = 0;
        for (size_t i = 0; i < r->ncells; i++) {
            if (cells[i].tested) {
                p[nt++] = cells[i].t.p;
            }
        }
        gc_holm(p, nt, adj);
        r->ntested = nt;
        nt = 0;
        for (size_t i = 0; i < r->ncells; i++) {
            if (cells[i].tested) {
                cells[i].p_holm = adj[nt++];
                /* A lone regression must clear Holm's first step,
                 * alpha / m: the honest bar for what these runs see. */
                double level = o->alpha / (double)r->ntested;
                double d = gc_mde(cells[i].base_sd, cells[i].nb,
                                  cells[i].new_sd, cells[i].nn, level,
                                  COMPARE_POWER);
                cells[i].mde_pct = cells[i].base_mean != 0.0
                                       ? 100.0 * d / fabs(cells[i].base_mean)
                                       : NAN;
                if (cells[i].paired) {
                    cells[i].mde_pct =
                        100.0 * gc_mde_paired(&cells[i].t, level,
                                              COMPARE_POWER);
                }
            }
            cells[i].verdict = verdict_of(&cells[i], o);
            r->nregressed += strcmp(cells[i].verdict, "regressed") == 0;
        }
        rc = (int)r->nregressed;
    }
    free(va);
    free(vb);
    free(sa);
    free(sb);
    free(p);
    free(adj);
    return rc;
}

/* Every cell, for a caller that judges them itself (gclab check). */
static int
keep_findings(const struct report *r, struct compare_findings *found)
{
    found->cells = calloc(r->ncells ? r->ncells : 1, sizeof *found->cells);
    if (found->cells == NULL) {
        return -1;
    }
    for (size_t i = 0; i < r->ncells; i++) {
        const struct cell *c = &r->cells[i];
        struct compare_finding *f = &found->cells[found->n++];
        snprintf(f->base_collector, sizeof f->base_collector, "%s",
                 c->m->b->collector);
        snprintf(f->new_collector, sizeof f->new_collector, "%s",
                 c->m->n->collector);
        snprintf(f->workload, sizeof f->workload, "%s",
                 r->base->res.workloads[c->m->b->workload]);
        f->size = c->m->b->size;
        f->metric = c->metric;
        f->gate = c->gate;
        f->exact = c->exact;
        f->base_mean = c->base_mean;
        f->new_mean = c->new_mean;
        f->change_pct = c->change_pct;
        f->runs_paired = c->pairs;
        f->runs_differ = c->pairs_differ;
        f->mde_pct = c->tested ? c->mde_pct : NAN;
        f->threshold_pct = r->o->threshold_pct;
        f->verdict = c->verdict;
    }
    return 0;
}

bool
compare_options_valid(int argc, char **argv)
{
    struct options o;
    return parse_options(argc, argv, &o) == 0;
}

int
compare_run(int argc, char **argv, FILE *report,
            struct compare_findings *found)
{
    if (found != NULL) {
        *found = (struct compare_findings){0};
    }
    struct options o;
    int status = parse_options(argc, argv, &o);
    if (status != 0) {
        return status;
    }
    struct side base, new = {0};
    status = read_side(o.base_path, &base);
    if (status == 0) {
        status = read_side(o.new_path, &new);
    }
    /* Timings of a debug build beside a release build's mean nothing. */
    if (status == 0) {
        status = results_check_build("compare", &base.res.meta[0], &base.res,
                                     false);
    }
    if (status == 0) {
        status =
            results_check_build("compare", &base.res.meta[0], &new.res, false);
    }
    if (status == 0) {
        status = split_pairs(&o, &base, &new);
    }
    if (status == 0) {
        warn_if_elsewhere(&base, &new);
    }
    if (status == 0 && o.default_gate && has_cpu_times(&base) &&
        has_cpu_times(&new)) {
        size_t m = gc_metric_find("gc_cpu_ns");
        o.gate[m] = o.shown[m] = true;
    }
    struct match *matches = NULL;
    struct cell *cells = NULL;
    size_t nmatches = 0, nshown = 0;
    if (status == 0) {
        matches = calloc(base.ngroups ? base.ngroups : 1, sizeof *matches);
        status = matches ? 0 : usage("out of memory", NULL);
    }
    if (status == 0) {
        nmatches = match_groups(&o, &base, &new, matches);
        if (nmatches == 0) {
            fprintf(stderr,
                    "gclab compare: %s and %s share no (collector, workload, "
                    "size) with ok runs; --pair BASE_SPEC=NEW_SPEC matches "
                    "two collectors\n",
                    o.base_path, o.new_path);
            status = 2;
        }
    }
    for (size_t m = 0; m < GC_METRIC_COUNT; m++) {
        nshown += o.shown[m];
    }
    if (status == 0) {
        cells = calloc(nmatches * nshown, sizeof *cells);
        status = cells ? 0 : usage("out of memory", NULL);
    }
    if (status == 0) {
        struct report r = {.o = &o,
                           .base = &base,
                           .new = &new,
                           .matches = matches,
                           .nmatches = nmatches,
                           .cells = cells,
                           .ncells = nmatches *nshown};
        int regressions = judge(&r, cells);
        struct gc_buf out = {0};
        if (regressions < 0) {
            status = usage("out of memory", NULL);
        }
        else if (o.format == FORMAT_JSON) {
            print_json(&out, &r);
        }
        else if (o.format == FORMAT_MARKDOWN) {
            print_markdown(&out, &r);
        }
        else {
            print_table(&out, &r);
        }
        if (out.data != NULL && report != NULL) {
            fputs(out.data, report);
            fflush(report);
        }
        free(out.data);
        if (regressions >= 0 && found != NULL &&
            keep_findings(&r, found) != 0) {
            status = usage("out of memory", NULL);
        }
        status = status != 0 ? status : regressions > 0 ? 1 : 0;
    }
    free(matches);
    free(cells);
    free_side(&base);
    free_side(&new);
    return status;
}

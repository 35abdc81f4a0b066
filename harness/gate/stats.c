/* harness/gate/stats.c -- the clock, the summary statistics every figure
 * gclab reports goes through, and the two-sample tests, multiple-test
 * adjustment and outlier fences of gclab compare. */
#include "harness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t
gc_clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The two-sided 95% quantile of Student's t: the half-width of every
 * interval gclab prints.  0 when there are no degrees of freedom. */
static double
t95(double df)
{
    return df > 0 ? gc_t_quantile(0.975, df) : 0.0;
}

void
gc_summarize(const double *samples, size_t n, struct gc_summary *out)
{
    *out = (struct gc_summary){.n = n};
    if (n == 0) {
        return;
    }
    double sum = 0.0;
    out->min = out->max = samples[0];
    for (size_t i = 0; i < n; i++) {
        sum += samples[i];
        out->min = fmin(out->min, samples[i]);
        out->max = fmax(out->max, samples[i]);
    }
    out->mean = sum / (double)n;
    if (n > 1) {
        double ss = 0.0;
        for (size_t i = 0; i < n; i++) {
            double d = samples[i] - out->mean;
            ss += d * d;
        }
        out->stddev = sqrt(ss / (double)(n - 1));
        out->ci95 = t95((double)(n - 1)) * out->stddev / sqrt((double)n);
    }
    out->cv = out->mean != 0.0 ? out->stddev / out->mean : 0.0;
}

/* Busy time of the window [a, a + w), for window starts a that only
 * grow: lo is the first pause still ending after a, hi the first
 * starting at or after a + w, sum the lengths of pauses lo..hi-1. */
struct mmu_cursor {
    size_t lo, hi;
    uint64_t sum;
};

static uint64_t
mmu_busy(struct mmu_cursor *c, const uint64_t *start, const uint64_t *len,
         size_t n, uint64_t a, uint64_t w)
{
    while (c->hi < n && start[c->hi] < a + w) {
        c->sum += len[c->hi++];
    }
    while (c->lo < c->hi && start[c->lo] + len[c->lo] <= a) {
        c->sum -= len[c->lo++];
    }
    uint64_t busy = c->sum;
    if (c->lo < c->hi && start[c->lo] < a) {
        busy -= a - start[c->lo]; /* the part before the window */
    }
    if (c->lo < c->hi) {
        uint64_t end = start[c->hi - 1] + len[c->hi - 1];
        if (end > a + w) {
            busy -= end - (a + w); /* the part after it */
        }
    }
    return busy;
}

double
gc_mmu(const uint64_t *start_ns, const uint64_t *pause_ns, size_t n,
       uint64_t total_ns, uint64_t window_ns)
{
    if (total_ns == 0 || window_ns == 0) {
        return 1.0;
    }
    uint64_t w = window_ns < total_ns ? window_ns : total_ns;
    uint64_t last = total_ns - w;
    /* Slide any window right while its start lies in a gap: it loses
     * nothing at the start and may gain at the end.  So the busiest
     * window starts where a pause starts (or at the last start), and
     * those starts ascend: one sweep. */
    uint64_t worst = 0;
    struct mmu_cursor c = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        uint64_t a = start_ns[i] < last ? start_ns[i] : last;
        uint64_t busy = mmu_busy(&c, start_ns, pause_ns, n, a, w);
        worst = busy > worst ? busy : worst;
    }
    return worst >= w ? 0.0 : 1.0 - (double)worst / (double)w;
}

double
gc_ratio(double x_mean, double x_ci, double ref_mean, double ref_ci,
         double *ci)
{
    double ratio = ref_mean > 0 ? x_mean / ref_mean : 0;
    double rel = ref_mean > 0 && x_mean > 0
                     ? sqrt(pow(x_ci / x_mean, 2) + pow(ref_ci / ref_mean, 2))
                     : 0;
    *ci = ratio * rel;
    return ratio;
}

/* ---- two-sample tests (gclab compare) ---------------------------------- */

/* The continued fraction of the regularized incomplete beta function
 * (modified Lentz; Numerical Recipes, 2nd ed., 6.4), which converges
 * fast for x < (a + 1) / (a + b + 2). */
static double
beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    d = 1.0 / (fabs(d) < tiny ? tiny : d);
    double h = d;
    for (int m = 1; m <= 300; m++) {
        double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        for (int half = 0; half < 2; half++) {
            d = 1.0 + num * d;
            d = 1.0 / (fabs(d) < tiny ? tiny : d);
            c = 1.0 + num / c;
            c = fabs(c) < tiny ? tiny : c;
            h *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        }
        if (fabs(d * c - 1.0) < 1e-15) {
            break;
        }
    }
    return h;
}

/* I_x(a, b), for x in [0, 1]. */
static double
beta_inc(double a, double b, double x)
{
    if (x <= 0.0) {
        return 0.0;
    }
    if (x >= 1.0) {
        return 1.0;
    }
    double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) +
                       a * log(x) + b * log1p(-x));
    return x < (a + 1.0) / (a + b + 2.0)
               ? front * beta_cf(a, b, x) / a
               : 1.0 - front * beta_cf(b, a, 1.0 - x) / b;
}

double
gc_t_cdf(double t, double df)
{
    if (isnan(t) || !(df > 0)) {
        return NAN;
    }
    if (isinf(t)) {
        return t > 0 ? 1.0 : 0.0;
    }
    /* P(|T| > |t|) = I_{df / (df + t^2)}(df / 2, 1 / 2). */
    double tail = 0.5 * beta_inc(df / 2.0, 0.5, df / (df + t * t));
    return t > 0 ? 1.0 - tail : tail;
}

double
gc_t_quantile(double p, double df)
{
    if (!(p > 0.0 && p < 1.0) || !(df > 0)) {
        return NAN;
    }
    if (p < 0.5) {
        return -gc_t_quantile(1.0 - p, df);
    }
    /* The CDF is monotonic: bracket, then bisect to double precision. */
    double lo = 0.0, hi = 1.0;
    while (gc_t_cdf(hi, df) < p && hi < 1e300) {
        lo = hi;
        hi *= 2.0;
    }
    for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (gc_t_cdf(mid, df) < p) {
            lo = mid;
        }
        else {
            hi = mid;
        }
    }
    return 0.5 * (lo + hi);
}

static void
mean_var(const double *v, size_t n, double *mean, double *var)
{
    struct gc_summary s;
    gc_summarize(v, n, &s);
    *mean = s.mean;
    *var = s.stddev * s.stddev;
}

void
gc_test_welch(const double *a, size_t na, const double *b, size_t nb,
              struct gc_test *out)
{
    *out = (struct gc_test){.diff = NAN, .diff_lo = NAN, .diff_hi = NAN,
                            .stat = NAN, .df = NAN, .p = NAN};
    if (na < 2 || nb < 2) {
        return; /* no variance to speak of: no test */
    }
    double ma, va, mb, vb;
    mean_var(a, na, &ma, &va);
    mean_var(b, nb, &mb, &vb);
    double qa = va / (double)na, qb = vb / (double)nb, se2 = qa + qb;
    out->diff = mb - ma;
    if (se2 == 0.0) {
        /* Both sides constant: the difference is exact, and so is the
         * answer -- no division by a zero standard error. */
        out->diff_lo = out->diff_hi = out->diff;
        out->df = (double)(na + nb - 2);
        out->stat = out->diff == 0.0 ? 0.0 : copysign(INFINITY, out->diff);
        out->p = out->diff == 0.0 ? 1.0 : 0.0;
        return;
    }
    /* Welch-Satterthwaite: a zero variance on one side leaves the other
     * side's n - 1. */
    out->df = se2 * se2 / (qa * qa / (double)(na - 1) +
                           qb * qb / (double)(nb - 1));
    double se = sqrt(se2);
    out->stat = out->diff / se;
    out->p = 2.0 * gc_t_cdf(-fabs(out->stat), out->df);
    double half = t95(out->df) * se;
    out->diff_lo = out->diff - half;
    out->diff_hi = out->diff + half;
}

struct ranked {
    double v;
    int side; /* 0: a, 1: b */
};

static int
cmp_ranked(const void *x, const void *y)
{
    const struct ranked *a = x, *b = y;
    return (a->v > b->v) - (a->v < b->v);
}

/* P(U <= u) for U of samples of m and n without ties, from the exact
 * distribution: with f(m, n, u) the orderings of m a's and n b's in
 * which u (a, b) pairs have b above a, the largest element is a b
 * (above all m a's) or an a, so f(m, n, u) = f(m, n-1, u-m) +
 * f(m-1, n, u).  Small m and n only. */
static double
mw_exact_cdf(size_t m, size_t n, size_t u)
{
    size_t umax = m * n;
    double *f = calloc((m + 1) * (n + 1) * (umax + 1), sizeof *f);
    if (f == NULL) {
        return NAN;
    }
#define F(i, j, k) f[((i) * (n + 1) + (j)) * (umax + 1) + (k)]
    for (size_t i = 0; i <= m; i++) {
        for (size_t j = 0; j <= n; j++) {
            if (i == 0 || j == 0) {
                F(i, j, 0) = 1.0; /* one ordering, no pairs either way */
                continue;
            }
            for (size_t k = 0; k <= i * j; k++) {
                F(i, j, k) = (k >= i ? F(i, j - 1, k - i) : 0.0) +
                             (k <= (i - 1) * j ? F(i - 1, j, k) : 0.0);
            }
        }
    }
    double below = 0.0, all = 0.0;
    for (size_t k = 0; k <= umax; k++) {
        all += F(m, n, k);
        below += k <= u ? F(m, n, k) : 0.0;
    }
#undef F
    free(f);
    return below / all;
}

void
gc_test_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
                     struct gc_test *out)
{
    gc_test_welch(a, na, b, nb, out); /* the difference and its interval */
    out->stat = out->df = out->p = NAN;
    out->exact = false;
    size_t n = na + nb;
    if (na == 0 || nb == 0) {
        return;
    }
    struct ranked *r = malloc(n * sizeof *r);
    if (r == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        r[i] = i < na ? (struct ranked){a[i], 0}
                      : (struct ranked){b[i - na], 1};
    }
    qsort(r, n, sizeof *r, cmp_ranked);
    /* Ties share the mean of their ranks; sum (t^3 - t) over tie groups
     * shrinks the variance. */
    double rank_b = 0.0, ties = 0.0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && r[j].v == r[i].v) {
            j++;
        }
        double rank = 0.5 * (double)(i + 1 + j), t = (double)(j - i);
        for (size_t k = i; k < j; k++) {
            rank_b += r[k].side ? rank : 0.0;
        }
        ties += t * t * t - t;
        i = j;
    }
    free(r);
    double fa = (double)na, fb = (double)nb, fn = (double)n;
    double u = rank_b - fb * (fb + 1.0) / 2.0; /* pairs with b above a */
    out->stat = u;
    if (ties == 0.0 && na <= 20 && nb <= 20) {
        double lower = mw_exact_cdf(na, nb, (size_t)u);
        double upper = 1.0 - (u >= 1.0 ? mw_exact_cdf(na, nb, (size_t)u - 1)
                                       : 0.0);
        out->p = fmin(1.0, 2.0 * fmin(lower, upper));
        out->exact = true;
        return;
    }
    double mu = fa * fb / 2.0;
    double var = fa * fb / 12.0 * ((fn + 1.0) - ties / (fn * (fn - 1.0)));
    if (!(var > 0.0)) {
        out->p = 1.0; /* every value tied: nothing tells the sides apart */
        return;
    }
    /* Normal approximation with a continuity correction of 1/2. */
    double z = fmax(0.0, fabs(u - mu) - 0.5) / sqrt(var);
    out->p = fmin(1.0, erfc(z / sqrt(2.0)));
}

void
gc_holm(const double *p, size_t m, double *adj)
{
    size_t *order = malloc((m ? m : 1) * sizeof *order);
    if (order == NULL) {
        for (size_t i = 0; i < m; i++) {
            adj[i] = fmin(1.0, p[i] * (double)m); /* Bonferroni: safe */
        }
        return;
    }
    /* Insertion sort by p, stable: m is the cells of one comparison. */
    for (size_t i = 0; i < m; i++) {
        size_t j = i;
        while (j > 0 && p[order[j - 1]] > p[i]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    /* The k-th smallest (from 0) is multiplied by m - k; a larger p
     * never gets a smaller adjusted value than a smaller one did. */
    double running = 0.0;
    for (size_t k = 0; k < m; k++) {
        double v = fmin(1.0, (double)(m - k) * p[order[k]]);
        running = fmax(running, v);
        adj[order[k]] = running;
    }
    free(order);
}

static int
cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Quantile q of sorted v by linear interpolation between order
 * statistics (Hyndman and Fan's type 7, R's and NumPy's default). */
static double
quantile_sorted(const double *v, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    return v[lo] + (h - (double)lo) * (v[hi] - v[lo]);
}

size_t
gc_tukey_outliers(const double *v, size_t n)
{
    if (n < 4) {
        return 0; /* quartiles of three values fence nothing off */
    }
    double *s = malloc(n * sizeof *s);
    if (s == NULL) {
        return 0;
    }
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    double q1 = quantile_sorted(s, n, 0.25), q3 = quantile_sorted(s, n, 0.75);
    double lo = q1 - 1.5 * (q3 - q1), hi = q3 + 1.5 * (q3 - q1);
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        out += s[i] < lo || s[i] > hi;
    }
    free(s);
    return out;
}

double
gc_mde(double sd_a, size_t na, double sd_b, size_t nb, double alpha,
       double power)
{
    if (na < 2 || nb < 2 || !(alpha > 0 && alpha < 1) ||
        !(power > 0 && power < 1)) {
        return NAN;
    }
    double va = sd_a * sd_a / (double)na, vb = sd_b * sd_b / (double)nb;
    double se = sqrt(va + vb);
    if (se == 0.0) {
        return 0.0; /* both sides constant: any change is seen */
    }
    /* Welch-Satterthwaite, as gc_test_welch. */
    double df = (va + vb) * (va + vb) /
                (va * va / (double)(na - 1) + vb * vb / (double)(nb - 1));
    return (gc_t_quantile(1.0 - alpha / 2.0, df) +
            gc_t_quantile(power, df)) *
           se;
}

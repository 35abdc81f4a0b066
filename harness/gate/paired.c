/* harness/gate/paired.c -- the paired test of gclab compare: runs made
 * in pairs, one of each side in every round (compare --ab), are compared
 * pair by pair, so that whatever slowed the machine for a round (a
 * neighbour's burst, a frequency step) slows both members alike and
 * cancels.  What is left is a run disturbed on its own, which makes one
 * pair's ratio an outlier: Yuen's test on the 20% trimmed mean of the
 * log ratios, with the winsorized variance (Wilcox, "Introduction to
 * Robust Estimation and Hypothesis Testing", 5.9), leaves such pairs
 * out of the estimate and out of its spread.  Measured on this VM with
 * a planted +5% regression: docs/placement.md. */
#include "harness.h"

#include <math.h>
#include <stdlib.h>

/* The share trimmed from each end: Wilcox's default, which keeps
 * nearly the t-test's power at the normal. */
#define TRIM 0.2

static int
cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* The sorted log ratios' trimmed mean, and the standard error and
 * degrees of freedom of Yuen's statistic. */
struct trimmed {
    double mean, se, df;
};

static struct trimmed
trim_logs(double *d, size_t n)
{
    qsort(d, n, sizeof *d, cmp_double);
    size_t g = (size_t)floor(TRIM * (double)n);
    size_t h = n - 2 * g; /* what is left */
    double sum = 0.0;
    for (size_t i = g; i < n - g; i++) {
        sum += d[i];
    }
    double mean = sum / (double)h;
    /* Winsorized: the g lowest become d[g], the g highest d[n-g-1]. */
    double wsum = 0.0, wsq = 0.0;
    for (size_t i = 0; i < n; i++) {
        double x = i < g ? d[g] : i >= n - g ? d[n - g - 1] : d[i];
        wsum += x;
        wsq += x * x;
    }
    double fn = (double)n, wmean = wsum / fn;
    double wvar = fmax(0.0, (wsq - fn * wmean * wmean) / (fn - 1.0));
    double se = sqrt(wvar) / ((1.0 - 2.0 * TRIM) * sqrt(fn));
    return (struct trimmed){.mean = mean, .se = se, .df = (double)h - 1.0};
}

/* log(b[i] / a[i]) into d; false if a value is not positive. */
static bool
log_ratios(const double *a, const double *b, size_t n, double *d)
{
    for (size_t i = 0; i < n; i++) {
        if (!(a[i] > 0.0 && b[i] > 0.0 && isfinite(a[i]) &&
              isfinite(b[i]))) {
            return false; /* a ratio needs two positive values */
        }
        d[i] = log(b[i] / a[i]);
    }
    return true;
}

bool
gc_test_paired(const double *a, const double *b, size_t n,
               struct gc_test *out)
{
    *out = (struct gc_test){.diff = NAN, .diff_lo = NAN, .diff_hi = NAN,
                            .stat = NAN, .df = NAN, .p = NAN};
    if (n < 3) {
        return false; /* the trimmed spread needs two values left */
    }
    double *d = malloc(n * sizeof *d);
    if (d == NULL || !log_ratios(a, b, n, d)) {
        free(d);
        return false;
    }
    double mean_a = 0.0;
    for (size_t i = 0; i < n; i++) {
        mean_a += a[i] / (double)n;
    }
    struct trimmed t = trim_logs(d, n);
    free(d);
    out->df = t.df;
    if (t.se == 0.0) {
        /* Every pair kept had one ratio: exact, as constant sides are. */
        out->stat = NAN;
        out->se = 0.0;
        out->p = t.mean == 0.0 ? 1.0 : 0.0;
        out->diff = out->diff_lo = out->diff_hi = mean_a * expm1(t.mean);
        return true;
    }
    out->stat = t.mean / t.se;
    out->se = t.se;
    out->p = fmin(1.0, 2.0 * (1.0 - gc_t_cdf(fabs(out->stat), t.df)));
    double half = gc_t_quantile(0.975, t.df) * t.se;
    /* As a difference of a's mean, like the other tests. */
    out->diff = mean_a * expm1(t.mean);
    out->diff_lo = mean_a * expm1(t.mean - half);
    out->diff_hi = mean_a * expm1(t.mean + half);
    return true;
}

double
gc_mde_paired(const struct gc_test *t, double alpha, double power)
{
    if (!(t->df >= 1.0) || !(t->se >= 0.0) || !(alpha > 0 && alpha < 1) ||
        !(power > 0 && power < 1)) {
        return NAN;
    }
    return expm1((gc_t_quantile(1.0 - alpha / 2.0, t->df) +
                  gc_t_quantile(power, t->df)) *
                 t->se);
}

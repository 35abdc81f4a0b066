/* harness/stats.c -- the clock and the summary statistics every figure
 * gclab reports goes through. */
#include "harness.h"

#include <math.h>
#include <time.h>

uint64_t
gc_clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom;
 * beyond that the normal 1.96 is within 2%. */
static double
t95(size_t df)
{
    static const double table[] = {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
        2.228,  2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101,
        2.093,  2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052,
        2.048,  2.045, 2.042,
    };
    if (df == 0) {
        return 0.0;
    }
    return df <= 30 ? table[df - 1] : 1.96;
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
        out->ci95 = t95(n - 1) * out->stddev / sqrt((double)n);
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

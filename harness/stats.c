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

/* harness/measure/hist.c -- a log-linear histogram of nanosecond values, as
 * HdrHistogram keeps them: values below 2^GC_HIST_SUB_BITS each have a
 * bucket; above, every power of two is split into 2^GC_HIST_SUB_BITS
 * equal buckets, so a bucket is never wider than 1/128 of its values
 * (0.8% relative error) and the whole range of uint64_t fits in a fixed
 * 58 KiB.  Pauses and request latencies are summarised here, so that a
 * run's percentiles cost the same memory however long it runs. */
#include "harness.h"

#include <string.h>

static size_t
bucket_of(uint64_t v)
{
    if (v < GC_HIST_SUB) {
        return (size_t)v;
    }
    int e = 63 - __builtin_clzll(v); /* v in [2^e, 2^(e+1)) */
    int shift = e - GC_HIST_SUB_BITS;
    size_t sub = (size_t)(v >> shift) & (GC_HIST_SUB - 1);
    return (size_t)(shift + 1) * GC_HIST_SUB + sub;
}

/* The smallest value of bucket b, and its width. */
static uint64_t
bucket_low(size_t b, uint64_t *width)
{
    if (b < GC_HIST_SUB) {
        *width = 1;
        return b;
    }
    int shift = (int)(b / GC_HIST_SUB) - 1;
    uint64_t sub = b % GC_HIST_SUB;
    *width = (uint64_t)1 << shift;
    return (GC_HIST_SUB + sub) << shift;
}

void
gc_hist_init(struct gc_hist *h)
{
    memset(h, 0, sizeof *h);
}

void
gc_hist_add(struct gc_hist *h, uint64_t v)
{
    h->counts[bucket_of(v)]++;
    if (h->n == 0 || v < h->min) {
        h->min = v;
    }
    if (v > h->max) {
        h->max = v;
    }
    h->n++;
}

uint64_t
gc_hist_percentile(const struct gc_hist *h, double q)
{
    if (h->n == 0) {
        return 0;
    }
    /* Nearest rank, as the exact percentile of sorted samples. */
    uint64_t rank = (uint64_t)(q * (double)h->n + 0.999999);
    rank = rank == 0 ? 1 : rank > h->n ? h->n : rank;
    if (rank == h->n) {
        return h->max; /* the largest is kept exactly */
    }
    if (rank == 1) {
        return h->min;
    }
    uint64_t seen = 0;
    for (size_t b = 0; b < GC_HIST_BUCKETS; b++) {
        seen += h->counts[b];
        if (seen >= rank) {
            /* The bucket's middle, within what was seen. */
            uint64_t width, low = bucket_low(b, &width);
            uint64_t mid = low + (width - 1) / 2;
            return mid < h->min ? h->min : mid > h->max ? h->max : mid;
        }
    }
    return h->max;
}

void
gc_metered_latency(const uint64_t *start_ns, const uint64_t *end_ns,
                   size_t n, uint64_t *out_ns)
{
    if (n == 0) {
        return;
    }
    double span = (double)(end_ns[n - 1] - start_ns[0]);
    double done = 0; /* when the previous request in the queue finished */
    for (size_t i = 0; i < n; i++) {
        double service = (double)(end_ns[i] - start_ns[i]);
        double arrival = span * (double)i / (double)n;
        done = (done > arrival ? done : arrival) + service;
        out_ns[i] = (uint64_t)(done - arrival + 0.5);
    }
}

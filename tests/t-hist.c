/* tests/t-hist.c -- the log-linear histogram against exact nearest-rank
 * percentiles (exact below 128, within 1/128 above, min and max exact),
 * and metered request latency against a hand-worked queue. */
#include "harness.h"
#include "tap.h"

#include <stdlib.h>

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static uint64_t
exact(const uint64_t *sorted, size_t n, double q)
{
    size_t rank = (size_t)(q * (double)n + 0.999999);
    return sorted[(rank == 0 ? 1 : rank > n ? n : rank) - 1];
}

int
main(void)
{
    static struct gc_hist h;
    TEST("an empty histogram gives 0") {
        gc_hist_init(&h);
        check(gc_hist_percentile(&h, 0.5) == 0 && h.n == 0);
    }
    TEST("values below 128 are exact: 1..100 by hand") {
        gc_hist_init(&h);
        for (uint64_t v = 100; v >= 1; v--) {
            gc_hist_add(&h, v);
        }
        check_uint(gc_hist_percentile(&h, 0.50), ==, 50);
        check_uint(gc_hist_percentile(&h, 0.95), ==, 95);
        check_uint(gc_hist_percentile(&h, 0.99), ==, 99);
        check_uint(gc_hist_percentile(&h, 1.0), ==, 100);
        check_uint(gc_hist_percentile(&h, 0.0), ==, 1);
        check_uint(h.min, ==, 1);
        check_uint(h.max, ==, 100);
    }
    TEST("one large value: its percentiles are itself, max exact") {
        gc_hist_init(&h);
        gc_hist_add(&h, 4440063);
        check_uint(gc_hist_percentile(&h, 0.5), ==, 4440063);
        gc_hist_add(&h, UINT64_MAX);
        gc_hist_add(&h, (uint64_t)1 << 63);
        check_uint(h.max, ==, UINT64_MAX);
        check_uint(gc_hist_percentile(&h, 1.0), ==, UINT64_MAX);
    }
    TEST("500 random sets: within 1/128 of the exact percentile") {
        uint64_t x = 88172645463325252ULL, v[2000];
        bool ok = true;
        for (int set = 0; set < 500 && ok; set++) {
            gc_hist_init(&h);
            size_t n = 1 + (size_t)(set * 7919 % 2000);
            for (size_t i = 0; i < n; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                /* Log-uniform from 1 ns to about 1 s, like pauses. */
                v[i] = (uint64_t)1 << (x % 30);
                v[i] += x % v[i];
                gc_hist_add(&h, v[i]);
            }
            qsort(v, n, sizeof *v, cmp_u64);
            static const double qs[] = {0.5, 0.95, 0.99, 1.0};
            for (int k = 0; k < 4; k++) {
                double e = (double)exact(v, n, qs[k]);
                double got = (double)gc_hist_percentile(&h, qs[k]);
                if (got < e - e / 128 - 0.5 || got > e + e / 128 + 0.5) {
                    tap_diag("set %d, n %zu, q %.2f: %.0f, exact %.0f", set,
                             n, qs[k], got, e);
                    ok = false;
                }
            }
            ok &= h.min == v[0] && h.max == v[n - 1] && h.n == n;
        }
        check(ok);
    }
    TEST("metered latency: a slow request delays the one queued behind") {
        /* Four requests back to back, the third 110 ns long.  Arrivals
         * re-spaced over the 140 ns span: 0, 35, 70, 105.  The fourth
         * waits for the third (done at 180) and ends at 190: 85. */
        const uint64_t start[] = {0, 10, 20, 130};
        const uint64_t end[] = {10, 20, 130, 140};
        uint64_t lat[4];
        gc_metered_latency(start, end, 4, lat);
        check_uint(lat[0], ==, 10);
        check_uint(lat[1], ==, 10);
        check_uint(lat[2], ==, 110);
        check_uint(lat[3], ==, 85);
    }
    return tap_done();
}

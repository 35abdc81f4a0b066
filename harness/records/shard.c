/* harness/records/shard.c -- `--shard i/n`: which share of a benchmark matrix
 * one process runs, so that any scheduler (a CI matrix, GNU parallel,
 * a Slurm array) can spread a matrix over machines and `gclab merge`
 * join the results.
 *
 * Contracts: the assignment depends only on the costs, their order and
 * n -- never on the machine, the time or a random seed -- so n
 * processes started anywhere agree on it, and every item lands in
 * exactly one share. */
#include "harness.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool
gc_shard_parse(const char *text, struct gc_shard *out)
{
    char *end;
    errno = 0;
    unsigned long i = strtoul(text, &end, 10);
    if (end == text || *end != '/' || text[0] == '-' || errno != 0) {
        return false;
    }
    const char *rest = end + 1;
    unsigned long n = strtoul(rest, &end, 10);
    if (end == rest || *end != '\0' || rest[0] == '-' || errno != 0 ||
        n == 0 || n > GC_SHARD_MAX || i == 0 || i > n) {
        return false;
    }
    *out = (struct gc_shard){.index = (unsigned)i, .count = (unsigned)n};
    return true;
}

/* Items by cost, largest first; equal costs keep their matrix order. */
struct by_cost {
    double cost;
    size_t item;
};

static int
cmp_by_cost(const void *x, const void *y)
{
    const struct by_cost *a = x, *b = y;
    if (a->cost != b->cost) {
        return a->cost < b->cost ? 1 : -1;
    }
    return (a->item > b->item) - (a->item < b->item);
}

int
gc_shard_assign(const double *cost, size_t n, unsigned nshards, double *load,
                unsigned *shard_of)
{
    struct by_cost *order = malloc((n ? n : 1) * sizeof *order);
    if (order == NULL || nshards == 0) {
        free(order);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        order[i] = (struct by_cost){cost[i], i};
    }
    qsort(order, n, sizeof *order, cmp_by_cost);
    /* Graham's longest-processing-time rule: the next largest item goes
     * to the least loaded share (the lowest-numbered on a tie), which
     * keeps the longest share within 4/3 of the best possible. */
    for (size_t k = 0; k < n; k++) {
        unsigned best = 0;
        for (unsigned s = 1; s < nshards; s++) {
            best = load[s] < load[best] ? s : best;
        }
        shard_of[order[k].item] = best;
        load[best] += order[k].cost;
    }
    free(order);
    return 0;
}

"""alloc-churn: short-lived records in batches, the twin of
workloads/alloc_churn.c.
Usage: python alloc_churn.py [size=N] [allocs=N] [batch=N]
Prints collections per generation over the run and the checksum, as
`gclab run` records them."""
import gc
import sys

from gclab_measure import gclab_measure, xrange


class Rec(object):
    __slots__ = ("d", "t", "s")

    def __init__(self, d, t, s):
        self.d = d
        self.t = t
        self.s = s


def run(allocs, batch):
    total = 0
    for b in xrange(allocs // (4 * batch)):
        acc = []
        append = acc.append
        for j in xrange(batch):
            t = (b, j)
            l = [t, j]
            d = {"l": l}
            append(Rec(d, t, j))
        total += acc[-1].s + len(acc)
        del acc, append
    return total


def main():
    opts = dict(a.split("=", 1) for a in sys.argv[1:])
    size = int(opts.get("size", 2000))
    batch = int(opts.get("batch", 0)) or max(size // 4, 1)
    allocs = int(opts.get("allocs", 0)) or 400 * batch
    gclab_measure(run, (allocs, batch))


main()

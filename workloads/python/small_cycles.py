"""small-cycles: a stream of 2-cycles hung off an old list that keeps
only the last m, the twin of workloads/small_cycles.c.  Pair i goes in
slot i % m, so the pair it replaces becomes cyclic garbage.
Usage: python small_cycles.py [size=N] [n=N] [m=N]"""
import gc
import sys

from gclab_measure import gclab_measure, xrange


class Pair(object):
    pass


def run(n, m):
    old = []
    total = 0
    for i in xrange(n):
        a = Pair()
        b = Pair()
        a.other = b
        b.other = a
        a.i = i
        if i < m:
            old.append(a)
        else:
            old[i % m] = a
        del a, b
        total += old[i % m].i % 7
    return total + len(old)


def main():
    opts = dict(a.split("=", 1) for a in sys.argv[1:])
    size = int(opts.get("size", 2000))
    m = int(opts.get("m", 0)) or max(size // 4, 1)
    n = int(opts.get("n", 0)) or 25 * size
    gclab_measure(run, (n, m))


main()

"""tuples: tuples of atoms that become untrackable, the twin of
workloads/tuples.c.  Usage: python tuples.py [size=N] [n=N] [rounds=N]"""
import gc
import sys

from gclab_measure import gclab_measure, xrange


def run(n, rounds):
    total = 0
    for r in xrange(rounds):
        keep = []
        for i in xrange(n):
            a = i
            b = i + r
            keep.append((a, b, a))
        total += keep[-1][1] + len(keep)
        del keep
    return total


def main():
    opts = dict(a.split("=", 1) for a in sys.argv[1:])
    n = int(opts.get("n", 0)) or int(opts.get("size", 2000))
    rounds = int(opts.get("rounds", 20))
    gclab_measure(run, (n, rounds))


main()

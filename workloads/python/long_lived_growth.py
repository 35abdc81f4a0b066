"""long-lived-growth: a heap that keeps growing, the twin of
workloads/long_lived_growth.c.  Usage: python long_lived_growth.py
[size=N] [n=N]"""
import gc
import sys

from gclab_measure import gclab_measure, xrange


def run(n):
    keep = []
    for i in xrange(n):
        item = [i]
        tmp = [item]
        keep.append(item)
        del tmp
    total = 0
    for i in xrange(0, len(keep), 997):
        total += keep[i][0]
    return total + len(keep)


def main():
    opts = dict(a.split("=", 1) for a in sys.argv[1:])
    n = int(opts.get("n", 0)) or int(opts.get("size", 20000))
    gclab_measure(run, (n,))


main()

"""cycles: rings and doubly linked lists becoming garbage, the twin of
workloads/cycles.c.  Usage: python cycles.py [size=N] [rounds=N] [k=N]"""
import gc
import sys

from gclab_measure import gclab_measure, xrange


class Node(object):
    pass


def ring(k, is_dll):
    first = Node()
    prev = first
    for _ in xrange(1, k):
        x = Node()
        prev.next = x
        if is_dll:
            x.prev = prev
        prev = x
    if not is_dll:
        prev.next = first
    return first


def run(rounds, k):
    keep = []
    total = 0
    for _ in xrange(rounds):
        a = ring(k, False)
        b = ring(k, True)
        del keep[:]
        keep.append(a)
        keep.append(b)
        x = a.next
        n = 1
        while x is not a:
            x = x.next
            n += 1
        total += n
        del a, b, x
    return total


def main():
    opts = dict(a.split("=", 1) for a in sys.argv[1:])
    size = int(opts.get("size", 2000))
    rounds = int(opts.get("rounds", 100))
    k = int(opts.get("k", 0)) or max(size // 4, 2)
    gclab_measure(run, (rounds, k))


main()

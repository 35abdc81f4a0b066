"""cycles: rings and doubly linked lists becoming garbage, the twin of
workloads/cycles.c.  Usage: python cycles.py [size=N] [rounds=N] [k=N]"""
import gc
import os
import sys
import time


class Node(object):
    pass


def ring(k, is_dll):
    first = Node()
    prev = first
    for _ in range(1, k):
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
    for _ in range(rounds):
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
    pauses = []
    if os.environ.get("GCLAB_RECORD_GC") == "1":
        # gclab run --peer: time collections as gc.callbacks see them
        began = [0.0]

        def record(phase, info):
            if phase == "start":
                began[0] = time.perf_counter()
            else:
                pauses.append(time.perf_counter() - began[0])

        gc.callbacks.append(record)
    gc.collect()
    before = [s["collections"] for s in gc.get_stats()]
    t0 = time.perf_counter()
    checksum = run(rounds, k)
    wall = time.perf_counter() - t0
    after = [s["collections"] for s in gc.get_stats()]
    for g in range(3):
        print("collections_gen%d %d" % (g, after[g] - before[g]))
    print("checksum %d" % checksum)
    print("wall_ns %d" % int(wall * 1e9))
    if pauses:
        pauses.sort()
        n = len(pauses)
        print("gc_ns %d" % int(sum(pauses) * 1e9))
        for name, q in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99)):
            rank = max(1, min(n, int(q * n + 0.999999)))
            print("pause_%s_ns %d" % (name, int(pauses[rank - 1] * 1e9)))
        print("pause_max_ns %d" % int(pauses[-1] * 1e9))


main()

"""small-cycles: a stream of 2-cycles hung off an old list that keeps
only the last m, the twin of workloads/small_cycles.c.  Pair i goes in
slot i % m, so the pair it replaces becomes cyclic garbage.
Usage: python small_cycles.py [size=N] [n=N] [m=N]"""
import gc
import os
import sys
import time


class Pair(object):
    pass


def run(n, m):
    old = []
    total = 0
    for i in range(n):
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
    checksum = run(n, m)
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

"""long-lived-growth: a heap that keeps growing, the twin of
workloads/long_lived_growth.c.  Usage: python long_lived_growth.py
[size=N] [n=N]"""
import gc
import os
import sys
import time


def run(n):
    keep = []
    for i in range(n):
        item = [i]
        tmp = [item]
        keep.append(item)
        del tmp
    total = 0
    for i in range(0, len(keep), 997):
        total += keep[i][0]
    return total + len(keep)


def main():
    opts = dict(a.split("=", 1) for a in sys.argv[1:])
    n = int(opts.get("n", 0)) or int(opts.get("size", 20000))
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
    checksum = run(n)
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

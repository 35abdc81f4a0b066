"""alloc-churn: short-lived records in batches, the twin of
workloads/alloc_churn.c.
Usage: python alloc_churn.py [size=N] [allocs=N] [batch=N]
Prints collections per generation over the run and the checksum, as
`gclab run` records them."""
import gc
import os
import sys
import time


class Rec(object):
    __slots__ = ("d", "t", "s")

    def __init__(self, d, t, s):
        self.d = d
        self.t = t
        self.s = s


def run(allocs, batch):
    total = 0
    for b in range(allocs // (4 * batch)):
        acc = []
        append = acc.append
        for j in range(batch):
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
    before = [s["collections"] for s in gc.get_stats()] if hasattr(
        gc, "get_stats") else [0, 0, 0]
    t0 = time.perf_counter()
    checksum = run(allocs, batch)
    wall = time.perf_counter() - t0
    after = [s["collections"] for s in gc.get_stats()] if hasattr(
        gc, "get_stats") else [0, 0, 0]
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

"""finalizers: cycles of instances with __del__, some resurrecting, the
twin of workloads/finalizers.c.  Each step builds a 2-cycle of F
(whose __del__ does nothing); every `every`-th step also hangs an R on
it, whose __del__ appends self to `saved`, cleared every round.
Usage: python finalizers.py [size=N] [rounds=N] [n=N] [every=N]"""
import gc
import os
import sys
import time


class F(object):
    def __del__(self):
        pass


saved = []


class R(object):
    def __del__(self):
        saved.append(self)


def run(rounds, n, every):
    total = 0
    for _ in range(rounds):
        for i in range(n):
            a = F()
            b = F()
            a.other = b
            b.other = a
            if i % every == 0:
                c = R()
                c.peer = a
                a.peer = c
                del c
                total += 1
            del a, b
            total += 2
        del saved[:]
    return total


def main():
    opts = dict(a.split("=", 1) for a in sys.argv[1:])
    size = int(opts.get("size", 2000))
    rounds = int(opts.get("rounds", 50))
    n = int(opts.get("n", 0)) or max(size // 2, 1)
    every = int(opts.get("every", 10))
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
    checksum = run(rounds, n, every)
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

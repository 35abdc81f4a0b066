"""weakref-cache: a dict of weakly held values, the twin of
workloads/weakref_cache.c.  cache maps "k<i>" to a weakref to value i
whose callback removes the entry (rev maps the weakref's id to its
key); the last `keep` values are held strongly, by index i % keep, so
older ones die, at once or, one in `every` being a self-cycle, when a
collection finds them.  Each step looks up a strongly held key.
Usage: python weakref_cache.py [size=N] [n=N] [keep=N] [every=N] [seed=N]"""
import gc
import os
import sys
import time
import weakref


class Value(object):
    pass


cache = {}
rev = {}


def _drop(wr):
    key = rev.pop(id(wr))
    del cache[key]


def run(n, keep, every, seed):
    strong = []
    total = 0
    x = seed
    for i in range(n):
        key = "k%d" % i
        v = Value()
        v.n = i
        if i % every == 0:
            v.me = v
        wr = weakref.ref(v, _drop)
        cache[key] = wr
        rev[id(wr)] = key
        if i < keep:
            strong.append(v)
        else:
            strong[i % keep] = v
        del v, wr
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        j = i - (x >> 33) % min(i + 1, keep)
        total += cache["k%d" % j]().n % 1000
    return total + len(strong)


def main():
    opts = dict(a.split("=", 1) for a in sys.argv[1:])
    size = int(opts.get("size", 2000))
    keep = int(opts.get("keep", 0)) or max(size // 4, 1)
    n = int(opts.get("n", 0)) or 25 * size
    every = int(opts.get("every", 3))
    seed = int(opts.get("seed", 1))
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
    checksum = run(n, keep, every, seed)
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

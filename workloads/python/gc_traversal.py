"""gc-traversal: after pyperformance's bm_gc_traversal, the twin of
workloads/gc_traversal.c.  Builds `levels` lists, list n holding
min(n, width) references to list n - 1 (width=levels is the benchmark's
triangle), keeps them alive and collects twice per loop.
Usage: python gc_traversal.py [size=N] [levels=N] [width=N] [loops=N]"""
import gc
import os
import sys
import time


def create_recursive_containers(n_levels, width):
    current_list = []
    for n in range(n_levels):
        k = min(n, width)
        new_list = [None] * k
        for index in range(k):
            new_list[index] = current_list
        current_list = new_list
    return current_list


def run(levels, width, loops):
    all_cycles = create_recursive_containers(levels, width)
    total = 0
    for _ in range(loops):
        gc.collect()
        gc.collect()
        total += len(all_cycles)
    x = all_cycles
    while len(x) > 0:
        x = x[0]
        total += 1
    return total


def main():
    opts = dict(a.split("=", 1) for a in sys.argv[1:])
    size = int(opts.get("size", 2000))
    levels = int(opts.get("levels", 0)) or size
    width = int(opts.get("width", 100))
    loops = int(opts.get("loops", 10))
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
    checksum = run(levels, width, loops)
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

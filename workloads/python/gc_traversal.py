"""gc-traversal: after pyperformance's bm_gc_traversal, the twin of
workloads/gc_traversal.c.  Builds `levels` lists, list n holding
min(n, width) references to list n - 1 (width=levels is the benchmark's
triangle), keeps them alive and collects twice per loop.
Usage: python gc_traversal.py [size=N] [levels=N] [width=N] [loops=N]"""
import gc
import sys

from gclab_measure import gclab_measure, xrange


def create_recursive_containers(n_levels, width):
    current_list = []
    for n in xrange(n_levels):
        k = min(n, width)
        new_list = [None] * k
        for index in xrange(k):
            new_list[index] = current_list
        current_list = new_list
    return current_list


def run(levels, width, loops):
    all_cycles = create_recursive_containers(levels, width)
    total = 0
    for _ in xrange(loops):
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
    gclab_measure(run, (levels, width, loops))


main()

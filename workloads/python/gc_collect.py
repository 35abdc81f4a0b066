"""gc-collect: after pyperformance's bm_gc_collect, the twin of
workloads/gc_collect.c.  Each loop collects, builds `cycles` rings of
links + 1 Nodes linked both ways, drops them and collects again.
Usage: python gc_collect.py [size=N] [loops=N] [cycles=N] [links=N]"""
import gc
import sys

from gclab_measure import gclab_measure, xrange


class Node(object):
    def __init__(self):
        self.next = None
        self.prev = None

    def link_next(self, next):
        self.next = next
        self.next.prev = self


def create_cycle(node, n_links):
    if n_links == 0:
        return
    current = node
    for _ in xrange(n_links):
        next_node = Node()
        current.link_next(next_node)
        current = next_node
    current.link_next(node)


def create_gc_cycles(n_cycles, n_links):
    cycles = []
    for _ in xrange(n_cycles):
        node = Node()
        cycles.append(node)
        create_cycle(node, n_links)
    return cycles


def run(loops, cycles, links):
    total = 0
    for _ in xrange(loops):
        gc.collect()
        all_cycles = create_gc_cycles(cycles, links)
        total += len(all_cycles) * (links + 1)
        del all_cycles
        gc.collect()
    return total


def main():
    opts = dict(a.split("=", 1) for a in sys.argv[1:])
    size = int(opts.get("size", 2000))
    loops = int(opts.get("loops", 20))
    links = int(opts.get("links", 20))
    cycles = int(opts.get("cycles", 0)) or max(size // (links + 1), 1)
    gclab_measure(run, (loops, cycles, links))


main()

"""Full-collection cost on a live ring of instances, the Python twin of
`gclab micro --suite collect`.

For each size N: build a ring of N instances of a plain class, each with
one attribute pointing at the next, rooted in a global; time the build
alone and the build followed by 10 gc.collect() calls.  The cost per
object is (with - without) / 10 / N, best of `repeat`.  Also times a
young collection of 700 fresh instances.  gc is disabled throughout so
only the explicit collections run.  Prints one line per measurement:
"NAME ns_per_object best mean" (times in ns).

Usage: python ring_collect.py [--repeat 3] [SIZE ...]   (default 100000 1000000)
"""
import gc
import sys
import time

# 2.7 has no perf_counter.
clock = getattr(time, "perf_counter", time.time)


class Node(object):
    pass


ROOT = []


def build(n):
    first = Node()
    prev = first
    for _ in range(n - 1):
        node = Node()
        prev.next = node
        prev = node
    prev.next = first
    ROOT.append(first)


def timed(n, collections):
    del ROOT[:]
    gc.collect()
    t0 = clock()
    build(n)
    for _ in range(collections):
        gc.collect()
    t1 = clock()
    del ROOT[:]
    gc.collect()
    return (t1 - t0) * 1e9


def young(repeat):
    best = []
    for _ in range(repeat):
        samples = []
        for _ in range(200):
            gc.collect()
            keep = [Node() for _ in range(700)]
            t0 = clock()
            gc.collect(0)
            samples.append((clock() - t0) * 1e9)
            del keep
        best.append(min(samples))
    return best


def main(argv):
    repeat = 3
    sizes = []
    i = 0
    while i < len(argv):
        if argv[i] == "--repeat":
            repeat = int(argv[i + 1])
            i += 2
        else:
            sizes.append(int(argv[i]))
            i += 1
    sizes = sizes or [100000, 1000000]
    gc.disable()
    for n in sizes:
        per = []
        for _ in range(repeat):
            without = timed(n, 0)
            with_ = timed(n, 10)
            per.append((with_ - without) / 10.0 / n)
        print("full-ring-%d %.3f %.3f" % (n, min(per), sum(per) / len(per)))
    ys = young(repeat)
    print("young-700 %.1f %.1f" % (min(ys), sum(ys) / len(ys)))


if __name__ == "__main__":
    main(sys.argv[1:])

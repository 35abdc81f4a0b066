"""binary-trees: GCBench-style trees of instances, the twin of
workloads/binary_trees.c.  A long-lived tree of the given depth is kept
throughout while short-lived trees of increasing depth are built
top-down (Populate) and bottom-up (MakeTree) and dropped.
Usage: python binary_trees.py [size=N] [depth=N] [min_depth=N]"""
import gc
import sys

from gclab_measure import gclab_measure, xrange


class Node(object):
    def __init__(self, left, right):
        self.left = left
        self.right = right


def make_tree(depth):
    if depth <= 0:
        return Node(None, None)
    return Node(make_tree(depth - 1), make_tree(depth - 1))


def populate(depth, node):
    if depth > 0:
        depth -= 1
        node.left = Node(None, None)
        node.right = Node(None, None)
        populate(depth, node.left)
        populate(depth, node.right)


def count(node):
    if node is None:
        return 0
    return 1 + count(node.left) + count(node.right)


def run(depth, min_depth):
    long_lived = make_tree(depth)
    total = 0
    d = min_depth
    while d <= depth:
        for _ in xrange(4 << (depth - d)):
            t = Node(None, None)
            populate(d, t)
            total += count(t)
            del t
            t = make_tree(d)
            total += count(t)
            del t
        d += 2
    return total + count(long_lived)


def main():
    opts = dict(a.split("=", 1) for a in sys.argv[1:])
    size = int(opts.get("size", 2000))
    depth = int(opts.get("depth", 0))
    if depth == 0:
        # The deepest tree of at most size nodes.
        while (1 << (depth + 2)) - 1 <= size:
            depth += 1
    min_depth = int(opts.get("min_depth", 4))
    gclab_measure(run, (depth, min_depth))


main()

"""btree-gc: after pyperformance's btree_gc_only, the twin of
workloads/btree_gc.c.  Builds n Records, then each loop inserts
(key, record) items in a shuffled key order into a B-tree of BNodes
(lists of items and children, parent pointers making cycles), collects,
checks the tree and drops it.
Usage: python btree_gc.py [size=N] [n=N] [loops=N] [degree=N] [seed=N]"""
import gc
import sys

from gclab_measure import gclab_measure, xrange


class Record(object):
    pass


class BNode(object):
    __slots__ = ("items", "nodes", "parent")

    def __init__(self):
        self.items = []
        self.nodes = None
        self.parent = None


class BTree(object):
    __slots__ = ("root",)

    def __init__(self):
        self.root = BNode()


def get_position(items, key):
    for position in xrange(len(items)):
        if items[position][0] >= key:
            return position
    return len(items)


def split_child(node, position, child, degree):
    bigger = BNode()
    bigger.parent = node
    middle = degree - 1
    splitting = child.items[middle]
    bigger.items = child.items[middle + 1:]
    child.items = child.items[:middle]
    if child.nodes is not None:
        bigger.nodes = child.nodes[middle + 1:]
        child.nodes = child.nodes[:middle + 1]
        nodes = bigger.nodes
        for i in xrange(len(nodes)):
            nodes[i].parent = bigger
    node.items.insert(position, splitting)
    node.nodes.insert(position + 1, bigger)


def insert(tree, item, degree):
    node = tree.root
    if len(node.items) == 2 * degree - 1:
        root = node
        node = BNode()
        node.nodes = [root]
        root.parent = node
        split_child(node, 0, root, degree)
        tree.root = node
        del root
    key = item[0]
    while True:
        position = get_position(node.items, key)
        if node.nodes is None:
            node.items.insert(position, item)
            return
        child = node.nodes[position]
        if len(child.items) == 2 * degree - 1:
            split_child(node, position, child, degree)
            if key > node.items[position][0]:
                position += 1
            child = node.nodes[position]
        node = child


def count(node, depth):
    total = 0
    items = node.items
    for i in xrange(len(items)):
        total += items[i][0] * depth + items[i][1].a % 3
    nodes = node.nodes
    if nodes is not None:
        for i in xrange(len(nodes)):
            total += count(nodes[i], depth + 1)
    return total


def run(n, loops, degree, seed):
    records = []
    for i in xrange(n):
        r = Record()
        r.a = i
        r.b = "node %d" % i
        records.append(r)
    del r
    ids = []
    for i in xrange(n):
        ids.append(i)
    x = seed
    for i in xrange(n - 1, 0, -1):
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        j = (x >> 33) % (i + 1)
        t = ids[i]
        ids[i] = ids[j]
        ids[j] = t
    total = 0
    for _ in xrange(loops):
        tree = BTree()
        for k in xrange(n):
            key = ids[k]
            insert(tree, (key, records[key]), degree)
        gc.collect()
        total += count(tree.root, 1)
        del tree
    return total


def main():
    opts = dict(a.split("=", 1) for a in sys.argv[1:])
    size = int(opts.get("size", 2000))
    n = int(opts.get("n", 0)) or size
    loops = int(opts.get("loops", 5))
    degree = int(opts.get("degree", 16))
    seed = int(opts.get("seed", 1))
    gclab_measure(run, (n, loops, degree, seed))


main()

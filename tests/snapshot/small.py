# tests/snapshot/small.py -- the program of tests/snapshot/small-3.14.gcsnap
# (scripts/snapshots.sh small): a little of everything a heap holds.
import collections


class Node(object):
    def __init__(self, n):
        self.n = n
        self.next = None
        self.pair = (self, [n])  # a tuple in a cycle through a list


nodes = [Node(i) for i in range(300)]
for a, b in zip(nodes, nodes[1:] + nodes[:1]):
    a.next = b  # one ring
table = dict(("k%d" % i, (nodes[i], nodes[-i])) for i in range(100))
table[(1, 2)] = {"nested": [table]}
deque = collections.deque(nodes[:50])
pairs = [(i, str(i)) for i in range(200)]  # tuples of atoms

"""run-queue: Tim Peters' test, the twin of workloads/run_queue.c.  A
run queue of `live` self-referencing nodes, each with a payload of
`payload` bytes; node i takes slot i % live, so the node it replaces
becomes a self-cycle of garbage holding its payload.
Usage: python run_queue.py [size=N] [n=N] [live=N] [payload=N]"""
import gc
import sys

from gclab_measure import gclab_measure, xrange


class Node(object):
    pass


def run(n, live, payload):
    queue = []
    total = 0
    for i in xrange(n):
        node = Node()
        node.me = node
        node.payload = b"\0" * payload if payload else None
        node.i = i
        if i < live:
            queue.append(node)
        else:
            queue[i % live] = node
        del node
        total += queue[i % live].i % 7
    return total + len(queue)


def main():
    opts = dict(a.split("=", 1) for a in sys.argv[1:])
    size = int(opts.get("size", 100000))
    live = int(opts.get("live", 0)) or max(size // 1000, 1)
    n = int(opts.get("n", 0)) or 20 * size
    payload = int(opts.get("payload", 10240))
    gclab_measure(run, (n, live, payload))


main()

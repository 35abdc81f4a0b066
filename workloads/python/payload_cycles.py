"""payload-cycles: cyclotron's grid, the twin of
workloads/payload_cycles.c.  Rings of `cycle` Items, the first carrying
`payload` bytes; `live` rings are held, ring i in slot i % live, so the
ring it replaces becomes cyclic garbage with its payload.
Usage: python payload_cycles.py [size=N] [n=N] [cycle=N] [payload=N]
       [live=N]"""
import gc
import sys

from gclab_measure import gclab_measure, xrange


class Item(object):
    pass


def run(n, cycle, payload, live):
    rings = []
    total = 0
    for i in xrange(n):
        first = Item()
        prev = first
        for k in xrange(1, cycle):
            it = Item()
            prev.next = it
            prev = it
        prev.next = first
        first.payload = b"\0" * payload if payload else None
        first.i = i
        if i < live:
            rings.append(first)
        else:
            rings[i % live] = first
        first = prev = it = None
        total += rings[i % live].i % 7
    return total + len(rings)


def main():
    opts = dict(a.split("=", 1) for a in sys.argv[1:])
    size = int(opts.get("size", 2000))
    cycle = int(opts.get("cycle", 4))
    per = max(size // cycle, 1)
    live = int(opts.get("live", 0)) or per
    n = int(opts.get("n", 0)) or 20 * per
    payload = int(opts.get("payload", 10240))
    gclab_measure(run, (n, cycle, payload, live))


main()

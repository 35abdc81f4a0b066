"""weakref-cache: a dict of weakly held values, the twin of
workloads/weakref_cache.c.  cache maps "k<i>" to a weakref to value i
whose callback removes the entry (rev maps the weakref's id to its
key); the last `keep` values are held strongly, by index i % keep, so
older ones die, at once or, one in `every` being a self-cycle, when a
collection finds them.  Each step looks up a strongly held key.
Usage: python weakref_cache.py [size=N] [n=N] [keep=N] [every=N] [seed=N]"""
import gc
import sys
import weakref

from gclab_measure import gclab_measure, xrange


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
    for i in xrange(n):
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
    gclab_measure(run, (n, keep, every, seed))


main()

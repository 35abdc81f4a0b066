"""finalizers: cycles of instances with __del__, some resurrecting, the
twin of workloads/finalizers.c.  Each step builds a 2-cycle of F
(whose __del__ does nothing); every `every`-th step also hangs an R on
it, whose __del__ appends self to `saved`, cleared every round.
Usage: python finalizers.py [size=N] [rounds=N] [n=N] [every=N]"""
import gc
import sys

from gclab_measure import gclab_measure, xrange


class F(object):
    def __del__(self):
        pass


saved = []


class R(object):
    def __del__(self):
        saved.append(self)


def run(rounds, n, every):
    total = 0
    for _ in xrange(rounds):
        for i in xrange(n):
            a = F()
            b = F()
            a.other = b
            b.other = a
            if i % every == 0:
                c = R()
                c.peer = a
                a.peer = c
                del c
                total += 1
            del a, b
            total += 2
        del saved[:]
    return total


def main():
    opts = dict(a.split("=", 1) for a in sys.argv[1:])
    size = int(opts.get("size", 2000))
    rounds = int(opts.get("rounds", 50))
    n = int(opts.get("n", 0)) or max(size // 2, 1)
    every = int(opts.get("every", 10))
    gclab_measure(run, (rounds, n, every))


main()

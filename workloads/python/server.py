"""server: a request loop, the twin of workloads/server.c.  A session
table lives throughout; each request makes a Request with a headers
dict, a body list and a params dict, one in `cycle_every` also a Handler
in a cycle with its request, and appends to its session's bounded
history; every `every` requests a gc.collect().
Usage: python server.py [size=N] [requests=N] [sessions=N] [every=N]
[cycle_every=N] [history=N] [seed=N]"""
import gc
import sys

from gclab_measure import gclab_measure, xrange


class Session(object):
    pass


class Request(object):
    pass


class Handler(object):
    pass


def run(requests, nsessions, every, cycle_every, history, seed):
    sessions = {}
    for s in xrange(nsessions):
        sess = Session()
        sess.sid = s
        sess.hits = 0
        sess.history = []
        sessions["s%d" % s] = sess
        del sess
    x = seed
    total = 0
    for n in xrange(requests):
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        sid = (x >> 33) % nsessions
        req = Request()
        req.sid = sid
        req.headers = {"id": n, "sid": sid}
        body = [n, sid, n + sid]
        params = {"body": body, "n": n}
        if n % cycle_every == 0:
            h = Handler()
            h.request = req
            req.handler = h
            del h
        sess = sessions["s%d" % sid]
        sess.hits += 1
        hist = sess.history
        hist.append(n)
        if len(hist) > history:
            del hist[0]
        total += len(params) + body[2] % 1000 + len(hist)
        del req, body, params, sess, hist
        if (n + 1) % every == 0:
            gc.collect()
    return total


def main():
    opts = dict(a.split("=", 1) for a in sys.argv[1:])
    size = int(opts.get("size", 2000))
    requests = int(opts.get("requests", 0)) or 20 * size
    nsessions = int(opts.get("sessions", 0)) or max(size // 4, 1)
    every = int(opts.get("every", 1000))
    cycle_every = int(opts.get("cycle_every", 5))
    history = int(opts.get("history", 8))
    seed = int(opts.get("seed", 1))
    gclab_measure(run, (requests, nsessions, every, cycle_every, history, seed))


main()

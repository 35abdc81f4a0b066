"""http-client: the pattern behind CPython issue 142516, the twin of
workloads/http_client.c.  Per request a Response with its headers, a
body of `body` bytes, a weakref to its connection, and a Stream that
refers back to it (a cycle; fix=1 makes that a weakref, as httpx PR
3733 did).  Each of `pool` connections keeps its latest response.
Usage: python http_client.py [size=N] [n=N] [pool=N] [body=N] [fix=0|1]"""
import gc
import sys
import weakref

from gclab_measure import gclab_measure, xrange


class Connection(object):
    pass


class Response(object):
    pass


class Stream(object):
    pass


def run(n, pool_size, body, fix):
    pool = []
    for k in xrange(pool_size):
        pool.append(Connection())
    total = 0
    for i in xrange(n):
        conn = pool[i % pool_size]
        r = Response()
        r.headers = {"content-type": "application/octet-stream",
                     "server": "gclab"}
        r.body = b"\0" * body if body else None
        r.i = i
        r.conn = weakref.ref(conn)
        s = Stream()
        s.response = weakref.ref(r) if fix else r
        r.stream = s
        conn.last = r
        r = s = None
        total += conn.last.i % 7
    return total + len(pool)


def main():
    opts = dict(a.split("=", 1) for a in sys.argv[1:])
    size = int(opts.get("size", 2000))
    n = int(opts.get("n", 0)) or 10 * size
    pool_size = int(opts.get("pool", 10))
    body = int(opts.get("body", 16384))
    fix = int(opts.get("fix", 0))
    gclab_measure(run, (n, pool_size, body, fix))


main()

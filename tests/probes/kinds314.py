# sys.getsizeof per kind, the small-int cache range, stats and callback
# info keys, collect()'s stats, and the interpreter's own tracked
# objects, on any interpreter (2.7-3.15).  Usage: python kinds314.py
import gc, sys, weakref


def p(*a):
    sys.stdout.write(" ".join(str(x) for x in a) + "\n")


class A(object):
    pass


class S(object):
    __slots__ = ("a", "b")


gc.collect()
gc.collect()
v = "%d.%d" % sys.version_info[:2]
# len(gc.get_objects()) as gclab's run.c counts it for a bare interpreter
p(v, "tracked objects after startup and two collects:", len(gc.get_objects()))
gc.disable()
sz = sys.getsizeof
d1 = {}
d1["a"] = 1
p(v, "getsizeof [] %d [1] %d {} %d {a:1} %d () %d tuple([1]) %d tuple([1,2]) %d"
  % (sz([]), sz([1]), sz({}), sz(d1), sz(()), sz(tuple([1])), sz(tuple([1, 2]))))
a = A()
p(v, "getsizeof A() %d slots(2) %d weakref %d int(1000) %d int(0) %d int(2**40) %d None %d"
  % (sz(a), sz(S()), sz(weakref.ref(a)), sz(int("1000")), sz(int("0")),
     sz(int(str(2 ** 40))), sz(None)))
p(v, "getsizeof class A %d class S %d str('abc') %d"
  % (sz(A), sz(S), sz("".join(["ab", "c"]))))

# Small-int cache: a run-time int is the cached object when equal values
# are the same object.
cached = [i for i in range(-300, 3000) if int(str(i)) is int(str(i))]
p(v, "small-int cache:", cached[0], "..", cached[-1],
  "contiguous:", len(cached) == cached[-1] - cached[0] + 1)

if hasattr(gc, "get_stats"):
    p(v, "get_stats keys:", sorted(gc.get_stats()[0].keys()))
    infos = []

    def cb(phase, info):
        infos.append((phase, sorted(info.keys()), info.get("candidates")))

    gc.callbacks.append(cb)
    gc.collect(0)
    l = []
    l.append(l)
    del l
    before = gc.get_stats()[0].get("candidates")
    n = gc.collect(0)
    gc.callbacks.remove(cb)
    p(v, "callback info:", infos[2:])
    p(v, "collect(0) of a self-cycle returned", n, "stats[0] candidates +",
      (gc.get_stats()[0].get("candidates", 0) - (before or 0)))

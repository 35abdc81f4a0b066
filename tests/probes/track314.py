# What is tracked when, on any interpreter (2.7-3.15): the rules that
# changed in 3.14 (dicts tracked from creation, #140262 tuples) and what
# a collection untracks.  Usage: python track314.py
import gc, sys


def p(*a):
    sys.stdout.write(" ".join(str(x) for x in a) + "\n")


class A(object):
    pass


gc.disable()
gc.collect()
T = gc.is_tracked
v = "%d.%d" % sys.version_info[:2]

# Tuples at creation: made at run time from a list of items.
p(v, "tuple(ints) at creation:", T(tuple([1, 2])))
p(v, "tuple(str, None) at creation:", T(tuple(["a", None])))
p(v, "tuple(list) at creation:", T(tuple([[]])))
p(v, "tuple(inst) at creation:", T(tuple([A()])))
p(v, "tuple(dict) at creation:", T(tuple([{}])))
inner = tuple([1])
p(v, "tuple(untracked tuple) at creation:", T(tuple([inner])))
tr = tuple([[]])
p(v, "tuple(tracked tuple) at creation:", T(tuple([tr])))
t3 = tuple([tuple([tuple([1])])])
rows = []
for i in range(3):
    rows.append((T(t3), T(t3[0]), T(t3[0][0])))
    gc.collect()
p(v, "3-level (outer, mid, inner) at creation then after each full collect:", rows)
# tuples built other ways
a, b = 1, []
p(v, "(a, b) display with a list:", T((a, b)), " (a, a) display of ints:", T((a, a)))
p(v, "tuple+tuple of ints:", T(tuple([1]) + tuple([2])), " t[0:1] slice:", T(tuple([1, 2, 3])[0:2]))
p(v, "zip of ints:", T(next(iter(zip([1], [2])))), " divmod:", T(divmod(7, 2)))
# A tuple made untracked at creation, then holding nothing new (immutable):
# does a collection ever track it?  And a tracked tuple whose only
# container item dies?
x = tuple([1, 2])
gc.collect()
p(v, "untracked-at-creation tuple after full collect:", T(x))
lst = []
t = tuple([lst])
gc.collect()
p(v, "tuple holding a live list after full collect:", T(t))
# Tuple holding an untracked dict: 3.14 tracks dicts from creation.
d = {}
td = tuple([d])
p(v, "tuple([{}]) at creation:", T(td))
gc.collect()
p(v, "   after full collect:", T(td), "dict:", T(d))

# Dicts
p(v, "{} at creation:", T({}), " {1: 2}:", T({1: 2}), " dict():", T(dict()))
d = {}
d["k"] = 1
gc.collect(0)
p(v, "dict of ints after collect(0):", T(d))
gc.collect()
p(v, "dict of ints after full collect:", T(d))
d2 = {}
d2["k"] = []
del d2["k"]
gc.collect()
p(v, "dict that held a list, after full collect:", T(d2))
p(v, "dict.copy of ints:", T({1: 2}.copy()), " dict comprehension:", T({i: i for i in range(2)}))
p(v, "fromkeys:", T(dict.fromkeys([1])))
a1 = A()
a1.x = 1
p(v, "instance with int attr:", T(a1))
if sys.version_info >= (3, 11):
    dd = a1.__dict__
    p(v, "materialised __dict__ of ints:", T(dd))
    del dd
else:
    p(v, "instance __dict__ of ints:", T(a1.__dict__))
gc.collect()
if sys.version_info >= (3, 11):
    p(v, "   after full collect:", T(a1.__dict__))
else:
    p(v, "   after full collect:", T(a1.__dict__))

# Other kinds
p(v, "frozenset():", T(frozenset()), " frozenset([1]):", T(frozenset([1])),
  " set():", T(set()), " []:", T([]))
import weakref
p(v, "weakref:", T(weakref.ref(a1)), " int:", T(int("1000")), " None:", T(None))

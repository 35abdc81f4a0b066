"""Cost of a full collection per object on five heap shapes, the twin of
`gclab micro --suite shapes`:
  chain          N instances, each .next the one allocated after it
  list-chain     N one-item lists, each holding the one allocated after it
  dict-chain     N one-entry dicts, each d["next"] the one allocated after
                 it: dict traversal on its own
  shuffled       N instances linked in a random order (same LCG as gclab)
  freeing-cycles N instances in rings of 10, all garbage: the collection
                 that frees them
Prints "SHAPE best_ns_per_object" lines.  gc is disabled throughout.
Usage: python shapes.py [N] [REPEAT] [SHAPE...]   (default: every shape)"""
import array
import gc
import sys
import time

# 2.7 has no perf_counter.
clock = getattr(time, "perf_counter", time.time)


SHAPES = ["chain", "list-chain", "dict-chain", "shuffled", "freeing-cycles"]


class Node(object):
    pass


def lcg_perm(n):
    perm = list(range(n))
    x = 12345
    for i in range(n - 1, 0, -1):
        x = (x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        j = (x >> 33) % (i + 1)
        perm[i], perm[j] = perm[j], perm[i]
    return perm


def build(shape, n, perm):
    if shape == "list-chain":
        head = []
        cur = head
        for _ in range(n - 1):
            nxt = []
            cur.append(nxt)
            cur = nxt
        return head
    if shape == "dict-chain":
        head = {}
        cur = head
        for _ in range(n - 1):
            nxt = {}
            cur["next"] = nxt
            cur = nxt
        return head
    nodes = [Node() for _ in range(n)]
    if shape == "chain":
        for i in range(n - 1):
            nodes[i].next = nodes[i + 1]
    elif shape == "shuffled":
        for i in range(n - 1):
            nodes[perm[i]].next = nodes[perm[i + 1]]
    else:  # freeing-cycles: rings of 10
        for i in range(0, n, 10):
            for k in range(10):
                nodes[i + k].next = nodes[i + (k + 1) % 10]
        del nodes[:]
        return None
    head = nodes[0] if shape == "chain" else nodes[perm[0]]
    del nodes[:]
    return head


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    shapes = sys.argv[3:] or SHAPES
    for shape in shapes:
        if shape not in SHAPES:
            sys.stderr.write("shapes.py: unknown shape '%s'; shapes: %s\n" %
                             (shape, " ".join(SHAPES)))
            sys.exit(2)
    # An array, not a list: a list of a million ints is itself a container
    # the timed collection would traverse, a million visits gclab's C
    # permutation does not make.  Made only when a shape uses it.
    perm = array.array("l", lcg_perm(n) if "shuffled" in shapes else [])
    gc.disable()
    for shape in shapes:
        best = None
        for _ in range(repeat):
            gc.collect()
            keep = build(shape, n, perm)
            t0 = clock()
            gc.collect()
            ns = (clock() - t0) * 1e9 / n
            best = ns if best is None else min(best, ns)
            del keep
            gc.collect()
        print("%s %.2f" % (shape, best))


main()

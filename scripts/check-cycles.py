#!/usr/bin/env python3
"""scripts/check-cycles.py -- no two harness files call each other.

Reads the object files of a build's harness library with nm: a file
calls another when it leaves undefined a symbol that the other defines.
Prints every circle of files that reach each other through calls (a
strongly connected component of more than one file) and the calls that
close it, then "N passed, N failed" (one check per file).  Exit 1 when
there is a circle, 2 when the objects cannot be read.

Also checks the include graph among harness headers the same way: a
header must not include, through any path, a header that includes it.

Usage: scripts/check-cycles.py [BUILD_DIR]   (default: build)
"""
import os
import re
import subprocess
import sys


def objects(build):
    """Object files of libharness, by source path relative to harness/."""
    lib = os.path.join(build, "harness", "libharness.a.p")
    if not os.path.isdir(lib):
        sys.stderr.write("check-cycles: no %s (build first)\n" % lib)
        sys.exit(2)
    out = {}
    for name in sorted(os.listdir(lib)):
        if name.endswith(".o"):
            # meson names harness/a/b.c's object a_b.c.o
            src = name[:-2]
            out[src] = os.path.join(lib, name)
    return out


def symbols(path):
    """(defined, undefined) global symbols of one object file."""
    res = subprocess.run(["nm", "-P", path], capture_output=True, text=True)
    if res.returncode != 0:
        sys.stderr.write("check-cycles: nm %s: %s\n" % (path, res.stderr.strip()))
        sys.exit(2)
    defined, undefined = set(), set()
    for line in res.stdout.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        sym, kind = parts[0], parts[1]
        if kind == "U":
            undefined.add(sym)
        elif kind in "TDBRVWGS":
            defined.add(sym)
    return defined, undefined


def components(nodes, edges):
    """Tarjan's strongly connected components."""
    index, low, stack, on, comps = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            comps.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return comps


def call_graph(build):
    objs = objects(build)
    defs, undefs = {}, {}
    for src, path in objs.items():
        defs[src], undefs[src] = symbols(path)
    owner = {}
    for src, ds in defs.items():
        for s in ds:
            owner.setdefault(s, src)
    edges, why = {}, {}
    for src, us in undefs.items():
        for s in us:
            dst = owner.get(s)
            if dst is not None and dst != src:
                edges.setdefault(src, set()).add(dst)
                why.setdefault((src, dst), []).append(s)
    return set(objs), edges, why


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def include_graph(root):
    """Headers and sources of harness/ and what each includes among them."""
    files = {}
    for d, _, names in os.walk(os.path.join(root, "harness")):
        for n in names:
            if n.endswith((".h", ".c")):
                files[n] = os.path.join(d, n)
    edges, why = {}, {}
    for n, path in files.items():
        with open(path, encoding="utf-8") as f:
            for inc in INCLUDE.findall(f.read()):
                base = os.path.basename(inc)
                if base in files and base != n:
                    edges.setdefault(n, set()).add(base)
                    why.setdefault((n, base), []).append("#include")
    return set(files), edges, why


def report(label, nodes, edges, why):
    failed = 0
    for comp in components(nodes, edges):
        if len(comp) < 2:
            continue
        failed += len(comp)
        print("not ok - %s: a circle of %d files: %s" % (label, len(comp), " ".join(comp)))
        members = set(comp)
        for a in comp:
            for b in sorted(edges.get(a, ())):
                if b in members:
                    syms = sorted(why[(a, b)])
                    print("#   %s -> %s (%s%s)" % (a, b, ", ".join(syms[:4]),
                                                 ", ..." if len(syms) > 4 else ""))
    return len(nodes) - failed, failed


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p1, f1 = report("calls", *call_graph(build))
    p2, f2 = report("includes", *include_graph(root))
    print("%d passed, %d failed" % (p1 + p2, f1 + f2))
    sys.exit(1 if f1 + f2 else 0)


if __name__ == "__main__":
    main()

# harness/python/gclab_capture.py -- the capture module of `gclab
# snapshot` (docs/snapshot.md): runs a program as `python SCRIPT ARGS`
# would, and at the chosen point times the interpreter's own
# gc.collect() on its heap, then writes the graph of GC-tracked objects
# to a snapshot file.  gclab passes it to the interpreter with -c, so
# that it needs no file of its own; it runs on 2.7 and on every 3.x.
#
#   python -c SOURCE --at exit|full-collection|signal --out FILE \
#          [--collects N] -- SCRIPT [ARGS]
#
# Exit status: the program's own when it fails (gclab reports it and its
# last stderr line); 3 with one line "gclab-capture: ..." when capturing
# cannot be done.  Everything the capture needs is imported and made
# here, before the program runs, so that the heap it measures is the
# program's plus this module's few objects, as it was all along.
import gc
import os
import signal
import sys
import time
import types

FORMAT_VERSION = 2
# Replacing __main__ for the program must not free this module: 2.7
# would clear its globals.
_SELF = sys.modules[__name__]
_clock = getattr(time, "perf_counter", time.time)
# CPU time of this thread (3.7+), of the process (3.3+), or 2.7's
# time.clock(): on a loaded machine, wall time also counts the time the
# process waited for a CPU.
_cpu_clock = getattr(time, "thread_time", None) or \
    getattr(time, "process_time", None) or time.clock
_FrameType = type(sys._getframe())
_TOP_CODE = sys._getframe().f_code
# Filled in before the program runs: the measurement writes into these,
# so that it makes no container while it measures.
_times = [0.0] * 64
_cpu_times = [0.0] * 64
_found = [0] * 64
_stats = [-1, -1, -1, -1, -1, -1]
_state = {"done": False, "at": "exit", "out": None, "collects": 7,
          "armed": False}


def _fail(msg):
    sys.stderr.write("gclab-capture: %s\n" % msg)
    sys.stderr.flush()
    os._exit(3)


def _measure():
    """Collections so far and thresholds, then the time of N full
    collections: the first frees whatever garbage the program left, the
    others run on the heap as it stays, which is what the snapshot
    holds.  Nothing here allocates a container that survives."""
    if hasattr(gc, "get_stats"):
        st = gc.get_stats()
        for g in range(3):
            _stats[g] = st[g]["collections"]
        st = None
    c = gc.get_count()
    _stats[3], _stats[4], _stats[5] = c[0], c[1], c[2]
    c = None
    n = _state["collects"]
    for i in range(n):
        c0 = _cpu_clock()
        t0 = _clock()
        k = gc.collect()
        t1 = _clock()
        c1 = _cpu_clock()
        _times[i] = t1 - t0
        _cpu_times[i] = c1 - c0
        _found[i] = k


def _own(objs):
    """The ids of what capturing made: its frames (tracked on 2.7 and
    3.8, and whenever sys._getframe made one)."""
    own = set()
    codes = [_TOP_CODE]
    for f in (_measure, _own, _write, _capture, _on_signal, _on_gc, main,
              _run):
        codes.append(getattr(f, "__code__", None) or f.func_code)
    for o in objs:
        if type(o) is _FrameType and o.f_code in codes:
            own.add(id(o))
    return own


def _rss_bytes():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (IOError, OSError, ValueError, IndexError):
        return 0


def _kind_size(o, kinds, kind_names):
    """o's kind, numbered in order of first sight, and sys.getsizeof."""
    t = type(o).__name__
    k = kinds.get(t)
    if k is None:
        k = kinds[t] = len(kind_names)
        kind_names.append(t)
    try:
        return k, sys.getsizeof(o)
    except Exception:
        return k, 0


def _write(path, objs, gens, own):
    getrefcount = sys.getrefcount
    get_referents = gc.get_referents
    is_tracked = gc.is_tracked
    index = {}
    n = 0
    for o in objs:
        if id(o) not in own:
            index[id(o)] = n
            n += 1
    # What the interpreter adds to a count read the way the loop below
    # reads it (objs, the loop variable, the call's argument; fewer on
    # 3.14, which borrows references): calibrated on an object whose
    # true count is known, 1 (probe), in a list as objs holds them.
    probe = []
    for o in [probe]:
        extra = getrefcount(o) - 1
    kinds = {}
    kind_names = []
    untracked = {}
    utable = []
    lines = []
    nedges = 0
    heap_bytes = 0
    for o in objs:
        if id(o) in own:
            continue
        k, size = _kind_size(o, kinds, kind_names)
        heap_bytes += size
        rc = getrefcount(o) - extra
        refs = []
        for r in get_referents(o):
            i = index.get(id(r))
            if i is None:
                if is_tracked(r):
                    continue  # one of capture's own objects
                i = untracked.get(id(r))
                if i is None:
                    uk, us = _kind_size(r, kinds, kind_names)
                    heap_bytes += us
                    i = untracked[id(r)] = n + len(utable)
                    utable.append("a %d %d %d\n" % (uk, us, id(r)))
            refs.append(i)
        r = None  # else it could count in the next object's refcount
        nedges += len(refs)
        lines.append("o %d %d %d %d %d %d%s%s\n" % (
            k, gens.get(id(o), 2), size, rc if rc > 0 else 0, id(o),
            len(refs),
            " " if refs else "", " ".join(map(str, refs))))
    head = [
        "gclab-snapshot %d\n" % FORMAT_VERSION,
        "python %s\n" % sys.version.split()[0],
        "at %s\n" % _state["at"],
        "threshold %d %d %d\n" % tuple(gc.get_threshold()),
        "count %d %d %d\n" % tuple(_stats[3:6]),
        "collections %d %d %d\n" % tuple(_stats[0:3]),
        "collect_ns %s\n" % " ".join(
            "%d" % int(t * 1e9) for t in _times[:_state["collects"]]),
        "collect_cpu_ns %s\n" % " ".join(
            "%d" % int(t * 1e9) for t in _cpu_times[:_state["collects"]]),
        "collected %s\n" % " ".join(
            "%d" % k for k in _found[:_state["collects"]]),
        "tracked %d\n" % n,
        "untracked %d\n" % len(utable),
        "edges %d\n" % nedges,
        "heap_bytes %d\n" % heap_bytes,
        "rss_bytes %d\n" % _rss_bytes(),
        "kinds %d\n" % len(kind_names),
    ]
    head.extend("k %s\n" % name for name in kind_names)
    tmp = "%s.tmp.%d" % (path, os.getpid())
    try:
        with open(tmp, "w") as f:
            f.writelines(head)
            f.writelines(lines)
            f.writelines(utable)
            f.write("end\n")
        os.rename(tmp, path)
    except (IOError, OSError) as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        _fail("cannot write %s: %s" % (path, e.strerror or e))


def _capture():
    if _state["done"]:
        return
    _state["done"] = True
    if hasattr(gc, "callbacks") and _on_gc in gc.callbacks:
        gc.callbacks.remove(_on_gc)  # else it would run in the timing
    # Generations as they were, before the measurement moves everything
    # to the oldest (3.8+; 2.7 cannot say).  One set, left out below.
    gens = {}
    if sys.version_info >= (3, 8):
        for g in (0, 1):
            for o in gc.get_objects(generation=g):
                gens[id(o)] = g
    _measure()
    objs = gc.get_objects()
    own = _own(objs)
    own.add(id(gens))
    _write(_state["out"], objs, gens, own)


def _on_signal(signum, frame):
    # Bytecode runs inside a collection only in its callbacks and
    # finalizers, where gc.collect() would do nothing: wait a little
    # longer if the signal came there (our own callback).
    f = frame
    while f is not None:
        if f.f_code is _on_gc.__code__:
            f = frame = None
            signal.setitimer(signal.ITIMER_REAL, 0.001)
            return
        f = f.f_back
    f = frame = None
    _capture()


def _on_gc(phase, info):
    # A callback cannot collect (the collection is still running): a
    # timer signal runs the capture once it is over.
    if phase == "stop" and info.get("generation") == 2 and \
            not _state["done"] and not _state["armed"]:
        _state["armed"] = True
        signal.setitimer(signal.ITIMER_REAL, 0.001)


def _run(script, argv):
    main_mod = types.ModuleType("__main__")
    main_mod.__file__ = script
    main_mod.__builtins__ = __builtins__
    sys.modules["__main__"] = main_mod
    sys.argv = [script] + argv
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    with open(script, "rb") as f:
        source = f.read()
    code = compile(source, script, "exec")
    exec(code, main_mod.__dict__)


def main():
    args = sys.argv[1:]
    while args and args[0] != "--":
        if len(args) < 2:
            _fail("option %s needs a value" % args[0])
        opt, val = args[0], args[1]
        args = args[2:]
        if opt == "--at" and val in ("exit", "full-collection", "signal"):
            _state["at"] = val
        elif opt == "--out":
            _state["out"] = val
        elif opt == "--collects" and val.isdigit() and 1 <= int(val) <= 64:
            _state["collects"] = int(val)
        else:
            _fail("bad option %s %s" % (opt, val))
    if not args[1:] or _state["out"] is None:
        _fail("usage: --at WHEN --out FILE -- SCRIPT [ARGS]")
    if not hasattr(gc, "get_referents") or not hasattr(gc, "get_objects"):
        _fail("this interpreter has no gc.get_referents")
    at = _state["at"]
    if at == "full-collection":
        if not hasattr(gc, "callbacks"):
            _fail("--at full-collection needs gc.callbacks (3.3+)")
        signal.signal(signal.SIGALRM, _on_signal)
        gc.callbacks.append(_on_gc)
    elif at == "signal":
        signal.signal(signal.SIGUSR1, _on_signal)
    code = 0
    try:
        _run(args[1], args[2:])
    except SystemExit as e:
        if e.code is not None and e.code != 0:
            raise
    if at == "exit" or _state["armed"]:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _capture()  # exit, or a full collection just before it
    elif not _state["done"]:
        _fail("the program ended before %s" % (
            "a full collection" if at == "full-collection" else "SIGUSR1"))
    sys.stdout.flush()
    sys.exit(code)


main()

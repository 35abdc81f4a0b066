"""The measuring frame every Python twin shares: gclab embeds this file in
place of the twin's `from gclab_measure import ...` line (see
scripts/embed.py), so `gclab twin NAME` prints one standalone program.

gclab_measure(run, args) runs run(*args) as the measured region, after a
full collection, and prints what `gclab run --peer` reads, one "key
value" line each: collections per generation, the checksum and the wall
time; with GCLAB_RECORD_GC=1 (3.x) also the time in collections as
gc.callbacks sees it, pause percentiles, and every pause as
START:LENGTH:GENERATION (ns from the region's start) for the MMU.

Collections come from gc.get_stats on 3.x.  2.7 has no gc.get_stats, so
there DEBUG_STATS writes a "gc: collecting generation N..." line per
collection to a temporary file standing in for fd 2, read once the
region is over: the collector writes those lines with C stdio, so
counting allocates nothing the collector counts.  2.7 has no
gc.callbacks either, hence no pauses.

With GCLAB_TRACEMALLOC=1 (3.x; 2.7 has no tracemalloc) the run is an
accounting run: tracemalloc traces the region and it also prints
tracemalloc_peak_bytes (the traced peak: what the region allocated
beyond its start, as gclab's peak_region_live_bytes counts) and
peak_rss_bytes (the process's, from getrusage).  Tracing slows the
program several times, so timed runs leave it off; it allocates with
the raw allocator, which the collector does not count.

The recorder allocates only floats and grows three lists, none of which
the collector counts, so the collections are those of the program.

xrange is range on 3.x: on 2.7 range() builds a list, a tracked object
3.x does not make, so the twins loop over xrange."""
import gc
import os
import sys
import time

if sys.version_info[0] < 3:
    xrange = xrange  # noqa: F821 -- the builtin, importable from here
else:
    xrange = range


def _fill_free_lists():
    """2.7's full collections leave the list and dict free lists alone
    (3.x's empty them), so the region would start with however many the
    start-up happened to free, some 20 to 35 of each, which the program
    then gets without counting them.  100 of each made and dropped fill
    both (80 each), as gclab's 2.7 runs fill them before theirs."""
    held = [[] for _ in xrange(100)] + [{} for _ in xrange(100)]
    del held


def _debug_stats_begin():
    """2.7: sends fd 2 to a temporary file and turns on DEBUG_STATS;
    returns what _debug_stats_end needs to undo that."""
    sys.stderr.flush()
    log = os.tmpfile()
    state = log, os.dup(2)
    os.dup2(log.fileno(), 2)
    # Last: an allocation after it could start a collection that logs.
    gc.set_debug(gc.DEBUG_STATS)
    return state


def _debug_stats_end(state):
    """Undoes _debug_stats_begin and returns the collections of each
    generation its log shows, in order; other lines (a warning, an
    exception ignored in __del__) go on to the real stderr."""
    log, saved = state
    gc.set_debug(0)
    os.dup2(saved, 2)
    os.close(saved)
    log.seek(0)
    gens = []
    prefix = "gc: collecting generation "
    for line in log:
        if line.startswith(prefix):
            gens.append(int(line[len(prefix)]))
        elif not line.startswith("gc: "):
            sys.stderr.write(line)
    log.close()
    return gens


def gclab_measure(run, args):
    clock = getattr(time, "perf_counter", time.time)
    tracing = os.environ.get("GCLAB_TRACEMALLOC") == "1" and \
        sys.version_info[0] >= 3
    if tracing:
        # Imported before the set-up collection, so that the import's
        # own objects are not counted against the region.
        import resource
        import tracemalloc
    starts, lengths, gens = [], [], []
    if os.environ.get("GCLAB_RECORD_GC") == "1" and hasattr(gc, "callbacks"):
        def record(phase, info):
            if phase == "start":
                starts.append(clock())
            else:
                lengths.append(clock() - starts[-1])
                gens.append(info["generation"])

        gc.callbacks.append(record)
    has_stats = hasattr(gc, "get_stats")
    if sys.version_info[0] < 3:
        _fill_free_lists()
    if not has_stats:
        # Right before the set-up collection, so that nothing runs
        # between that and the region.
        debug_stats = _debug_stats_begin()
    gc.collect()
    # The collection above is set-up, not part of the measured region.
    del starts[:]
    del lengths[:]
    del gens[:]
    before = [s["collections"] for s in gc.get_stats()] if has_stats \
        else [0, 0, 0]
    if tracing:
        tracemalloc.start()
    t0 = clock()
    try:
        checksum = run(*args)
        wall = clock() - t0
        if tracing:
            traced_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    finally:
        if not has_stats:
            seen = _debug_stats_end(debug_stats)
            # The program's own: those after the set-up collection, the
            # first of generation 2.
            seen = seen[seen.index(2) + 1:]
    if has_stats:
        after = [s["collections"] for s in gc.get_stats()]
    else:
        after = [seen.count(g) for g in range(3)]
    for g in range(3):
        print("collections_gen%d %d" % (g, after[g] - before[g]))
    print("checksum %d" % checksum)
    print("wall_ns %d" % int(wall * 1e9))
    if tracing:
        print("tracemalloc_peak_bytes %d" % traced_peak)
        print("peak_rss_bytes %d" %
              (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))
    n = len(lengths)
    if n:
        ordered = sorted(lengths)
        print("gc_ns %d" % int(sum(lengths) * 1e9))
        for name, q in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99)):
            rank = max(1, min(n, int(q * n + 0.999999)))
            print("pause_%s_ns %d" % (name, int(ordered[rank - 1] * 1e9)))
        print("pause_max_ns %d" % int(ordered[-1] * 1e9))
        print("pauses_ns %s" % ",".join(
            "%d:%d:%d" % (int((starts[i] - t0) * 1e9), int(lengths[i] * 1e9),
                          gens[i]) for i in range(n)))

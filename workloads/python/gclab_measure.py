"""The measuring frame every Python twin shares: gclab embeds this file in
place of the twin's `from gclab_measure import gclab_measure` line (see
scripts/embed.py), so `gclab twin NAME` prints one standalone program.

gclab_measure(run, args) runs run(*args) as the measured region, after a
full collection, and prints what `gclab run --peer` reads, one "key
value" line each: collections per generation (gc.get_stats), the
checksum and the wall time; with GCLAB_RECORD_GC=1 also the time in
collections as gc.callbacks sees it, pause percentiles, and every pause
as START:LENGTH:GENERATION (ns from the region's start) for the MMU.

The recorder allocates only floats and grows three lists, none of which
the collector counts, so the collections are those of the program."""
import gc
import os
import time


def gclab_measure(run, args):
    starts, lengths, gens = [], [], []
    if os.environ.get("GCLAB_RECORD_GC") == "1":
        def record(phase, info):
            if phase == "start":
                starts.append(time.perf_counter())
            else:
                lengths.append(time.perf_counter() - starts[-1])
                gens.append(info["generation"])

        gc.callbacks.append(record)
    has_stats = hasattr(gc, "get_stats")
    gc.collect()
    # The collection above is set-up, not part of the measured region.
    del starts[:]
    del lengths[:]
    del gens[:]
    before = [s["collections"] for s in gc.get_stats()] if has_stats \
        else [0, 0, 0]
    t0 = time.perf_counter()
    checksum = run(*args)
    wall = time.perf_counter() - t0
    after = [s["collections"] for s in gc.get_stats()] if has_stats \
        else [0, 0, 0]
    for g in range(3):
        print("collections_gen%d %d" % (g, after[g] - before[g]))
    print("checksum %d" % checksum)
    print("wall_ns %d" % int(wall * 1e9))
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

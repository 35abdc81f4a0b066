#!/usr/bin/env python3
"""scripts/same-records.py -- two results directories hold the same
records, apart from what depends on time or on the machine's state.

For a change that must not change behaviour (a restructuring of the
harness, say): run the same command from the old build and the new one
with the same --order-seed, then

    scripts/same-records.py OLD_DIR NEW_DIR

Records pair by (collector, workload_spec, size, repetition).  Every
member must be equal except times (*_ns), clock-derived rates and
shares, OS counters (faults, RSS), the MMU figures, and the labels of
when, where and by which build (started_at, gclab_revision, ...).  A
peer's record (a real interpreter) is compared on its collections only.
Prints one line per difference and "N passed, N failed" (one check per
record, plus one for the pairing); exit 1 on a difference, 2 on bad
input.  Looks in DIR/scaling too when both have one.
"""
import json
import os
import sys

# Members that depend on time, the OS or the build, not on behaviour.
VOLATILE = {
    "gc_share", "mmu_1ms", "mmu_10ms", "mmu_100ms", "mmu_curve",
    "alloc_per_s", "peak_rss_bytes", "minor_faults", "setup_minor_faults",
    "warmup_minor_faults", "started_at", "gclab_revision", "tree_dirty",
    "compiler", "host", "cpu_model", "kernel", "thp", "governor", "aslr",
    "run_index", "peak_os_bytes", "tracemalloc_peak_bytes", "cascades",
}
PEER_KEPT = {"collections_gen0", "collections_gen1", "collections_gen2"}


def read(path):
    f = os.path.join(path, "results.jsonl") if os.path.isdir(path) else path
    try:
        with open(f, encoding="ascii") as fh:
            lines = [json.loads(line) for line in fh if line.strip()]
    except (OSError, ValueError) as e:
        sys.stderr.write("same-records: %s: %s\n" % (f, e))
        sys.exit(2)
    out = {}
    for r in lines:
        key = (r.get("collector"), r.get("workload_spec"), r.get("size"),
               r.get("repetition"))
        out[key] = r
    return out


def differences(a, b):
    peer = a.get("peer") is True
    keys = sorted(set(a) | set(b))
    for k in keys:
        if k.endswith("_ns") or k in VOLATILE:
            continue
        if peer and k not in PEER_KEPT:
            continue
        if a.get(k) != b.get(k):
            yield "%s: %r != %r" % (k, a.get(k), b.get(k))


def compare(old_dir, new_dir, label):
    old, new = read(old_dir), read(new_dir)
    passed = failed = 0
    if set(old) != set(new):
        failed += 1
        print("not ok - %s: the records differ in which runs they hold "
              "(%d only old, %d only new)" % (label, len(set(old) - set(new)),
                                              len(set(new) - set(old))))
    else:
        passed += 1
    for key in sorted(set(old) & set(new), key=repr):
        diff = list(differences(old[key], new[key]))
        if diff:
            failed += 1
            print("not ok - %s %s: %s" % (label, key, "; ".join(diff[:5])))
        else:
            passed += 1
    return passed, failed


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: scripts/same-records.py OLD_DIR NEW_DIR\n")
        sys.exit(2)
    old, new = sys.argv[1], sys.argv[2]
    p, f = compare(old, new, "records")
    so, sn = os.path.join(old, "scaling"), os.path.join(new, "scaling")
    if os.path.isdir(so) and os.path.isdir(sn):
        p2, f2 = compare(so, sn, "scaling")
        p, f = p + p2, f + f2
    print("%d passed, %d failed" % (p, f))
    sys.exit(1 if f else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""scripts/coverage-uncovered.py -- what coverage.sh leaves uncovered in
collectors/, one line each: FILE:LINE, branches not taken of the line's
branches, L when the line itself never ran, and the source line, so
that docs/coverage.md can give each a reason.

Usage: scripts/coverage-uncovered.py GCOVR_JSON >OUT"""
import json
import sys

if len(sys.argv) != 2:
    sys.exit("usage: coverage-uncovered.py GCOVR_JSON")
try:
    with open(sys.argv[1]) as f:
        data = json.load(f)
except (OSError, ValueError) as e:
    sys.exit("coverage-uncovered.py: %s: %s" % (sys.argv[1], e))
for entry in sorted(data["files"], key=lambda e: e["file"]):
    with open(entry["file"]) as f:
        source = f.read().split("\n")
    for line in entry["lines"]:
        branches = line.get("branches", [])
        missed = sum(1 for b in branches if b["count"] == 0)
        unrun = line["count"] == 0 and not line.get("gcovr/noncode")
        if missed or unrun:
            n = line["line_number"]
            print("%s:%d %d/%d %s | %s" % (entry["file"], n, missed,
                                          len(branches), "L" if unrun else " ",
                                          source[n - 1].strip()[:90]))

"""Prints the closing line CI reads, 'N passed, N failed', from meson's
testlog.json.  Ordinary tests count their TAP points; a test registered
with should_fail (the negative control) counts once, as passed when it
failed as expected.  A test that crashed or timed out counts as a
failure even if every point it printed was ok."""
import json
import re
import sys

POINT = re.compile(r"^(ok|not ok) \d+([^\n]*)", re.M)

passed = failed = skipped = 0
broken = []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        test = json.loads(line)
        result = test["result"]
        if result == "EXPECTEDFAIL":
            passed += 1
            continue
        if result == "UNEXPECTEDPASS":
            failed += 1
            broken.append("%s: %s" % (test["name"], result))
            continue
        not_ok = 0
        for m in POINT.finditer(test.get("stdout") or ""):
            if "# SKIP" in m.group(2):
                skipped += 1
            elif m.group(1) == "ok":
                passed += 1
            else:
                failed += 1
                not_ok += 1
        if result not in ("OK", "SKIP"):
            broken.append("%s: %s" % (test["name"], result))
            if not_ok == 0:
                failed += 1
for b in broken:
    print("# failed: " + b)
print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
sys.exit(1 if failed or broken else 0)

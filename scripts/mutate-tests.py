"""Runs the mutation test set on one build, in order, and stops at the
first test that fails: prints 'killed NAME: WHY' or 'survived'.

usage: mutate-tests.py BUILD_DIR TEST [TEST ...]

A test is a meson test name (as `meson test --list` prints it); its
command, environment and should_fail come from `meson introspect
--tests`, so the tests run exactly as meson runs them, without meson's
start-up cost per test.  A crash, a timeout (the test's own meson
timeout) or a failed TAP point kills the mutant; for a should_fail test
(the refcount-only collector's cycle cases, named with a leading '!'
here, since meson's introspection does not say which tests must fail)
passing does."""
import json
import os
import re
import subprocess
import sys

NOT_OK = re.compile(r"^not ok \d+ *-? *(.*)$", re.M)


def main():
    build, names = sys.argv[1], sys.argv[2:]
    tests = json.loads(subprocess.run(
        ["meson", "introspect", build, "--tests"], check=True,
        capture_output=True, text=True).stdout)
    by_name = {t["name"]: t for t in tests}
    for name in names:
        must_fail = name.startswith("!")
        name = name.lstrip("!")
        t = by_name.get(name)
        if t is None:
            print("mutate-tests: no test named '%s' in %s" % (name, build),
                  file=sys.stderr)
            return 2
        env = dict(os.environ)
        env.update(t.get("env") or {})
        try:
            p = subprocess.run(t["cmd"], env=env, cwd=t.get("workdir"),
                               stdin=subprocess.DEVNULL,
                               capture_output=True, text=True,
                               errors="replace", timeout=t["timeout"])
        except subprocess.TimeoutExpired:
            print("killed %s: timed out after %ss" % (name, t["timeout"]))
            return 0
        bad = NOT_OK.findall(p.stdout) if t["protocol"] == "tap" else []
        failed = p.returncode != 0 or bool(bad)
        if must_fail:
            if not failed:
                print("killed %s: passed, but must fail" % name)
                return 0
            continue
        if failed:
            if p.returncode < 0:
                why = "signal %d" % -p.returncode
            elif bad:
                why = bad[0].strip()[:100]
            else:
                lines = (p.stderr or p.stdout).strip().splitlines()
                why = ("exit %d: %s" % (p.returncode,
                                        lines[-1] if lines else ""))[:120]
            print("killed %s: %s" % (name, why))
            return 0
    print("survived")
    return 0


if __name__ == "__main__":
    sys.exit(main())

# scripts/snapshot-programs/stdlib_imports.py -- a module-heavy
# start-up: import as much of the standard library as imports cleanly
# (sys.stdlib_module_names, 3.10+), as a large application's start-up
# does, then stop.  Modules that act on import (this, antigravity,
# turtle demos, GUIs) are left out.
import importlib
import sys

SKIP = {"this", "antigravity", "idlelib", "tkinter", "turtle", "turtledemo",
        "__main__", "ensurepip", "venv", "lib2to3", "pydoc_data", "test",
        "xxsubtype", "_tkinter", "msvcrt", "winreg", "winsound", "nt",
        "_winapi", "_msi", "msilib", "_wmi", "_overlapped", "asyncio.__main__"}
names = sorted(getattr(sys, "stdlib_module_names", ()))
done = failed = 0
for name in names:
    if name in SKIP or name.startswith("_test"):
        continue
    try:
        importlib.import_module(name)
        done += 1
    except Exception:
        failed += 1
print("imported %d modules (%d failed), %d in sys.modules" % (
    done, failed, len(sys.modules)))

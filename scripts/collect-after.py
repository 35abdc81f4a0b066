# scripts/collect-after.py -- runs SCRIPT as __main__ (its globals kept
# alive, as `gclab snapshot --at exit` keeps them), then K gc.collect():
# for counting one collection's instructions under callgrind as the
# difference of two K (docs/snapshot-figures.md).
#   python collect-after.py K SCRIPT [ARGS]
import gc
import os
import runpy
import sys

k = int(sys.argv[1])
sys.argv = sys.argv[2:]
sys.path[0] = os.path.dirname(os.path.abspath(sys.argv[0]))
kept = runpy.run_path(sys.argv[0], run_name="__main__")
for _ in range(k):
    gc.collect()
sys.stderr.write("tracked %d\n" % len(gc.get_objects()))

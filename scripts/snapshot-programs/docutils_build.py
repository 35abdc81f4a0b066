# scripts/snapshot-programs/docutils_build.py -- docutils (Debian's
# python3-docutils) building a document set, as Sphinx does: every
# reStructuredText file under a directory (default: CMake's manual,
# Debian's cmake-data) parsed into a doctree that is kept, as Sphinx's
# environment keeps them, and written as HTML.  CPython's gh-124567
# came from such a build.
#   python docutils_build.py [DIR] [LIMIT]
import os
import sys

import docutils.core
import docutils.utils

root = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/cmake-3.25/Help"
limit = int(sys.argv[2]) if len(sys.argv) > 2 else 1 << 30
paths = []
for d, dirs, files in os.walk(root):
    dirs.sort()
    for f in sorted(files):
        if f.endswith(".rst"):
            paths.append(os.path.join(d, f))
paths = paths[:limit]
settings = {"report_level": 5, "halt_level": 5, "warning_stream": False,
            "input_encoding": "utf-8", "file_insertion_enabled": False,
            "raw_enabled": False}
doctrees = {}
html_bytes = 0
for p in paths:
    with open(p, encoding="utf-8", errors="replace") as f:
        source = f.read()
    doctree = docutils.core.publish_doctree(
        source, source_path=p, settings_overrides=settings)
    doctrees[p] = doctree
    html = docutils.core.publish_from_doctree(
        doctree, writer_name="html", settings_overrides=settings)
    html_bytes += len(html)
print("docutils: %d documents, %d bytes of HTML" % (len(doctrees),
                                                     html_bytes))

#!/usr/bin/env python3
"""scripts/check-links.py [ROOT] -- every link in README.md and docs/
resolves inside the clone: each Markdown link or image, each href or
src of HTML in them, and each path to a file written as code (`../x`,
`docs/x.md`), unless it is a web address, must name a file or folder
that exists under ROOT (default: this script's repository), not one
beside it such as ../shared.  Anchors (#...) are not checked.
Prints one line per broken link (FILE:LINE: TARGET: why) and closes with
"N passed, N failed"; exit 1 if any is broken."""
import os
import re
import sys

LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""")
REF = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)")


# A file named in a code span, as the README once named
# `../shared/docs/design.md`: a path that leaves the folder, or a path
# to a Markdown file.
SPAN = re.compile(r"`(\.\./[^`\s]*|[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]*\.md)`")


def targets(text):
    """(line number, target, whether it is a code span) of every link in
    a Markdown text outside code blocks, and of every file a code span
    names by a path."""
    fenced = False
    for n, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        for m in SPAN.finditer(line):
            yield n, m.group(1), True
        line = re.sub(r"`[^`]*`", "", line)
        for rx in (LINK, HTML, REF):
            for m in rx.finditer(line):
                yield n, m.group(1), False


def main():
    root = os.path.realpath(sys.argv[1] if len(sys.argv) > 1 else
                            os.path.join(os.path.dirname(__file__), ".."))
    files = [os.path.join(root, "README.md")]
    for d, _, names in os.walk(os.path.join(root, "docs")):
        files += [os.path.join(d, f) for f in sorted(names)
                  if f.endswith(".md")]
    passed = failed = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for n, target, span in targets(text):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or \
                    target.startswith("#"):
                continue  # a web address, mailto:, or an anchor here
            rel = target.split("#", 1)[0]
            full = os.path.realpath(os.path.join(os.path.dirname(path), rel))
            if span and not os.path.exists(full) and \
                    not target.startswith("../"):
                # A code span names a path from the top as often as from
                # the file's own folder.
                full = os.path.realpath(os.path.join(root, rel))
            where = os.path.relpath(path, root)
            if full != root and not full.startswith(root + os.sep):
                print("%s:%d: %s: outside the repository" % (where, n, target))
                failed += 1
            elif not os.path.exists(full):
                print("%s:%d: %s: no such file" % (where, n, target))
                failed += 1
            else:
                passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

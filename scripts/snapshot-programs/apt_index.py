# scripts/snapshot-programs/apt_index.py -- a large live heap: Debian's
# package index (apt's Packages file for bookworm main, about 64,000
# packages) parsed into Package objects, each with its fields, its
# dependencies as lists of alternatives (tuples), and links both ways
# between packages (depends and reverse depends, so cycles everywhere),
# as a dependency resolver holds it.
#   python apt_index.py [PACKAGES-FILE] [LIMIT]
import sys

PATH = ("/var/lib/apt/lists/"
        "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages")


class Package(object):
    def __init__(self, fields):
        self.name = fields.get("Package")
        self.version = fields.get("Version")
        self.fields = fields
        self.depends = []
        self.rdepends = []


def parse(path, limit):
    packages = {}
    fields = {}
    key = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line == "\n":
                if "Package" in fields:
                    packages[fields["Package"]] = Package(fields)
                    if len(packages) >= limit:
                        break
                fields, key = {}, None
            elif line[0] in " \t" and key is not None:
                fields[key] += line
            else:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
    return packages


def relations(text):
    out = []
    for group in text.split(","):
        alts = tuple(a.strip().split(" ")[0] for a in group.split("|"))
        out.append(alts)
    return out


path = sys.argv[1] if len(sys.argv) > 1 else PATH
limit = int(sys.argv[2]) if len(sys.argv) > 2 else 1 << 30
packages = parse(path, limit)
for p in packages.values():
    for alts in relations(p.fields.get("Depends", "")):
        targets = [packages[a] for a in alts if a in packages]
        p.depends.append((alts, targets))
        for t in targets:
            t.rdepends.append(p)
print("apt index: %d packages" % len(packages))

# scripts/snapshot-programs/million.py -- a heap of a million tracked
# objects, for the snapshot reader's speed (docs/snapshot.md): 250,000
# records, each an instance, a list, a dict and a tuple, linked in
# cycles.
class Record(object):
    pass


records = []
for i in range(250000):
    r = Record()
    r.items = [i, str(i)]
    r.index = {"self": r, "prev": records[-1] if records else None}
    r.key = (r.items, i)
    records.append(r)
print("million: %d records" % len(records))

/* harness/plots/snapshot-internal.h -- the shape of a snapshot's heap
 * (snapshot-shape.c), for `gclab snapshot --shape` and `gclab plot`. */
#ifndef GCLAB_SNAPSHOT_INTERNAL_H
#define GCLAB_SNAPSHOT_INTERNAL_H

#include "harness.h"

#include <stdio.h>

/* The shape of the snapshot at path as text on out: 0, or 2 with one
 * line on err. */
int gc_snapshot_shape_text(const char *path, FILE *out, FILE *err);
/* For each snapshot workload among workloads (its file=F), a page
 * dir/snapshot-N.html with its heap's shape, and a list linking them in
 * index; a snapshot that cannot be read is named there as not drawn. */
void gc_snapshot_pages(struct gc_buf *index, const char *dir,
                       const char *const *workloads, int n);

#endif /* GCLAB_SNAPSHOT_INTERNAL_H */

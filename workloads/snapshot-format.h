/* workloads/snapshot-format.h -- the reader of gclab snapshot files
 * (docs/snapshot.md): the graph of a real program's GC-tracked objects,
 * with what its interpreter measured, as `gclab snapshot` writes it.
 * Used by the snapshot workload and by `gclab snapshot` to check what it
 * wrote. */
#ifndef GCLAB_SNAPSHOT_FORMAT_H
#define GCLAB_SNAPSHOT_FORMAT_H

#include "gc.h"

#include <stddef.h>
#include <stdint.h>

/* The newest version this gclab reads and `gclab snapshot` writes; it
 * reads every version from 1 up. */
#define GC_SNAPSHOT_VERSION 2
#define GC_SNAPSHOT_MAX_COLLECTS 64
/* Ids are 32-bit: a snapshot holds fewer objects than this. */
#define GC_SNAPSHOT_MAX_NODES ((uint64_t)UINT32_MAX)

/* One object: ids 0 .. ntracked-1 are the tracked objects, in
 * gc.get_objects() order; ntracked .. ntracked+nuntracked-1 are the
 * untracked objects they refer to, which have no edges. */
struct gc_snapshot_node {
    uint64_t size_bytes; /* sys.getsizeof */
    uint64_t refcnt;     /* the interpreter's count, less capture's own */
    uint64_t addr;       /* id(): its address there; 0 before version 2 */
    uint64_t edge0;      /* first of its edges in gc_snapshot.edges */
    uint32_t nedges;
    uint32_t kind;       /* index into kind_names */
    int32_t gen;         /* 0..2 for tracked objects, -1 untracked */
};

struct gc_snapshot {
    int version;     /* the file's: 1, or 2 with addresses */
    char python[32]; /* "3.14.10" */
    char at[32];     /* exit, full-collection, signal */
    int64_t threshold[3];
    int64_t count[3];       /* gc.get_count() before the measurement */
    int64_t collections[3]; /* per generation so far; -1: unknown (2.7) */
    /* The interpreter's gc.collect() times: the first freed whatever
     * garbage there was, the rest ran on the heap the snapshot holds. */
    uint64_t collect_ns[GC_SNAPSHOT_MAX_COLLECTS];
    /* The same collections' CPU time (the thread's on 3.7+). */
    uint64_t collect_cpu_ns[GC_SNAPSHOT_MAX_COLLECTS];
    uint64_t collected[GC_SNAPSHOT_MAX_COLLECTS];
    size_t ncollects;
    uint64_t ntracked, nuntracked, nedges;
    uint64_t heap_bytes, rss_bytes;
    size_t nkinds;
    char **kind_names;
    struct gc_snapshot_node *nodes; /* ntracked + nuntracked */
    uint32_t *edges;                /* nedges ids, in traversal order */
    /* Private: how the arrays were allocated. */
    const struct gc_allocator *allocator;
    size_t names_bytes;
    char *names;
};

/* Reads the snapshot at path with allocator (NULL: the system's).
 * GC_OK; GC_EIO if it cannot be read; GC_EINVAL if it is not a
 * snapshot this gclab reads (truncated, a newer version, a malformed
 * line, an edge to an unknown id); GC_ENOMEM.  On failure err holds
 * one line naming the file (and line) and nothing is left allocated. */
enum gc_status gc_snapshot_read(const char *path,
                                const struct gc_allocator *allocator,
                                struct gc_snapshot *out, char *err,
                                size_t err_bytes);
/* The same for len bytes at data (not NUL-terminated); name stands for
 * the file in messages. */
enum gc_status gc_snapshot_parse(const char *name, const char *data,
                                 size_t len,
                                 const struct gc_allocator *allocator,
                                 struct gc_snapshot *out, char *err,
                                 size_t err_bytes);
void gc_snapshot_free(struct gc_snapshot *s);
/* The median of the collections after the first (the heap as it
 * stayed), or of all if there is one. */
uint64_t gc_snapshot_collect_median_ns(const struct gc_snapshot *s);
uint64_t gc_snapshot_collect_cpu_median_ns(const struct gc_snapshot *s);

#endif /* GCLAB_SNAPSHOT_FORMAT_H */

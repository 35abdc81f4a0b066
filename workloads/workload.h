/* workloads/workload.h -- the contract of a workload: a named program
 * over the object API (collectors/gc.h) with parameters and a default
 * size, declared once in a table.  A workload never asks which collector
 * runs it; it allocates, mutates and drops objects through the heap it
 * is given, calls gc_safepoint where an interpreter would check its eval
 * breaker, and returns a checksum of its result so that a collector that
 * breaks semantics is caught.
 *
 * The table is empty until the workloads arrive (issue "Workloads with
 * Python twins"); the harness already lists whatever it holds. */
#ifndef GCLAB_WORKLOAD_H
#define GCLAB_WORKLOAD_H

#include "gc.h"

struct gc_workload_params {
    uint64_t size;  /* approximate number of objects live at the peak */
    uint64_t seed;
};

typedef enum gc_status gc_workload_fn(struct gc_heap *heap,
                                      const struct gc_workload_params *p,
                                      uint64_t *checksum);

struct gc_workload {
    const char *name;
    const char *description;
    uint64_t default_size;
    gc_workload_fn *run;
};

/* NULL-terminated. */
extern const struct gc_workload *const gc_workloads[];
const struct gc_workload *gc_workload_find(const char *name);

#endif /* GCLAB_WORKLOAD_H */

/* workloads/workload.h -- the contract of a workload: a named program
 * over the object API (collectors/gc.h) with options and a default
 * size, declared once in a table.  A workload never asks which
 * collector runs it: it allocates, mutates and drops objects through
 * the heap it is given, calls gc_safepoint where an interpreter would
 * check its eval breaker (calls, loop back-edges), and returns a
 * checksum of what it computed, so a collector that breaks semantics is
 * caught.  Each has a Python twin in workloads/python/ that makes the
 * same objects in the same order on a real interpreter. */
#ifndef GCLAB_WORKLOAD_H
#define GCLAB_WORKLOAD_H

#include "gc.h"

#include <stdio.h>

struct gc_workload_params {
    uint64_t size; /* approximate number of objects live at the peak */
    uint64_t seed;
    /* The workload's own options, checked against its table. */
    const struct gc_option_value *opts;
    size_t nopts;
    /* Request boundaries, for workloads that serve requests (server):
     * the harness reads its clock in this hook, since workloads never
     * do.  May be NULL. */
    void (*on_request)(void *ctx, bool is_end);
    void *request_ctx;
};

/* A request begins (is_end false) or ends. */
static inline void
gc_workload_request(const struct gc_workload_params *p, bool is_end)
{
    if (p->on_request != NULL) {
        p->on_request(p->request_ctx, is_end);
    }
}

typedef enum gc_status gc_workload_fn(struct gc_heap *heap,
                                      const struct gc_workload_params *p,
                                      uint64_t *checksum);
/* Checks the option values of p (size may be anything): false with one
 * line in err for a value out of range, so that a bad spec is refused
 * before anything runs. */
typedef bool gc_workload_check_fn(const struct gc_workload_params *p,
                                  char *err, size_t err_bytes);

struct gc_workload {
    const char *name;
    const char *description;
    uint64_t default_size;
    /* Roughly what one unit of size costs a run, in nanoseconds (a
     * release build at size 20000 on the cpython collector): only for
     * balancing `--shard` shares, never a result. */
    uint64_t cost_ns_per_object;
    const struct gc_option *options; /* terminated by a NULL name */
    gc_workload_fn *run;
    const char *twin; /* the Python twin's source text */
    gc_workload_check_fn *check; /* NULL: values are checked when run */
    /* The workload makes a whole interpreter's heap (a snapshot), so
     * the harness adds no interpreter objects of its own. */
    bool is_whole_heap;
    /* Its twin imports weakref, whose objects then sit in the
     * interpreter's oldest generation too and count in the 25% rule's
     * long_lived_total (harness/measure/child.c). */
    bool twin_imports_weakref;
    /* The heap's layout when the run asks for none (--layout): the
     * snapshot workload's own, which places objects as the real heap
     * had them; alloc-order (0) for the others. */
    enum gc_layout layout;
};

/* A workload's step that allocates: NULL, or any status but GC_OK,
 * means the heap ran out, and the workload returns GC_ENOMEM.  Only
 * while the workload holds no reference: returning would leak it. */
#define WORKLOAD_TRY(x)                                                     \
    do {                                                                    \
        if ((x) == NULL) {                                                  \
            return GC_ENOMEM;                                               \
        }                                                                   \
    } while (0)
#define WORKLOAD_TRY_OK(x)                                                  \
    do {                                                                    \
        if ((x) != GC_OK) {                                                 \
            return GC_ENOMEM;                                               \
        }                                                                   \
    } while (0)

/* The same steps where the workload holds references: rc keeps the
 * first failure and later steps are skipped, so the drops after the
 * steps (gc_xdecref of locals that start NULL) release what was made on
 * the path a run without a failure takes too; the workload then returns
 * GC_ENOMEM if rc is not GC_OK.  Without a failure it makes the same
 * calls in the same order as straight-line code.  A local dropped
 * between steps must not be assigned by a later one, which a failure
 * would skip, leaving it to be dropped twice. */
#define WORKLOAD_STEP(rc, x)                                                \
    do {                                                                    \
        if ((rc) == GC_OK && (x) == NULL) {                                 \
            (rc) = GC_ENOMEM;                                               \
        }                                                                   \
    } while (0)
#define WORKLOAD_STEP_OK(rc, x)                                             \
    do {                                                                    \
        if ((rc) == GC_OK) {                                                \
            (rc) = (x);                                                     \
        }                                                                   \
    } while (0)

/* The payload workloads' shared steps (payload.c): obj.NAME =
 * bytes(n_bytes), or None when n_bytes is 0; and list[i % live] = obj,
 * appending while i < live. */
enum gc_status gc_workload_set_payload(struct gc_heap *heap,
                                       struct gc_object *obj,
                                       const char *name, uint64_t n_bytes);
enum gc_status gc_workload_hold(struct gc_heap *heap, struct gc_object *list,
                                uint64_t i, uint64_t live,
                                struct gc_object *obj);

/* NULL-terminated. */
extern const struct gc_workload *const gc_workloads[];
const struct gc_workload *gc_workload_find(const char *name);

/* A parsed workload spec, "name[:key=value,...]"; GC_EINVAL with one
 * line in err for an unknown workload, option or malformed pair. */
struct gc_workload_spec {
    const struct gc_workload *workload;
    size_t nopts;
    struct gc_option_value opts[8];
    char text[256]; /* the spec as given */
    char buf[256];  /* its copy, cut up: opts point in here */
};
enum gc_status gc_workload_spec_parse(const char *text,
                                      struct gc_workload_spec *spec,
                                      char *err, size_t err_bytes);

/* A count option: the given value, else the table's default, both
 * checked against the table's range when the spec was parsed; false
 * (and a line in err) only for a name the table does not have. */
bool gc_workload_option_u64(const struct gc_workload_params *p,
                            const struct gc_workload *w, const char *name,
                            uint64_t *out, char *err, size_t err_bytes);

#endif /* GCLAB_WORKLOAD_H */

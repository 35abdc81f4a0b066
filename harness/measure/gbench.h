/* harness/measure/gbench.h -- micro benchmarks of the primitives as plain C
 * cases, run by google-benchmark through harness/measure/micro_shim.cc.  A case
 * builds its state for an argument (a size), runs one iteration, and
 * says how many items one iteration handles (objects, for per-object
 * rates).  Private to harness/. */
#ifndef GCLAB_GBENCH_H
#define GCLAB_GBENCH_H

#include <stdint.h>

struct gc_gbench_case {
    const char *name;
    const long *args; /* 0-terminated */
    void *(*setup)(long arg);
    void (*run)(void *ctx);
    int64_t (*items)(void *ctx);
    void (*teardown)(void *ctx);
};

extern const struct gc_gbench_case gc_gbench_cases[]; /* NULL name ends */
int gc_gbench_main(int argc, char **argv);

#endif /* GCLAB_GBENCH_H */

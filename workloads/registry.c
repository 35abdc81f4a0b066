/* workloads/registry.c -- the one table of workloads, by name. */
#include "workload.h"

#include <string.h>

const struct gc_workload *const gc_workloads[] = {
    NULL,
};

const struct gc_workload *
gc_workload_find(const char *name)
{
    for (size_t i = 0; gc_workloads[i] != NULL; i++) {
        if (strcmp(gc_workloads[i]->name, name) == 0) {
            return gc_workloads[i];
        }
    }
    return NULL;
}

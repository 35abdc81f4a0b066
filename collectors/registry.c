/* collectors/registry.c -- the one list of collectors, looked up by
 * name.  The reference collector is first and is the default. */
#include "gc-internal.h"

extern const struct gc_collector gc_collector_none;

const struct gc_collector *const gc_collectors[] = {
    &gc_collector_none,
    NULL,
};

const struct gc_collector *
gc_collector_find(const char *name)
{
    for (size_t i = 0; gc_collectors[i] != NULL; i++) {
        if (strcmp(gc_collectors[i]->name, name) == 0) {
            return gc_collectors[i];
        }
    }
    return NULL;
}

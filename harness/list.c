/* harness/list.c -- gclab list: what this build has, one per line, so
 * that scripts can grep it. */
#include "gc.h"
#include "harness.h"
#include "workload.h"

#include <stdio.h>

int
gc_cmd_list(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "gclab list: takes no arguments\n");
        return 2;
    }
    for (size_t i = 0; gc_collectors[i] != NULL; i++) {
        const struct gc_collector *c = gc_collectors[i];
        printf("collector %s: %s", c->name, c->description);
        for (const struct gc_option *o = c->options; o && o->name; o++) {
            printf(" [%s=%s: %s]", o->name, o->default_value, o->help);
        }
        printf("\n");
    }
    for (size_t i = 0; gc_workloads[i] != NULL; i++) {
        printf("workload %s: %s (default size %llu)\n", gc_workloads[i]->name,
               gc_workloads[i]->description,
               (unsigned long long)gc_workloads[i]->default_size);
    }
    for (int p = 0; p < GC_PROFILE_COUNT; p++) {
        printf("profile %s\n", gc_profile_name((enum gc_profile)p));
    }
    return 0;
}

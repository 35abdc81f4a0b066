/* harness/cli/list.c -- gclab list: what this build has (collectors,
 * workloads, profiles, metrics), one per line, so that scripts can grep
 * it. */
#include "gc.h"
#include "harness.h"
#include "workload.h"

#include <stdio.h>

/* Each option of an owner's table on a line of its own, indented, so
 * that scripts reading the first two words of "collector" and
 * "workload" lines are not disturbed. */
static void
list_options(const char *owner, const struct gc_option *table)
{
    for (const struct gc_option *o = table; o != NULL && o->name; o++) {
        char what[160];
        gc_option_describe(o, what, sizeof what);
        printf("  option %s %s: %s (default %s): %s\n", owner, o->name, what,
               o->default_value, o->help);
    }
}

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
        printf("collector %s: %s; options: profile=%s", c->name,
               c->description, gc_profile_name(GC_PROFILE_DEFAULT));
        for (const struct gc_option *o = c->options; o && o->name; o++) {
            printf(", %s=%s", o->name, o->default_value);
        }
        /* Capabilities of a default heap (GC_PROFILE_DEFAULT). */
        struct gc_heap *heap;
        char err[200];
        if (gc_heap_new_spec(c->name, NULL, &heap, err, sizeof err) == GC_OK) {
            uint32_t caps = gc_heap_caps(heap);
            printf("; capabilities:");
            for (int b = 0; b < GC_CAP_COUNT; b++) {
                if (caps & (1u << b)) {
                    printf(" %s", gc_cap_name(1u << b));
                }
            }
            gc_heap_destroy(heap);
        }
        printf("\n");
        list_options(c->name, c->options);
    }
    for (size_t i = 0; gc_workloads[i] != NULL; i++) {
        const struct gc_workload *w = gc_workloads[i];
        printf("workload %s: %s (default size %llu)", w->name, w->description,
               (unsigned long long)w->default_size);
        const char *sep = "; options: ";
        for (const struct gc_option *o = w->options; o && o->name; o++) {
            printf("%s%s=%s", sep, o->name, o->default_value);
            sep = ", ";
        }
        printf("\n");
        list_options(w->name, w->options);
    }
    for (int p = 0; p < GC_PROFILE_COUNT; p++) {
        printf("profile %s\n", gc_profile_name((enum gc_profile)p));
    }
#define M(name, help) printf("metric %s: %s\n", #name, help);
    GC_METRICS(M)
#undef M
    return 0;
}

/* harness/oracles/conform.c -- gclab conform: the conformance suite against one
 * collector, as flat TAP.  Exit 0 only if every point passed. */
#include "conform/conform.h"
#include "harness.h"

#include <stdio.h>
#include <string.h>

int
gc_cmd_conform(int argc, char **argv)
{
    const char *collector = "cpython", *group = NULL, *profile = NULL;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        const char **slot = strcmp(opt, "--collector") == 0 ? &collector
                            : strcmp(opt, "--group") == 0   ? &group
                            : strcmp(opt, "--profile") == 0 ? &profile
                                                            : NULL;
        if (slot == NULL) {
            fprintf(stderr,
                    "gclab conform: unknown option '%s'; options: "
                    "--collector SPEC, --group cycles|api, --profile P\n",
                    opt);
            return 2;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "gclab conform: %s needs a value\n", opt);
            return 2;
        }
        *slot = argv[++i];
    }
    char spec[300];
    if (profile != NULL) {
        enum gc_profile p;
        if (gc_profile_parse(profile, &p) != GC_OK) {
            fprintf(stderr,
                    "gclab conform: unknown profile '%s'; profiles: "
                    GC_PROFILE_NAMES "\n",
                    profile);
            return 2;
        }
        snprintf(spec, sizeof spec, "%s%sprofile=%s", collector,
                 strchr(collector, ':') ? "," : ":", profile);
    }
    else {
        snprintf(spec, sizeof spec, "%s", collector);
    }
    return conform_run(spec, group);
}

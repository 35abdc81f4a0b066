/* harness/measure/build.c -- what a record says about the build that
 * made it, and the refusal to time a build whose numbers are not
 * results; the names of a run's outcomes. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure.h"
#include "version.h"

const char *const status_names[] = {"ok", "failed", "leak-capped",
                                    "crashed"};

/* ---- the build ---------------------------------------------------------- */

const char *
run_build_type(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return "sanitizer";
#elif defined(NDEBUG)
    return "release";
#else
    return "debug";
#endif
}

int
run_check_build(const char *command, bool allow_debug)
{
    if (allow_debug) {
        return 0;
    }
    if (getenv("GCLAB_DEBUG_EXTRA_TRAVERSE")) {
        fprintf(stderr, "gclab %s: GCLAB_DEBUG_EXTRA_TRAVERSE is set, a test "
                        "knob that wastes work on purpose; its numbers are "
                        "not results (unset it, or --allow-debug)\n",
                command);
        return 2;
    }
    if (strcmp(run_build_type(), "release") != 0 ||
        GCLAB_CHECKS_DEFAULT > 0 || getenv("GCLAB_CHECKS") ||
        getenv("GCLAB_STRESS")) {
        fprintf(stderr, "gclab %s: this is a %s build with check level %d; "
                        "its numbers are not results (use a release build, "
                        "or --allow-debug)\n",
                command, run_build_type(), GCLAB_CHECKS_DEFAULT);
        return 2;
    }
    return 0;
}

/* tests/fuzz/fuzz-scenario.c -- libFuzzer target: the scenario checker
 * (docs/scenarios.md "Errors") on arbitrary bytes, for no profile in
 * particular with the Python translation, and for each profile.  Bytes
 * are data here, never a path. */
#define _DEFAULT_SOURCE /* open_memstream */
#include "fuzz.h"
#include "harness.h"
#include "oracles.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const profiles[] = {NULL, "2.7", "3.8", "3.11", "3.13"};
    static FILE *sink;
    if (sink == NULL && (sink = fopen("/dev/null", "w")) == NULL) {
        abort();
    }
    for (size_t i = 0; i < sizeof profiles / sizeof *profiles; i++) {
        char *err = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&err, &len);
        if (f == NULL) {
            abort();
        }
        int status = gc_scenario_check("fuzz.scn", (const char *)data, size,
                                       profiles[i], sink, f);
        fclose(f);
        fuzz_check_outcome(status, err, len);
        free(err);
    }
    return 0;
}

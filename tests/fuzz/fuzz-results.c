/* tests/fuzz/fuzz-results.c -- libFuzzer target: the results.jsonl
 * reader of gclab report on arbitrary bytes.  A valid file has records;
 * an invalid one gets one line naming the file and line. */
#define _DEFAULT_SOURCE /* open_memstream */
#include "fuzz.h"
#include "harness.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *err = NULL;
    size_t len = 0, nrecords = 0;
    FILE *f = open_memstream(&err, &len);
    if (f == NULL) {
        abort();
    }
    int status =
        gc_results_check("fuzz.jsonl", (const char *)data, size, &nrecords, f);
    fclose(f);
    fuzz_check_outcome(status, err, len);
    if (status == 0 && nrecords == 0) {
        abort(); /* "no records" is an error, never a success */
    }
    free(err);
    return 0;
}

/* tests/fuzz/fuzz.h -- what the libFuzzer targets share: the entry
 * point libFuzzer calls (replay.c calls it too, so that an ordinary
 * build replays the seeds and every input a fuzzer once crashed on),
 * and the rule every reader of untrusted bytes keeps. */
#ifndef GCLAB_FUZZ_H
#define GCLAB_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Status 0 says nothing; status 2 says exactly one line.  Anything else
 * aborts, so that libFuzzer keeps the input as a crash. */
static inline void
fuzz_check_outcome(int status, const char *err, size_t len)
{
    const char *nl = memchr(err, '\n', len);
    bool is_one_line = nl != NULL && nl == err + len - 1;
    if (!(status == 0 && len == 0) && !(status == 2 && is_one_line)) {
        fprintf(stderr, "status %d with %zu bytes on err: %.*s\n", status, len,
                (int)len, err);
        abort();
    }
}

#endif /* GCLAB_FUZZ_H */

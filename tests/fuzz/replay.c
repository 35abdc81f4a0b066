/* tests/fuzz/replay.c -- main() for a fuzz target outside libFuzzer:
 * feeds it every file under the directories (or files) given, one TAP
 * point each.  A normal build replays the seeds and the inputs a fuzzer
 * once failed on, so a fix stays fixed without clang. */
#define _DEFAULT_SOURCE /* scandir, alphasort */
#include "fuzz.h"
#include "harness.h"
#include "tap.h"

#include <dirent.h>
#include <sys/stat.h>

static void
replay(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        struct dirent **names;
        int n = scandir(path, &names, NULL, alphasort);
        for (int i = 0; i < n; i++) {
            if (names[i]->d_name[0] != '.') {
                char sub[4096];
                snprintf(sub, sizeof sub, "%s/%s", path, names[i]->d_name);
                replay(sub);
            }
            free(names[i]);
        }
        free(n >= 0 ? names : NULL);
        return;
    }
    TEST(path) {
        size_t len = 0;
        char *data = gc_read_file(path, &len);
        if (check(data != NULL)) {
            LLVMFuzzerTestOneInput((const uint8_t *)data, len);
        }
        free(data);
    }
}

int
main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        replay(argv[i]);
    }
    return tap_done();
}

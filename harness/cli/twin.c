/* harness/cli/twin.c -- gclab twin: a workload's Python twin, printed,
 * or run pinned on an interpreter. */
#include "gc.h"
#include "harness.h"
#include "workload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "measure.h"

int
gc_cmd_twin(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "gclab twin: usage: gclab twin WORKLOAD [[--cpu "
                        "N|auto|none] --python PATH [key=value...]]\n");
        return 2;
    }
    const struct gc_workload *w = gc_workload_find(argv[1]);
    if (w == NULL) {
        char err[256];
        struct gc_workload_spec spec;
        gc_workload_spec_parse(argv[1], &spec, err, sizeof err);
        fprintf(stderr, "gclab twin: %s\n", err);
        return 2;
    }
    if (argc == 2) {
        fputs(w->twin, stdout);
        return 0;
    }
    /* gclab twin W [--cpu N|auto|none] --python PATH ...: the
     * interpreter runs pinned, as a peer of gclab run does. */
    struct gc_place place;
    gc_place_init(&place);
    int placed =
        argc >= 4 ? gc_place_option(&place, "twin", argv[2], argv[3]) : 0;
    if (placed == 2) {
        return 2;
    }
    if (placed == 1) {
        argv += 2;
        argc -= 2;
    }
    if (strcmp(argv[2], "--python") != 0 || argc < 4) {
        fprintf(stderr, "gclab twin: expected --python PATH, not '%s'\n",
                argv[2]);
        return 2;
    }
    if (gc_place_setup(&place, "twin") != 0 ||
        gc_place_pin_self(place.cpu) != 0) {
        return 2;
    }
    /* Run it: python -c TEXT args... */
    char *args[64];
    int n = 0;
    args[n++] = argv[3];
    args[n++] = "-c";
    args[n++] = (char *)w->twin;
    for (int i = 4; i < argc && n < 63; i++) {
        args[n++] = argv[i];
    }
    args[n] = NULL;
    fflush(stdout);
    execv(argv[3], args);
    fprintf(stderr, "gclab twin: cannot run '%s': %s\n", argv[3],
            strerror(errno));
    return 2;
}

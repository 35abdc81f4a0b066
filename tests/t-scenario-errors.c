/* tests/t-scenario-errors.c -- malformed scenarios and command lines:
 * one line "FILE:LINE: error: MESSAGE" on stderr, nothing on stdout,
 * exit status 2, never a crash (docs/scenarios.md "Errors").  Files are
 * written to a temporary directory so that binary content need not be
 * committed. */
#define _DEFAULT_SOURCE /* open_memstream, mkdtemp */
#include "harness.h"
#include "oracles.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct bad {
    const char *name;
    const char *text;
    size_t len;        /* 0: strlen(text) */
    const char *profile;
    int line;          /* expected line; 0: "FILE: error:" */
    const char *says;  /* a piece of the message */
};

static const struct bad cases[] = {
    {"unknown verb", "disable\nfrobnicate x\n", 0, NULL, 2, "unknown verb"},
    {"unknown label", "list l\nappend l x\n", 0, NULL, 2, "unknown label"},
    {"wrong number of operands", "class C\nnew x\n", 0, NULL, 2,
     "number of operands"},
    {"wrong object kind", "dict d\nappend d d\n", 0, NULL, 2, "kind"},
    {"ring size out of range", "class C\nring r C 0\n", 0, NULL, 2,
     "ring size"},
    {"threshold out of range", "threshold 1 2 1000001\n", 0, NULL, 1,
     "threshold"},
    {"int out of range", "int i 2147483648\n", 0, NULL, 1, "int value"},
    {"non-numeric generation", "collect x\n", 0, NULL, 1, "generation"},
    {"verb missing on the profile", "disable\nfreeze\n", 0, "2.7", 2,
     "does not exist on profile 2.7"},
    {"finalized is 3.11+ only", "class C\nnew c C\nfinalized c\n", 0, "3.8",
     3, "does not exist"},
    {"invalid UTF-8", "disable\n\xff\xfe\n", 0, NULL, 2, "UTF-8"},
    {"invalid UTF-8 in a comment", "# caf\xc3\x28\n", 0, NULL, 1, "UTF-8"},
    {"a NUL byte", "disable\nenable\0\n", 16, NULL, 2, "NUL"},
    {"a lone CR", "disable\r\nenable\rx\n", 0, NULL, 2, "carriage return"},
    {"a control character", "dis\x01" "able\n", 0, NULL, 1, "control"},
    {"label already used", "list a\ndict a\n", 0, NULL, 2, "already used"},
    {"label already deleted", "list a\ndel a\nappend a none\n", 0, NULL, 3,
     "deleted"},
    {"unset of an unset attribute", "class C\nnew c C\nunset c.x\n", 0, NULL,
     3, "not set"},
    {"refcount of a cached small int", "int i 5\nrefcount i\n", 0, NULL, 2,
     "small int"},
    {"a second weakref without callback",
     "class C\nnew c C\nweakref w c\nweakref v c\n", 0, NULL, 4, "weakref"},
    {"del saved", "del saved\n", 0, NULL, 1, "saved"},
    {"callbacks on twice", "callbacks on\ncallbacks on\n", 0, NULL, 2,
     "already on"},
    {"rescue of a plain instance", "class C\nnew c C\ndel c\nrescue c\n", 0,
     NULL, 4, "resurrecting"},
    {"alive while frozen", "freeze\nalive\n", 0, NULL, 2, "frozen"},
    {"profiles not first", "disable\nprofiles 3.8\n", 0, NULL, 2, "first"},
    {"unknown profile in the header", "profiles 3.9\n", 0, NULL, 1,
     "unknown profile"},
    {"a profile twice in the header", "profiles 3.8 3.8\n", 0, NULL, 1,
     "twice"},
    {"the header excludes the profile", "# c\nprofiles 3.8\ndisable\n", 0,
     "2.7", 2, "does not apply"},
    {"malformed attribute", "class C\nnew c C\nset c.X none\n", 0, NULL, 3,
     "attribute"},
    {"malformed class name", "class foo\n", 0, NULL, 1, "class name"},
    {"a reserved label", "list none\n", 0, NULL, 1, "reserved"},
    {"a class that is a Python constant", "class None\n", 0, NULL, 1,
     "class name"},
};

static char dir[64];

static void
write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f != NULL) {
        fwrite(text, 1, len, f);
        fclose(f);
    }
}

/* Runs path and captures both streams; returns the status. */
static int
run(const char *path, const char *profile, char **out, char **err)
{
    size_t lo, le;
    FILE *fo = open_memstream(out, &lo);
    FILE *fe = open_memstream(err, &le);
    int rc = gc_scenario_run_file(path, profile, "cpython", fo, fe);
    fclose(fo);
    fclose(fe);
    return rc;
}

int
main(void)
{
    strcpy(dir, "/tmp/gclab-scn-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        check(!"mkdtemp");
        return tap_done();
    }
    char path[128], want[256];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const struct bad *c = &cases[i];
        snprintf(path, sizeof path, "%s/bad%zu.scn", dir, i);
        write_file(path, c->text, c->len ? c->len : strlen(c->text));
        TEST(c->name) {
            char *out, *err;
            int rc = run(path, c->profile, &out, &err);
            check_int(rc, ==, 2);
            check_str(out, "");
            snprintf(want, sizeof want, "%s:%d: error: ", path, c->line);
            check(strncmp(err, want, strlen(want)) == 0);
            check(strstr(err, c->says) != NULL);
            char *nl = strchr(err, '\n');
            check(nl != NULL && nl[1] == '\0'); /* exactly one line */
            if (strncmp(err, want, strlen(want)) != 0 ||
                strstr(err, c->says) == NULL) {
                tap_diag("got: %s", err);
            }
            free(out);
            free(err);
        }
        unlink(path);
    }
    TEST("a 200 KB line is refused at its line") {
        size_t n = 200 * 1024;
        char *big = malloc(n + 32);
        strcpy(big, "disable\n# ");
        memset(big + 10, 'x', n);
        strcpy(big + 10 + n, "\nenable\n");
        snprintf(path, sizeof path, "%s/long.scn", dir);
        write_file(path, big, strlen(big));
        char *out, *err;
        check_int(run(path, NULL, &out, &err), ==, 2);
        snprintf(want, sizeof want, "%s:2: error: line longer", path);
        check(strncmp(err, want, strlen(want)) == 0);
        check_str(out, "");
        free(out);
        free(err);
        free(big);
        unlink(path);
    }
    TEST("a missing file: FILE: error: without a line") {
        char *out, *err;
        snprintf(path, sizeof path, "%s/missing.scn", dir);
        check_int(run(path, NULL, &out, &err), ==, 2);
        snprintf(want, sizeof want, "%s: error: cannot read", path);
        check(strncmp(err, want, strlen(want)) == 0);
        free(out);
        free(err);
    }
    TEST("a run-time rescue failure keeps the log printed so far") {
        snprintf(path, sizeof path, "%s/rescue.scn", dir);
        const char *text = "disable\nclass P del resurrect\nnew p P\n"
                           "del p\nrescue p\ndel p\nrescue p\n";
        write_file(path, text, strlen(text));
        char *out, *err;
        check_int(run(path, "3.11", &out, &err), ==, 2);
        check_str(out, "4: finalize p\n");
        snprintf(want, sizeof want, "%s:7: error: ", path);
        check(strncmp(err, want, strlen(want)) == 0);
        free(out);
        free(err);
        unlink(path);
    }
    TEST("an empty file and a CR LF file are valid") {
        char *out, *err;
        snprintf(path, sizeof path, "%s/empty.scn", dir);
        write_file(path, "", 0);
        check_int(run(path, NULL, &out, &err), ==, 0);
        check_str(out, "");
        free(out);
        free(err);
        const char *crlf = "disable\r\nint a 100000\r\nrefcount a\r\n";
        write_file(path, crlf, strlen(crlf));
        check_int(run(path, NULL, &out, &err), ==, 0);
        check_str(out, "3: refcount a 1\n");
        free(out);
        free(err);
        unlink(path);
    }
    TEST("command-line mistakes exit 2") {
        snprintf(path, sizeof path, "%s/ok.scn", dir);
        write_file(path, "disable\n", 8);
        char *a1[] = {"scenario", path, "--bogus", NULL};
        char *a2[] = {"scenario", path, "--profile", "3.9", NULL};
        char *a3[] = {"scenario", path, "--profile", "3.8", "--collector",
                      "cpython:profile=3.11", NULL};
        char *a4[] = {"scenario", path, "--collector", "nosuch", NULL};
        char *a5[] = {"scenario", NULL};
        check_int(gc_cmd_scenario(3, a1), ==, 2);
        check_int(gc_cmd_scenario(4, a2), ==, 2);
        check_int(gc_cmd_scenario(6, a3), ==, 2);
        check_int(gc_cmd_scenario(4, a4), ==, 2);
        check_int(gc_cmd_scenario(1, a5), ==, 2);
        unlink(path);
    }
    rmdir(dir);
    return tap_done();
}

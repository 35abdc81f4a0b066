/* harness/oracles/scenario-read.c -- reads a scenario file into a checked
 * program (docs/scenarios.md "Reading a file", "Errors"): the bytes, the
 * lines, the tokens; then each line's verb is looked up in the verb
 * table, its operands counted and its profile checked, and its own
 * check (scenario-verbs.c) does the rest.  All of the file is checked
 * before anything runs; the first problem gets one line,
 * FILE:LINE: error: MESSAGE. */
#include "harness.h"
#include "scenario-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Checks one line's bytes: UTF-8, no NUL, no control character but tab.
 * The line excludes its terminator. */
static const char *
bad_bytes(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char b = s[i];
        if (b == 0) {
            return "NUL byte";
        }
        if (b < 0x80) {
            if ((b < 0x20 && b != '\t') || b == 0x7f) {
                return b == '\r' ? "carriage return not before a line feed"
                                 : "control character";
            }
            i++;
            continue;
        }
        int len;
        uint32_t cp;
        if (b >= 0xc2 && b <= 0xdf) {
            len = 2, cp = b & 0x1f;
        }
        else if (b >= 0xe0 && b <= 0xef) {
            len = 3, cp = b & 0x0f;
        }
        else if (b >= 0xf0 && b <= 0xf4) {
            len = 4, cp = b & 0x07;
        }
        else {
            return "invalid UTF-8";
        }
        if (i + (size_t)len > n) {
            return "invalid UTF-8";
        }
        for (int k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return "invalid UTF-8";
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return "invalid UTF-8";
        }
        if (cp >= 0x80 && cp < 0xa0) {
            return "control character";
        }
        i += (size_t)len;
    }
    return NULL;
}

/* Splits a line into tokens in place; a token starting with '#' ends
 * it.  Returns the count, or -1 if there are too many. */
static int
tokenize(char *s, char **tok)
{
    int n = 0;
    for (char *p = s; *p;) {
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (*p == '\0' || *p == '#') {
            break;
        }
        if (n == SCN_MAX_TOKENS) {
            return -1;
        }
        tok[n++] = p;
        while (*p && *p != ' ' && *p != '\t') {
            p++;
        }
        if (*p) {
            *p++ = '\0';
        }
    }
    return n;
}

static bool
read_file(const char *path, char **data, size_t *len, FILE *err)
{
    *data = gc_read_file(path, len);
    if (*data == NULL && errno == ENOMEM) {
        fprintf(stderr, "gclab: out of memory\n");
        exit(1);
    }
    if (*data == NULL) {
        fprintf(err, "%s: error: cannot read: %s\n", path, strerror(errno));
        return false;
    }
    return true;
}

void
scn_free(struct scn_program *prog)
{
    for (int i = 0; i < prog->nstmts; i++) {
        free(prog->stmts[i].values);
        free(prog->stmts[i].name);
    }
    for (int i = 0; i < prog->nlabels; i++) {
        free(prog->labels[i].name);
    }
    for (int i = 0; i < prog->nclasses; i++) {
        free(prog->classes[i].name);
    }
    free(prog->stmts);
    free(prog->labels);
    free(prog->classes);
    memset(prog, 0, sizeof *prog);
}

bool
scn_load(const char *path, enum gc_profile profile, bool is_any_profile,
         struct scn_program *prog, FILE *err)
{
    char *data;
    size_t len;
    memset(prog, 0, sizeof *prog);
    if (!read_file(path, &data, &len, err)) {
        return false;
    }
    bool ok = scn_parse(path, data, len, profile, is_any_profile, prog, err);
    free(data);
    return ok;
}

bool
scn_parse(const char *path, const char *data, size_t len,
          enum gc_profile profile, bool is_any_profile,
          struct scn_program *prog, FILE *err)
{
    memset(prog, 0, sizeof *prog);
    prog->path = path;
    prog->profiles = (1u << GC_PROFILE_COUNT) - 1;
    struct scn_checker c = {.prog = prog,
                            .profile = profile,
                            .is_any_profile = is_any_profile,
                            .err = err};
    char *line = scn_xrealloc(NULL, SCN_MAX_LINE + 1);
    char *tok[SCN_MAX_TOKENS];
    int cap = 0;
    size_t pos = 0;
    for (c.line = 1; pos < len && !c.failed; c.line++) {
        size_t end = pos;
        while (end < len && data[end] != '\n') {
            end++;
        }
        size_t n = end - pos;
        if (n > 0 && data[end - 1] == '\r' && end < len) {
            n--; /* CR LF */
        }
        const char *why = bad_bytes((const unsigned char *)data + pos, n);
        if (why != NULL) {
            scn_check_fail(&c, "%s", why);
            break;
        }
        if (n > SCN_MAX_LINE) {
            scn_check_fail(&c, "line longer than %d bytes", SCN_MAX_LINE);
            break;
        }
        memcpy(line, data + pos, n);
        line[n] = '\0';
        pos = end + 1;
        int ntok = tokenize(line, tok);
        if (ntok < 0) {
            scn_check_fail(&c, "more than %d tokens", SCN_MAX_TOKENS);
            break;
        }
        if (ntok == 0) {
            continue;
        }
        const struct scn_verb *verb = NULL;
        for (size_t v = 0; v < scn_nverbs && verb == NULL; v++) {
            if (strcmp(scn_verbs[v].name, tok[0]) == 0) {
                verb = &scn_verbs[v];
            }
        }
        if (verb == NULL) {
            scn_check_fail(&c, "unknown verb '%s'", tok[0]);
            break;
        }
        int nops = ntok - 1;
        if (nops < verb->min || (verb->max >= 0 && nops > verb->max)) {
            scn_check_fail(&c, "wrong number of operands for '%s': %d", tok[0],
                           nops);
            break;
        }
        if (!is_any_profile && !(verb->profiles & (1u << profile))) {
            scn_check_fail(&c, "'%s' does not exist on profile %s", tok[0],
                           gc_profile_name(profile));
            break;
        }
        if (prog->nstmts == cap) {
            cap = cap ? cap * 2 : 64;
            prog->stmts =
                scn_xrealloc(prog->stmts, (size_t)cap * sizeof *prog->stmts);
        }
        struct scn_stmt *st = &prog->stmts[prog->nstmts];
        memset(st, 0, sizeof *st);
        st->line = c.line;
        st->verb = verb;
        st->target = SCN_NONE;
        if (verb->check != NULL) {
            verb->check(&c, st, tok, nops);
        }
        prog->nstmts++;
    }
    free(line);
    scn_check_done(&c);
    if (c.failed) {
        scn_free(prog);
        return false;
    }
    return true;
}

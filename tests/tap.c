/* tests/tap.c -- see tap.h.  The state is this file's own: a test
 * program is one TAP stream. */
#include "tap.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static struct {
    int count;            /* points printed */
    int failures;
    bool is_in_test;
    bool has_failed;      /* inside the current block */
    const char *skip_reason;
    const char *description;
    bool is_unbuffered;
} tap;

static void
setup(void)
{
    if (!tap.is_unbuffered) {
        setvbuf(stdout, NULL, _IONBF, 0);
        tap.is_unbuffered = true;
    }
}

int
tap_begin(const char *description)
{
    setup();
    tap.is_in_test = true;
    tap.has_failed = false;
    tap.skip_reason = NULL;
    tap.description = description;
    return 1;
}

static void
print_point(bool ok, const char *description, const char *skip)
{
    tap.count++;
    if (!ok) {
        tap.failures++;
    }
    printf("%sok %d - %s", ok ? "" : "not ", tap.count, description);
    if (skip != NULL) {
        printf(" # SKIP %s", skip);
    }
    printf("\n");
}

int
tap_end(void)
{
    bool ok = !tap.has_failed;
    print_point(ok, tap.description,
                ok ? tap.skip_reason : NULL);
    tap.is_in_test = false;
    return 0;
}

static bool
record(bool ok, const char *expr, const char *file, int line)
{
    setup();
    if (!ok) {
        printf("# check failed: %s\n#   at %s:%d\n", expr, file, line);
    }
    if (tap.is_in_test) {
        tap.has_failed |= !ok;
    }
    else {
        print_point(ok, expr, NULL);
    }
    return ok;
}

bool
tap_check(bool ok, const char *expr, const char *file, int line)
{
    return record(ok, expr, file, line);
}

static bool
compare(int sign, const char *op)
{
    if (strcmp(op, "==") == 0) {
        return sign == 0;
    }
    if (strcmp(op, "!=") == 0) {
        return sign != 0;
    }
    if (strcmp(op, "<") == 0) {
        return sign < 0;
    }
    if (strcmp(op, "<=") == 0) {
        return sign <= 0;
    }
    if (strcmp(op, ">") == 0) {
        return sign > 0;
    }
    if (strcmp(op, ">=") == 0) {
        return sign >= 0;
    }
    return false;
}

bool
tap_check_int(intmax_t a, const char *op, intmax_t b, const char *expr,
              const char *file, int line)
{
    bool ok = compare(a < b ? -1 : a > b, op);
    if (!record(ok, expr, file, line)) {
        printf("#   left:  %" PRIdMAX "\n#   right: %" PRIdMAX "\n", a, b);
    }
    return ok;
}

bool
tap_check_uint(uintmax_t a, const char *op, uintmax_t b, const char *expr,
               const char *file, int line)
{
    bool ok = compare(a < b ? -1 : a > b, op);
    if (!record(ok, expr, file, line)) {
        printf("#   left:  %" PRIuMAX "\n#   right: %" PRIuMAX "\n", a, b);
    }
    return ok;
}

bool
tap_check_str(const char *a, const char *b, const char *expr,
              const char *file, int line)
{
    bool ok = a != NULL && b != NULL && strcmp(a, b) == 0;
    if (!record(ok, expr, file, line)) {
        printf("#   left:  \"%s\"\n#   right: \"%s\"\n", a ? a : "(null)",
               b ? b : "(null)");
    }
    return ok;
}

void
tap_skip(const char *reason)
{
    tap.skip_reason = reason;
}

void
tap_diag(const char *fmt, ...)
{
    /* Every line of the message is a comment: an unprefixed line in the
     * middle of TAP is an error to the harness. */
    char text[8192];
    va_list ap;
    setup();
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    for (const char *line = text;;) {
        const char *eol = strchr(line, '\n');
        int len = eol ? (int)(eol - line) : (int)strlen(line);
        printf("# %.*s\n", len, line);
        if (eol == NULL || eol[1] == '\0') {
            break;
        }
        line = eol + 1;
    }
}

void
tap_reset(void)
{
    tap.count = 0;
    tap.failures = 0;
    tap.is_in_test = false;
    tap.is_unbuffered = false; /* stdout may be another stream now */
}

int
tap_failures(void)
{
    return tap.failures;
}

int
tap_done(void)
{
    setup();
    printf("1..%d\n", tap.count);
    return tap.failures == 0 ? 0 : 1;
}

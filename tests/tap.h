/* tests/tap.h -- a small TAP producer for gclab's tests.
 *
 * Every point is printed at the top level and numbered, so prove, meson
 * and grep count the same:
 *
 *     TEST("a tuple of ints is untracked") {
 *         check(!gc_is_tracked(t));
 *         check_int(gc_refcount(t), ==, 1);
 *     }
 *     return tap_done();
 *
 * A TEST block is one point; it fails if any check inside fails, and a
 * failed check prints its expression, file:line and both values as TAP
 * comments.  tap_skip() inside a block turns it into a SKIP.  A check
 * outside any block is a point of its own.  Output is unbuffered. */
#ifndef GCLAB_TAP_H
#define GCLAB_TAP_H

#include <stdbool.h>
#include <stdint.h>

int tap_begin(const char *description);
int tap_end(void);
bool tap_check(bool ok, const char *expr, const char *file, int line);
bool tap_check_int(intmax_t a, const char *op, intmax_t b, const char *expr,
                   const char *file, int line);
bool tap_check_uint(uintmax_t a, const char *op, uintmax_t b,
                    const char *expr, const char *file, int line);
bool tap_check_str(const char *a, const char *b, const char *expr,
                   const char *file, int line);
void tap_skip(const char *reason);
void tap_diag(const char *fmt, ...);
/* Prints the plan and returns the exit status: 0 iff nothing failed. */
int tap_done(void);
/* How many points failed so far. */
int tap_failures(void);
/* Starts a new stream: numbering and failures from zero.  For a forked
 * child that runs a suite of its own (gclab check runs gclab conform
 * so, from a test too). */
void tap_reset(void);

#define TEST(description)                                                   \
    for (int tap_once_ = tap_begin(description); tap_once_;                 \
         tap_once_ = tap_end())

#define check(expr) tap_check((expr) ? true : false, #expr, __FILE__, __LINE__)

/* Compares two integers with a relational operator; both are printed on
 * failure. */
#define check_int(a, op, b)                                                 \
    tap_check_int((intmax_t)(a), #op, (intmax_t)(b),                        \
                  #a " " #op " " #b, __FILE__, __LINE__)
#define check_uint(a, op, b)                                                \
    tap_check_uint((uintmax_t)(a), #op, (uintmax_t)(b),                     \
                   #a " " #op " " #b, __FILE__, __LINE__)
#define check_str(a, b)                                                     \
    tap_check_str((a), (b), #a " == " #b, __FILE__, __LINE__)

#endif /* GCLAB_TAP_H */

/* tests/t-options.c -- options are declared once, in typed tables
 * (collectors/option.c): every collector's and workload's defaults
 * parse against their own type; a bad value, a key given twice and two
 * options that exclude each other get one line naming the option, its
 * type and its range; the typed values reach the collector. */
#include "support.h"
#include "workload.h"

/* Every option of table: its default parses, and its description
 * names a type. */
static void
check_table(const char *owner, const struct gc_option *table)
{
    for (const struct gc_option *o = table; o != NULL && o->name; o++) {
        char name[200], err[256], what[160];
        snprintf(name, sizeof name, "%s: %s's default '%s' is one of its "
                                    "values",
                 owner, o->name, o->default_value);
        TEST(name) {
            struct gc_option_value v;
            check_int(gc_option_parse(owner, o, o->default_value, &v, err,
                                      sizeof err),
                      ==, GC_OK);
            gc_option_describe(o, what, sizeof what);
            check(what[0] != '\0' && o->help != NULL);
        }
    }
}

/* The message a spec gets from gc_spec_parse. */
static const char *
spec_error(const char *text, char *err, size_t n)
{
    struct gc_spec spec;
    err[0] = '\0';
    if (gc_spec_parse(text, &spec, err, n) == GC_OK) {
        snprintf(err, n, "(accepted)");
    }
    return err;
}

int
main(void)
{
    char err[256];
    for (size_t i = 0; gc_collectors[i] != NULL; i++) {
        check_table(gc_collectors[i]->name, gc_collectors[i]->options);
    }
    for (size_t i = 0; gc_workloads[i] != NULL; i++) {
        check_table(gc_workloads[i]->name, gc_workloads[i]->options);
    }
    TEST("a bad value: the option, its type and range") {
        check_str(spec_error("cpython:threshold=x", err, sizeof err),
                  "collector 'cpython': threshold=x: threshold must be 1 to "
                  "3 integers a/b/c, each from -2147483648 to 2147483647");
        check_str(spec_error("cpython:threshold=1/2/3/4", err, sizeof err),
                  "collector 'cpython': threshold=1/2/3/4: threshold must "
                  "be 1 to 3 integers a/b/c, each from -2147483648 to "
                  "2147483647");
        check_str(spec_error("trialdel:buffer=0", err, sizeof err),
                  "collector 'trialdel': buffer=0: buffer must be an "
                  "integer from 1 to 100000000");
        check_str(spec_error("full:ratio=0", err, sizeof err),
                  "collector 'full': ratio=0: ratio must be a number above "
                  "0 and at most 1000");
        check_str(spec_error("full:defer=never", err, sizeof err),
                  "collector 'full': defer=never: defer must be "
                  "off|os|live");
        check_str(spec_error("cpython:bytes=0", err, sizeof err),
                  "collector 'cpython': bytes=0: bytes must be off, or kB: "
                  "an integer from 1 to 1099511627776");
        check_str(spec_error("cpython:generations= 2", err, sizeof err),
                  "collector 'cpython': generations= 2: generations must be "
                  "an integer from 1 to 3");
    }
    TEST("a key given twice, and options that exclude each other") {
        check_str(spec_error("cpython:threshold=1,threshold=2", err,
                             sizeof err),
                  "collector 'cpython': option threshold given twice; "
                  "threshold must be 1 to 3 integers a/b/c, each from "
                  "-2147483648 to 2147483647, given once");
        check_str(spec_error("cpython:profile=3.8,profile=3.8", err,
                             sizeof err),
                  "collector 'cpython': option profile given twice");
        check_str(spec_error("incremental:count=tracked,trigger=3.14.0", err,
                             sizeof err),
                  "collector 'incremental': give count or trigger, not both");
    }
    TEST("typed values reach the collector") {
        struct gc_heap *heap;
        check_int(gc_heap_new_spec("cpython:threshold=5/6,generations=2",
                                   NULL, &heap, err, sizeof err),
                  ==, GC_OK);
        int64_t t[3];
        gc_get_threshold(heap, t);
        check_int(t[0], ==, 5);
        check_int(t[1], ==, 6);
        check_uint(gc_heap_caps(heap) & GC_CAP_GENERATIONS, ==, 0);
        check_uint(gc_heap_destroy(heap), ==, 0);
        check_int(gc_heap_new_spec("cpython:threshold=-1", NULL, &heap, err,
                                   sizeof err),
                  ==, GC_OK);
        gc_get_threshold(heap, t);
        check_int(t[0], ==, -1);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("pending-divisor: a table line and its use change the 25% rule") {
        /* long-lived-growth keeps what it makes: full collections are
         * what the rule spaces out, and a smaller divisor spaces them
         * further. */
        uint64_t full[2];
        const char *specs[] = {"cpython:threshold=100/2/2",
                               "cpython:threshold=100/2/2,pending-divisor=2"};
        for (int k = 0; k < 2; k++) {
            struct gc_heap *heap;
            check_int(gc_heap_new_spec(specs[k], NULL, &heap, err,
                                       sizeof err),
                      ==, GC_OK);
            struct gc_workload_params p = {.size = 20000, .seed = 1};
            uint64_t checksum;
            check_int(gc_workload_find("long-lived-growth")
                          ->run(heap, &p, &checksum),
                      ==, GC_OK);
            struct gc_gen_stats st[3];
            check_int(gc_get_stats(heap, st), ==, GC_OK);
            full[k] = st[2].collections;
            check_uint(gc_heap_caps(heap) & GC_CAP_LONG_LIVED_RULE, ==,
                       k == 0 ? GC_CAP_LONG_LIVED_RULE : 0);
            check_uint(gc_heap_destroy(heap), ==, 0);
        }
        tap_diag("full collections: %llu at 4, %llu at 2",
                 (unsigned long long)full[0], (unsigned long long)full[1]);
        check_uint(full[1], <, full[0]);
    }
    TEST("the parser's corners, on a table of its own") {
        /* Every type, a range with negatives, and the words' edges. */
        static const struct gc_option table[] = {
            {"n", "3", "a count", GC_OPT_COUNT, -5, 5, NULL, NULL},
            {"t", "x", "free text", GC_OPT_TEXT, 0, 0, NULL, NULL},
            {"w", "on", "a word", GC_OPT_WORD, 0, 0, "on|off", NULL},
            {"k", "off", "kB", GC_OPT_KB_OR_OFF, 1, 10, NULL, NULL},
            {"r", "0.5", "a real", GC_OPT_REAL, 0, 1, NULL, NULL},
            {NULL, NULL, NULL, 0, 0, 0, NULL, NULL}};
        char what[160], text[64];
        struct gc_option_value v[2], scratch;
        size_t n = 0;
        gc_option_describe(&table[1], what, sizeof what);
        check_str(what, "text");
        /* -5..5: a minus sign, the ends, and one past each end. */
        check_int(gc_option_parse("t", &table[0], "-5", v, err, sizeof err),
                  ==, GC_OK);
        check_int(v[0].i[0], ==, -5);
        check_int(gc_option_parse("t", &table[0], "-6", v, err, sizeof err),
                  ==, GC_EINVAL);
        check_int(gc_option_parse("t", &table[0], "6", v, err, sizeof err),
                  ==, GC_EINVAL);
        check_int(gc_option_parse("t", &table[0], "-", v, err, sizeof err),
                  ==, GC_EINVAL);
        check_int(gc_option_parse("t", &table[0], "-1x", v, err, sizeof err),
                  ==, GC_EINVAL);
        /* Past what strtoll and strtoull hold, on either side. */
        check_int(gc_option_parse("t", &table[0], "-99999999999999999999", v,
                                  err, sizeof err),
                  ==, GC_EINVAL);
        check_int(gc_option_parse("t", &table[0], "99999999999999999999", v,
                                  err, sizeof err),
                  ==, GC_EINVAL);
        /* An empty word is no word, not the first of the list. */
        check_int(gc_option_parse("t", &table[2], "", v, err, sizeof err), ==,
                  GC_EINVAL);
        /* Text takes anything; a word only a whole one. */
        check_int(gc_option_parse("t", &table[1], "any, thing", v, err,
                                  sizeof err),
                  ==, GC_OK);
        check_int(gc_option_parse("t", &table[2], "o", v, err, sizeof err),
                  ==, GC_EINVAL);
        check_int(gc_option_parse("t", &table[2], "off", v, err, sizeof err),
                  ==, GC_OK);
        check_int(v[0].word, ==, 1);
        check_int(gc_option_parse("t", &table[3], "11", v, err, sizeof err),
                  ==, GC_EINVAL);
        check_int(gc_option_parse("t", &table[4], "nan", v, err, sizeof err),
                  ==, GC_EINVAL);
        /* Room for one option: the second is one too many. */
        snprintf(text, sizeof text, "n=1,w=off");
        check_int(gc_options_parse("t", table, text, v, &n, 1, NULL, err,
                                   sizeof err),
                  ==, GC_EINVAL);
        check_str(err, "t: too many options");
        /* An unknown key lists the keys, profile first when it is one,
         * and cuts the list at the buffer's end without overrunning. */
        char small[24];
        snprintf(text, sizeof text, "zz=1");
        n = 0;
        check_int(gc_options_parse("t", table, text, v, &n, 2, NULL, small,
                                   sizeof small),
                  ==, GC_EINVAL);
        check_uint(strlen(small), <, sizeof small);
        const char *profile = NULL;
        snprintf(text, sizeof text, "zz=1");
        n = 0;
        check_int(gc_options_parse("t", table, text, v, &n, 2, &profile, err,
                                   sizeof err),
                  ==, GC_EINVAL);
        check(strstr(err, "options: profile n t w k r") != NULL);
        /* A buffer the message's start fills: no profile, no keys, and
         * still a terminated string. */
        char tiny[8];
        snprintf(text, sizeof text, "zz=1");
        n = 0;
        check_int(gc_options_parse("t", table, text, v, &n, 2, &profile, tiny,
                                   sizeof tiny),
                  ==, GC_EINVAL);
        check_uint(strlen(tiny), ==, sizeof tiny - 1);
        /* A name the table does not have reads as zeros, not garbage. */
        const struct gc_option_value *got =
            gc_option_get(table, v, 0, "nothing", &scratch);
        check(got == &scratch && scratch.n == 0 && scratch.u[0] == 0);
        check_int(gc_option_get(table, v, 0, "n", &scratch)->i[0], ==, 3);
    }
    return tap_done();
}

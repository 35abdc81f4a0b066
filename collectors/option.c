/* collectors/option.c -- the one parser of options, for collector and
 * workload specs alike ("name:key=value,...").  Each owner declares its
 * options once, in a table of struct gc_option (name, default, help,
 * type, range); this file turns text into typed values against it, so a
 * bad value is refused before any heap exists, with one message whose
 * form is the same whoever asks: the option, its type and its range. */
#include "gc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct gc_option *
gc_option_find(const struct gc_option *table, const char *name)
{
    for (const struct gc_option *o = table; o != NULL && o->name; o++) {
        if (strcmp(o->name, name) == 0) {
            return o;
        }
    }
    return NULL;
}

void
gc_option_describe(const struct gc_option *o, char *buf, size_t bytes)
{
    switch (o->type) {
    case GC_OPT_COUNT:
        snprintf(buf, bytes, "an integer from %.0f to %.0f", o->min, o->max);
        break;
    case GC_OPT_COUNTS:
        snprintf(buf, bytes, "1 to 3 integers a/b/c, each from %.0f to %.0f",
                 o->min, o->max);
        break;
    case GC_OPT_REAL:
        snprintf(buf, bytes, "a number above %g and at most %g", o->min,
                 o->max);
        break;
    case GC_OPT_WORD:
        snprintf(buf, bytes, "%s", o->words);
        break;
    case GC_OPT_KB_OR_OFF:
        snprintf(buf, bytes, "off, or kB: an integer from %.0f to %.0f",
                 o->min, o->max);
        break;
    }
}

/* One integer from min to max, the whole of [p, stop): digits, with a
 * minus sign only where the range has negative numbers. */
static bool
integer(const char *p, const char *stop, double min, double max,
        int64_t *out)
{
    const char *digits = p[0] == '-' && min < 0 ? p + 1 : p;
    if (digits == stop || *digits < '0' || *digits > '9') {
        return false;
    }
    char *end;
    errno = 0;
    if (digits != p) {
        long long v = strtoll(p, &end, 10);
        if (end != stop || errno != 0 || (double)v < min || (double)v > max) {
            return false;
        }
        *out = v;
        return true;
    }
    unsigned long long v = strtoull(p, &end, 10);
    if (end != stop || errno != 0 || (long double)v < (long double)min ||
        (long double)v > (long double)max || v > (unsigned long long)INT64_MAX) {
        return false;
    }
    *out = (int64_t)v;
    return true;
}

static bool
read_value(const struct gc_option *o, const char *text,
           struct gc_option_value *out)
{
    const char *end = text + strlen(text);
    out->n = 0;
    switch (o->type) {
    case GC_OPT_COUNT:
        if (!integer(text, end, o->min, o->max, &out->i[0])) {
            return false;
        }
        out->u[0] = (uint64_t)out->i[0];
        out->n = 1;
        return true;
    case GC_OPT_COUNTS:
        for (const char *p = text;; p++) {
            const char *slash = strchr(p, '/');
            const char *stop = slash != NULL ? slash : end;
            if (out->n == 3 ||
                !integer(p, stop, o->min, o->max, &out->i[out->n])) {
                return false;
            }
            out->u[out->n] = (uint64_t)out->i[out->n];
            out->n++;
            if (slash == NULL) {
                return true;
            }
            p = slash;
        }
    case GC_OPT_REAL: {
        char *stop;
        errno = 0;
        double v = strtod(text, &stop);
        if (stop == text || *stop != '\0' || errno != 0 || !isfinite(v) ||
            !(v > o->min) || v > o->max) {
            return false;
        }
        out->real = v;
        out->n = 1;
        return true;
    }
    case GC_OPT_WORD: {
        size_t len = strlen(text);
        int k = 0;
        for (const char *w = o->words; *w != '\0'; k++) {
            const char *bar = strchr(w, '|');
            size_t wlen = bar != NULL ? (size_t)(bar - w) : strlen(w);
            if (len > 0 && wlen == len && memcmp(w, text, len) == 0) {
                out->word = k;
                out->n = 1;
                return true;
            }
            w += wlen + (bar != NULL);
        }
        return false;
    }
    case GC_OPT_KB_OR_OFF:
        if (strcmp(text, "off") == 0) {
            out->u[0] = 0;
            out->n = 1;
            return true;
        }
        if (!integer(text, end, o->min, o->max, &out->i[0])) {
            return false;
        }
        out->u[0] = (uint64_t)out->i[0] * 1024;
        out->n = 1;
        return true;
    }
    return false;
}

enum gc_status
gc_option_parse(const char *owner, const struct gc_option *o,
                const char *text, struct gc_option_value *out, char *err,
                size_t err_bytes)
{
    memset(out, 0, sizeof *out);
    out->key = o->name;
    out->value = text;
    if (read_value(o, text, out)) {
        return GC_OK;
    }
    char range[160];
    gc_option_describe(o, range, sizeof range);
    snprintf(err, err_bytes, "%s: %s=%s: %s must be %s", owner, o->name,
             text, o->name, range);
    return GC_EINVAL;
}

enum gc_status
gc_options_parse(const char *owner, const struct gc_option *table,
                 char *text, struct gc_option_value *opts, size_t *nopts,
                 size_t max, const char **profile, char *err,
                 size_t err_bytes)
{
    *nopts = 0;
    for (char *p = text; p != NULL;) {
        char *comma = strchr(p, ',');
        if (comma != NULL) {
            *comma = '\0';
        }
        char *eq = strchr(p, '=');
        if (eq == NULL || eq == p || eq[1] == '\0') {
            snprintf(err, err_bytes, "%s: option '%s' is not key=value", owner,
                     p);
            return GC_EINVAL;
        }
        *eq = '\0';
        const char *key = p, *value = eq + 1;
        const struct gc_option *o = gc_option_find(table, key);
        bool seen = false;
        for (size_t i = 0; i < *nopts; i++) {
            seen |= strcmp(opts[i].key, key) == 0;
        }
        if (profile != NULL && strcmp(key, "profile") == 0) {
            if (*profile != NULL) {
                snprintf(err, err_bytes, "%s: option profile given twice",
                         owner);
                return GC_EINVAL;
            }
            *profile = value;
        }
        else if (o == NULL) {
            size_t n = (size_t)snprintf(err, err_bytes,
                                        "%s: unknown option '%s'; options:",
                                        owner, key);
            if (profile != NULL && n < err_bytes) {
                n += (size_t)snprintf(err + n, err_bytes - n, " profile");
            }
            for (o = table; o != NULL && o->name && n < err_bytes; o++) {
                n += (size_t)snprintf(err + n, err_bytes - n, " %s", o->name);
            }
            return GC_EINVAL;
        }
        else if (seen) {
            char range[160];
            gc_option_describe(o, range, sizeof range);
            snprintf(err, err_bytes, "%s: option %s given twice; %s must be "
                                     "%s, given once",
                     owner, key, key, range);
            return GC_EINVAL;
        }
        else if (*nopts == max) {
            snprintf(err, err_bytes, "%s: too many options", owner);
            return GC_EINVAL;
        }
        else if (gc_option_parse(owner, o, value, &opts[*nopts], err,
                                 err_bytes) != GC_OK) {
            return GC_EINVAL;
        }
        else {
            (*nopts)++;
        }
        p = comma != NULL ? comma + 1 : NULL;
    }
    /* Options that exclude each other (incremental's count and
     * trigger): both given is one question answered twice. */
    for (size_t i = 0; i < *nopts; i++) {
        const struct gc_option *o = gc_option_find(table, opts[i].key);
        for (size_t j = 0; o->excludes != NULL && j < *nopts; j++) {
            if (strcmp(opts[j].key, o->excludes) == 0) {
                snprintf(err, err_bytes, "%s: give %s or %s, not both", owner,
                         o->name, o->excludes);
                return GC_EINVAL;
            }
        }
    }
    return GC_OK;
}

const struct gc_option_value *
gc_option_get(const struct gc_option *table, const struct gc_option_value *opts,
              size_t nopts, const char *name, struct gc_option_value *scratch)
{
    for (size_t i = 0; i < nopts; i++) {
        if (strcmp(opts[i].key, name) == 0) {
            return &opts[i];
        }
    }
    const struct gc_option *o = gc_option_find(table, name);
    char err[200];
    /* A table's default is checked by t-options; a bad one reads as 0. */
    if (o == NULL ||
        gc_option_parse("table", o, o->default_value, scratch, err,
                        sizeof err) != GC_OK) {
        memset(scratch, 0, sizeof *scratch);
    }
    return scratch;
}

/* collectors/registry.c -- the one list of collectors, looked up by
 * name, and the parser of collector specs, "name[:key=value,...]".
 * Every mistake gets one line that says what is allowed. */
#include "gc-internal.h"

#include <stdio.h>

extern const struct gc_collector gc_collector_cpython;
extern const struct gc_collector gc_collector_full;
extern const struct gc_collector gc_collector_incremental;
extern const struct gc_collector gc_collector_none;
extern const struct gc_collector gc_collector_trialdel;

const struct gc_collector *const gc_collectors[] = {
    &gc_collector_cpython, /* the reference; keep it first */
    &gc_collector_full,
    &gc_collector_incremental,
    &gc_collector_trialdel,
    &gc_collector_none,
    NULL,
};

const struct gc_collector *
gc_collector_find(const char *name)
{
    for (size_t i = 0; gc_collectors[i] != NULL; i++) {
        if (strcmp(gc_collectors[i]->name, name) == 0) {
            return gc_collectors[i];
        }
    }
    return NULL;
}

/* Appends to a bounded buffer; truncation is harmless for messages. */
static void
append(char *buf, size_t bytes, const char *fmt, const char *arg)
{
    size_t n = strlen(buf);
    if (n < bytes) {
        snprintf(buf + n, bytes - n, fmt, arg);
    }
}

static enum gc_status
unknown_collector(const char *name, char *err, size_t err_bytes)
{
    snprintf(err, err_bytes, "unknown collector '%s'; known:", name);
    for (size_t i = 0; gc_collectors[i] != NULL; i++) {
        append(err, err_bytes, " %s", gc_collectors[i]->name);
    }
    return GC_EINVAL;
}

enum gc_status
gc_spec_parse(const char *text, struct gc_spec *spec, char *err,
              size_t err_bytes)
{
    memset(spec, 0, sizeof *spec);
    spec->profile = GC_PROFILE_DEFAULT;
    if (text == NULL || text[0] == '\0') {
        snprintf(err, err_bytes, "empty collector spec");
        return GC_EINVAL;
    }
    if (strlen(text) >= sizeof spec->text) {
        snprintf(err, err_bytes, "collector spec longer than %zu bytes",
                 sizeof spec->text - 1);
        return GC_EINVAL;
    }
    memcpy(spec->text, text, strlen(text) + 1);
    char *colon = strchr(spec->text, ':');
    if (colon != NULL) {
        *colon = '\0';
    }
    spec->collector = gc_collector_find(spec->text);
    if (spec->collector == NULL) {
        return unknown_collector(spec->text, err, err_bytes);
    }
    if (colon == NULL) {
        return GC_OK;
    }
    char owner[64];
    snprintf(owner, sizeof owner, "collector '%s'", spec->collector->name);
    const char *profile = NULL;
    if (gc_options_parse(owner, spec->collector->options, colon + 1,
                         spec->opts, &spec->nopts, GC_SPEC_MAX_OPTIONS,
                         &profile, err, err_bytes) != GC_OK) {
        return GC_EINVAL;
    }
    if (profile != NULL) {
        if (gc_profile_parse(profile, &spec->profile) != GC_OK) {
            snprintf(err, err_bytes,
                     "collector '%s': unknown profile '%s'; profiles: "
                     GC_PROFILE_NAMES,
                     spec->collector->name, profile);
            return GC_EINVAL;
        }
        spec->has_profile = true;
    }
    return GC_OK;
}

void
gc_spec_format(const struct gc_spec *spec, char *buf, size_t bytes)
{
    const struct gc_collector *c = spec->collector;
    snprintf(buf, bytes, "%s:profile=%s", c->name,
             gc_profile_name(spec->profile));
    for (const struct gc_option *o = c->options; o && o->name; o++) {
        const char *value = o->default_value;
        for (size_t i = 0; i < spec->nopts; i++) {
            if (strcmp(spec->opts[i].key, o->name) == 0) {
                value = spec->opts[i].value;
            }
        }
        append(buf, bytes, ",%s", o->name);
        append(buf, bytes, "=%s", value);
    }
}

void
gc_spec_config(const struct gc_spec *spec, struct gc_heap_config *cfg)
{
    cfg->profile = spec->profile;
    cfg->collector = spec->collector;
    cfg->options = spec->opts;
    cfg->nopts = spec->nopts;
}

enum gc_status
gc_heap_new_spec(const char *text, const struct gc_allocator *allocator,
                 struct gc_heap **out, char *err, size_t err_bytes)
{
    struct gc_spec spec;
    *out = NULL;
    enum gc_status rc = gc_spec_parse(text, &spec, err, err_bytes);
    if (rc != GC_OK) {
        return rc;
    }
    struct gc_heap_config cfg;
    gc_heap_config_init(&cfg);
    gc_spec_config(&spec, &cfg);
    cfg.allocator = allocator;
    cfg.err = err;
    cfg.err_bytes = err_bytes;
    return gc_heap_new(&cfg, out);
}

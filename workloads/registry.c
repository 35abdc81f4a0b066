/* workloads/registry.c -- the one table of workloads, looked up by name,
 * and the parser of workload specs, name[:key=value,...]. */
#include "workload.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

extern const struct gc_workload gc_workload_alloc_churn;
extern const struct gc_workload gc_workload_binary_trees;
extern const struct gc_workload gc_workload_btree_gc;
extern const struct gc_workload gc_workload_cycles;
extern const struct gc_workload gc_workload_finalizers;
extern const struct gc_workload gc_workload_gc_collect;
extern const struct gc_workload gc_workload_gc_traversal;
extern const struct gc_workload gc_workload_http_client;
extern const struct gc_workload gc_workload_long_lived_growth;
extern const struct gc_workload gc_workload_payload_cycles;
extern const struct gc_workload gc_workload_run_queue;
extern const struct gc_workload gc_workload_server;
extern const struct gc_workload gc_workload_small_cycles;
extern const struct gc_workload gc_workload_tuples;
extern const struct gc_workload gc_workload_weakref_cache;

const struct gc_workload *const gc_workloads[] = {
    &gc_workload_alloc_churn,
    &gc_workload_binary_trees,
    &gc_workload_btree_gc,
    &gc_workload_cycles,
    &gc_workload_finalizers,
    &gc_workload_gc_collect,
    &gc_workload_gc_traversal,
    &gc_workload_http_client,
    &gc_workload_long_lived_growth,
    &gc_workload_payload_cycles,
    &gc_workload_run_queue,
    &gc_workload_server,
    &gc_workload_small_cycles,
    &gc_workload_tuples,
    &gc_workload_weakref_cache,
    NULL,
};

const struct gc_workload *
gc_workload_find(const char *name)
{
    for (size_t i = 0; gc_workloads[i] != NULL; i++) {
        if (strcmp(gc_workloads[i]->name, name) == 0) {
            return gc_workloads[i];
        }
    }
    return NULL;
}

enum gc_status
gc_workload_spec_parse(const char *text, struct gc_workload_spec *spec,
                       char *err, size_t err_bytes)
{
    memset(spec, 0, sizeof *spec);
    if (text == NULL || strlen(text) >= sizeof spec->text || !text[0]) {
        snprintf(err, err_bytes, "bad workload spec");
        return GC_EINVAL;
    }
    strcpy(spec->text, text);
    char *colon = strchr(spec->text, ':');
    if (colon != NULL) {
        *colon = '\0';
    }
    spec->workload = gc_workload_find(spec->text);
    if (spec->workload == NULL) {
        size_t n = (size_t)snprintf(err, err_bytes,
                                    "unknown workload '%s'; known:",
                                    spec->text);
        for (size_t i = 0; gc_workloads[i] != NULL && n < err_bytes; i++) {
            n += (size_t)snprintf(err + n, err_bytes - n, " %s",
                                  gc_workloads[i]->name);
        }
        return GC_EINVAL;
    }
    for (char *p = colon ? colon + 1 : NULL; p != NULL;) {
        char *comma = strchr(p, ',');
        if (comma != NULL) {
            *comma = '\0';
        }
        char *eq = strchr(p, '=');
        if (eq == NULL || eq == p || eq[1] == '\0' ||
            spec->nopts == sizeof spec->opts / sizeof *spec->opts) {
            snprintf(err, err_bytes, "workload '%s': bad option '%s'",
                     spec->workload->name, p);
            return GC_EINVAL;
        }
        *eq = '\0';
        const struct gc_option *o = spec->workload->options;
        while (o != NULL && o->name != NULL && strcmp(o->name, p) != 0) {
            o++;
        }
        if (o == NULL || o->name == NULL) {
            size_t n = (size_t)snprintf(
                err, err_bytes, "workload '%s': unknown option '%s'; options:",
                spec->workload->name, p);
            for (o = spec->workload->options; o && o->name && n < err_bytes;
                 o++) {
                n += (size_t)snprintf(err + n, err_bytes - n, " %s", o->name);
            }
            return GC_EINVAL;
        }
        spec->opts[spec->nopts++] =
            (struct gc_option_value){.key = p, .value = eq + 1};
        p = comma != NULL ? comma + 1 : NULL;
    }
    struct gc_workload_params params = {.size = 1, .opts = spec->opts,
                                        .nopts = spec->nopts};
    if (spec->workload->check != NULL &&
        !spec->workload->check(&params, err, err_bytes)) {
        return GC_EINVAL;
    }
    return GC_OK;
}

bool
gc_workload_option_u64(const struct gc_workload_params *p,
                       const struct gc_workload *w, const char *name,
                       uint64_t min, uint64_t max, uint64_t *out, char *err,
                       size_t err_bytes)
{
    const char *value = NULL;
    for (const struct gc_option *o = w->options; o && o->name; o++) {
        if (strcmp(o->name, name) == 0) {
            value = o->default_value;
        }
    }
    for (size_t i = 0; i < p->nopts; i++) {
        if (strcmp(p->opts[i].key, name) == 0) {
            value = p->opts[i].value;
        }
    }
    char *end;
    errno = 0;
    unsigned long long v = value ? strtoull(value, &end, 10) : 0;
    if (value == NULL || end == value || *end != '\0' || errno != 0 ||
        value[0] == '-' || v < min || v > max) {
        snprintf(err, err_bytes,
                 "workload '%s': %s must be an integer from %llu to %llu, "
                 "not '%s'",
                 w->name, name, (unsigned long long)min,
                 (unsigned long long)max, value ? value : "");
        return false;
    }
    *out = v;
    return true;
}

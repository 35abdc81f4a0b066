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
    strcpy(spec->text, text); /* as given; buf is cut up */
    strcpy(spec->buf, text);
    char *colon = strchr(spec->buf, ':');
    if (colon != NULL) {
        *colon = '\0';
    }
    spec->workload = gc_workload_find(spec->buf);
    if (spec->workload == NULL) {
        size_t n = (size_t)snprintf(err, err_bytes,
                                    "unknown workload '%s'; known:",
                                    spec->buf);
        for (size_t i = 0; gc_workloads[i] != NULL && n < err_bytes; i++) {
            n += (size_t)snprintf(err + n, err_bytes - n, " %s",
                                  gc_workloads[i]->name);
        }
        return GC_EINVAL;
    }
    char owner[64];
    snprintf(owner, sizeof owner, "workload '%s'", spec->workload->name);
    if (colon != NULL &&
        gc_options_parse(owner, spec->workload->options, colon + 1,
                         spec->opts, &spec->nopts,
                         sizeof spec->opts / sizeof *spec->opts, NULL, err,
                         err_bytes) != GC_OK) {
        return GC_EINVAL;
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
                       uint64_t *out, char *err, size_t err_bytes)
{
    if (gc_option_find(w->options, name) == NULL) {
        snprintf(err, err_bytes, "workload '%s' has no option %s", w->name,
                 name);
        return false;
    }
    struct gc_option_value scratch;
    *out = gc_option_get(w->options, p->opts, p->nopts, name, &scratch)->u[0];
    return true;
}

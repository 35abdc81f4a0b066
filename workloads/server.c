/* workloads/server.c -- a request loop.  A session table (a dict of
 * Session instances, each with a history list) lives throughout; each
 * request picks a session with an LCG seeded from --seed and makes, in
 * the twin's order:
 *     req = Request(); req.sid = sid; req.headers = {"id": n, "sid": sid}
 *     body = [n, sid, n + sid]; params = {"body": body, "n": n}
 * one in cycle_every also a Handler in a cycle with its request
 * (h.request = req; req.handler = h), then appends n to the session's
 * history, bounded by dropping its oldest entry.  Every `every` requests
 * a manual gc.collect(), as servers call between requests. */
#include "workload.h"

#include <stdio.h>

/* Stores a new int in an instance attribute or dict entry. */
static enum gc_status
set_int(struct gc_heap *heap, struct gc_object *obj, const char *name,
        int64_t value)
{
    struct gc_object *v = gc_int_new(heap, value);
    if (v == NULL) {
        return GC_ENOMEM;
    }
    enum gc_status rc = obj->type->kind == GC_KIND_DICT
                            ? gc_dict_set_cstr(heap, obj, name, v)
                            : gc_attr_set(heap, obj, name, v);
    gc_decref(heap, v);
    return rc;
}

static enum gc_status
server(struct gc_heap *heap, const struct gc_workload_params *p,
       uint64_t *checksum)
{
    extern const struct gc_workload gc_workload_server;
    const struct gc_workload *w = &gc_workload_server;
    char err[160];
    uint64_t requests, nsessions, every, cycle_every, history;
    if (!gc_workload_option_u64(p, w, "requests", &requests,
                                err, sizeof err) ||
        !gc_workload_option_u64(p, w, "sessions", &nsessions,
                                err, sizeof err) ||
        !gc_workload_option_u64(p, w, "every", &every, err,
                                sizeof err) ||
        !gc_workload_option_u64(p, w, "cycle_every", &cycle_every, err, sizeof err) ||
        !gc_workload_option_u64(p, w, "history", &history, err,
                                sizeof err)) {
        return GC_EINVAL;
    }
    if (requests == 0) {
        requests = 20 * p->size;
    }
    if (nsessions == 0) {
        nsessions = p->size / 4 > 0 ? p->size / 4 : 1;
    }
    struct gc_class_spec ss = {.name = "Session"};
    struct gc_class_spec rs = {.name = "Request"};
    struct gc_class_spec hs = {.name = "Handler"};
    struct gc_class *session, *request, *handler;
    WORKLOAD_TRY_OK(gc_class_new(heap, &ss, &session));
    WORKLOAD_TRY_OK(gc_class_new(heap, &rs, &request));
    WORKLOAD_TRY_OK(gc_class_new(heap, &hs, &handler));
    char key[32];
    struct gc_object *sessions;
    WORKLOAD_TRY(sessions = gc_dict_new(heap));
    enum gc_status rc = GC_OK;
    for (uint64_t s = 0; s < nsessions && rc == GC_OK; s++) {
        struct gc_object *sess = NULL, *hist = NULL;
        WORKLOAD_STEP(rc, sess = gc_instance_new(heap, session));
        gc_safepoint(heap); /* Session() is a call */
        WORKLOAD_STEP_OK(rc, set_int(heap, sess, "sid", (int64_t)s));
        WORKLOAD_STEP_OK(rc, set_int(heap, sess, "hits", 0));
        WORKLOAD_STEP(rc, hist = gc_list_new(heap));
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, sess, "history", hist));
        gc_xdecref(heap, hist);
        snprintf(key, sizeof key, "s%llu", (unsigned long long)s);
        WORKLOAD_STEP_OK(rc, gc_dict_set_cstr(heap, sessions, key, sess));
        gc_xdecref(heap, sess);
        gc_safepoint(heap); /* the loop's back-edge */
    }
    uint64_t sum = 0, x = p->seed;
    for (uint64_t n = 0; n < requests && rc == GC_OK; n++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        uint64_t sid = (x >> 33) % nsessions;
        struct gc_object *req = NULL, *headers = NULL, *body = NULL,
                         *params = NULL;
        gc_workload_request(p, false);
        WORKLOAD_STEP(rc, req = gc_instance_new(heap, request));
        gc_safepoint(heap); /* Request() */
        WORKLOAD_STEP_OK(rc, set_int(heap, req, "sid", (int64_t)sid));
        WORKLOAD_STEP(rc, headers = gc_dict_new(heap));
        WORKLOAD_STEP_OK(rc, set_int(heap, headers, "id", (int64_t)n));
        WORKLOAD_STEP_OK(rc, set_int(heap, headers, "sid", (int64_t)sid));
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, req, "headers", headers));
        gc_xdecref(heap, headers);
        WORKLOAD_STEP(rc, body = gc_list_new(heap));
        int64_t items[3] = {(int64_t)n, (int64_t)sid, (int64_t)(n + sid)};
        for (int k = 0; k < 3 && rc == GC_OK; k++) {
            struct gc_object *v = NULL;
            WORKLOAD_STEP(rc, v = gc_int_new(heap, items[k]));
            WORKLOAD_STEP_OK(rc, gc_list_append(heap, body, v));
            gc_xdecref(heap, v);
        }
        WORKLOAD_STEP(rc, params = gc_dict_new(heap));
        WORKLOAD_STEP_OK(rc, gc_dict_set_cstr(heap, params, "body", body));
        WORKLOAD_STEP_OK(rc, set_int(heap, params, "n", (int64_t)n));
        if (n % cycle_every == 0) {
            struct gc_object *h = NULL;
            WORKLOAD_STEP(rc, h = gc_instance_new(heap, handler));
            gc_safepoint(heap); /* Handler() */
            WORKLOAD_STEP_OK(rc, gc_attr_set(heap, h, "request", req));
            WORKLOAD_STEP_OK(rc, gc_attr_set(heap, req, "handler", h));
            gc_xdecref(heap, h);
        }
        snprintf(key, sizeof key, "s%llu", (unsigned long long)sid);
        struct gc_object *sess = gc_dict_get_cstr(sessions, key);
        WORKLOAD_STEP_OK(
            rc, set_int(heap, sess, "hits",
                        gc_int_value(gc_attr_get(heap, sess, "hits")) + 1));
        struct gc_object *hist = gc_attr_get(heap, sess, "history");
        struct gc_object *v = NULL;
        WORKLOAD_STEP(rc, v = gc_int_new(heap, (int64_t)n));
        WORKLOAD_STEP_OK(rc, gc_list_append(heap, hist, v));
        gc_xdecref(heap, v);
        if (rc == GC_OK && gc_list_len(hist) > history) {
            rc = gc_list_remove_at(heap, hist, 0); /* del hist[0] */
        }
        if (rc == GC_OK) {
            sum += gc_dict_len(params) +
                   (uint64_t)gc_int_value(gc_list_get(body, 2)) % 1000 +
                   gc_list_len(hist);
        }
        /* del req, body, params, sess, hist */
        gc_xdecref(heap, req);
        gc_xdecref(heap, body);
        gc_xdecref(heap, params);
        gc_workload_request(p, true);
        /* Between requests: its pause delays only the requests queued
         * behind it, which the metered latency shows. */
        if (rc == GC_OK && (n + 1) % every == 0) {
            gc_collect(heap, 2);
        }
        gc_safepoint(heap); /* the loop's back-edge */
    }
    gc_decref(heap, sessions);
    if (rc != GC_OK) {
        return GC_ENOMEM;
    }
    *checksum = sum;
    return GC_OK;
}

static const struct gc_option options[] = {
    {"requests", "0", "requests in all (0: 20 x size)",
     GC_OPT_COUNT, 0, 1000000000, NULL, NULL},
    {"sessions", "0", "sessions in the table (0: size / 4)",
     GC_OPT_COUNT, 0, 100000000, NULL, NULL},
    {"every", "1000", "a gc.collect() every this many requests",
     GC_OPT_COUNT, 1, 1000000000, NULL, NULL},
    {"cycle_every", "5", "one request in this many has a handler cycle",
     GC_OPT_COUNT, 1, 1000000000, NULL, NULL},
    {"history", "8", "entries a session's history keeps",
     GC_OPT_COUNT, 0, 100000000, NULL, NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

extern const char gc_twin_server[];

const struct gc_workload gc_workload_server = {
    .name = "server",
    .description = "a request loop: a session table, per-request garbage "
                   "with some cycles, periodic gc.collect()",
    .default_size = 2000,
    .cost_ns_per_object = 55000,
    .options = options,
    .run = server,
    .twin = gc_twin_server,
};

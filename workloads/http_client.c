/* workloads/http_client.c -- the pattern behind CPython issue 142516
 * (an httpx client whose memory levelled off at 80 MB on 3.14.0 and
 * 420 MB on 3.14.2).  Per request, a Response holds its headers (a dict
 * of strings, untracked), a body of `body` bytes, a weakref to its
 * connection, and a Stream that refers back to it: a cycle, which only
 * a collection frees.  Each of a bounded pool of `pool` connections
 * keeps its latest response, so a response becomes garbage when its
 * connection serves the next request.  fix=1 is httpx's fix (PR 3733):
 * the stream's back-reference is a weakref, so no cycle forms and
 * refcounting frees each response at once. */
#include "workload.h"

struct opts {
    uint64_t n, pool, body, fix;
};

static bool
read_opts(const struct gc_workload_params *p, struct opts *o, char *err,
          size_t err_bytes)
{
    extern const struct gc_workload gc_workload_http_client;
    const struct gc_workload *w = &gc_workload_http_client;
    if (!gc_workload_option_u64(p, w, "n", &o->n, err,
                                err_bytes) ||
        !gc_workload_option_u64(p, w, "pool", &o->pool, err,
                                err_bytes) ||
        !gc_workload_option_u64(p, w, "body", &o->body, err, err_bytes) ||
        !gc_workload_option_u64(p, w, "fix", &o->fix, err,
                                err_bytes)) {
        return false;
    }
    if (o->n == 0) {
        o->n = 10 * p->size;
    }
    return true;
}

static bool
check(const struct gc_workload_params *p, char *err, size_t err_bytes)
{
    struct opts o;
    return read_opts(p, &o, err, err_bytes);
}

/* weakref.ref(target): the call packs its argument in a tuple (a free
 * list's, mostly), freed once the weakref is made. */
static enum gc_status
weak(struct gc_heap *heap, struct gc_object *target, struct gc_object **out)
{
    struct gc_object *argt = gc_tuple_new(heap, 1, &target);
    if (argt == NULL) {
        *out = NULL;
        return GC_ENOMEM;
    }
    enum gc_status rc = gc_weakref_new(heap, target, NULL, NULL, out);
    gc_decref(heap, argt);
    gc_safepoint(heap); /* the call's end */
    return rc;
}

static enum gc_status
http_client(struct gc_heap *heap, const struct gc_workload_params *p,
            uint64_t *checksum)
{
    char err[160];
    struct opts o;
    if (!read_opts(p, &o, err, sizeof err)) {
        return GC_EINVAL;
    }
    struct gc_class_spec cs = {.name = "Connection"};
    struct gc_class_spec rs = {.name = "Response"};
    struct gc_class_spec ss = {.name = "Stream"};
    struct gc_class *conn_class, *resp_class, *stream_class;
    WORKLOAD_TRY_OK(gc_class_new(heap, &cs, &conn_class));
    WORKLOAD_TRY_OK(gc_class_new(heap, &rs, &resp_class));
    WORKLOAD_TRY_OK(gc_class_new(heap, &ss, &stream_class));
    /* The headers literal's strings are the code object's constants,
     * made once, as CPython shares them between requests. */
    static const char *const texts[4] = {"content-type",
                                         "application/octet-stream",
                                         "server", "gclab"};
    struct gc_object *consts[4] = {NULL, NULL, NULL, NULL};
    struct gc_object *pool = NULL;
    enum gc_status rc = GC_OK;
    for (int k = 0; k < 4; k++) {
        WORKLOAD_STEP(rc, consts[k] = gc_str_from_cstr(heap, texts[k]));
    }
    WORKLOAD_STEP(rc, pool = gc_list_new(heap));
    for (uint64_t k = 0; k < o.pool && rc == GC_OK; k++) {
        struct gc_object *c = NULL;
        WORKLOAD_STEP(rc, c = gc_instance_new(heap, conn_class));
        gc_safepoint(heap);
        WORKLOAD_STEP_OK(rc, gc_list_append(heap, pool, c));
        gc_xdecref(heap, c);
        gc_safepoint(heap);
    }
    uint64_t sum = 0;
    for (uint64_t i = 0; i < o.n && rc == GC_OK; i++) {
        struct gc_object *conn = gc_list_get(pool, i % o.pool);
        struct gc_object *r = NULL, *headers = NULL,
                         *io = NULL, *wconn = NULL, *s = NULL, *back = NULL;
        WORKLOAD_STEP(rc, r = gc_instance_new(heap, resp_class));
        gc_safepoint(heap); /* Response() */
        WORKLOAD_STEP(rc, headers = gc_dict_new(heap));
        WORKLOAD_STEP_OK(rc, gc_dict_set(heap, headers, consts[0], consts[1]));
        WORKLOAD_STEP_OK(rc, gc_dict_set(heap, headers, consts[2], consts[3]));
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, r, "headers", headers));
        gc_xdecref(heap, headers);
        WORKLOAD_STEP_OK(rc, gc_workload_set_payload(heap, r, "body", o.body));
        WORKLOAD_STEP(rc, io = gc_int_new(heap, (int64_t)i));
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, r, "i", io));
        gc_xdecref(heap, io);
        WORKLOAD_STEP_OK(rc, weak(heap, conn, &wconn));
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, r, "conn", wconn));
        gc_xdecref(heap, wconn);
        WORKLOAD_STEP(rc, s = gc_instance_new(heap, stream_class));
        gc_safepoint(heap); /* Stream() */
        if (o.fix) {
            WORKLOAD_STEP_OK(rc, weak(heap, r, &back));
        }
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, s, "response",
                                         o.fix ? back : r));
        gc_xdecref(heap, back);
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, r, "stream", s));
        WORKLOAD_STEP_OK(rc, gc_attr_set(heap, conn, "last", r));
        gc_xdecref(heap, r);
        gc_xdecref(heap, s);
        if (rc == GC_OK) {
            sum += (uint64_t)gc_int_value(gc_attr_get(
                       heap, gc_attr_get(heap, conn, "last"), "i")) %
                   7;
        }
        gc_safepoint(heap); /* the loop's back-edge */
    }
    if (rc == GC_OK) {
        sum += gc_list_len(pool);
    }
    gc_xdecref(heap, pool);
    for (int k = 0; k < 4; k++) {
        gc_xdecref(heap, consts[k]);
    }
    if (rc != GC_OK) {
        return GC_ENOMEM;
    }
    *checksum = sum;
    return GC_OK;
}

static const struct gc_option options[] = {
    {"n", "0", "requests (0: 10 x size)",
     GC_OPT_COUNT, 0, 1000000000, NULL, NULL},
    {"pool", "10", "connections, each holding its latest response",
     GC_OPT_COUNT, 1, 1000000, NULL, NULL},
    {"body", "16384", "bytes of each response's body (0: none)",
     GC_OPT_COUNT, 0, 1099511627776.0, NULL, NULL},
    {"fix", "0", "1: the stream refers back by weakref (httpx PR 3733)",
     GC_OPT_COUNT, 0, 1, NULL, NULL},
    {NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
};

extern const char gc_twin_http_client[];

const struct gc_workload gc_workload_http_client = {
    .name = "http-client",
    .description = "per request a response in a cycle with its stream, "
                   "holding a body (CPython issue 142516)",
    .default_size = 2000,
    .cost_ns_per_object = 40000,
    .options = options,
    .run = http_client,
    .twin = gc_twin_http_client,
    .twin_imports_weakref = true,
    .check = check,
};

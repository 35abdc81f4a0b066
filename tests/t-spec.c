/* tests/t-spec.c -- collector specs, name[:key=value,...]: what parses,
 * what each mistake says, capabilities per profile and option, and the
 * events a collection announces. */
#include "support.h"

static enum gc_status
parse(const char *text, struct gc_spec *spec, char *err)
{
    err[0] = '\0';
    return gc_spec_parse(text, spec, err, 256);
}

struct ev_log {
    char text[1024];
    uint64_t visited, collected;
};

static void
ev_append(struct ev_log *log, const char *what)
{
    size_t n = strlen(log->text);
    snprintf(log->text + n, sizeof log->text - n, "%s%s", n ? " " : "", what);
}

static void
on_begin(void *data, int gen, enum gc_reason why)
{
    char buf[32];
    snprintf(buf, sizeof buf, "begin%d/%s", gen,
             why == GC_REASON_MANUAL ? "manual" : "auto");
    ev_append(data, buf);
}

static void
on_phase(void *data, enum gc_phase phase)
{
    ev_append(data, gc_phase_name(phase));
}

static void
on_end(void *data, int gen, uint64_t visited, uint64_t collected,
       uint64_t uncollectable)
{
    struct ev_log *log = data;
    (void)gen;
    (void)uncollectable;
    log->visited = visited;
    log->collected = collected;
    ev_append(data, "end");
}

int
main(void)
{
    struct gc_spec spec;
    char err[256];
    TEST("a bare name parses to the default profile and no options") {
        check_int(parse("cpython", &spec, err), ==, GC_OK);
        check_str(spec.collector->name, "cpython");
        check(!spec.has_profile);
        check_int(spec.profile, ==, GC_PROFILE_3_14);
        check_uint(spec.nopts, ==, 0);
    }
    TEST("profile= is taken out; other options are kept") {
        check_int(parse("cpython:profile=3.8,threshold=700/5/5", &spec, err),
                  ==, GC_OK);
        check(spec.has_profile);
        check_int(spec.profile, ==, GC_PROFILE_3_8);
        check_uint(spec.nopts, ==, 1);
        check_str(spec.opts[0].key, "threshold");
        check_str(spec.opts[0].value, "700/5/5");
        char buf[256];
        gc_spec_format(&spec, buf, sizeof buf);
        check_str(buf, "cpython:profile=3.8,threshold=700/5/5,"
                       "pending-rule=on,generations=3,pending-divisor=4,"
                       "bytes=off,young-cap=off");
    }
    TEST("an unknown collector names the known ones") {
        char want[256] = "unknown collector 'cpyton'; known:";
        for (size_t i = 0; gc_collectors[i] != NULL; i++) {
            strcat(want, " ");
            strcat(want, gc_collectors[i]->name);
        }
        check_int(parse("cpyton", &spec, err), ==, GC_EINVAL);
        check_str(err, want);
        check(strstr(err, " cpython ") != NULL && strstr(err, " none"));
    }
    TEST("an unknown option lists the collector's options") {
        check_int(parse("cpython:budget=5", &spec, err), ==, GC_EINVAL);
        check_str(err, "collector 'cpython': unknown option 'budget'; "
                       "options: profile threshold pending-rule generations "
                       "pending-divisor bytes young-cap");
    }
    TEST("memory triggers: bad values and collectors without them") {
        const char *bad[] = {"cpython:bytes=0", "cpython:bytes=-1",
                             "cpython:young-cap=0", "cpython:bytes=1kB",
                             "full:defer=yes", "incremental:trigger=3.14.1",
                             "incremental:trigger=3.14.0,count=tracked",
                             "full:bytes=64", "incremental:young-cap=1",
                             "trialdel:defer=os", "none:trigger=3.14.2"};
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
            struct gc_heap *heap = NULL;
            err[0] = '\0';
            check_int(gc_heap_new_spec(bad[i], NULL, &heap, err, sizeof err),
                      ==, GC_EINVAL);
            check(heap == NULL);
            check(err[0] != '\0' && strchr(err, '\n') == NULL);
        }
        const char *good[] = {"cpython:bytes=64", "cpython:young-cap=24576",
                              "full:defer=os", "full:defer=live",
                              "incremental:trigger=3.14.0"};
        for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
            struct gc_heap *heap = NULL;
            check_int(gc_heap_new_spec(good[i], NULL, &heap, err, sizeof err),
                      ==, GC_OK);
            check_uint(gc_heap_destroy(heap), ==, 0);
        }
    }
    TEST("malformed options are refused with one line") {
        const char *bad[] = {"cpython:", "cpython:threshold",
                             "cpython:=1", "cpython:threshold=",
                             "cpython:profile=3.12", "",
                             "cpython:profile=3.8,profile=3.8",
                             "cpython:threshold=1,threshold=2"};
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
            err[0] = '\0';
            check_int(parse(bad[i], &spec, err), ==, GC_EINVAL);
            check(err[0] != '\0' && strchr(err, '\n') == NULL);
        }
    }
    TEST("bad option values are refused before a heap is made") {
        const char *bad[] = {"cpython:threshold=abc",
                             "cpython:threshold=1/2/3/4",
                             "cpython:threshold=99999999999",
                             "cpython:pending-rule=maybe",
                             "cpython:generations=0",
                             "full:ratio=-1",
                             "full:ratio=abc",
                             "full:min=0",
                             "incremental:budget=-1",
                             "incremental:count=sometimes"};
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
            struct gc_heap *heap = (struct gc_heap *)&spec;
            err[0] = '\0';
            check_int(gc_heap_new_spec(bad[i], NULL, &heap, err, sizeof err),
                      ==, GC_EINVAL);
            check(heap == NULL);
            /* The option's name, then its type and range. */
            check(strncmp(err, "collector '", 11) == 0 &&
                  strstr(err, " must be ") != NULL);
        }
    }
    TEST("threshold= sets the heap's thresholds and drops the default cap") {
        struct gc_heap *heap;
        check_int(gc_heap_new_spec("cpython:threshold=100/5", NULL, &heap,
                                   err, sizeof err),
                  ==, GC_OK);
        int64_t t[3];
        gc_get_threshold(heap, t);
        check(t[0] == 100 && t[1] == 5 && t[2] == 10);
        check(!(gc_heap_caps(heap) & GC_CAP_DEFAULT_THRESHOLDS));
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("capabilities follow the profile and the options") {
        struct gc_heap *h27, *h311, *norule, *none;
        gc_heap_new_spec("cpython:profile=2.7", NULL, &h27, err, sizeof err);
        gc_heap_new_spec("cpython:profile=3.11", NULL, &h311, err,
                         sizeof err);
        gc_heap_new_spec("cpython:pending-rule=off", NULL, &norule, err,
                         sizeof err);
        gc_heap_new_spec("none", NULL, &none, err, sizeof err);
        uint32_t c27 = gc_heap_caps(h27), c311 = gc_heap_caps(h311);
        check((c27 & GC_CAP_CYCLES) && (c27 & GC_CAP_LEGACY_GARBAGE));
        check(!(c27 & (GC_CAP_CALLBACKS | GC_CAP_FREEZE | GC_CAP_STATS)));
        check((c311 & GC_CAP_FINALIZERS) && (c311 & GC_CAP_IS_FINALIZED));
        check(!(c311 & GC_CAP_DEFERRED));
        check(!(gc_heap_caps(norule) & GC_CAP_LONG_LIVED_RULE));
        check(!(gc_heap_caps(none) & GC_CAP_CYCLES));
        check_str(gc_cap_name(GC_CAP_LONG_LIVED_RULE), "long-lived-rule");
        gc_heap_destroy(h27);
        gc_heap_destroy(h311);
        gc_heap_destroy(norule);
        gc_heap_destroy(none);
    }
    TEST("a collection announces begin, every phase in order, end") {
        struct gc_heap *heap;
        struct ev_log log = {{0}, 0, 0};
        struct gc_listener l = {.data = &log, .collect_begin = on_begin,
                                .phase_end = on_phase, .collect_end = on_end};
        /* 3.11: three young objects (3.14 also tracks the root dict). */
        gc_heap_new_spec("cpython:profile=3.11", NULL, &heap, err,
                         sizeof err);
        gc_disable(heap);
        gc_set_listener(heap, &l);
        struct gc_object *a = gc_list_new(heap), *b = gc_list_new(heap);
        gc_list_append(heap, a, b);
        gc_list_append(heap, b, a);
        gc_decref(heap, a);
        gc_decref(heap, b);
        gc_collect(heap, 0);
        check_str(log.text,
                  "begin0/manual update_refs subtract_refs move_unreachable "
                  "untrack move_legacy_finalizers handle_weakrefs "
                  "finalize_garbage handle_resurrected_objects "
                  "delete_garbage end");
        check_uint(log.visited, ==, 3); /* and gc.garbage, a young list */
        check_uint(log.collected, ==, 2);
        gc_set_listener(heap, NULL);
        log.text[0] = '\0';
        gc_collect(heap, 0);
        check_str(log.text, "");
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    TEST("automatic collections are announced with their reason") {
        struct gc_heap *heap;
        struct ev_log log = {{0}, 0, 0};
        struct gc_listener l = {.data = &log, .collect_begin = on_begin};
        gc_heap_new_spec("cpython:profile=3.11,threshold=5", NULL, &heap, err,
                         sizeof err);
        gc_set_listener(heap, &l);
        struct gc_object *keep = gc_list_new(heap);
        for (int i = 0; i < 6; i++) {
            struct gc_object *x = gc_list_new(heap);
            gc_list_append(heap, keep, x);
            gc_decref(heap, x);
        }
        check_str(log.text, "begin0/auto");
        gc_decref(heap, keep);
        check_uint(gc_heap_destroy(heap), ==, 0);
    }
    return tap_done();
}

/* tests/t-workloads.c -- every workload on every collector: it
 * completes, gives the same checksum as on the reference collector, and
 * leaves nothing behind; bad workload specs are refused. */
#include "support.h"
#include "workload.h"

int
main(void)
{
    static const char *const collectors[] = {"cpython", "full",
                                             "incremental", "trialdel",
                                             "none", "cpython:profile=2.7",
                                             "cpython:profile=3.13"};
    char name[200], err[256];
    for (size_t w = 0; gc_workloads[w] != NULL; w++) {
        const struct gc_workload *wl = gc_workloads[w];
        uint64_t reference = 0;
        for (size_t c = 0; c < sizeof collectors / sizeof *collectors; c++) {
            snprintf(name, sizeof name, "%s on %s at size 500", wl->name,
                     collectors[c]);
            TEST(name) {
                struct gc_heap *heap;
                check_int(gc_heap_new_spec(collectors[c], NULL, &heap, err,
                                           sizeof err),
                          ==, GC_OK);
                struct gc_workload_params p = {.size = 500, .seed = 1};
                uint64_t checksum = 0;
                check_int(wl->run(heap, &p, &checksum), ==, GC_OK);
                check_uint(checksum, >, 0);
                if (c == 0) {
                    reference = checksum;
                }
                check_uint(checksum, ==, reference);
                check_uint(gc_heap_destroy(heap), ==, 0);
            }
        }
        snprintf(name, sizeof name, "%s has a Python twin", wl->name);
        TEST(name) {
            check(wl->twin != NULL && strstr(wl->twin, "def main") != NULL);
        }
    }
    TEST("workload specs: unknown names and options are refused") {
        struct gc_workload_spec spec;
        check_int(gc_workload_spec_parse("alloc-churn:batch=10", &spec, err,
                                         sizeof err),
                  ==, GC_OK);
        check_uint(spec.nopts, ==, 1);
        check_int(gc_workload_spec_parse("nosuch", &spec, err, sizeof err),
                  ==, GC_EINVAL);
        check(strstr(err, "unknown workload 'nosuch'; known: alloc-churn"));
        check_int(gc_workload_spec_parse("cycles:bogus=1", &spec, err,
                                         sizeof err),
                  ==, GC_EINVAL);
        check(strstr(err, "unknown option 'bogus'; options: rounds k"));
        check_int(gc_workload_spec_parse("cycles:k", &spec, err, sizeof err),
                  ==, GC_EINVAL);
    }
    TEST("a bad option value is refused when the spec is read") {
        struct gc_workload_spec spec;
        check_int(gc_workload_spec_parse("alloc-churn:batch=-3", &spec, err,
                                         sizeof err),
                  ==, GC_EINVAL);
        check_str(err, "workload 'alloc-churn': batch=-3: batch must be an "
                       "integer from 0 to 100000000");
        check_int(gc_workload_spec_parse("cycles:k=1,k=2", &spec, err,
                                         sizeof err),
                  ==, GC_EINVAL);
        check_str(err, "workload 'cycles': option k given twice; k must be "
                       "an integer from 0 to 100000000, given once");
        /* The spec is kept as given, options and all. */
        check_int(gc_workload_spec_parse("cycles:rounds=3,k=8", &spec, err,
                                         sizeof err),
                  ==, GC_OK);
        check_str(spec.text, "cycles:rounds=3,k=8");
        check_uint(spec.nopts, ==, 2);
        check_uint(spec.opts[1].u[0], ==, 8);
    }
    return tap_done();
}

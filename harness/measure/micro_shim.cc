// harness/measure/micro_shim.cc -- the bridge to google-benchmark: registers the
// C micro benchmarks of harness/gbench.c and runs them with the library's
// own flags (--benchmark_filter, --benchmark_format=json,
// --benchmark_out=FILE, ...).  C++ stays in this file.
#include <benchmark/benchmark.h>

extern "C" {
#include "gbench.h"
}

namespace {

void
Run(benchmark::State &state, const gc_gbench_case *c)
{
    void *ctx = c->setup(state.range(0));
    if (ctx == nullptr) {
        state.SkipWithError("setup failed");
        return;
    }
    for (auto _ : state) {
        c->run(ctx);
    }
    state.SetItemsProcessed(state.iterations() * c->items(ctx));
    c->teardown(ctx);
}

} // namespace

extern "C" int
gc_gbench_main(int argc, char **argv)
{
    for (const gc_gbench_case *c = gc_gbench_cases; c->name != nullptr;
         c++) {
        auto *b = benchmark::RegisterBenchmark(c->name, Run, c);
        for (const long *a = c->args; *a != 0; a++) {
            b->Arg(*a);
        }
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 2;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

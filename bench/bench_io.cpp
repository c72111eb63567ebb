// Reader speed on the real pbmc3k reference (.h5ad and 10x + labels) and the Finotello bulk table.
// Run: ./build/bench/bench_io --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Threshold (2-core VM): reading pbmc3k from .h5ad well under 1 s; from 10x under 2 s (MTX text parsing).
#include <benchmark/benchmark.h>

#include "io/reference.h"
#include "io/tables.h"
#include "util/log.h"

namespace {

std::string data(const char* relative) { return std::string(BLUE_SHARED_DATA) + "/" + relative; }

void read_ref(benchmark::State& state, blue::ReferenceOptions o) {
  blue::log::set_verbosity(blue::log::Verbosity::kQuiet);
  for (auto _ : state) {
    blue::Reference ref = blue::read_reference(o);
    benchmark::DoNotOptimize(ref.counts.data.data());
    state.counters["nnz"] = static_cast<double>(ref.counts.nnz());
  }
}

void BM_Pbmc3kH5ad(benchmark::State& state) {
  blue::ReferenceOptions o;
  o.path = data("pbmc3k/pbmc3k_raw_counts_labelled.h5ad");
  o.label_key = "cell_type";
  read_ref(state, o);
}

void BM_Pbmc3k10x(benchmark::State& state) {
  blue::ReferenceOptions o;
  o.path = data("pbmc3k/mtx");
  o.labels_path = data("pbmc3k/cell_metadata_labels.csv");
  o.label_key = "cell_type";
  read_ref(state, o);
}

void BM_FinotelloBulk(benchmark::State& state) {
  blue::log::set_verbosity(blue::log::Verbosity::kQuiet);
  for (auto _ : state) {
    auto t = blue::read_expression_table(data("finotello_pbmc/GSE107572_bulk_expression.tsv.gz"), "bulk");
    benchmark::DoNotOptimize(t.values.data());
  }
}

}  // namespace

BENCHMARK(BM_Pbmc3kH5ad)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Pbmc3k10x)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FinotelloBulk)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();

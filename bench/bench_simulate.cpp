// Pseudobulk simulation and marker-panel speed (issue 3 targets): samples per second on pbmc3k and on a
// ~500k cells x 20k genes reference made in memory by resampling pbmc3k cells, with peak RSS; and
// find_markers on the large reference. Not a test: run by hand, see bench/README-simulate.md.
//   ./build/bench/bench_simulate --benchmark_filter=Pbmc          (seconds)
//   ./build/bench/bench_simulate                                  (large: ~4 GB RAM, minutes)
// BLUE_BENCH_CELLS overrides the number of cells of the large reference (default 500000).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <numeric>

#include "io/reference.h"
#include "simulate/markers.h"
#include "simulate/simulate.h"
#include "util/log.h"
#include "util/parallel.h"
#include "util/provenance.h"
#include "util/random.h"

using namespace blue;

namespace {

constexpr std::size_t kGenes = 20000;
constexpr int kFlatSamples = 280;  // + 9 types x 3 alphas x 30 dominant = 1090 samples of 500 cells

// pbmc3k restricted to its kGenes genes with the most non-zeros (columns in their original order).
const Reference& pbmc() {
  static std::unique_ptr<Reference> ref = [] {
    ReferenceOptions o;
    o.path = std::string(BLUE_SHARED_DATA) + "/pbmc3k/pbmc3k_raw_counts_labelled.h5ad";
    o.label_key = "cell_type";
    Reference full = read_reference(o);
    std::vector<std::int64_t> nnz(full.n_genes(), 0);
    for (auto c : full.counts.indices) ++nnz[c];
    std::vector<std::int32_t> order(full.n_genes());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return nnz[a] > nnz[b]; });
    order.resize(std::min(kGenes, order.size()));
    std::sort(order.begin(), order.end());
    std::vector<std::int32_t> new_col(full.n_genes(), -1);
    auto r = std::make_unique<Reference>(full);
    r->genes.clear();
    for (std::size_t g = 0; g < order.size(); ++g)
      new_col[order[g]] = static_cast<std::int32_t>(g), r->genes.push_back(full.genes[order[g]]);
    CsrMatrix& m = r->counts;
    m.cols = static_cast<std::int64_t>(order.size());
    m.indices.clear(), m.data.clear(), m.indptr.assign(1, 0);
    for (std::int64_t row = 0; row < full.counts.rows; ++row) {
      for (auto j = full.counts.indptr[row]; j < full.counts.indptr[row + 1]; ++j) {
        if (new_col[full.counts.indices[j]] < 0) continue;
        m.indices.push_back(new_col[full.counts.indices[j]]);
        m.data.push_back(full.counts.data[j]);
      }
      m.indptr.push_back(static_cast<std::int64_t>(m.data.size()));
    }
    return r;
  }();
  return *ref;
}

// `n` cells drawn with replacement from pbmc3k (labels kept), kGenes genes.
const Reference& large() {
  static std::unique_ptr<Reference> ref = [] {
    const Reference& src = pbmc();
    const char* env = std::getenv("BLUE_BENCH_CELLS");
    const std::int64_t n = env ? std::atoll(env) : 500000;
    auto r = std::make_unique<Reference>();
    r->source = "pbmc3k resampled";
    r->genes = src.genes;
    r->cell_types = src.cell_types;
    CsrMatrix& m = r->counts;
    m.rows = n, m.cols = src.counts.cols;
    Rng rng(1);
    std::vector<std::int64_t> rows(n);
    std::int64_t nnz = 0;
    for (auto& row : rows) {
      row = static_cast<std::int64_t>(rng.below(src.n_cells()));
      nnz += src.counts.indptr[row + 1] - src.counts.indptr[row];
    }
    m.indptr.reserve(n + 1), m.indices.reserve(nnz), m.data.reserve(nnz);
    m.indptr.push_back(0);
    for (std::int64_t i = 0; i < n; ++i) {
      const auto b = src.counts.indptr[rows[i]], e = src.counts.indptr[rows[i] + 1];
      m.indices.insert(m.indices.end(), src.counts.indices.begin() + b, src.counts.indices.begin() + e);
      m.data.insert(m.data.end(), src.counts.data.begin() + b, src.counts.data.begin() + e);
      m.indptr.push_back(static_cast<std::int64_t>(m.data.size()));
      r->cells.push_back("c" + std::to_string(i));
      r->cell_type_of.push_back(src.cell_type_of[rows[i]]);
    }
    return r;
  }();
  return *ref;
}

void report_memory(benchmark::State& state, const Reference& ref) {
  const double ref_mib = static_cast<double>(ref.counts.bytes()) / (1024.0 * 1024.0);
  const double peak = resource_usage().peak_rss_mib;
  state.counters["reference_MiB"] = ref_mib;
  state.counters["peak_RSS_MiB"] = peak;
  state.counters["peak_over_reference"] = peak / ref_mib;
}

void simulate_bench(benchmark::State& state, const Reference& ref) {
  set_threads(static_cast<int>(state.range(0)));
  const CellSplit split = split_cells(ref);
  SimulationOptions o;
  o.samples = kFlatSamples;
  std::size_t n = 0;
  for (auto _ : state) {
    Pseudobulk pb = simulate(ref, all_gene_columns(ref), split.pools[0], o);
    n += pb.n_samples();
    benchmark::DoNotOptimize(pb.bulk.data());
  }
  state.counters["samples_per_s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
  state.counters["samples_per_iteration"] = static_cast<double>(simulated_sample_count(kFlatSamples, ref.n_types()));
  report_memory(state, ref);
}

void BM_SimulatePbmc(benchmark::State& state) { simulate_bench(state, pbmc()); }
void BM_SimulateLarge(benchmark::State& state) { simulate_bench(state, large()); }

void BM_MarkersLarge(benchmark::State& state) {
  set_threads(static_cast<int>(state.range(0)));
  const Reference& ref = large();
  for (auto _ : state) {
    MarkerResult r = find_markers(ref, MarkerOptions{});
    benchmark::DoNotOptimize(r.panel.data());
  }
  report_memory(state, ref);
}

}  // namespace

BENCHMARK(BM_SimulatePbmc)->Arg(1)->Arg(2)->Unit(benchmark::kSecond)->Iterations(1)->Repetitions(3)->UseRealTime();
BENCHMARK(BM_SimulateLarge)->Arg(2)->Unit(benchmark::kSecond)->Iterations(1)->Repetitions(3)->UseRealTime();
BENCHMARK(BM_MarkersLarge)->Arg(2)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

int main(int argc, char** argv) {
  log::set_verbosity(log::Verbosity::kQuiet);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

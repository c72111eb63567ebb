// Benchmark of the NNLS solver (METHOD 1): samples per second for CIBERSORT's LM22 signature (547 genes x
// 22 immune types) on 10,000 synthetic mixtures, with 1 and 2 threads.
// Mixtures: p ~ flat Dirichlet over the 22 types, y = (S p) * exp(0.3 z), z standard normal per gene
// (multiplicative noise, so that many coefficients end on their zero bound as on real data).
// Run: ./build/bench/bench_nnls  (numbers are items_per_second = samples/s).
#include <benchmark/benchmark.h>

#include <cmath>

#include "io/tables.h"
#include "nnls/nnls.h"
#include "util/parallel.h"
#include "util/random.h"

namespace {

struct Problems {
  Eigen::MatrixXd s, y;
};

const Problems& lm22_problems() {
  static const Problems problems = [] {
    Problems p;
    p.s = blue::read_expression_table(std::string(BLUE_SHARED_DATA) + "/signatures/CIBERSORT-DATA_LM22.txt",
                                      "signature")
              .values;
    const int n = 10000, k = static_cast<int>(p.s.cols()), g = static_cast<int>(p.s.rows());
    p.y.resize(g, n);
    for (int j = 0; j < n; ++j) {
      blue::Rng rng(7, j);
      const auto prop = blue::dirichlet(rng, std::vector<double>(k, 1.0));
      const Eigen::VectorXd clean = p.s * Eigen::Map<const Eigen::VectorXd>(prop.data(), k);
      for (int i = 0; i < g; ++i) p.y(i, j) = clean(i) * std::exp(0.3 * rng.normal());
    }
    return p;
  }();
  return problems;
}

void BM_NnlsLm22(benchmark::State& state) {
  const Problems& p = lm22_problems();
  blue::set_threads(static_cast<int>(state.range(0)));
  double worst_kkt = 0;
  for (auto _ : state) {
    blue::NnlsBatch b = blue::nnls_batch(p.s, p.y);
    worst_kkt = b.kkt_violation.maxCoeff();
    benchmark::DoNotOptimize(b.x.data());
  }
  state.SetItemsProcessed(state.iterations() * p.y.cols());
  state.counters["max_kkt_violation"] = worst_kkt;
}
BENCHMARK(BM_NnlsLm22)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

}  // namespace

BENCHMARK_MAIN();

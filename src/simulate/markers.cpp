#include "simulate/markers.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "util/error.h"
#include "util/log.h"
#include "util/parallel.h"

namespace blue {
namespace {

// Log-normalised values in compressed sparse columns (genes), built once from the CSR counts.
struct CscLogNorm {
  std::vector<std::int64_t> colptr;
  std::vector<std::uint16_t> type;  // cell type of each stored value (all the rank test needs of the row)
  std::vector<float> value;        // log1p(count / cell_total * 1e4) > 0
};

CscLogNorm log_normalised_columns(const Reference& ref) {
  const CsrMatrix& m = ref.counts;
  CscLogNorm csc;
  csc.colptr.assign(static_cast<std::size_t>(m.cols) + 1, 0);
  for (std::int64_t j = 0; j < m.nnz(); ++j) {
    if (m.data[j] > 0.0f) ++csc.colptr[m.indices[j] + 1];
  }
  std::partial_sum(csc.colptr.begin(), csc.colptr.end(), csc.colptr.begin());
  std::vector<std::int64_t> next(csc.colptr.begin(), csc.colptr.end() - 1);
  csc.type.resize(static_cast<std::size_t>(csc.colptr.back()));
  csc.value.resize(csc.type.size());
  for (std::int64_t r = 0; r < m.rows; ++r) {
    double total = 0.0;
    for (std::int64_t j = m.indptr[r]; j < m.indptr[r + 1]; ++j) total += m.data[j];
    if (total <= 0.0) continue;
    const double scale = defaults::kLogNormScale / total;
    for (std::int64_t j = m.indptr[r]; j < m.indptr[r + 1]; ++j) {
      if (m.data[j] <= 0.0f) continue;  // raw counts: only positive values are stored
      const std::int64_t at = next[m.indices[j]]++;
      csc.type[at] = static_cast<std::uint16_t>(ref.cell_type_of[r]);
      csc.value[at] = static_cast<float>(std::log1p(m.data[j] * scale));
    }
  }
  return csc;
}

std::uint64_t pack(float value, std::uint16_t type) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);  // positive floats order like their bit patterns
  return (static_cast<std::uint64_t>(bits) << 32) | static_cast<std::uint32_t>(type);
}

float unpack_value(std::uint64_t key) {
  const auto bits = static_cast<std::uint32_t>(key >> 32);
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// Per type of one gene: sum of ranks and sum of values over the cells where the gene is non-zero.
struct GeneSums {
  std::vector<double> rank_sum, value_sum;
  std::vector<std::int64_t> nonzero;
  double tie_sum = 0.0;  // sum over tie groups of t^3 - t, the zeros included
  std::int64_t zeros = 0;
};

void rank_gene(std::vector<std::uint64_t>& keys, std::int64_t n_cells, GeneSums& s) {
  std::sort(keys.begin(), keys.end());
  s.zeros = n_cells - static_cast<std::int64_t>(keys.size());
  const double z = static_cast<double>(s.zeros);
  s.tie_sum = z * z * z - z;
  std::size_t i = 0;
  while (i < keys.size()) {
    std::size_t end = i + 1;
    while (end < keys.size() && (keys[end] >> 32) == (keys[i] >> 32)) ++end;
    const double t = static_cast<double>(end - i);
    const double rank = z + static_cast<double>(i) + (t + 1.0) / 2.0;  // average of ranks z+i+1 .. z+end
    s.tie_sum += t * t * t - t;
    const double value = unpack_value(keys[i]);
    for (std::size_t j = i; j < end; ++j) {
      const auto type = static_cast<std::uint32_t>(keys[j]);
      s.rank_sum[type] += rank;
      s.value_sum[type] += value;
      ++s.nonzero[type];
    }
    i = end;
  }
}

// Two-sided p of the tie-corrected normal approximation with continuity correction.
double mann_whitney_p(double rank_sum, double n_in, double n_total, double tie_sum) {
  const double n_out = n_total - n_in;
  if (n_in <= 0.0 || n_out <= 0.0) return 1.0;
  const double u = rank_sum - n_in * (n_in + 1.0) / 2.0;
  const double mu = n_in * n_out / 2.0;
  const double var = n_in * n_out / 12.0 * ((n_total + 1.0) - tie_sum / (n_total * (n_total - 1.0)));
  if (!(var > 0.0)) return 1.0;
  const double zscore = (std::abs(u - mu) - 0.5) / std::sqrt(var);
  return std::min(1.0, std::erfc(zscore / std::sqrt(2.0)));
}

}  // namespace

std::vector<double> benjamini_hochberg(const std::vector<double>& p) {
  const std::size_t m = p.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  std::vector<double> adj(m);
  double running = 1.0;
  for (std::size_t r = m; r-- > 0;) {
    running = std::min(running, p[order[r]] * static_cast<double>(m) / static_cast<double>(r + 1));
    adj[order[r]] = running;
  }
  return adj;
}

OneVsRest one_vs_rest_wilcoxon(const Reference& ref) {
  const std::size_t k_types = ref.n_types();
  const std::size_t n_genes = ref.n_genes();
  const auto n_cells = static_cast<std::int64_t>(ref.n_cells());
  if (k_types > 65535) throw InputError(ref.source + ": more than 65535 cell types; check the label column");
  std::vector<double> type_size(k_types, 0.0);
  for (auto t : ref.cell_type_of) type_size[t] += 1.0;
  const CscLogNorm csc = log_normalised_columns(ref);
  log::info("markers", "one-vs-rest Wilcoxon tests: {} genes x {} cell types over {} cells ({} non-zeros)",
            n_genes, k_types, n_cells, csc.value.size());

  OneVsRest out{Eigen::MatrixXd::Zero(k_types, n_genes), Eigen::MatrixXd::Ones(k_types, n_genes),
                Eigen::MatrixXd::Ones(k_types, n_genes)};
  parallel_for(static_cast<std::ptrdiff_t>(n_genes), [&](std::ptrdiff_t g) {
    thread_local std::vector<std::uint64_t> keys;
    keys.clear();
    for (std::int64_t j = csc.colptr[g]; j < csc.colptr[g + 1]; ++j) keys.push_back(pack(csc.value[j], csc.type[j]));
    GeneSums s{std::vector<double>(k_types, 0.0), std::vector<double>(k_types, 0.0),
               std::vector<std::int64_t>(k_types, 0)};
    rank_gene(keys, n_cells, s);
    const double zero_rank = (static_cast<double>(s.zeros) + 1.0) / 2.0;
    const double value_total = std::accumulate(s.value_sum.begin(), s.value_sum.end(), 0.0);
    for (std::size_t k = 0; k < k_types; ++k) {
      const double n_in = type_size[k];
      const double ranks = s.rank_sum[k] + (n_in - static_cast<double>(s.nonzero[k])) * zero_rank;
      out.p(k, g) = mann_whitney_p(ranks, n_in, static_cast<double>(n_cells), s.tie_sum);
      const double n_rest = static_cast<double>(n_cells) - n_in;
      const double mean_in = n_in > 0 ? s.value_sum[k] / n_in : 0.0;
      const double mean_rest = n_rest > 0 ? (value_total - s.value_sum[k]) / n_rest : 0.0;
      out.log_fc(k, g) = mean_in - mean_rest;
    }
  });
  for (std::size_t k = 0; k < k_types; ++k) {
    std::vector<double> p(n_genes);
    for (std::size_t g = 0; g < n_genes; ++g) p[g] = out.p(k, g);
    const auto adj = benjamini_hochberg(p);
    for (std::size_t g = 0; g < n_genes; ++g) out.p_adj(k, g) = adj[g];
  }
  return out;
}

MarkerResult select_panel(const Reference& ref, const OneVsRest& tests, const MarkerOptions& options) {
  const std::size_t k_types = ref.n_types();
  std::vector<std::vector<std::int32_t>> significant(k_types);
  for (std::size_t k = 0; k < k_types; ++k) {
    for (std::size_t g = 0; g < ref.n_genes(); ++g) {
      if (tests.p_adj(k, g) < options.fdr && tests.log_fc(k, g) > 0.0) {
        significant[k].push_back(static_cast<std::int32_t>(g));
      }
    }
    std::stable_sort(significant[k].begin(), significant[k].end(),
                     [&](std::int32_t a, std::int32_t b) { return tests.log_fc(k, a) > tests.log_fc(k, b); });
    if (significant[k].empty()) {
      log::warn("markers", "cell type '{}' has no significant marker gene (BH-adjusted p < {}, log FC > 0)",
                ref.cell_types[k], options.fdr);
    }
  }
  std::vector<std::size_t> type_order(k_types);
  std::iota(type_order.begin(), type_order.end(), 0);
  std::stable_sort(type_order.begin(), type_order.end(),
                   [&](std::size_t a, std::size_t b) { return significant[a].size() < significant[b].size(); });

  MarkerResult result;
  std::vector<std::vector<char>> chosen(k_types, std::vector<char>(ref.n_genes(), 0));
  std::vector<char> taken(ref.n_genes(), 0);
  for (std::size_t k : type_order) {
    int count = 0;
    for (std::int32_t g : significant[k]) {
      if (count >= options.per_type) break;
      if (taken[g]) continue;
      taken[g] = chosen[k][g] = 1;
      result.panel.push_back(ref.genes[g]);
      ++count;
    }
    log::info("markers", "{}: {} significant gene(s), {} in the panel", ref.cell_types[k], significant[k].size(),
              count);
  }
  for (std::size_t k = 0; k < k_types; ++k) {
    for (std::int32_t g : significant[k]) {
      result.stats.push_back(MarkerStat{ref.genes[g], ref.cell_types[k], tests.log_fc(k, g), tests.p(k, g),
                                        tests.p_adj(k, g), chosen[k][g] != 0});
    }
  }
  return result;
}

MarkerResult find_markers(const Reference& ref, const MarkerOptions& options) {
  if (ref.n_types() < 2) {
    throw InputError(ref.source + ": marker genes need at least 2 cell types (one-vs-rest tests); the reference "
                                  "has " + std::to_string(ref.n_types()));
  }
  return select_panel(ref, one_vs_rest_wilcoxon(ref), options);
}

}  // namespace blue

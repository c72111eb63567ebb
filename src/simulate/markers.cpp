#include "simulate/markers.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <utility>

#include "util/error.h"
#include "util/log.h"
#include "util/parallel.h"

namespace blue {
namespace {

// Log-normalised values in compressed sparse columns (genes), built once from the CSR counts.
struct CscLogNorm {
  std::vector<std::int64_t> colptr;
  std::vector<std::uint16_t> type;  // cell type of each stored value (all the rank test needs of the row)
  std::vector<float> value;         // log1p(count / cell_total * 1e4) > 0
};

// Rows [begin, end) of chunk c out of n_chunks (contiguous, in order).
std::pair<std::int64_t, std::int64_t> chunk_rows(std::int64_t rows, std::int64_t c, std::int64_t n_chunks) {
  return {rows * c / n_chunks, rows * (c + 1) / n_chunks};
}

// Parallel transposition: each chunk of rows counts its non-zeros per column, the prefix sums give every
// chunk its own write position in each column, then the chunks scatter independently. Within a column the
// values stay in row order whatever the number of chunks. Raw counts: only positive values are stored.
CscLogNorm log_normalised_columns(const Reference& ref) {
  const CsrMatrix& m = ref.counts;
  const auto cols = static_cast<std::size_t>(m.cols);
  const std::int64_t n_chunks = std::max<std::int64_t>(1, std::min<std::int64_t>(threads(), m.rows));
  std::vector<std::vector<std::int64_t>> at(static_cast<std::size_t>(n_chunks), std::vector<std::int64_t>(cols, 0));
  parallel_for(n_chunks, [&](std::ptrdiff_t c) {
    const auto [begin, end] = chunk_rows(m.rows, c, n_chunks);
    for (std::int64_t j = m.indptr[begin]; j < m.indptr[end]; ++j) {
      if (m.data[j] > 0.0f) ++at[c][m.indices[j]];
    }
  });
  CscLogNorm csc;
  csc.colptr.assign(cols + 1, 0);
  for (std::size_t g = 0; g < cols; ++g) {
    std::int64_t pos = csc.colptr[g];
    for (auto& chunk : at) {  // count -> this chunk's first write position in column g
      const std::int64_t count = chunk[g];
      chunk[g] = pos;
      pos += count;
    }
    csc.colptr[g + 1] = pos;
  }
  csc.type.resize(static_cast<std::size_t>(csc.colptr.back()));
  csc.value.resize(csc.type.size());
  parallel_for(n_chunks, [&](std::ptrdiff_t c) {
    const auto [begin, end] = chunk_rows(m.rows, c, n_chunks);
    auto& next = at[c];
    for (std::int64_t r = begin; r < end; ++r) {
      double total = 0.0;
      for (std::int64_t j = m.indptr[r]; j < m.indptr[r + 1]; ++j) total += std::max(0.0f, m.data[j]);
      const double scale = total > 0.0 ? defaults::kLogNormScale / total : 0.0;
      for (std::int64_t j = m.indptr[r]; j < m.indptr[r + 1]; ++j) {
        if (m.data[j] <= 0.0f) continue;
        const std::int64_t pos = next[m.indices[j]]++;
        csc.type[pos] = static_cast<std::uint16_t>(ref.cell_type_of[r]);
        csc.value[pos] = static_cast<float>(std::log1p(m.data[j] * scale));
      }
    }
  });
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

// Sorts keys by their upper 32 bits (the value): LSD radix sort, 8 bits per pass, skipping passes where
// every key has the same byte; std::sort for short columns. Order within equal values does not matter.
void sort_by_value(std::vector<std::uint64_t>& keys, std::vector<std::uint64_t>& scratch) {
  const std::size_t n = keys.size();
  if (n < 512) {
    std::sort(keys.begin(), keys.end());
    return;
  }
  scratch.resize(n);
  std::uint64_t* src = keys.data();
  std::uint64_t* dst = scratch.data();
  for (int shift = 32; shift < 64; shift += 8) {
    std::size_t start[257] = {0};
    for (std::size_t i = 0; i < n; ++i) ++start[((src[i] >> shift) & 0xFF) + 1];
    if (start[((src[0] >> shift) & 0xFF) + 1] == n) continue;
    for (int b = 0; b < 256; ++b) start[b + 1] += start[b];
    for (std::size_t i = 0; i < n; ++i) dst[start[(src[i] >> shift) & 0xFF]++] = src[i];
    std::swap(src, dst);
  }
  if (src != keys.data()) std::copy(src, src + n, keys.data());
}

void rank_gene(std::vector<std::uint64_t>& keys, std::vector<std::uint64_t>& scratch, std::int64_t n_cells,
               GeneSums& s) {
  sort_by_value(keys, scratch);
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
  log::info("markers", "one-vs-rest Wilcoxon tests: {} genes x {} cell types over {} cells ({} non-zeros)", n_genes,
            k_types, n_cells, csc.value.size());

  OneVsRest out{Eigen::MatrixXd::Zero(k_types, n_genes), Eigen::MatrixXd::Ones(k_types, n_genes),
                Eigen::MatrixXd::Ones(k_types, n_genes)};
  parallel_for(static_cast<std::ptrdiff_t>(n_genes), [&](std::ptrdiff_t g) {
    thread_local std::vector<std::uint64_t> keys, scratch;
    keys.clear();
    for (std::int64_t j = csc.colptr[g]; j < csc.colptr[g + 1]; ++j) keys.push_back(pack(csc.value[j], csc.type[j]));
    GeneSums s{std::vector<double>(k_types, 0.0), std::vector<double>(k_types, 0.0),
               std::vector<std::int64_t>(k_types, 0)};
    rank_gene(keys, scratch, n_cells, s);
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
      if (!options.allowed.empty() && !options.allowed[g]) continue;
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
    throw InputError(ref.source +
                     ": marker genes need at least 2 cell types (one-vs-rest tests); the reference "
                     "has " +
                     std::to_string(ref.n_types()));
  }
  return select_panel(ref, one_vs_rest_wilcoxon(ref), options);
}

}  // namespace blue

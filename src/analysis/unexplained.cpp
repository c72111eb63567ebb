// Genes that no reference cell type explains (see unexplained.h).
#include "analysis/unexplained.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "util/error.h"
#include "util/parallel.h"

namespace blue {

ExpressionCeiling expression_ceiling(const std::vector<std::string>& reference_genes, const MatrixF& mean_counts,
                                     const std::vector<std::string>& bulk_genes, const std::string& bulk_name) {
  if (static_cast<std::size_t>(mean_counts.cols()) != reference_genes.size()) {
    throw InternalError("expression_ceiling: profiles and gene names disagree");
  }
  std::unordered_map<std::string, std::int32_t> row_of;
  for (std::size_t i = 0; i < bulk_genes.size(); ++i) row_of.emplace(bulk_genes[i], static_cast<std::int32_t>(i));
  ExpressionCeiling c;
  std::vector<Eigen::Index> columns;
  for (std::size_t g = 0; g < reference_genes.size(); ++g) {
    auto it = row_of.find(reference_genes[g]);
    if (it == row_of.end()) continue;
    c.genes.push_back(reference_genes[g]);
    c.bulk_rows.push_back(it->second);
    columns.push_back(static_cast<Eigen::Index>(g));
  }
  if (c.genes.empty()) {
    throw InputError(
        fmt::format("{} shares no gene name with the reference the model was trained on; check that "
                    "both use the same gene identifiers (symbols or Ensembl IDs)",
                    bulk_name));
  }
  const auto n = static_cast<Eigen::Index>(columns.size());
  c.ceiling_cpm = Eigen::VectorXd::Zero(n);
  c.top_type.assign(columns.size(), -1);
  for (Eigen::Index k = 0; k < mean_counts.rows(); ++k) {
    double total = 0;
    for (Eigen::Index j = 0; j < n; ++j) total += mean_counts(k, columns[static_cast<std::size_t>(j)]);
    if (total <= 0) continue;
    for (Eigen::Index j = 0; j < n; ++j) {
      const double cpm = mean_counts(k, columns[static_cast<std::size_t>(j)]) * 1e6 / total;
      if (cpm > c.ceiling_cpm[j]) {
        c.ceiling_cpm[j] = cpm;
        c.top_type[static_cast<std::size_t>(j)] = static_cast<std::int32_t>(k);
      }
    }
  }
  return c;
}

Unexplained find_unexplained(const ExpressionCeiling& ceiling, const Eigen::MatrixXd& values,
                             const UnexplainedOptions& options) {
  const auto n_samples = static_cast<std::size_t>(values.cols());
  const std::size_t n_genes = ceiling.genes.size();
  Unexplained u;
  u.count.assign(n_samples, 0);
  u.fraction.assign(n_samples, 0.0);
  u.genes.resize(n_samples);
  std::vector<double> limit(n_genes);
  for (std::size_t g = 0; g < n_genes; ++g) {
    limit[g] = options.fold * std::max(ceiling.ceiling_cpm[static_cast<Eigen::Index>(g)], options.floor_cpm);
  }
  parallel_for(static_cast<std::ptrdiff_t>(n_samples), [&](std::ptrdiff_t i) {
    const auto s = static_cast<std::size_t>(i);
    const auto col = static_cast<Eigen::Index>(s);
    double total = 0;
    for (std::int32_t row : ceiling.bulk_rows) total += std::max(0.0, values(row, col));
    if (!(total > 0)) return;
    std::vector<std::pair<double, UnexplainedGene>> found;  // (excess, gene)
    double mass = 0;
    for (std::size_t g = 0; g < n_genes; ++g) {
      const double cpm = std::max(0.0, values(ceiling.bulk_rows[g], col)) * 1e6 / total;
      if (cpm <= limit[g]) continue;
      mass += cpm;
      found.push_back({cpm - limit[g], UnexplainedGene{static_cast<std::int32_t>(g), cpm}});
    }
    u.count[s] = static_cast<int>(found.size());
    u.fraction[s] = mass / 1e6;
    const std::size_t keep = std::min(options.listed, found.size());
    std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(keep), found.end(),
                      [](const auto& a, const auto& b) {
                        return a.first != b.first ? a.first > b.first : a.second.gene < b.second.gene;
                      });
    for (std::size_t i = 0; i < keep; ++i) u.genes[s].push_back(found[i].second);
  });
  return u;
}

std::vector<std::pair<std::string, int>> genes_by_frequency(const std::vector<std::vector<std::string>>& lists) {
  std::map<std::string, int> count;
  for (const auto& list : lists) {
    for (const auto& gene : list) ++count[gene];
  }
  std::vector<std::pair<std::string, int>> ranked(count.begin(), count.end());  // by name
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return ranked;
}

}  // namespace blue

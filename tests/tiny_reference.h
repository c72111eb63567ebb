// Small in-memory References with known contents, for the simulate/markers/normalize unit tests.
#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include "io/types.h"

namespace blue::test_data {

// A reference from dense rows (cells x genes) and per-cell labels; cell_types = sorted unique labels.
inline Reference make_reference(const std::vector<std::vector<float>>& rows, const std::vector<std::string>& labels) {
  Reference ref;
  ref.source = "tiny_reference";
  const std::size_t n_genes = rows.empty() ? 0 : rows[0].size();
  for (std::size_t g = 0; g < n_genes; ++g) ref.genes.push_back("g" + std::to_string(g));
  ref.counts.rows = static_cast<std::int64_t>(rows.size());
  ref.counts.cols = static_cast<std::int64_t>(n_genes);
  ref.counts.indptr.push_back(0);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t g = 0; g < n_genes; ++g) {
      if (rows[r][g] != 0.0f) {
        ref.counts.indices.push_back(static_cast<std::int32_t>(g));
        ref.counts.data.push_back(rows[r][g]);
      }
    }
    ref.counts.indptr.push_back(static_cast<std::int64_t>(ref.counts.data.size()));
    ref.cells.push_back("c" + std::to_string(r));
  }
  ref.cell_types = labels;
  std::sort(ref.cell_types.begin(), ref.cell_types.end());
  ref.cell_types.erase(std::unique(ref.cell_types.begin(), ref.cell_types.end()), ref.cell_types.end());
  for (const auto& l : labels) {
    ref.cell_type_of.push_back(static_cast<std::int32_t>(
        std::lower_bound(ref.cell_types.begin(), ref.cell_types.end(), l) - ref.cell_types.begin()));
  }
  return ref;
}

// `per_type` cells of each of `types`, cell i of type t has count (t + 1) * 10 + i % 7 in gene t, 1 in
// gene `types.size()` (shared), 0 elsewhere; genes = types.size() + 2 (the last is never expressed).
inline Reference block_reference(const std::vector<std::string>& types, const std::vector<int>& per_type) {
  std::vector<std::vector<float>> rows;
  std::vector<std::string> labels;
  const std::size_t n_genes = types.size() + 2;
  for (std::size_t t = 0; t < types.size(); ++t) {
    for (int i = 0; i < per_type[t]; ++i) {
      std::vector<float> row(n_genes, 0.0f);
      row[t] = static_cast<float>((t + 1) * 10 + i % 7);
      row[types.size()] = 1.0f;
      rows.push_back(row);
      labels.push_back(types[t]);
    }
  }
  return make_reference(rows, labels);
}

}  // namespace blue::test_data

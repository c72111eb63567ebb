// Per-cell-type mean profiles of a labelled reference (see type_profiles.h).
#include "simulate/type_profiles.h"

#include <cstring>

#include <fmt/format.h>

#include "util/error.h"

namespace blue {

std::vector<double> TypeProfiles::panel_size() const {
  std::vector<double> s(static_cast<std::size_t>(mean_counts.rows()));
  for (Eigen::Index k = 0; k < mean_counts.rows(); ++k)
    s[static_cast<std::size_t>(k)] = mean_counts.row(k).cast<double>().sum();
  return s;
}

nlohmann::json TypeProfiles::to_json() const {
  nlohmann::json rows = nlohmann::json::array();
  for (Eigen::Index k = 0; k < mean_counts.rows(); ++k) {
    std::vector<float> row(mean_counts.row(k).data(), mean_counts.row(k).data() + mean_counts.cols());
    rows.push_back(row);
  }
  return {{"cell_types", cell_types},
          {"library_size", library_size},
          {"mean_counts", rows},
          {"units", "mean raw counts per cell of the type's training-split cells; library_size over all genes"}};
}

TypeProfiles TypeProfiles::from_json(const nlohmann::json& j, std::size_t genes, const std::string& where) {
  TypeProfiles p;
  try {
    p.cell_types = j.at("cell_types").get<std::vector<std::string>>();
    p.library_size = j.at("library_size").get<std::vector<double>>();
    const auto& rows = j.at("mean_counts");
    p.mean_counts.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(genes));
    for (std::size_t k = 0; k < rows.size(); ++k) {
      auto row = rows[k].get<std::vector<float>>();
      if (row.size() != genes)
        throw InputError(fmt::format("{}: reference profile {} has {} genes, expected {}", where, k, row.size(),
                                     genes));
      for (std::size_t g = 0; g < genes; ++g)
        p.mean_counts(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(g)) = row[g];
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: the reference profiles record is incomplete ({})", where, e.what()));
  }
  if (p.cell_types.size() != p.library_size.size() ||
      p.cell_types.size() != static_cast<std::size_t>(p.mean_counts.rows())) {
    throw InputError(fmt::format("{}: the reference profiles disagree on the number of cell types", where));
  }
  return p;
}

TypeProfiles type_profiles(const Reference& ref, const std::vector<std::int32_t>& gene_columns,
                           const std::vector<std::vector<std::int64_t>>& pools) {
  if (pools.size() != ref.n_types()) throw InternalError("type_profiles: one pool per cell type expected");
  std::vector<std::int32_t> column_of(static_cast<std::size_t>(ref.counts.cols), -1);
  for (std::size_t g = 0; g < gene_columns.size(); ++g)
    column_of[static_cast<std::size_t>(gene_columns[g])] = static_cast<std::int32_t>(g);
  TypeProfiles p;
  p.cell_types = ref.cell_types;
  p.mean_counts = MatrixF::Zero(static_cast<Eigen::Index>(pools.size()),
                                static_cast<Eigen::Index>(gene_columns.size()));
  p.library_size.assign(pools.size(), 0.0);
  const CsrMatrix& m = ref.counts;
  for (std::size_t k = 0; k < pools.size(); ++k) {
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(gene_columns.size()));
    double total = 0;
    for (std::int64_t row : pools[k]) {
      for (std::int64_t j = m.indptr[static_cast<std::size_t>(row)]; j < m.indptr[static_cast<std::size_t>(row) + 1];
           ++j) {
        const double v = m.data[static_cast<std::size_t>(j)];
        total += v;
        const std::int32_t g = column_of[static_cast<std::size_t>(m.indices[static_cast<std::size_t>(j)])];
        if (g >= 0) sum[g] += v;
      }
    }
    const double n = std::max<double>(1.0, static_cast<double>(pools[k].size()));
    p.mean_counts.row(static_cast<Eigen::Index>(k)) = (sum / n).cast<float>().transpose();
    p.library_size[k] = total / n;
  }
  return p;
}

std::string TranscriptomeProfiles::to_blob() const {
  return std::string(reinterpret_cast<const char*>(mean_counts.data()),
                     static_cast<std::size_t>(mean_counts.size()) * sizeof(float));
}

TranscriptomeProfiles TranscriptomeProfiles::from_blob(std::vector<std::string> genes, std::size_t types,
                                                       const std::string& blob, const std::string& where) {
  if (blob.size() != genes.size() * types * sizeof(float)) {
    throw InputError(fmt::format("{}: the transcriptome profiles hold {} bytes, expected {} genes x {} types", where,
                                 blob.size(), genes.size(), types));
  }
  TranscriptomeProfiles p;
  p.genes = std::move(genes);
  p.mean_counts.resize(static_cast<Eigen::Index>(types), static_cast<Eigen::Index>(p.genes.size()));
  std::memcpy(p.mean_counts.data(), blob.data(), blob.size());
  return p;
}

TranscriptomeProfiles transcriptome_profiles(const Reference& ref,
                                             const std::vector<std::vector<std::int64_t>>& pools) {
  std::vector<char> expressed(ref.n_genes(), 0);
  for (std::size_t j = 0; j < ref.counts.indices.size(); ++j) {
    if (ref.counts.data[j] > 0) expressed[static_cast<std::size_t>(ref.counts.indices[j])] = 1;
  }
  std::vector<std::int32_t> columns;
  TranscriptomeProfiles p;
  for (std::size_t g = 0; g < expressed.size(); ++g) {
    if (!expressed[g]) continue;
    columns.push_back(static_cast<std::int32_t>(g));
    p.genes.push_back(ref.genes[g]);
  }
  p.mean_counts = type_profiles(ref, columns, pools).mean_counts;
  return p;
}

MatrixF rna_fractions(const MatrixF& cell_fractions, const std::vector<double>& library_size) {
  if (static_cast<std::size_t>(cell_fractions.cols()) != library_size.size())
    throw InternalError("rna_fractions: shape");
  MatrixF r = cell_fractions;
  for (Eigen::Index i = 0; i < r.rows(); ++i) {
    double total = 0;
    for (Eigen::Index k = 0; k < r.cols(); ++k)
      total += static_cast<double>(r(i, k)) * library_size[static_cast<std::size_t>(k)];
    for (Eigen::Index k = 0; k < r.cols(); ++k) {
      r(i, k) = total > 0 ? static_cast<float>(r(i, k) * library_size[static_cast<std::size_t>(k)] / total) : 0.0f;
    }
  }
  return r;
}

}  // namespace blue

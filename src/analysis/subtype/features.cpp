#include "analysis/subtype/features.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "io/h5ad_reader.h"
#include "io/tables.h"
#include "util/error.h"
#include "util/log.h"

namespace blue::subtype {
namespace {

Eigen::MatrixXd densify(const CsrMatrix& m) {
  Eigen::MatrixXd d = Eigen::MatrixXd::Zero(m.rows, m.cols);
  for (std::int64_t r = 0; r < m.rows; ++r)
    for (std::int64_t k = m.indptr[r]; k < m.indptr[r + 1]; ++k) d(r, m.indices[k]) = m.data[k];
  return d;
}

// Standardised column j of source s, or nothing when the column is constant.
bool standardised(const Eigen::MatrixXd& values, Eigen::Index j, Eigen::VectorXd& out) {
  out = values.col(j);
  const double mean = out.mean();
  out.array() -= mean;
  const double sd = std::sqrt(out.squaredNorm() / std::max<Eigen::Index>(1, out.size() - 1));
  if (!(sd > 1e-12 * std::max(1.0, std::fabs(mean)))) return false;
  out /= sd;
  return true;
}

// Collects feature columns, then assembles the matrix once.
struct Builder {
  FeatureMatrix f;
  std::vector<Eigen::VectorXd> columns;
  explicit Builder(const std::vector<std::string>& samples) { f.samples = samples; }
  void add(const std::string& source, const std::string& gene, const Eigen::VectorXd& column) {
    f.source.push_back(source);
    f.gene.push_back(gene);
    columns.push_back(column);
  }
  FeatureMatrix finish() {
    f.z.resize(static_cast<Eigen::Index>(f.samples.size()), static_cast<Eigen::Index>(columns.size()));
    for (std::size_t j = 0; j < columns.size(); ++j) f.z.col(j) = columns[j];
    return std::move(f);
  }
};

}  // namespace

ProfileSet read_gep_h5ad(const std::string& path, const std::vector<std::string>& cell_types) {
  H5adFile file(path);
  ProfileSet p;
  p.path = path;
  const auto layers = file.has("layers") ? file.children("layers") : std::vector<std::string>{};
  p.sources = cell_types.empty() ? layers : cell_types;
  for (const auto& t : p.sources)
    if (std::find(layers.begin(), layers.end(), t) == layers.end())
      throw InputError(path + ": no layer '" + t + "' (cell type); its layers are: " + log::preview(layers, 20));
  if (p.sources.empty())
    throw InputError(path + ": no layers; expected one layer per cell type (blue deconvolve's gep.h5ad)");
  for (const auto& t : p.sources) {
    H5adMatrix m = file.matrix(t, "");
    if (p.samples.empty()) {
      p.samples = m.obs_names;
      p.genes = m.var_names;
    }
    p.values.push_back(densify(m.counts));
  }
  log::info("subtype", "{}: {} samples x {} genes, {} cell type(s)", path, p.samples.size(), p.genes.size(),
            p.sources.size());
  return p;
}

ProfileSet read_expression_profiles(const std::string& path) {
  ExpressionTable t = read_expression_table(path, "expression");
  return ProfileSet{path, t.columns, t.genes, {"bulk"}, {t.values.transpose()}};
}

ProfileSet read_proportion_profiles(const std::string& path) {
  SampleTable t = read_sample_table(path, "proportions");
  return ProfileSet{path, t.samples, t.columns, {"proportions"}, {t.values}};
}

void log2_transform(ProfileSet& p) {
  for (std::size_t s = 0; s < p.values.size(); ++s) {
    if (p.values[s].size() && p.values[s].minCoeff() < 0)
      throw InputError(p.path + ": negative values in '" + p.sources[s] +
                       "' cannot be log2-transformed; drop --log2 if the values are already on a log scale");
    p.values[s] = (p.values[s].array() + 1.0).log() / std::log(2.0);
  }
}

ProfileSet subset_samples(const ProfileSet& p, const std::vector<std::size_t>& rows) {
  ProfileSet out{p.path, {}, p.genes, p.sources, {}};
  for (auto r : rows) out.samples.push_back(p.samples[r]);
  for (const auto& v : p.values) {
    Eigen::MatrixXd m(rows.size(), v.cols());
    for (std::size_t i = 0; i < rows.size(); ++i) m.row(i) = v.row(rows[i]);
    out.values.push_back(m);
  }
  return out;
}

ProfileSet select_samples(const ProfileSet& p, const std::vector<std::string>& samples) {
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < p.samples.size(); ++i) index.emplace(p.samples[i], i);
  std::vector<std::size_t> rows;
  std::vector<std::string> missing;
  for (const auto& s : samples) {
    auto it = index.find(s);
    if (it == index.end())
      missing.push_back(s);
    else
      rows.push_back(it->second);
  }
  if (!missing.empty())
    throw InputError(p.path + ": no row for " + std::to_string(missing.size()) + " sample(s) of the analysis: " +
                     log::preview(missing) + " (rows must be named by the same sample ids as the profiles)");
  return subset_samples(p, rows);
}

FeatureMatrix select_features(const ProfileSet& p, int top_genes, const std::vector<std::string>& gene_list) {
  Builder b(p.samples);
  std::unordered_map<std::string, Eigen::Index> gene_index;
  for (std::size_t g = 0; g < p.genes.size(); ++g) gene_index.emplace(p.genes[g], g);
  std::vector<std::string> absent;
  for (const auto& g : gene_list)
    if (!gene_index.count(g)) absent.push_back(g);
  if (!absent.empty())
    log::warn("subtype", "{} gene(s) of the gene list are not in {}: {}", absent.size(), p.path, log::preview(absent));
  for (std::size_t s = 0; s < p.sources.size(); ++s) {
    const Eigen::MatrixXd& v = p.values[s];
    std::vector<Eigen::Index> chosen;
    if (!gene_list.empty()) {
      for (const auto& g : gene_list)
        if (gene_index.count(g)) chosen.push_back(gene_index[g]);
    } else {
      Eigen::VectorXd var = (v.rowwise() - v.colwise().mean()).colwise().squaredNorm();
      chosen.resize(v.cols());
      std::iota(chosen.begin(), chosen.end(), 0);
      std::stable_sort(chosen.begin(), chosen.end(), [&](Eigen::Index a, Eigen::Index b) { return var[a] > var[b]; });
      chosen.resize(std::min<std::size_t>(chosen.size(), static_cast<std::size_t>(top_genes)));
    }
    Eigen::VectorXd col;
    for (auto j : chosen)
      if (standardised(v, j, col)) b.add(p.sources[s], p.genes[j], col);
  }
  if (b.columns.empty()) throw InputError(p.path + ": no feature varies across the samples; nothing to cluster on");
  return b.finish();
}

FeatureMatrix same_features(const ProfileSet& p, const FeatureMatrix& like) {
  Builder b(p.samples);
  std::unordered_map<std::string, Eigen::Index> gene_index;
  for (std::size_t g = 0; g < p.genes.size(); ++g) gene_index.emplace(p.genes[g], g);
  std::vector<std::string> missing;
  for (std::size_t j = 0; j < like.gene.size(); ++j) {
    auto s = std::find(p.sources.begin(), p.sources.end(), like.source[j]);
    auto g = gene_index.find(like.gene[j]);
    if (s == p.sources.end() || g == gene_index.end()) {
      missing.push_back(like.source[j] + ":" + like.gene[j]);
      continue;
    }
    Eigen::VectorXd col;
    if (!standardised(p.values[s - p.sources.begin()], g->second, col)) col = Eigen::VectorXd::Zero(p.samples.size());
    b.add(like.source[j], like.gene[j], col);
  }
  if (!missing.empty())
    throw InputError(p.path + ": " + std::to_string(missing.size()) +
                     " feature(s) of the discovery cohort are missing: " + log::preview(missing) +
                     "; the validation cohort needs the same cell types and genes");
  return b.finish();
}

FeatureMatrix all_features(const ProfileSet& p) {
  Builder b(p.samples);
  Eigen::VectorXd col;
  for (std::size_t s = 0; s < p.sources.size(); ++s)
    for (Eigen::Index j = 0; j < p.values[s].cols(); ++j)
      if (standardised(p.values[s], j, col)) b.add(p.sources[s], p.genes[j], col);
  return b.finish();
}

}  // namespace blue::subtype

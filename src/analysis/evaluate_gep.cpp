// GEP mode of blue evaluate: per cell type, predicted vs true expression profiles.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "analysis/evaluate.h"
#include "analysis/metrics.h"
#include "io/text_reader.h"
#include "simulate/normalize.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {
namespace {

// A gene "varies" when its across-sample standard deviation exceeds this fraction of max(|mean|, 1).
constexpr double kVaryingRelativeSd = 1e-9;

struct GeneAlignment {
  std::vector<Eigen::Index> pred, truth;  // shared genes, truth order
};

GeneAlignment align_genes(const std::vector<std::string>& predicted, const std::vector<std::string>& truth) {
  std::unordered_map<std::string, Eigen::Index> pos;
  for (std::size_t i = 0; i < predicted.size(); ++i) pos.emplace(predicted[i], i);
  GeneAlignment a;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    auto it = pos.find(truth[i]);
    if (it == pos.end()) continue;
    a.truth.push_back(static_cast<Eigen::Index>(i));
    a.pred.push_back(it->second);
  }
  if (a.truth.empty())
    throw InputError(fmt::format("no gene is shared by the predicted GEPs and the truth (predicted: {}; truth: {})",
                                 log::preview(predicted, 4), log::preview(truth, 4)));
  if (a.truth.size() < truth.size() || a.pred.size() < predicted.size())
    log::warn("evaluate", "{} genes shared; {} truth and {} predicted genes have no counterpart and are skipped",
              a.truth.size(), truth.size() - a.truth.size(), predicted.size() - a.pred.size());
  return a;
}

// rows x cols of `layer`, then the common normalisation (see evaluate.h).
Eigen::MatrixXd normalised(const MatrixF& layer, const std::vector<Eigen::Index>& rows,
                           const std::vector<Eigen::Index>& cols, GepScale scale, const std::string& what) {
  MatrixF m(rows.size(), cols.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < cols.size(); ++j) m(i, j) = layer(rows[i], cols[j]);
  if (scale == GepScale::kLog2Cpm) denormalize_profiles(m);
  normalize_profiles(m, what);
  return m.cast<double>();
}

std::vector<Eigen::Index> iota(std::size_t n) {
  std::vector<Eigen::Index> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<Eigen::Index>(i);
  return v;
}

// Truth type -> its single predicted layer, filling the unmapped / without-source lists of `ev`.
std::map<std::string, std::string> layer_sources(const DenseAnnData& predicted,
                                                 const std::vector<std::string>& truth_types, const TypeMap& map,
                                                 GepEvaluation& ev) {
  std::map<std::string, std::vector<std::string>> sources;
  for (const auto& [p, t] : map.pairs)
    if (predicted.layers.count(p) && std::find(truth_types.begin(), truth_types.end(), t) != truth_types.end())
      sources[t].push_back(p);
  std::map<std::string, std::string> single;
  for (const auto& [t, ps] : sources) {
    if (ps.size() > 1)
      throw InputError(
          fmt::format("truth '{}' has several predicted GEP sources ({}); profiles cannot be summed: "
                      "give a one-to-one --map for GEP evaluation",
                      t, log::preview(ps)));
    single[t] = ps.front();
  }
  for (const auto& [name, layer] : predicted.layers) {
    bool used = false;
    for (const auto& [t, p] : single) used |= p == name;
    if (!used && !is_twin_layer(predicted, name)) ev.unmapped_predicted.push_back(name);
  }
  for (const auto& t : truth_types)
    if (!single.count(t)) ev.truth_without_source.push_back(t);
  if (single.empty())
    throw InputError(
        fmt::format("no predicted GEP layer maps onto the truth (predicted layers: {}; truth: {}); "
                    "give --map with columns predicted, truth",
                    log::preview(ev.unmapped_predicted), log::preview(truth_types)));
  if (!ev.unmapped_predicted.empty())
    log::warn("evaluate", "predicted GEP layers not mapped (not scored): {}", log::preview(ev.unmapped_predicted));
  if (!ev.truth_without_source.empty())
    log::warn("evaluate", "truth GEPs with no predicted source (not scored): {}",
              log::preview(ev.truth_without_source));
  return single;
}

double median_sample_pearson(const Eigen::MatrixXd& pred, const Eigen::MatrixXd& truth) {
  std::vector<double> r;
  for (Eigen::Index i = 0; i < pred.rows(); ++i)
    r.push_back(pearson(pred.row(i).transpose(), truth.row(truth.rows() == 1 ? 0 : i).transpose()));
  return median_finite(r);
}

// The samples in which the type is present: a truth profile that is zero over every gene is a type absent
// from that sample (a donor without it, --sparse-fraction), whose profile is undefined and not scored.
void drop_absent(Eigen::MatrixXd& pred, Eigen::MatrixXd& truth, Eigen::VectorXd& proportion) {
  if (truth.rows() < 2) return;
  std::vector<Eigen::Index> keep;
  for (Eigen::Index i = 0; i < truth.rows(); ++i) {
    if (truth.row(i).cwiseAbs().sum() > 0) keep.push_back(i);
  }
  if (keep.size() == static_cast<std::size_t>(truth.rows())) return;
  Eigen::MatrixXd p(static_cast<Eigen::Index>(keep.size()), pred.cols()),
      t(static_cast<Eigen::Index>(keep.size()), truth.cols());
  for (std::size_t j = 0; j < keep.size(); ++j) {
    p.row(static_cast<Eigen::Index>(j)) = pred.row(keep[j]);
    t.row(static_cast<Eigen::Index>(j)) = truth.row(keep[j]);
  }
  pred = std::move(p);
  truth = std::move(t);
  if (proportion.size() == 0) return;
  Eigen::VectorXd kept(static_cast<Eigen::Index>(keep.size()));
  for (std::size_t j = 0; j < keep.size(); ++j) kept[static_cast<Eigen::Index>(j)] = proportion[keep[j]];
  proportion = std::move(kept);
}

// An orthonormal basis of [1, log p, (log p)^2] over the samples: what the type's share of the sample
// explains. A simulated type's truth GEP is the mean of its drawn cells, noisier (and, in log scale,
// lower) the fewer cells were drawn, and a network trained on such samples learns that dependence: the
// partial correlation leaves it out, so what remains is variation that is not a matter of how much of
// the type there is.
Eigen::MatrixXd proportion_basis(const Eigen::VectorXd& proportion) {
  const Eigen::ArrayXd lp = proportion.array().max(1e-6).log();
  Eigen::MatrixXd x(proportion.size(), 3);
  x.col(0).setOnes();
  x.col(1) = lp.matrix();
  x.col(2) = lp.square().matrix();
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(x);
  return qr.householderQ() * Eigen::MatrixXd::Identity(x.rows(), 3);
}

// The truth's proportion of the type whose layer is `layer` (obsm/proportions with uns/cell_types, as
// blue simulate writes them; '/' in a type name is '_' in its layer name); empty if the truth has none.
Eigen::VectorXd truth_proportion(const DenseAnnData& truth, const std::string& layer) {
  const auto p = truth.obsm.find("proportions");
  const auto types = truth.uns_strings.find("cell_types");
  if (p == truth.obsm.end() || types == truth.uns_strings.end() ||
      p->second.cols() != static_cast<Eigen::Index>(types->second.size()))
    return {};
  for (std::size_t k = 0; k < types->second.size(); ++k) {
    std::string name = types->second[k];
    std::replace(name.begin(), name.end(), '/', '_');
    if (name == layer) return p->second.col(static_cast<Eigen::Index>(k)).cast<double>();
  }
  return {};
}

GepMetricRow score_gep(const std::string& type, Eigen::MatrixXd pred, Eigen::MatrixXd truth,
                       Eigen::VectorXd proportion = {}) {
  drop_absent(pred, truth, proportion);
  GepMetricRow r;
  r.type = type;
  r.n_samples = static_cast<std::size_t>(pred.rows());
  r.n_genes = static_cast<std::size_t>(pred.cols());
  r.ccc_mean_profile = lin_ccc(pred.colwise().mean().transpose(), truth.colwise().mean().transpose());
  r.median_sample_pearson = median_sample_pearson(pred, truth);
  r.median_gene_pearson = std::numeric_limits<double>::quiet_NaN();
  if (truth.rows() == 1) return r;  // a measured profile: no per-sample truth
  std::vector<double> per_gene, partial;
  const bool with_partial = proportion.size() == truth.rows() && truth.rows() > 3;
  const Eigen::MatrixXd basis = with_partial ? proportion_basis(proportion) : Eigen::MatrixXd();
  for (Eigen::Index g = 0; g < truth.cols(); ++g) {
    const Eigen::VectorXd t = truth.col(g), p = pred.col(g);
    const double mean = t.mean();
    const double sd = std::sqrt((t.array() - mean).square().mean());
    if (!(sd > kVaryingRelativeSd * std::max(std::abs(mean), 1.0))) continue;
    const double r_gene = pearson(p, t);
    per_gene.push_back(std::isfinite(r_gene) ? r_gene : 0.0);  // constant prediction: no information
    if (!with_partial) continue;
    const Eigen::VectorXd rt = t - basis * (basis.transpose() * t), rp = p - basis * (basis.transpose() * p);
    const double r_partial = pearson(rp, rt);
    partial.push_back(std::isfinite(r_partial) ? r_partial : 0.0);
  }
  r.median_gene_pearson = median_finite(per_gene);
  r.median_gene_partial_r = with_partial ? median_finite(partial) : std::numeric_limits<double>::quiet_NaN();
  r.n_varying_genes = per_gene.size();
  return r;
}

}  // namespace

GepEvaluation evaluate_geps(const DenseAnnData& predicted, const DenseAnnData& truth, const TypeMap& map,
                            const GepOptions& options) {
  GepEvaluation ev;
  const auto rows = match_names(truth.obs_names, predicted.obs_names, "the truth GEPs", "the predicted GEPs", "sample");
  const auto truth_rows = iota(truth.obs_names.size());
  const GeneAlignment genes = align_genes(predicted.var_names, truth.var_names);
  std::vector<std::string> truth_types;
  for (const auto& [name, layer] : truth.layers) truth_types.push_back(name);
  for (const auto& [type, source] : layer_sources(predicted, truth_types, map, ev)) {
    const Eigen::MatrixXd p = normalised(predicted.layers.at(source), rows, genes.pred, options.predicted,
                                         "predicted GEP " + source);
    const Eigen::MatrixXd t = normalised(truth.layers.at(type), truth_rows, genes.truth, options.truth,
                                         "truth GEP " + type);
    ev.rows.push_back(score_gep(type, p, t, truth_proportion(truth, type)));
  }
  return ev;
}

GepEvaluation evaluate_against_profiles(const DenseAnnData& predicted, const ExpressionTable& profiles,
                                        const TypeMap& map, const GepOptions& options) {
  GepEvaluation ev;
  const GeneAlignment genes = align_genes(predicted.var_names, profiles.genes);
  const auto pred_rows = iota(predicted.obs_names.size());
  const MatrixF columns = profiles.values.transpose().cast<float>();  // one profile per row
  for (const auto& [type, source] : layer_sources(predicted, profiles.columns, map, ev)) {
    const auto col = std::find(profiles.columns.begin(), profiles.columns.end(), type) - profiles.columns.begin();
    const Eigen::MatrixXd p = normalised(predicted.layers.at(source), pred_rows, genes.pred, options.predicted,
                                         "predicted GEP " + source);
    const Eigen::MatrixXd t = normalised(columns, {col}, genes.truth, GepScale::kLinear, profiles.source);
    ev.rows.push_back(score_gep(type, p, t));
  }
  return ev;
}

bool is_twin_layer(const DenseAnnData& a, const std::string& name) {
  for (const std::string suffix : {"_cpm", "_share"}) {
    if (ends_with(name, suffix) && name.size() > suffix.size() &&
        a.layers.count(name.substr(0, name.size() - suffix.size())))
      return true;
  }
  return false;
}

}  // namespace blue

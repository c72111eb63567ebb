// GEP mode of blue evaluate: per cell type, predicted vs true per-sample expression profiles.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "analysis/evaluate.h"
#include "analysis/metrics.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {
namespace {

// A gene "varies" when its across-sample standard deviation exceeds this fraction of max(|mean|, 1).
constexpr double kVaryingRelativeSd = 1e-9;

struct GeneAlignment {
  std::vector<Eigen::Index> pred, truth;  // shared genes, truth order
};

GeneAlignment align_genes(const DenseAnnData& predicted, const DenseAnnData& truth) {
  std::unordered_map<std::string, Eigen::Index> pos;
  for (std::size_t i = 0; i < predicted.var_names.size(); ++i) pos.emplace(predicted.var_names[i], i);
  GeneAlignment a;
  for (std::size_t i = 0; i < truth.var_names.size(); ++i) {
    auto it = pos.find(truth.var_names[i]);
    if (it == pos.end()) continue;
    a.truth.push_back(static_cast<Eigen::Index>(i));
    a.pred.push_back(it->second);
  }
  if (a.truth.empty())
    throw InputError(fmt::format("no gene (var name) is shared by the predicted and the truth GEPs (predicted: {}; "
                                 "truth: {})",
                                 log::preview(predicted.var_names, 4), log::preview(truth.var_names, 4)));
  if (a.truth.size() < truth.var_names.size() || a.pred.size() < predicted.var_names.size())
    log::warn("evaluate", "{} genes shared; {} truth and {} predicted genes have no counterpart and are skipped",
              a.truth.size(), truth.var_names.size() - a.truth.size(), predicted.var_names.size() - a.pred.size());
  return a;
}

// samples x shared genes, in truth sample order.
Eigen::MatrixXd gather(const MatrixF& layer, const std::vector<Eigen::Index>& rows,
                       const std::vector<Eigen::Index>& cols) {
  Eigen::MatrixXd m(rows.size(), cols.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < cols.size(); ++j) m(i, j) = layer(rows[i], cols[j]);
  return m;
}

GepMetricRow score_gep(const std::string& type, const Eigen::MatrixXd& pred, const Eigen::MatrixXd& truth) {
  GepMetricRow r;
  r.type = type;
  r.n_samples = static_cast<std::size_t>(truth.rows());
  r.n_genes = static_cast<std::size_t>(truth.cols());
  r.ccc_mean_profile = lin_ccc(pred.colwise().mean().transpose(), truth.colwise().mean().transpose());
  std::vector<double> per_sample, per_gene;
  for (Eigen::Index i = 0; i < truth.rows(); ++i)
    per_sample.push_back(pearson(pred.row(i).transpose(), truth.row(i).transpose()));
  for (Eigen::Index g = 0; g < truth.cols(); ++g) {
    const Eigen::VectorXd t = truth.col(g), p = pred.col(g);
    const double mean = t.mean();
    const double sd = std::sqrt((t.array() - mean).square().mean());
    if (!(sd > kVaryingRelativeSd * std::max(std::abs(mean), 1.0))) continue;
    const double r_gene = pearson(p, t);
    per_gene.push_back(std::isfinite(r_gene) ? r_gene : 0.0);  // constant prediction: no information
  }
  r.median_sample_pearson = median_finite(per_sample);
  r.median_gene_pearson = median_finite(per_gene);
  r.n_varying_genes = per_gene.size();
  return r;
}

}  // namespace

GepEvaluation evaluate_geps(const DenseAnnData& predicted, const DenseAnnData& truth, const TypeMap& map) {
  GepEvaluation ev;
  const auto rows = match_names(truth.obs_names, predicted.obs_names, "the truth GEPs", "the predicted GEPs",
                                "sample");
  std::vector<Eigen::Index> truth_rows(truth.obs_names.size());
  for (std::size_t i = 0; i < truth_rows.size(); ++i) truth_rows[i] = static_cast<Eigen::Index>(i);
  const GeneAlignment genes = align_genes(predicted, truth);
  std::map<std::string, std::vector<std::string>> sources;
  for (const auto& [p, t] : map.pairs)
    if (predicted.layers.count(p) && truth.layers.count(t)) sources[t].push_back(p);
  for (const auto& [name, layer] : predicted.layers) {
    bool used = false;
    for (const auto& [t, ps] : sources) used |= std::find(ps.begin(), ps.end(), name) != ps.end();
    if (!used) ev.unmapped_predicted.push_back(name);
  }
  for (const auto& [type, layer] : truth.layers) {
    auto src = sources.find(type);
    if (src == sources.end()) {
      ev.truth_without_source.push_back(type);
      continue;
    }
    if (src->second.size() > 1)
      throw InputError(fmt::format("truth GEP '{}' has several predicted sources ({}); profiles cannot be summed: "
                                   "give a one-to-one --map for GEP evaluation",
                                   type, log::preview(src->second)));
    const MatrixF& pl = predicted.layers.at(src->second.front());
    ev.rows.push_back(score_gep(type, gather(pl, rows, genes.pred), gather(layer, truth_rows, genes.truth)));
  }
  if (ev.rows.empty())
    throw InputError(fmt::format("no predicted GEP layer maps onto a truth layer (predicted layers: {}; truth "
                                 "layers: {}); give --map with columns predicted, truth",
                                 log::preview(ev.unmapped_predicted), log::preview(ev.truth_without_source)));
  if (!ev.unmapped_predicted.empty())
    log::warn("evaluate", "predicted GEP layers not mapped (not scored): {}", log::preview(ev.unmapped_predicted));
  if (!ev.truth_without_source.empty())
    log::warn("evaluate", "truth GEP layers with no predicted source (not scored): {}",
              log::preview(ev.truth_without_source));
  return ev;
}

}  // namespace blue

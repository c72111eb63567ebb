// Posterior allocation of the bulk among the cell types (see allocation.h).
#include "model/allocation.h"

#include <cmath>

#include <fmt/format.h>

#include "simulate/normalize.h"
#include "util/error.h"
#include "util/parallel.h"

namespace blue::model {

GepMode parse_gep_mode(const std::string& name) {
  if (name == "network") return GepMode::kNetwork;
  if (name == "posterior") return GepMode::kPosterior;
  if (name == "reference") return GepMode::kReference;
  throw UsageError(fmt::format("--gep-mode '{}': expected network, posterior or reference", name));
}

const char* gep_mode_name(GepMode mode) {
  switch (mode) {
    case GepMode::kNetwork: return "network";
    case GepMode::kPosterior: return "posterior";
    case GepMode::kReference: return "reference";
  }
  return "?";
}

Allocation allocate(const MatrixF& bulk, const MatrixF& proportions, const std::vector<double>& panel_size,
                    const std::vector<MatrixF>& prior) {
  const Eigen::Index n = bulk.rows(), g_genes = bulk.cols();
  const auto k_types = static_cast<Eigen::Index>(prior.size());
  bool shapes = proportions.rows() == n && proportions.cols() == k_types && panel_size.size() == prior.size() &&
                k_types > 0;
  for (const auto& m : prior) shapes = shapes && (m.rows() == n || m.rows() == 1) && m.cols() == g_genes;
  if (!shapes) throw InternalError("allocate: the shapes of bulk, proportions, panel sizes and priors disagree");

  Allocation out;
  out.gep.assign(static_cast<std::size_t>(k_types), MatrixF(n, g_genes));
  out.share.assign(static_cast<std::size_t>(k_types), MatrixF(n, g_genes));
  out.rna = MatrixF::Zero(n, k_types);
  parallel_for(static_cast<std::size_t>(n), [&](std::size_t row) {
    const auto i = static_cast<Eigen::Index>(row);
    Eigen::VectorXd a(k_types);
    for (Eigen::Index k = 0; k < k_types; ++k) {
      a[k] = std::max(0.0, static_cast<double>(proportions(i, k))) * panel_size[static_cast<std::size_t>(k)];
    }
    if (!(a.sum() > 0)) a.setOnes();  // no weight at all: share evenly rather than lose the signal
    const Eigen::VectorXd a_share = a / a.sum();
    Eigen::MatrixXd z(k_types, g_genes);  // the bulk CPM allocated to each type
    for (Eigen::Index g = 0; g < g_genes; ++g) {
      const double y = std::max(0.0, std::exp2(static_cast<double>(bulk(i, g))) - 1.0);
      double denominator = 0.0;
      Eigen::VectorXd contribution(k_types);
      for (Eigen::Index k = 0; k < k_types; ++k) {
        const MatrixF& pk = prior[static_cast<std::size_t>(k)];
        const double prior_cpm = std::max(0.0, std::exp2(static_cast<double>(pk(pk.rows() == 1 ? 0 : i, g))) - 1.0);
        contribution[k] = a[k] * prior_cpm;
        denominator += contribution[k];
      }
      for (Eigen::Index k = 0; k < k_types; ++k) {
        const double s = denominator > 0 ? contribution[k] / denominator : a_share[k];
        out.share[static_cast<std::size_t>(k)](i, g) = static_cast<float>(s);
        z(k, g) = y * s;
      }
    }
    const Eigen::VectorXd allocated = z.rowwise().sum();
    const double total = allocated.sum();
    for (Eigen::Index k = 0; k < k_types; ++k) {
      MatrixF& gep = out.gep[static_cast<std::size_t>(k)];
      out.rna(i, k) = total > 0 ? static_cast<float>(allocated[k] / total) : 0.0f;
      if (!(allocated[k] > 0)) {
        const MatrixF& pk = prior[static_cast<std::size_t>(k)];
        gep.row(i) = pk.row(pk.rows() == 1 ? 0 : i);
        continue;
      }
      const double scale = 1e6 / allocated[k];
      for (Eigen::Index g = 0; g < g_genes; ++g) gep(i, g) = static_cast<float>(std::log2(z(k, g) * scale + 1.0));
    }
  });
  return out;
}

std::vector<MatrixF> reference_prior(const MatrixF& mean_counts) {
  MatrixF profiles = mean_counts;
  normalize_profiles(profiles, "reference profiles");
  std::vector<MatrixF> prior;
  prior.reserve(static_cast<std::size_t>(profiles.rows()));
  for (Eigen::Index k = 0; k < profiles.rows(); ++k) prior.emplace_back(profiles.row(k));
  return prior;
}

}  // namespace blue::model

// Reconstruction residuals and cohort bias (see cohort.h).
#include "model/cohort.h"

#include <algorithm>
#include <cmath>

#include "analysis/metrics.h"
#include "simulate/normalize.h"
#include "util/error.h"
#include "util/parallel.h"

namespace blue::model {
namespace {

// Rows of non-negative linear values scaled to sum 1e6 (an all-zero row stays zero).
void to_cpm(Eigen::Ref<Eigen::VectorXd> v) {
  const double s = v.sum();
  if (s > 0) v *= 1e6 / s;
}

Eigen::VectorXd linear_row(const MatrixF& normalised, Eigen::Index i) {
  return ((normalised.row(i).cast<double>().array() * std::log(2.0)).exp() - 1.0).max(0.0).matrix().transpose();
}

}  // namespace

Reconstruction reconstruct(const MatrixF& bulk, const MatrixF& proportions, const std::vector<MatrixF>& gep,
                           const std::vector<double>& panel_size, const MatrixF& mean_counts) {
  const Eigen::Index n = bulk.rows(), g = bulk.cols();
  const auto k_types = static_cast<Eigen::Index>(gep.size());
  if (proportions.rows() != n || proportions.cols() != k_types || panel_size.size() != gep.size()) {
    throw InternalError("reconstruct: shapes disagree");
  }
  Reconstruction r;
  r.distance.assign(static_cast<std::size_t>(n), 0.0);
  r.pearson.assign(static_cast<std::size_t>(n), 0.0);
  r.reference_distance.assign(static_cast<std::size_t>(n), 0.0);
  const MatrixF expected = proportions * mean_counts;
  parallel_for(static_cast<std::size_t>(n), [&](std::size_t row) {
    const auto i = static_cast<Eigen::Index>(row);
    Eigen::VectorXd observed = linear_row(bulk, i), model = Eigen::VectorXd::Zero(g);
    for (Eigen::Index k = 0; k < k_types; ++k) {
      model += proportions(i, k) * panel_size[static_cast<std::size_t>(k)] *
               linear_row(gep[static_cast<std::size_t>(k)], i);
    }
    Eigen::VectorXd reference = expected.row(i).cast<double>().transpose();
    to_cpm(observed);
    to_cpm(model);
    to_cpm(reference);
    r.reference_distance[row] = 0.5 * (observed - reference).cwiseAbs().sum() / 1e6;
    r.distance[row] = 0.5 * (observed - model).cwiseAbs().sum() / 1e6;
    r.pearson[row] = pearson((observed.array() + 1.0).log().matrix(), (model.array() + 1.0).log().matrix());
  });
  return r;
}

MatrixF expected_bulk(const MatrixF& proportions, const MatrixF& mean_counts) {
  MatrixF e = proportions * mean_counts;
  normalize_profiles(e, "expected bulk");
  return e;
}

Eigen::VectorXd gene_bias(const MatrixF& bulk, const MatrixF& expected) {
  if (bulk.rows() != expected.rows() || bulk.cols() != expected.cols() || bulk.rows() == 0) {
    throw InternalError("gene_bias: shapes disagree");
  }
  Eigen::VectorXd bias(bulk.cols());
  std::vector<double> d(static_cast<std::size_t>(bulk.rows()));
  for (Eigen::Index g = 0; g < bulk.cols(); ++g) {
    for (Eigen::Index i = 0; i < bulk.rows(); ++i) d[static_cast<std::size_t>(i)] = bulk(i, g) - expected(i, g);
    bias[g] = median_finite(d);
  }
  return bias;
}

void remove_gene_bias(MatrixF& bulk, const Eigen::VectorXd& bias) {
  if (bias.size() != bulk.cols()) throw InternalError("remove_gene_bias: shapes disagree");
  denormalize_profiles(bulk);
  for (Eigen::Index g = 0; g < bulk.cols(); ++g) bulk.col(g) *= static_cast<float>(std::exp2(-bias[g]));
  normalize_profiles(bulk, "bias-corrected bulk");
}

int impute_biased_genes(MatrixF& bulk, const MatrixF& expected, Eigen::VectorXd& bias, double limit) {
  if (bias.size() != bulk.cols() || expected.rows() != bulk.rows() || expected.cols() != bulk.cols()) {
    throw InternalError("impute_biased_genes: shapes disagree");
  }
  int replaced = 0;
  for (Eigen::Index g = 0; g < bulk.cols(); ++g) {
    if (std::abs(bias[g]) > limit) {
      bulk.col(g) = expected.col(g);
      ++replaced;
    } else {
      bias[g] = 0.0;
    }
  }
  denormalize_profiles(bulk);
  normalize_profiles(bulk, "bulk with imputed genes");
  return replaced;
}

}  // namespace blue::model

#include "analysis/subtype/transfer.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "util/error.h"
#include "util/random.h"

namespace blue::subtype {

void CentroidClassifier::fit(const Eigen::MatrixXd& x, const std::vector<int>& label, int k, double shrinkage) {
  const Eigen::Index n = x.rows(), p = x.cols();
  Eigen::RowVectorXd overall = x.colwise().mean();
  Eigen::MatrixXd mean = Eigen::MatrixXd::Zero(k, p);
  std::vector<double> count(k, 0);
  for (Eigen::Index i = 0; i < n; ++i) {
    mean.row(label[i]) += x.row(i);
    count[label[i]] += 1;
  }
  for (int c = 0; c < k; ++c)
    if (count[c] > 0) mean.row(c) /= count[c];
  // Pooled within-class standard deviation, plus s0 = its median (guards genes with tiny variance).
  Eigen::VectorXd within = Eigen::VectorXd::Zero(p);
  for (Eigen::Index i = 0; i < n; ++i) within += (x.row(i) - mean.row(label[i])).cwiseAbs2().transpose();
  within = (within / std::max<double>(1, static_cast<double>(n - k))).cwiseSqrt();
  std::vector<double> sorted(within.data(), within.data() + p);
  std::nth_element(sorted.begin(), sorted.begin() + p / 2, sorted.end());
  scale_ = within.array() + sorted[p / 2];
  centroid_.resize(k, p);
  shrunk_d_.resize(k, p);
  log_prior_.resize(k);
  for (int c = 0; c < k; ++c) {
    const double m = count[c] > 0 ? std::sqrt(1.0 / count[c] - 1.0 / n) : 0;
    log_prior_[c] = std::log(std::max(count[c], 0.5) / n);
    for (Eigen::Index j = 0; j < p; ++j) {
      double d = m > 0 ? (mean(c, j) - overall[j]) / (m * scale_[j]) : 0;
      double shrunk = std::copysign(std::max(std::fabs(d) - shrinkage, 0.0), d);
      shrunk_d_(c, j) = shrunk;
      centroid_(c, j) = overall[j] + m * scale_[j] * shrunk;
    }
  }
}

std::vector<int> CentroidClassifier::predict(const Eigen::MatrixXd& x) const {
  std::vector<int> out(x.rows());
  const Eigen::ArrayXd w = scale_.array().square().inverse();
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    Eigen::Index best = 0;
    double best_score = 0;
    for (Eigen::Index c = 0; c < centroid_.rows(); ++c) {
      double score = ((x.row(i) - centroid_.row(c)).array().square().transpose() * w).sum() - 2 * log_prior_[c];
      if (c == 0 || score < best_score) {
        best = c;
        best_score = score;
      }
    }
    out[i] = static_cast<int>(best);
  }
  return out;
}

int CentroidClassifier::active_features() const {
  return static_cast<int>((shrunk_d_.cwiseAbs().colwise().maxCoeff().array() > 0).count());
}

CrossValidation cross_validate(const Eigen::MatrixXd& x, const std::vector<int>& label, int k, double shrinkage,
                               int folds, std::uint64_t seed) {
  const Eigen::Index n = x.rows();
  if (folds < 2 || folds > n)
    throw UsageError("cross-validation needs 2 <= folds <= patients (" + std::to_string(n) + ")");
  // Stratified: shuffle each subtype's patients and deal them to the folds in turn.
  std::vector<int> fold(n);
  Rng rng(seed, 0xC5);
  int next = 0;
  for (int c = 0; c < k; ++c) {
    std::vector<Eigen::Index> members;
    for (Eigen::Index i = 0; i < n; ++i)
      if (label[i] == c) members.push_back(i);
    shuffle(rng, members);
    for (auto i : members) fold[i] = next++ % folds;
  }
  CrossValidation cv;
  cv.predicted.assign(n, -1);
  for (int f = 0; f < folds; ++f) {
    std::vector<Eigen::Index> train, test;
    for (Eigen::Index i = 0; i < n; ++i) (fold[i] == f ? test : train).push_back(i);
    Eigen::MatrixXd xt(train.size(), x.cols()), xv(test.size(), x.cols());
    std::vector<int> lt;
    for (std::size_t i = 0; i < train.size(); ++i) {
      xt.row(i) = x.row(train[i]);
      lt.push_back(label[train[i]]);
    }
    for (std::size_t i = 0; i < test.size(); ++i) xv.row(i) = x.row(test[i]);
    CentroidClassifier clf;
    clf.fit(xt, lt, k, shrinkage);
    auto pred = clf.predict(xv);
    int right = 0;
    for (std::size_t i = 0; i < test.size(); ++i) {
      cv.predicted[test[i]] = pred[i];
      right += pred[i] == label[test[i]];
    }
    cv.fold_accuracy.push_back(test.empty() ? 0 : static_cast<double>(right) / test.size());
  }
  int right = 0;
  for (Eigen::Index i = 0; i < n; ++i) right += cv.predicted[i] == label[i];
  cv.accuracy = static_cast<double>(right) / n;
  return cv;
}

}  // namespace blue::subtype

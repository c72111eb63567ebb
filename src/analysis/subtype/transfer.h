// Transfer of subtypes to a validation cohort: a nearest shrunken centroid classifier (Tibshirani 2002,
// "PAM") trained on the discovery cohort's standardised features and subtypes, with k-fold cross-validated
// accuracy (folds seeded; the subtypes themselves come from the whole discovery cohort, so the accuracy
// measures how well the classifier reproduces them, not how well they generalise).
#pragma once
#include <Eigen/Dense>

#include <cstdint>
#include <vector>

namespace blue::subtype {

class CentroidClassifier {
 public:
  // Rows of x = patients; labels 0..k-1; `shrinkage` = PAM's threshold Delta (0 = plain centroids).
  void fit(const Eigen::MatrixXd& x, const std::vector<int>& label, int k, double shrinkage);
  std::vector<int> predict(const Eigen::MatrixXd& x) const;
  // Features whose shrunken centroid differs from the overall centroid for at least one class.
  int active_features() const;

 private:
  Eigen::MatrixXd centroid_;  // k x features (shrunken)
  Eigen::VectorXd scale_;     // s_j + s_0 per feature
  Eigen::VectorXd log_prior_;
  Eigen::MatrixXd shrunk_d_;  // k x features
};

struct CrossValidation {
  double accuracy = 0;
  std::vector<double> fold_accuracy;
  std::vector<int> predicted;  // out-of-fold prediction per patient
};

CrossValidation cross_validate(const Eigen::MatrixXd& x, const std::vector<int>& label, int k, double shrinkage,
                               int folds, std::uint64_t seed);

}  // namespace blue::subtype

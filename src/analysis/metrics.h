// METHOD 3: agreement between predicted and true values. Every function takes two equally long vectors
// and returns NaN when the metric is undefined (fewer than 2 values, or a constant vector for the
// correlations); lengths that differ are an InternalError.
#pragma once
#include <Eigen/Dense>

#include <vector>

namespace blue {

using VecRef = Eigen::Ref<const Eigen::VectorXd>;

// Lin's concordance correlation coefficient 2 cov(x,y) / (var x + var y + (mean x - mean y)^2), with
// population (1/n) moments. 1 only for identical vectors; penalises shifts and scale differences.
double lin_ccc(const VecRef& x, const VecRef& y);
double pearson(const VecRef& x, const VecRef& y);
// Pearson correlation of the ranks; ties get their average rank.
double spearman(const VecRef& x, const VecRef& y);
double mean_absolute_error(const VecRef& x, const VecRef& y);
double rmse(const VecRef& x, const VecRef& y);

// Ranks 1..n, ties averaged.
Eigen::VectorXd average_ranks(const VecRef& x);

// Median of the finite values (NaN when there are none).
double median_finite(std::vector<double> values);

}  // namespace blue

#include "analysis/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "util/error.h"

namespace blue {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_lengths(const VecRef& x, const VecRef& y) {
  if (x.size() != y.size())
    throw InternalError("metric on vectors of different lengths (" + std::to_string(x.size()) + " vs " +
                        std::to_string(y.size()) + ")");
}

struct Moments {
  double mean_x, mean_y, var_x, var_y, cov;  // population moments
};

Moments moments(const VecRef& x, const VecRef& y) {
  const double n = static_cast<double>(x.size());
  Moments m{x.mean(), y.mean(), 0, 0, 0};
  const Eigen::ArrayXd dx = x.array() - m.mean_x, dy = y.array() - m.mean_y;
  m.var_x = dx.square().sum() / n;
  m.var_y = dy.square().sum() / n;
  m.cov = (dx * dy).sum() / n;
  return m;
}

}  // namespace

double lin_ccc(const VecRef& x, const VecRef& y) {
  check_lengths(x, y);
  if (x.size() < 2) return kNaN;
  const Moments m = moments(x, y);
  const double d = m.mean_x - m.mean_y;
  const double denom = m.var_x + m.var_y + d * d;
  return denom > 0 ? 2 * m.cov / denom : kNaN;
}

double pearson(const VecRef& x, const VecRef& y) {
  check_lengths(x, y);
  if (x.size() < 2) return kNaN;
  const Moments m = moments(x, y);
  return (m.var_x > 0 && m.var_y > 0) ? m.cov / std::sqrt(m.var_x * m.var_y) : kNaN;
}

Eigen::VectorXd average_ranks(const VecRef& x) {
  const Eigen::Index n = x.size();
  std::vector<Eigen::Index> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) { return x(a) < x(b); });
  Eigen::VectorXd ranks(n);
  for (Eigen::Index i = 0; i < n;) {
    Eigen::Index j = i;
    while (j + 1 < n && x(order[j + 1]) == x(order[i])) ++j;
    const double avg = 0.5 * static_cast<double>(i + j) + 1.0;  // ranks i+1 .. j+1
    for (Eigen::Index t = i; t <= j; ++t) ranks(order[t]) = avg;
    i = j + 1;
  }
  return ranks;
}

double spearman(const VecRef& x, const VecRef& y) {
  check_lengths(x, y);
  return pearson(average_ranks(x), average_ranks(y));
}

double mean_absolute_error(const VecRef& x, const VecRef& y) {
  check_lengths(x, y);
  return x.size() ? (x - y).cwiseAbs().mean() : kNaN;
}

double rmse(const VecRef& x, const VecRef& y) {
  check_lengths(x, y);
  return x.size() ? std::sqrt((x - y).squaredNorm() / static_cast<double>(x.size())) : kNaN;
}

double median_finite(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
  if (values.empty()) return kNaN;
  const std::size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + mid, values.end());
  const double upper = values[mid];
  if (values.size() % 2) return upper;
  return 0.5 * (upper + *std::max_element(values.begin(), values.begin() + mid));
}

}  // namespace blue

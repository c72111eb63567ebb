#include "analysis/survival/logrank.h"

#include <Eigen/Dense>

#include <algorithm>
#include <numeric>

#include "analysis/survival/special.h"

namespace blue::survival {

LogRankResult log_rank(const std::vector<double>& time, const std::vector<int>& event, const std::vector<int>& group,
                       int n_groups) {
  const std::size_t n = time.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return time[a] < time[b]; });
  Eigen::VectorXd at_risk = Eigen::VectorXd::Zero(n_groups), obs = at_risk, exp = at_risk;
  Eigen::MatrixXd var = Eigen::MatrixXd::Zero(n_groups, n_groups);
  for (std::size_t i = 0; i < n; ++i) at_risk[group[i]] += 1;
  for (std::size_t i = 0; i < n;) {
    const double t = time[order[i]];
    Eigen::VectorXd deaths = Eigen::VectorXd::Zero(n_groups), leaving = deaths;
    for (; i < n && time[order[i]] == t; ++i) {
      leaving[group[order[i]]] += 1;
      if (event[order[i]]) deaths[group[order[i]]] += 1;
    }
    const double d = deaths.sum(), total = at_risk.sum();
    if (d > 0) {
      Eigen::VectorXd share = at_risk / total;
      obs += deaths;
      exp += d * share;
      if (total > 1) {
        double k = d * (total - d) / (total - 1);
        var += k * (Eigen::MatrixXd(share.asDiagonal()) - share * share.transpose());
      }
    }
    at_risk -= leaving;
  }
  LogRankResult result;
  result.observed.assign(obs.data(), obs.data() + n_groups);
  result.expected.assign(exp.data(), exp.data() + n_groups);
  // As survdiff: keep the groups with expected > 0, drop the first of them, solve V^-1 (O - E).
  std::vector<int> keep;
  for (int g = 0; g < n_groups; ++g)
    if (exp[g] > 0) keep.push_back(g);
  result.df = static_cast<int>(keep.size()) - 1;
  if (result.df < 1) return result;
  Eigen::VectorXd diff(result.df);
  Eigen::MatrixXd v(result.df, result.df);
  for (int a = 0; a < result.df; ++a) {
    diff[a] = obs[keep[a + 1]] - exp[keep[a + 1]];
    for (int b = 0; b < result.df; ++b) v(a, b) = var(keep[a + 1], keep[b + 1]);
  }
  result.chisq = diff.dot(v.ldlt().solve(diff));
  result.p = chisq_sf(result.chisq, result.df);
  return result;
}

}  // namespace blue::survival

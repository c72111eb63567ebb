// Log-rank test for two or more groups (R: survdiff(Surv(time, event) ~ group), rho = 0).
#pragma once
#include <vector>

namespace blue::survival {

struct LogRankResult {
  double chisq = 0;
  int df = 0;  // groups with expected events > 0, minus 1
  double p = 1;
  std::vector<double> observed;  // events per group
  std::vector<double> expected;  // expected events per group under equal hazards
};

// `group[i]` in 0..n_groups-1.
LogRankResult log_rank(const std::vector<double>& time, const std::vector<int>& event, const std::vector<int>& group,
                       int n_groups);

}  // namespace blue::survival

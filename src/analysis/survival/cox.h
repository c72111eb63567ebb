// Cox proportional hazards regression by Newton-Raphson with step halving, Efron (default) or Breslow
// handling of tied event times; the same iteration, convergence rule and infinite-coefficient check as R's
// coxph (survival 3.x), so results agree with R to rounding. Also: Harrell's concordance as R reports it.
#pragma once
#include <Eigen/Dense>

#include <string>
#include <vector>

#include "defaults.h"

namespace blue::survival {

enum class Ties { kEfron, kBreslow };

struct CoxOptions {
  Ties ties = Ties::kEfron;
  int max_iter = defaults::kCoxMaxIterations;
  double eps = defaults::kCoxTolerance;  // convergence: relative change of the log partial likelihood
  double conf_level = defaults::kConfidenceLevel;
  bool concordance = true;
};

struct CoxTerm {
  std::string name;
  double coef = 0, se = 0, hr = 0, hr_lower = 0, hr_upper = 0, z = 0, p_wald = 1;
  bool may_be_infinite = false;  // monotone likelihood: the estimate drifts towards +-infinity
};

// Pairs of patients ordered by time where the earlier one had an event (an event and a censoring at the same
// time count, the censored one as longer): concordant when the earlier one has the higher risk score.
struct Concordance {
  double concordant = 0, discordant = 0, tied_risk = 0;
  double tied_time = 0, tied_both = 0;  // pairs of events at the same time (not compared): risk differs / equal
  double value = 0;                     // (concordant + tied_risk / 2) / (concordant + discordant + tied_risk)
};

struct CoxFit {
  std::vector<CoxTerm> terms;
  Eigen::MatrixXd var;  // covariance of the coefficients
  int n = 0, events = 0, iterations = 0, df = 0;
  bool converged = false;
  bool reliable = false;  // converged and no coefficient looks infinite; else do not trust the numbers
  double loglik0 = 0, loglik = 0;
  double lr = 0, lr_p = 1, score = 0, score_p = 1, wald = 0, wald_p = 1;
  Concordance concordance;
  std::vector<std::string> warnings;  // non-convergence, infinite coefficients (already logged nowhere)
};

// x: patients x covariates (no intercept). Throws ComputeError when there are no events or the covariates
// are collinear (the information matrix is singular).
CoxFit cox_fit(const Eigen::MatrixXd& x, const std::vector<std::string>& names, const std::vector<double>& time,
               const std::vector<int>& event, const CoxOptions& options = {});

Concordance concordance(const std::vector<double>& time, const std::vector<int>& event, const Eigen::VectorXd& risk);

}  // namespace blue::survival

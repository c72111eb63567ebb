// Internal validation of a survival association without a second cohort: the patients resampled with
// replacement (`blue survival --bootstrap N`), the log-rank test and the Cox model refitted on every
// resample. Reports how often each association holds (p < alpha, same direction as on all patients) and the
// percentile interval of each hazard ratio: a statement about the cohort's sampling variability, not a
// validation in other patients.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/survival/analysis.h"

namespace blue::survival {

struct BootstrapTerm {
  std::string name;
  double coef = 0;                    // on all patients
  int fits = 0;                       // resamples where the Cox model converged reliably
  double share_significant = 0;       // of the fits: p_wald < alpha and the same sign as coef
  double share_same_sign = 0;         // of the fits: the same sign as coef
  double hr_lower = 0, hr_upper = 0;  // percentile interval (alpha/2, 1 - alpha/2) of the HR over the fits
};

struct BootstrapResult {
  int resamples = 0;
  double alpha = 0.05;
  int logrank_fits = 0;                  // resamples with >= 2 groups present
  double logrank_share_significant = 0;  // of those: log-rank p < alpha
  std::vector<BootstrapTerm> terms;      // empty without a Cox model
};

// `full`: the analysis on all patients (its Cox terms give the names and the reference signs). Resample b
// draws n patients with Rng(seed, b); the result depends only on the seed. Resamples in which a group or a
// covariate level vanishes, or the Cox fit fails, count for the log-rank only (if >= 2 groups remain).
BootstrapResult bootstrap_survival(const SurvivalCohort& cohort, const std::string& group_label,
                                   const CoxOptions& options, const SurvivalAnalysis& full, int resamples,
                                   std::uint64_t seed, double alpha = 0.05);

// bootstrap.tsv: statistic, estimate, fits, share_significant, share_same_direction, hr_lower, hr_upper.
std::string bootstrap_table(const BootstrapResult& r);

}  // namespace blue::survival

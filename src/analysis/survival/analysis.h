// A complete survival analysis of a cohort (KM per group, log-rank across groups, Cox on groups and
// covariates) and its result tables as TSV text (formats documented in docs/formats.md "blue survival").
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "analysis/survival/cohort.h"
#include "analysis/survival/cox.h"
#include "analysis/survival/km.h"
#include "analysis/survival/logrank.h"

namespace blue::survival {

struct SurvivalAnalysis {
  std::vector<KmCurve> curves;           // one per group, or one named "all"
  std::optional<LogRankResult> logrank;  // with >= 2 groups
  std::optional<CoxFit> cox;             // with groups or covariates
};

// The Cox design of a cohort: group dummies (first group = reference, named group_label + group), then the
// covariates; `names` receives the terms' names. Zero columns without groups (or one group) and covariates.
Eigen::MatrixXd cox_design(const SurvivalCohort& cohort, const std::string& group_label,
                           std::vector<std::string>& names);

// `group_label`: the group column's name, prefix of the Cox terms of the groups ("risk" -> "riskPoor").
SurvivalAnalysis analyse_survival(const SurvivalCohort& cohort, const std::string& group_label,
                                  const CoxOptions& options);

// Tables: km.tsv, median.tsv, logrank.tsv, cox.tsv, cox_model.tsv. Numbers with 10 significant digits,
// "NA" for values that do not exist (survival 0 has no log-scale CI; median not reached).
std::string km_table(const SurvivalAnalysis& a);
std::string median_table(const SurvivalAnalysis& a);
std::string logrank_table(const LogRankResult& lr, const std::vector<KmCurve>& curves);
std::string cox_table(const CoxFit& fit);
std::string cox_model_table(const CoxFit& fit);

// A number as written in the tables: 10 significant digits, NA for NaN.
std::string format_number(double v);

}  // namespace blue::survival

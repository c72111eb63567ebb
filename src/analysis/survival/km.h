// Kaplan-Meier estimate (R: survfit(Surv(time, event) ~ 1), conf.type = "log"), Greenwood standard errors,
// number at risk, and the median survival time with its confidence interval as R's quantile.survfit.
#pragma once
#include <string>
#include <vector>

namespace blue::survival {

// One row per distinct time (event or censoring), as survfit reports them.
struct KmStep {
  double time = 0;
  int n_risk = 0;  // patients with time >= this time
  int n_event = 0;
  int n_censor = 0;
  double survival = 1;
  double std_err = 0;  // Greenwood standard error of `survival` (R's summary(fit)$std.err); NaN once survival = 0
  double lower = 1;    // confidence interval of `survival` on the log scale; NaN once survival = 0
  double upper = 1;
};

struct KmCurve {
  std::string group;
  int n = 0;
  int events = 0;
  std::vector<KmStep> steps;  // increasing time
  double median = 0;          // NaN when the curve never reaches 0.5 (median not reached)
  double median_lower = 0;    // NaN when not reached by the lower/upper confidence curve
  double median_upper = 0;
};

// `time` >= 0, `event` 0/1, same length (checked by the caller's input validation).
KmCurve kaplan_meier(const std::vector<double>& time, const std::vector<int>& event, double conf_level,
                     const std::string& group = "all");

// Survival of `curve` at time t (right-continuous step function; 1 before the first step).
double survival_at(const KmCurve& curve, double t);
// Number at risk at time t: patients whose time is >= t.
int at_risk(const std::vector<double>& time, double t);

}  // namespace blue::survival

#include "analysis/survival/km.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "analysis/survival/special.h"

namespace blue::survival {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// The time at which the step function with jump heights y (cumulative, starting at 0 for x[0]) first reaches
// p, exactly as survival:::findq: ties of y within `tol` of p give the midpoint to the next distinct value,
// NaN entries are ignored, a curve that never reaches p gives NaN.
double find_quantile(std::vector<double> x, std::vector<double> y, double p) {
  const double tol = std::sqrt(std::numeric_limits<double>::epsilon());
  double ymax = -1;
  for (double v : y)
    if (!std::isnan(v)) ymax = std::max(ymax, v);
  if (ymax < p) return kNaN;
  const double xmax = x.back();
  // Drop repeated y values (keep the first of each; NaN repeats NaN).
  std::vector<double> xs, ys;
  for (std::size_t i = 0; i < y.size(); ++i) {
    bool dup = false;
    for (std::size_t j = 0; j < ys.size() && !dup; ++j)
      dup = (ys[j] == y[i]) || (std::isnan(ys[j]) && std::isnan(y[i]));
    if (!dup) {
      xs.push_back(x[i]);
      ys.push_back(y[i]);
    }
  }
  // Index of the smallest knot (y + shift) that is >= p: approx(..., method = "constant", f = 1).
  auto first_at_or_above = [&](double shift) -> long {
    long best = -1;
    for (std::size_t j = 0; j < ys.size(); ++j) {
      if (std::isnan(ys[j]) || ys[j] + shift < p) continue;
      if (best < 0 || ys[j] < ys[best]) best = static_cast<long>(j);
    }
    return best;
  };
  long i1 = first_at_or_above(tol), i2 = first_at_or_above(-tol);
  if (i1 < 0) return kNaN;
  double quant = i2 < 0 ? kNaN : (xs[i1] + xs[i2]) / 2;
  if (!std::isnan(ys.back()) && std::fabs(p - ys.back()) < tol) quant = (xs[i1] + xmax) / 2;
  return quant;
}

}  // namespace

KmCurve kaplan_meier(const std::vector<double>& time, const std::vector<int>& event, double conf_level,
                     const std::string& group) {
  KmCurve curve;
  curve.group = group;
  curve.n = static_cast<int>(time.size());
  std::vector<std::size_t> order(time.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return time[a] < time[b]; });
  const double z = normal_quantile(1 - (1 - conf_level) / 2);
  double surv = 1, greenwood = 0;  // greenwood = sum d / (n (n - d)) = variance of the cumulative hazard
  int n_risk = curve.n;
  for (std::size_t i = 0; i < order.size();) {
    KmStep step;
    step.time = time[order[i]];
    step.n_risk = n_risk;
    for (; i < order.size() && time[order[i]] == step.time; ++i) (event[order[i]] ? step.n_event : step.n_censor)++;
    if (step.n_event > 0) {
      surv *= 1.0 - static_cast<double>(step.n_event) / n_risk;
      greenwood += step.n_event / (static_cast<double>(n_risk) * (n_risk - step.n_event));
    }
    step.survival = surv;
    if (surv > 0) {
      double se = std::sqrt(greenwood);
      step.std_err = se * surv;
      step.lower = std::exp(std::log(surv) - z * se);
      step.upper = std::min(1.0, std::exp(std::log(surv) + z * se));
    } else {
      step.std_err = step.lower = step.upper = kNaN;
    }
    curve.events += step.n_event;
    n_risk -= step.n_event + step.n_censor;
    curve.steps.push_back(step);
  }
  std::vector<double> x{0}, ys{0}, yl{0}, yu{0};
  for (const auto& s : curve.steps) {
    x.push_back(s.time);
    ys.push_back(1 - s.survival);
    yl.push_back(1 - s.lower);
    yu.push_back(1 - s.upper);
  }
  curve.median = find_quantile(x, ys, 0.5);
  curve.median_lower = find_quantile(x, yl, 0.5);
  curve.median_upper = find_quantile(x, yu, 0.5);
  return curve;
}

double survival_at(const KmCurve& curve, double t) {
  double s = 1;
  for (const auto& step : curve.steps) {
    if (step.time > t) break;
    s = step.survival;
  }
  return s;
}

int at_risk(const std::vector<double>& time, double t) {
  return static_cast<int>(std::count_if(time.begin(), time.end(), [t](double v) { return v >= t; }));
}

}  // namespace blue::survival

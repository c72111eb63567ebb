#include "analysis/survival/bootstrap.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "util/error.h"
#include "util/log.h"
#include "util/random.h"

namespace blue::survival {
namespace {

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

SurvivalCohort resample(const SurvivalCohort& c, Rng& rng) {
  const std::size_t n = c.time.size();
  SurvivalCohort r;
  r.group_names = c.group_names;
  r.terms = c.terms;
  r.design.resize(static_cast<Eigen::Index>(n), c.design.cols());
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t j = rng.below(n);
    r.ids.push_back(c.ids[j]);
    r.time.push_back(c.time[j]);
    r.event.push_back(c.event[j]);
    if (!c.group.empty()) r.group.push_back(c.group[j]);
    if (c.design.cols() > 0) r.design.row(static_cast<Eigen::Index>(i)) = c.design.row(static_cast<Eigen::Index>(j));
  }
  return r;
}

}  // namespace

BootstrapResult bootstrap_survival(const SurvivalCohort& cohort, const std::string& group_label,
                                   const CoxOptions& options, const SurvivalAnalysis& full, int resamples,
                                   std::uint64_t seed, double alpha) {
  BootstrapResult out;
  out.resamples = resamples;
  out.alpha = alpha;
  const std::size_t n_terms = full.cox ? full.cox->terms.size() : 0;
  std::vector<std::vector<double>> hr(n_terms);
  std::vector<int> significant(n_terms, 0), same_sign(n_terms, 0);
  int logrank_significant = 0;
  CoxOptions quiet = options;
  quiet.concordance = false;
  const int n_groups = static_cast<int>(cohort.group_names.size());
  for (int b = 0; b < resamples; ++b) {
    Rng rng(seed, static_cast<std::uint64_t>(b));
    const SurvivalCohort r = resample(cohort, rng);
    std::vector<int> present(static_cast<std::size_t>(std::max(n_groups, 0)), 0);
    for (int g : r.group) present[static_cast<std::size_t>(g)] = 1;
    const bool all_groups = std::count(present.begin(), present.end(), 1) == n_groups;
    if (n_groups >= 2 && std::count(present.begin(), present.end(), 1) >= 2) {
      ++out.logrank_fits;
      logrank_significant += log_rank(r.time, r.event, r.group, n_groups).p < alpha ? 1 : 0;
    }
    if (n_terms == 0 || !all_groups) continue;
    std::vector<std::string> names;
    const Eigen::MatrixXd x = cox_design(r, group_label, names);
    try {
      const CoxFit fit = cox_fit(x, names, r.time, r.event, quiet);
      if (!fit.reliable) continue;
      for (std::size_t t = 0; t < n_terms; ++t) {
        const bool same = (fit.terms[t].coef > 0) == (full.cox->terms[t].coef > 0);
        same_sign[t] += same ? 1 : 0;
        significant[t] += same && fit.terms[t].p_wald < alpha ? 1 : 0;
        hr[t].push_back(fit.terms[t].hr);
      }
    } catch (const ComputeError&) {
      // e.g. a covariate level absent from this resample (singular information): not a fit
    }
  }
  out.logrank_share_significant = out.logrank_fits ? static_cast<double>(logrank_significant) / out.logrank_fits : 0;
  for (std::size_t t = 0; t < n_terms; ++t) {
    BootstrapTerm term;
    term.name = full.cox->terms[t].name;
    term.coef = full.cox->terms[t].coef;
    term.fits = static_cast<int>(hr[t].size());
    if (term.fits > 0) {
      term.share_significant = static_cast<double>(significant[t]) / term.fits;
      term.share_same_sign = static_cast<double>(same_sign[t]) / term.fits;
    }
    term.hr_lower = quantile(hr[t], alpha / 2);
    term.hr_upper = quantile(hr[t], 1 - alpha / 2);
    out.terms.push_back(term);
  }
  return out;
}

std::string bootstrap_table(const BootstrapResult& r) {
  std::string out = "statistic\testimate\tfits\tshare_significant\tshare_same_direction\thr_lower\thr_upper\n";
  out += fmt::format("logrank\tNA\t{}\t{}\tNA\tNA\tNA\n", r.logrank_fits, format_number(r.logrank_share_significant));
  for (const auto& t : r.terms) {
    out += fmt::format("cox:{}\t{}\t{}\t{}\t{}\t{}\t{}\n", t.name, format_number(std::exp(t.coef)), t.fits,
                       format_number(t.share_significant), format_number(t.share_same_sign), format_number(t.hr_lower),
                       format_number(t.hr_upper));
  }
  return out;
}

}  // namespace blue::survival

#include "analysis/survival/analysis.h"

#include <fmt/format.h>

#include <cmath>

#include "util/log.h"

namespace blue::survival {

std::string format_number(double v) {
  if (std::isnan(v)) return "NA";
  if (std::isinf(v)) return v > 0 ? "Inf" : "-Inf";
  return fmt::format("{:.10g}", v);
}

Eigen::MatrixXd cox_design(const SurvivalCohort& c, const std::string& group_label, std::vector<std::string>& names) {
  const int n_groups = static_cast<int>(c.group_names.size());
  const Eigen::Index n = static_cast<Eigen::Index>(c.time.size());
  const Eigen::Index dummies = n_groups >= 2 ? n_groups - 1 : 0;
  Eigen::MatrixXd x(n, dummies + c.design.cols());
  names.clear();
  for (Eigen::Index g = 1; g <= dummies; ++g) {
    names.push_back(group_label + c.group_names[g]);
    for (Eigen::Index i = 0; i < n; ++i) x(i, g - 1) = c.group[i] == g ? 1.0 : 0.0;
  }
  x.rightCols(c.design.cols()) = c.design;
  names.insert(names.end(), c.terms.begin(), c.terms.end());
  return x;
}

SurvivalAnalysis analyse_survival(const SurvivalCohort& c, const std::string& group_label, const CoxOptions& options) {
  SurvivalAnalysis a;
  const int n_groups = static_cast<int>(c.group_names.size());
  if (n_groups == 0) {
    a.curves.push_back(kaplan_meier(c.time, c.event, options.conf_level, "all"));
  } else {
    for (int g = 0; g < n_groups; ++g) {
      std::vector<double> t;
      std::vector<int> e;
      for (std::size_t i = 0; i < c.time.size(); ++i)
        if (c.group[i] == g) {
          t.push_back(c.time[i]);
          e.push_back(c.event[i]);
        }
      a.curves.push_back(kaplan_meier(t, e, options.conf_level, c.group_names[g]));
    }
  }
  if (n_groups >= 2) a.logrank = log_rank(c.time, c.event, c.group, n_groups);
  std::vector<std::string> names;
  const Eigen::MatrixXd x = cox_design(c, group_label, names);
  if (x.cols() == 0) return a;
  a.cox = cox_fit(x, names, c.time, c.event, options);
  for (const auto& w : a.cox->warnings) log::warn("survival", "{}", w);
  return a;
}

std::string km_table(const SurvivalAnalysis& a) {
  std::string out = "group\ttime\tn_risk\tn_event\tn_censor\tsurvival\tstd_err\tlower\tupper\n";
  for (const auto& c : a.curves)
    for (const auto& s : c.steps)
      out += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", c.group, format_number(s.time), s.n_risk, s.n_event,
                         s.n_censor, format_number(s.survival), format_number(s.std_err), format_number(s.lower),
                         format_number(s.upper));
  return out;
}

std::string median_table(const SurvivalAnalysis& a) {
  std::string out = "group\tn\tevents\tmedian\tmedian_lower\tmedian_upper\n";
  for (const auto& c : a.curves)
    out += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\n", c.group, c.n, c.events, format_number(c.median),
                       format_number(c.median_lower), format_number(c.median_upper));
  return out;
}

std::string logrank_table(const LogRankResult& lr, const std::vector<KmCurve>& curves) {
  std::string observed, expected;
  for (std::size_t g = 0; g < curves.size(); ++g) {
    observed += fmt::format("{}{}={}", g ? ";" : "", curves[g].group, format_number(lr.observed[g]));
    expected += fmt::format("{}{}={}", g ? ";" : "", curves[g].group, format_number(lr.expected[g]));
  }
  return fmt::format("chisq\tdf\tp\tobserved\texpected\n{}\t{}\t{}\t{}\t{}\n", format_number(lr.chisq), lr.df,
                     format_number(lr.p), observed, expected);
}

std::string cox_table(const CoxFit& fit) {
  std::string out = "term\tcoef\tse\thr\thr_lower\thr_upper\tz\tp_wald\treliable\n";
  for (const auto& t : fit.terms) {
    // A coefficient drifting to infinity has no meaningful HR, CI or p: write NA rather than nonsense.
    const bool ok = fit.reliable || (fit.converged && !t.may_be_infinite);
    auto show = [&](double v) { return ok ? format_number(v) : std::string("NA"); };
    out += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", t.name, format_number(t.coef), show(t.se), show(t.hr),
                       show(t.hr_lower), show(t.hr_upper), show(t.z), show(t.p_wald), ok ? "yes" : "no");
  }
  return out;
}

std::string cox_model_table(const CoxFit& fit) {
  const auto& c = fit.concordance;
  std::string out = "statistic\tvalue\tdf\tp\n";
  out += fmt::format("likelihood_ratio\t{}\t{}\t{}\n", format_number(fit.lr), fit.df, format_number(fit.lr_p));
  out += fmt::format("wald\t{}\t{}\t{}\n", format_number(fit.wald), fit.df, format_number(fit.wald_p));
  out += fmt::format("score\t{}\t{}\t{}\n", format_number(fit.score), fit.df, format_number(fit.score_p));
  out += fmt::format("concordance\t{}\tNA\tNA\n", format_number(c.value));
  out += fmt::format("loglik_null\t{}\tNA\tNA\n", format_number(fit.loglik0));
  out += fmt::format("loglik\t{}\tNA\tNA\n", format_number(fit.loglik));
  out += fmt::format("n\t{}\tNA\tNA\n", fit.n);
  out += fmt::format("events\t{}\tNA\tNA\n", fit.events);
  out += fmt::format("iterations\t{}\tNA\tNA\n", fit.iterations);
  out += fmt::format("converged\t{}\tNA\tNA\n", fit.converged ? 1 : 0);
  out += fmt::format("reliable\t{}\tNA\tNA\n", fit.reliable ? 1 : 0);
  return out;
}

}  // namespace blue::survival

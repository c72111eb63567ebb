#include "analysis/survival/cox.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "analysis/survival/special.h"
#include "util/error.h"

namespace blue::survival {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// Patients sorted by increasing time; covariates centred and scaled as coxph does (1 / mean |x - mean|).
struct Prepared {
  MatrixXd x;
  std::vector<double> time;
  std::vector<int> event;
  VectorXd scale;
};

struct Evaluation {
  double loglik = 0;
  VectorXd u;     // score
  MatrixXd imat;  // information (minus the Hessian)
};

Prepared prepare(const MatrixXd& x, const std::vector<double>& time, const std::vector<int>& event) {
  const Eigen::Index n = x.rows(), p = x.cols();
  std::vector<Eigen::Index> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) { return time[a] < time[b]; });
  Prepared d;
  d.x.resize(n, p);
  d.scale = VectorXd::Ones(p);
  for (Eigen::Index i = 0; i < n; ++i) {
    d.x.row(i) = x.row(order[i]);
    d.time.push_back(time[order[i]]);
    d.event.push_back(event[order[i]]);
  }
  for (Eigen::Index j = 0; j < p; ++j) {
    d.x.col(j).array() -= d.x.col(j).mean();
    double mad = d.x.col(j).cwiseAbs().mean();
    if (mad > 0) d.scale[j] = 1.0 / mad;
    d.x.col(j) *= d.scale[j];
  }
  return d;
}

// Log partial likelihood, score and information at beta, walking from the latest time to the earliest so the
// risk-set sums accumulate. Tied deaths: Efron adds them to the risk set a fraction 1/d at a time.
Evaluation evaluate(const Prepared& d, const VectorXd& beta, Ties ties) {
  const Eigen::Index n = d.x.rows(), p = d.x.cols();
  Evaluation ev{0, VectorXd::Zero(p), MatrixXd::Zero(p, p)};
  double denom = 0;
  VectorXd a = VectorXd::Zero(p);
  MatrixXd cmat = MatrixXd::Zero(p, p);
  for (Eigen::Index i = n - 1; i >= 0;) {
    const double t = d.time[i];
    double dead_risk = 0;
    int deaths = 0;
    VectorXd a2 = VectorXd::Zero(p);
    MatrixXd c2 = MatrixXd::Zero(p, p);
    for (; i >= 0 && d.time[i] == t; --i) {
      VectorXd xi = d.x.row(i).transpose();
      double eta = xi.dot(beta), risk = std::exp(eta);
      if (d.event[i]) {
        ++deaths;
        dead_risk += risk;
        ev.loglik += eta;
        ev.u += xi;
        a2 += risk * xi;
        c2 += risk * xi * xi.transpose();
      } else {
        denom += risk;
        a += risk * xi;
        cmat += risk * xi * xi.transpose();
      }
    }
    if (deaths == 0) continue;
    const bool efron = ties == Ties::kEfron && deaths > 1;
    const int pieces = efron ? deaths : 1;
    const double weight = efron ? 1.0 : deaths;
    for (int k = 0; k < pieces; ++k) {
      denom += dead_risk / pieces;
      a += a2 / pieces;
      cmat += c2 / pieces;
      VectorXd mean = a / denom;
      ev.loglik -= weight * std::log(denom);
      ev.u -= weight * mean;
      ev.imat += weight * (cmat / denom - mean * mean.transpose());
    }
  }
  return ev;
}

bool all_finite(const Evaluation& ev) { return std::isfinite(ev.loglik) && ev.u.allFinite() && ev.imat.allFinite(); }

// Solves imat * s = rhs; collinear covariates (a numerically singular information) are a ComputeError.
VectorXd solve_information(const MatrixXd& imat, const VectorXd& rhs, const std::vector<std::string>& names) {
  Eigen::LDLT<MatrixXd> ldlt(imat);
  const double tol = std::pow(std::numeric_limits<double>::epsilon(), 0.75);
  const VectorXd diag = ldlt.vectorD();
  if (ldlt.info() != Eigen::Success || diag.minCoeff() <= tol * std::max(1.0, diag.cwiseAbs().maxCoeff())) {
    std::string list;
    for (const auto& s : names) list += (list.empty() ? "" : ", ") + s;
    throw ComputeError("Cox model: the covariates (" + list +
                       ") are collinear or constant among the patients used; remove redundant covariates");
  }
  return ldlt.solve(rhs);
}

struct Iteration {
  VectorXd beta;  // scaled
  Evaluation final_eval, null_eval;
  int iterations = 0;
  bool converged = false;
};

// Newton-Raphson from beta = 0 with coxph's rules: converged when |1 - best / new| <= eps; a step that lowers
// the likelihood (or overflows) is pulled back towards the last good beta, more each time it fails.
Iteration newton_raphson(const Prepared& d, const CoxOptions& opt, const std::vector<std::string>& names) {
  const Eigen::Index p = d.x.cols();
  Iteration it;
  it.beta = VectorXd::Zero(p);
  it.null_eval = evaluate(d, it.beta, opt.ties);
  double best = it.null_eval.loglik;
  VectorXd next = it.beta + solve_information(it.null_eval.imat, it.null_eval.u, names);
  int halving = 0;
  for (it.iterations = 1; it.iterations <= opt.max_iter; ++it.iterations) {
    Evaluation ev = evaluate(d, next, opt.ties);
    const bool finite = all_finite(ev);
    if (finite && std::fabs(1 - best / ev.loglik) <= opt.eps) {
      it.beta = next;
      it.final_eval = ev;
      it.converged = true;
      return it;
    }
    if (!finite || ev.loglik < best) {
      ++halving;
      next = (next + halving * it.beta) / (halving + 1.0);
    } else {
      halving = 0;
      best = ev.loglik;
      VectorXd step = solve_information(ev.imat, ev.u, names);
      it.beta = next;
      next += step;
    }
  }
  it.iterations = opt.max_iter;
  it.final_eval = evaluate(d, it.beta, opt.ties);
  return it;
}

void fill_terms(CoxFit& fit, const VectorXd& coef, const std::vector<std::string>& names, double conf_level) {
  const double zq = normal_quantile(1 - (1 - conf_level) / 2);
  for (Eigen::Index j = 0; j < coef.size(); ++j) {
    CoxTerm t;
    t.name = names[j];
    t.coef = coef[j];
    t.se = std::sqrt(fit.var(j, j));
    t.hr = std::exp(t.coef);
    t.hr_lower = std::exp(t.coef - zq * t.se);
    t.hr_upper = std::exp(t.coef + zq * t.se);
    t.z = t.coef / t.se;
    t.p_wald = 2 * normal_sf(std::fabs(t.z));
    fit.terms.push_back(t);
  }
}

// coxph's warning rules for infinite coefficients (monotone likelihood) and non-convergence.
void check_reliability(CoxFit& fit, const VectorXd& u, const VectorXd& lp, const CoxOptions& opt) {
  const VectorXd infs = (u.transpose() * fit.var).cwiseAbs().transpose();
  const double toler_inf = std::sqrt(opt.eps);
  for (Eigen::Index j = 0; j < infs.size(); ++j) {
    auto& t = fit.terms[j];
    if (fit.converged)
      t.may_be_infinite = !std::isfinite(u[j]) || (infs[j] > opt.eps && infs[j] > toler_inf * std::fabs(t.coef));
    else
      t.may_be_infinite = lp.cwiseAbs().maxCoeff() > 500 || !std::isfinite(infs[j]);
    if (t.may_be_infinite)
      fit.warnings.push_back("the likelihood keeps increasing as the coefficient of '" + t.name +
                             "' grows: it may be infinite (monotone likelihood, e.g. a covariate that separates "
                             "events from non-events); its hazard ratio, CI and p-value are not reliable");
  }
  if (!fit.converged)
    fit.warnings.insert(fit.warnings.begin(), "the Cox model did not converge in " + std::to_string(opt.max_iter) +
                                                  " iterations; results are not reliable");
  fit.reliable = fit.converged &&
                 std::none_of(fit.terms.begin(), fit.terms.end(), [](const CoxTerm& t) { return t.may_be_infinite; });
}

}  // namespace

CoxFit cox_fit(const MatrixXd& x, const std::vector<std::string>& names, const std::vector<double>& time,
               const std::vector<int>& event, const CoxOptions& opt) {
  CoxFit fit;
  fit.n = static_cast<int>(x.rows());
  fit.events = static_cast<int>(std::count(event.begin(), event.end(), 1));
  fit.df = static_cast<int>(x.cols());
  if (fit.events == 0) throw ComputeError("Cox model: no events among the " + std::to_string(fit.n) + " patients");
  if (x.cols() == 0) throw InternalError("cox_fit called without covariates");
  const Prepared d = prepare(x, time, event);
  const Iteration it = newton_raphson(d, opt, names);
  fit.converged = it.converged;
  fit.iterations = it.iterations;
  fit.loglik0 = it.null_eval.loglik;
  fit.loglik = it.final_eval.loglik;
  fit.score = it.null_eval.u.dot(solve_information(it.null_eval.imat, it.null_eval.u, names));
  const MatrixXd scaled_var = it.final_eval.imat.inverse();
  fit.var = d.scale.asDiagonal() * scaled_var * d.scale.asDiagonal();
  const VectorXd coef = it.beta.cwiseProduct(d.scale);
  const VectorXd u = it.final_eval.u.cwiseQuotient(d.scale);
  fill_terms(fit, coef, names, opt.conf_level);
  fit.wald = coef.dot(fit.var.ldlt().solve(coef));
  fit.lr = 2 * (fit.loglik - fit.loglik0);
  fit.lr_p = chisq_sf(fit.lr, fit.df);
  fit.score_p = chisq_sf(fit.score, fit.df);
  fit.wald_p = chisq_sf(fit.wald, fit.df);
  const VectorXd lp = x * coef;
  check_reliability(fit, u, d.x * it.beta, opt);
  if (opt.concordance) fit.concordance = concordance(time, event, lp);
  return fit;
}

Concordance concordance(const std::vector<double>& time, const std::vector<int>& event, const VectorXd& risk) {
  Concordance c;
  const std::size_t n = time.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (!event[i]) continue;
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      if (time[j] == time[i] && event[j]) {
        if (j > i) (risk[i] == risk[j] ? c.tied_both : c.tied_time) += 1;
        continue;
      }
      if (time[j] < time[i]) continue;
      if (risk[i] > risk[j])
        c.concordant += 1;
      else if (risk[i] < risk[j])
        c.discordant += 1;
      else
        c.tied_risk += 1;
    }
  }
  const double total = c.concordant + c.discordant + c.tied_risk;
  c.value = total > 0 ? (c.concordant + c.tied_risk / 2) / total : std::nan("");
  return c;
}

}  // namespace blue::survival

#include "nnls/nnls.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "util/parallel.h"

namespace blue {
namespace {

// A sub-problem whose pivots fall below this fraction of the largest one is treated as singular.
constexpr double kSingularPivot = 1e-14;

// Solves gram[P,P] z_P = sty[P] for the positive set P (z = 0 elsewhere). False when singular.
bool solve_positive_set(const Eigen::MatrixXd& gram, const Eigen::VectorXd& sty, const std::vector<char>& positive,
                        Eigen::VectorXd& z) {
  std::vector<int> idx;
  for (int i = 0; i < static_cast<int>(positive.size()); ++i)
    if (positive[i]) idx.push_back(i);
  const int m = static_cast<int>(idx.size());
  Eigen::MatrixXd g(m, m);
  Eigen::VectorXd b(m);
  for (int a = 0; a < m; ++a) {
    b(a) = sty(idx[a]);
    for (int c = 0; c < m; ++c) g(a, c) = gram(idx[a], idx[c]);
  }
  Eigen::LDLT<Eigen::MatrixXd> ldlt(g);
  if (ldlt.info() != Eigen::Success) return false;
  const Eigen::VectorXd d = ldlt.vectorD();
  if (d.minCoeff() <= kSingularPivot * std::max(d.maxCoeff(), g.diagonal().maxCoeff())) return false;
  Eigen::VectorXd zp = ldlt.solve(b);
  z.setZero();
  for (int a = 0; a < m; ++a) z(idx[a]) = zp(a);
  return true;
}

// The entering column: the largest gradient above tolerance among the zero set, or -1.
int entering_column(const Eigen::VectorXd& w, const std::vector<char>& positive, const std::vector<char>& refused,
                    double threshold) {
  int t = -1;
  double best = threshold;
  for (int i = 0; i < w.size(); ++i) {
    if (positive[i] || refused[i]) continue;
    if (w(i) > best) {
      best = w(i);
      t = i;
    }
  }
  return t;
}

// Inner loop of Lawson-Hanson after column t entered: moves x towards the unconstrained solution on the
// positive set, dropping columns that hit zero, until that solution is strictly positive. Returns false
// (and leaves x unchanged) when t must be refused: singular sub-problem, or t not positive at once.
bool inner_loop(const Eigen::MatrixXd& gram, const Eigen::VectorXd& sty, int t, std::vector<char>& positive,
                Eigen::VectorXd& x) {
  const int k = static_cast<int>(x.size());
  Eigen::VectorXd z(k);
  for (int step = 0; step <= k; ++step) {
    if (!solve_positive_set(gram, sty, positive, z) || (step == 0 && z(t) <= 0)) {
      if (step == 0) {
        positive[t] = 0;
        return false;
      }
      // Singular after dropping columns cannot happen in exact arithmetic; keep the current feasible x.
      break;
    }
    bool all_positive = true;
    double alpha = std::numeric_limits<double>::infinity();
    int blocking = -1;
    for (int i = 0; i < k; ++i) {
      if (!positive[i] || z(i) > 0) continue;
      all_positive = false;
      const double a = x(i) / (x(i) - z(i));
      if (a < alpha) {
        alpha = a;
        blocking = i;
      }
    }
    if (all_positive) {
      x = z;
      return true;
    }
    x += alpha * (z - x);
    x(blocking) = 0;
    for (int i = 0; i < k; ++i) {
      if (positive[i] && x(i) <= 0) {
        positive[i] = 0;
        x(i) = 0;
      }
    }
  }
  return true;
}

}  // namespace

double kkt_scale(const Eigen::MatrixXd& gram, double yty) {
  const double s = std::sqrt(std::max(gram.diagonal().maxCoeff(), 0.0) * std::max(yty, 0.0));
  return s > 0 ? s : 1.0;
}

double kkt_violation(const Eigen::MatrixXd& gram, const Eigen::VectorXd& sty, double scale, const Eigen::VectorXd& x) {
  const Eigen::VectorXd w = sty - gram * x;
  double worst = 0;
  for (int i = 0; i < w.size(); ++i) worst = std::max(worst, x(i) > 0 ? std::abs(w(i)) : w(i));
  return worst / scale;
}

NnlsSolution nnls_normal(const Eigen::MatrixXd& gram, const Eigen::VectorXd& sty, double scale,
                         const NnlsOptions& options) {
  const int k = static_cast<int>(sty.size());
  const int max_iterations = options.max_iterations > 0 ? options.max_iterations : 3 * k;
  const double threshold = options.tolerance * scale;
  NnlsSolution sol;
  sol.x = Eigen::VectorXd::Zero(k);
  std::vector<char> positive(k, 0), refused(k, 0);
  Eigen::VectorXd w = sty;
  for (;;) {
    const int t = entering_column(w, positive, refused, threshold);
    if (t < 0) break;
    if (sol.iterations >= max_iterations) {
      sol.converged = false;
      break;
    }
    ++sol.iterations;
    positive[t] = 1;
    if (!inner_loop(gram, sty, t, positive, sol.x)) {
      refused[t] = 1;  // x did not move: try the next candidate
      continue;
    }
    std::fill(refused.begin(), refused.end(), 0);
    w = sty - gram * sol.x;
  }
  sol.kkt_violation = kkt_violation(gram, sty, scale, sol.x);
  return sol;
}

NnlsSolution nnls(const Eigen::MatrixXd& s, const Eigen::VectorXd& y, const NnlsOptions& options) {
  const Eigen::MatrixXd gram = s.transpose() * s;
  const Eigen::VectorXd sty = s.transpose() * y;
  return nnls_normal(gram, sty, kkt_scale(gram, y.squaredNorm()), options);
}

NnlsBatch nnls_batch(const Eigen::MatrixXd& s, const Eigen::MatrixXd& y, const NnlsOptions& options) {
  const Eigen::Index n = y.cols(), k = s.cols();
  const Eigen::MatrixXd gram = s.transpose() * s;
  const Eigen::MatrixXd sty = s.transpose() * y;
  NnlsBatch out;
  out.x.resize(k, n);
  out.residual_norm.resize(n);
  out.r2.resize(n);
  out.kkt_violation.resize(n);
  out.iterations.assign(n, 0);
  out.converged.assign(n, true);
  std::vector<char> converged(n, 1);  // vector<bool> is not safe to write from several threads
  parallel_for(n, [&](std::ptrdiff_t j) {
    const auto yj = y.col(j);
    NnlsSolution sol = nnls_normal(gram, sty.col(j), kkt_scale(gram, yj.squaredNorm()), options);
    const double rss = (yj - s * sol.x).squaredNorm();
    const double tss = (yj.array() - yj.mean()).matrix().squaredNorm();
    out.x.col(j) = sol.x;
    out.residual_norm(j) = std::sqrt(rss);
    out.r2(j) = tss > 0 ? 1.0 - rss / tss : std::numeric_limits<double>::quiet_NaN();
    out.kkt_violation(j) = sol.kkt_violation;
    out.iterations[j] = sol.iterations;
    converged[j] = sol.converged;
  });
  for (Eigen::Index j = 0; j < n; ++j) out.converged[j] = converged[j] != 0;
  return out;
}

}  // namespace blue

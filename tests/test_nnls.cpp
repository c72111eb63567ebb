// Unit tests of src/nnls/nnls: exact recovery with true zeros, collinear columns, agreement with a
// brute-force search over every active set on small problems, the KKT certificate, batch solving.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nnls/nnls.h"
#include "util/parallel.h"
#include "util/random.h"

using namespace blue;

namespace {

Eigen::MatrixXd random_positive(Rng& rng, int rows, int cols) {
  Eigen::MatrixXd m(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) m(i, j) = rng.gamma(0.5) * 10.0;
  return m;
}

double objective(const Eigen::MatrixXd& s, const Eigen::VectorXd& y, const Eigen::VectorXd& x) {
  return (s * x - y).squaredNorm();
}

// The NNLS optimum is the unconstrained least-squares solution on some support P with all entries >= 0:
// try every support (2^K of them) and keep the feasible one with the smallest objective.
Eigen::VectorXd brute_force(const Eigen::MatrixXd& s, const Eigen::VectorXd& y) {
  const int k = static_cast<int>(s.cols());
  Eigen::VectorXd best = Eigen::VectorXd::Zero(k);
  double best_obj = y.squaredNorm();
  for (int mask = 1; mask < (1 << k); ++mask) {
    std::vector<int> idx;
    for (int i = 0; i < k; ++i)
      if (mask & (1 << i)) idx.push_back(i);
    Eigen::MatrixXd sub(s.rows(), idx.size());
    for (std::size_t a = 0; a < idx.size(); ++a) sub.col(a) = s.col(idx[a]);
    Eigen::VectorXd z = sub.colPivHouseholderQr().solve(y);
    if (z.minCoeff() < 0) continue;
    Eigen::VectorXd x = Eigen::VectorXd::Zero(k);
    for (std::size_t a = 0; a < idx.size(); ++a) x(idx[a]) = z(a);
    const double obj = objective(s, y, x);
    if (obj < best_obj) {
      best_obj = obj;
      best = x;
    }
  }
  return best;
}

}  // namespace

TEST(Nnls, RecoversExactAnswerWithTrueZeros) {
  Rng rng(1);
  for (int trial = 0; trial < 50; ++trial) {
    Eigen::MatrixXd s = random_positive(rng, 40, 6);
    Eigen::VectorXd p(6);
    for (int i = 0; i < 6; ++i) p(i) = rng.uniform() < 0.4 ? 0.0 : rng.uniform() * 5;
    NnlsSolution sol = nnls(s, s * p);
    ASSERT_TRUE(sol.converged);
    for (int i = 0; i < 6; ++i) ASSERT_NEAR(sol.x(i), p(i), 1e-9) << "trial " << trial << " column " << i;
    EXPECT_LE(sol.kkt_violation, 1e-10);
  }
}

TEST(Nnls, HandComputedActiveConstraint) {
  // S = I (2x2), y = (3, -2): the optimum clamps the second coordinate: x = (3, 0), w = (0, -2).
  Eigen::MatrixXd s = Eigen::MatrixXd::Identity(2, 2);
  Eigen::VectorXd y(2);
  y << 3, -2;
  NnlsSolution sol = nnls(s, y);
  EXPECT_DOUBLE_EQ(sol.x(0), 3.0);
  EXPECT_DOUBLE_EQ(sol.x(1), 0.0);
  EXPECT_DOUBLE_EQ(sol.kkt_violation, 0.0);
  // All-negative correlation: x = 0 is optimal without any iteration.
  NnlsSolution zero = nnls(s, -y.cwiseAbs());
  EXPECT_EQ(zero.iterations, 0);
  EXPECT_EQ(zero.x.norm(), 0.0);
}

TEST(Nnls, MatchesBruteForceOnNoisySmallProblems) {
  Rng rng(2);
  for (int trial = 0; trial < 200; ++trial) {
    const int k = 2 + static_cast<int>(rng.below(5));  // 2..6 columns
    const int g = k + static_cast<int>(rng.below(10));
    Eigen::MatrixXd s(g, k);
    for (int i = 0; i < g; ++i)
      for (int j = 0; j < k; ++j) s(i, j) = rng.normal();  // mixed signs: many active constraints
    Eigen::VectorXd y(g);
    for (int i = 0; i < g; ++i) y(i) = rng.normal();
    NnlsSolution sol = nnls(s, y);
    Eigen::VectorXd ref = brute_force(s, y);
    ASSERT_TRUE(sol.converged);
    ASSERT_LE((sol.x - ref).cwiseAbs().maxCoeff(), 1e-9) << "trial " << trial;
    ASSERT_LE(sol.kkt_violation, 1e-10);
  }
}

TEST(Nnls, CollinearColumnsGiveOptimalFit) {
  // Column 2 = column 0 + column 1 and column 3 duplicates column 0: x is not unique, the fit is.
  Rng rng(3);
  Eigen::MatrixXd base = random_positive(rng, 30, 2);
  Eigen::MatrixXd s(30, 4);
  s << base, base.col(0) + base.col(1), base.col(0);
  Eigen::VectorXd y = 2.0 * base.col(0) + 0.5 * base.col(1);
  NnlsSolution sol = nnls(s, y);
  ASSERT_TRUE(sol.converged);
  EXPECT_GE(sol.x.minCoeff(), 0.0);
  EXPECT_LE((s * sol.x - y).norm(), 1e-9 * y.norm());
  EXPECT_LE(sol.kkt_violation, 1e-10);
  // Same objective as the brute force (which only ever solves full-rank sub-problems exactly).
  EXPECT_NEAR(objective(s, y, sol.x), objective(s, y, brute_force(s, y)), 1e-9 * y.squaredNorm());
}

TEST(Nnls, KktViolationDetectsNonOptimalPoints) {
  Rng rng(4);
  Eigen::MatrixXd s = random_positive(rng, 20, 3);
  Eigen::VectorXd p(3);
  p << 1.0, 0.0, 2.0;
  Eigen::VectorXd y = s * p;
  Eigen::MatrixXd gram = s.transpose() * s;
  Eigen::VectorXd sty = s.transpose() * y;
  const double scale = kkt_scale(gram, y.squaredNorm());
  EXPECT_LE(kkt_violation(gram, sty, scale, p), 1e-12);
  Eigen::VectorXd off = p;
  off(0) += 0.1;  // positive coordinate away from stationarity
  EXPECT_GT(kkt_violation(gram, sty, scale, off), 1e-3);
  EXPECT_GT(kkt_violation(gram, sty, scale, Eigen::VectorXd::Zero(3)), 0.1);  // zero set, positive gradient
  // Scale invariance: multiplying S and y changes nothing.
  EXPECT_NEAR(nnls(s * 1e3, y * 1e-2).kkt_violation, nnls(s, y).kkt_violation, 1e-12);
}

TEST(Nnls, IterationLimitIsReported) {
  Rng rng(5);
  Eigen::MatrixXd s = random_positive(rng, 20, 5);
  Eigen::VectorXd y = s * Eigen::VectorXd::Ones(5);
  NnlsOptions opt;
  opt.max_iterations = 2;
  NnlsSolution sol = nnls(s, y, opt);
  EXPECT_FALSE(sol.converged);
  EXPECT_GT(sol.kkt_violation, 1e-6);
}

TEST(Nnls, BatchEqualsSingleSolvesAndDoesNotDependOnThreads) {
  Rng rng(6);
  Eigen::MatrixXd s = random_positive(rng, 50, 5);
  Eigen::MatrixXd y(50, 40);
  for (int j = 0; j < 40; ++j)
    for (int i = 0; i < 50; ++i) y(i, j) = rng.gamma(1.0) * 20;
  set_threads(1);
  NnlsBatch one = nnls_batch(s, y);
  set_threads(2);
  NnlsBatch two = nnls_batch(s, y);
  for (int j = 0; j < 40; ++j) {
    NnlsSolution single = nnls(s, y.col(j));
    ASSERT_LE((one.x.col(j) - single.x).cwiseAbs().maxCoeff(), 1e-12);
    ASSERT_EQ(one.x.col(j), two.x.col(j));
    const double rss = (y.col(j) - s * single.x).squaredNorm();
    const double tss = (y.col(j).array() - y.col(j).mean()).matrix().squaredNorm();
    ASSERT_NEAR(one.residual_norm(j), std::sqrt(rss), 1e-9);
    ASSERT_NEAR(one.r2(j), 1 - rss / tss, 1e-12);
    ASSERT_LE(one.kkt_violation(j), 1e-10);
  }
}

// METHOD 1: non-negative least squares, min ||S p - y||_2 subject to p >= 0, by the Lawson-Hanson
// active-set method, with a Karush-Kuhn-Tucker (KKT) certificate for every solution.
#pragma once
#include <Eigen/Dense>

#include <vector>

#include "defaults.h"

namespace blue {

struct NnlsOptions {
  double tolerance = defaults::kNnlsTolerance;        // relative KKT tolerance (see kkt_violation)
  int max_iterations = defaults::kNnlsMaxIterations;  // outer iterations; 0 = 3 x number of columns
};

struct NnlsSolution {
  Eigen::VectorXd x;         // the non-negative solution (un-normalised)
  double kkt_violation = 0;  // relative, see below; <= tolerance (up to rounding) when converged
  int iterations = 0;        // outer iterations (columns added to the positive set)
  bool converged = true;     // false when max_iterations was reached first
};

// Solves the problem in its normal-equation form: `gram` = S^T S (K x K, symmetric positive
// semi-definite), `sty` = S^T y, `scale` = the KKT scale of the problem (kkt_scale()).
//
// KKT certificate. With the gradient w = S^T (y - S x), x is optimal iff w_i <= 0 where x_i = 0 and
// w_i = 0 where x_i > 0. The reported violation is
//   max( max_{x_i = 0} w_i ,  max_{x_i > 0} |w_i| ) / scale,   scale = max_i ||s_i|| * ||y||,
// i.e. relative to the Cauchy-Schwarz bound of any |w_i| (|s_i^T y| <= ||s_i|| ||y||). It is invariant
// to rescaling S or y, and 0 for an exact answer.
//
// Collinear columns are handled: a column whose gradient is not above tolerance never enters the
// positive set, and a column whose entry would make the sub-problem singular is refused.
NnlsSolution nnls_normal(const Eigen::MatrixXd& gram, const Eigen::VectorXd& sty, double scale,
                         const NnlsOptions& options = {});

// max_i ||s_i|| * ||y|| from the diagonal of S^T S and y^T y (1 when either is 0).
double kkt_scale(const Eigen::MatrixXd& gram, double yty);

// Convenience: one problem given S (genes x K) and y (genes).
NnlsSolution nnls(const Eigen::MatrixXd& s, const Eigen::VectorXd& y, const NnlsOptions& options = {});

// The KKT violation (as defined above) of any candidate x >= 0.
double kkt_violation(const Eigen::MatrixXd& gram, const Eigen::VectorXd& sty, double scale, const Eigen::VectorXd& x);

// Many samples sharing one S: the columns of `y` (genes x N) solved in parallel (parallel_for), with
// S^T S computed once and S^T Y by one matrix product.
struct NnlsBatch {
  Eigen::MatrixXd x;              // K x N un-normalised solutions
  Eigen::VectorXd residual_norm;  // ||y - S x||_2 per sample, in the units of S and y as given
  Eigen::VectorXd r2;             // 1 - RSS / TSS, TSS = sum (y - mean(y))^2 (NaN when TSS = 0)
  Eigen::VectorXd kkt_violation;
  std::vector<int> iterations;
  std::vector<bool> converged;
};
NnlsBatch nnls_batch(const Eigen::MatrixXd& s, const Eigen::MatrixXd& y, const NnlsOptions& options = {});

}  // namespace blue

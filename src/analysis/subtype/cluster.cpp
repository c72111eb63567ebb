#include "analysis/subtype/cluster.h"

#include <algorithm>
#include <limits>
#include <map>

#include "util/error.h"
#include "util/random.h"

namespace blue::subtype {
namespace {

using Eigen::MatrixXd;

// k-means++: first centre uniform, each next one with probability proportional to squared distance.
MatrixXd plus_plus_centres(const MatrixXd& x, int k, Rng& rng) {
  const Eigen::Index n = x.rows();
  MatrixXd centres(k, x.cols());
  centres.row(0) = x.row(static_cast<Eigen::Index>(rng.below(n)));
  Eigen::VectorXd d2 = (x.rowwise() - centres.row(0)).rowwise().squaredNorm();
  for (int c = 1; c < k; ++c) {
    double total = d2.sum(), target = rng.uniform() * total;
    Eigen::Index pick = n - 1;
    if (total > 0) {
      double acc = 0;
      for (Eigen::Index i = 0; i < n; ++i) {
        acc += d2[i];
        if (acc > target) {
          pick = i;
          break;
        }
      }
    } else {
      pick = static_cast<Eigen::Index>(rng.below(n));
    }
    centres.row(c) = x.row(pick);
    d2 = d2.cwiseMin((x.rowwise() - centres.row(c)).rowwise().squaredNorm());
  }
  return centres;
}

Clustering lloyd(const MatrixXd& x, MatrixXd centres, int max_iter) {
  const Eigen::Index n = x.rows();
  const int k = static_cast<int>(centres.rows());
  Clustering c;
  c.label.assign(n, -1);
  for (int it = 0; it < max_iter; ++it) {
    bool changed = false;
    c.within_ss = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      Eigen::Index best;
      c.within_ss += (centres.rowwise() - x.row(i)).rowwise().squaredNorm().minCoeff(&best);
      if (c.label[i] != best) {
        c.label[i] = static_cast<int>(best);
        changed = true;
      }
    }
    if (!changed) break;
    MatrixXd sums = MatrixXd::Zero(k, x.cols());
    std::vector<int> counts(k, 0);
    for (Eigen::Index i = 0; i < n; ++i) {
      sums.row(c.label[i]) += x.row(i);
      ++counts[c.label[i]];
    }
    for (int j = 0; j < k; ++j)
      if (counts[j] > 0) centres.row(j) = sums.row(j) / counts[j];  // an emptied cluster keeps its centre
  }
  return c;
}

void check_k(const MatrixXd& x, int k) {
  if (k < 1 || k > x.rows())
    throw InternalError("clustering: k = " + std::to_string(k) + " with " + std::to_string(x.rows()) + " rows");
}

}  // namespace

void canonical_labels(std::vector<int>& label) {
  std::map<int, int> renum;
  for (int& l : label) {
    auto it = renum.emplace(l, static_cast<int>(renum.size())).first;
    l = it->second;
  }
}

Clustering kmeans(const MatrixXd& x, int k, int restarts, std::uint64_t seed, std::uint64_t stream_base, int max_iter) {
  check_k(x, k);
  Clustering best;
  for (int r = 0; r < std::max(1, restarts); ++r) {
    Rng rng(seed, stream_base + static_cast<std::uint64_t>(r));
    Clustering c = lloyd(x, plus_plus_centres(x, k, rng), max_iter);
    if (r == 0 || c.within_ss < best.within_ss - 1e-12 * std::max(1.0, best.within_ss)) best = std::move(c);
  }
  canonical_labels(best.label);
  return best;
}

Clustering ward(const MatrixXd& x, int k) {
  check_k(x, k);
  const Eigen::Index n = x.rows();
  MatrixXd d(n, n);  // squared Euclidean distances between active clusters
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) d(i, j) = (x.row(i) - x.row(j)).squaredNorm();
  std::vector<int> size(n, 1), owner(n);
  std::vector<bool> active(n, true);
  for (Eigen::Index i = 0; i < n; ++i) owner[i] = static_cast<int>(i);
  for (Eigen::Index clusters = n; clusters > k; --clusters) {
    Eigen::Index a = -1, b = -1;
    double best = std::numeric_limits<double>::infinity();
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index j = i + 1; active[i] && j < n; ++j)
        if (active[j] && d(i, j) < best) {
          best = d(i, j);
          a = i;
          b = j;
        }
    // Lance-Williams for Ward: merge b into a.
    for (Eigen::Index m = 0; m < n; ++m) {
      if (!active[m] || m == a || m == b) continue;
      double na = size[a], nb = size[b], nm = size[m], t = na + nb + nm;
      d(a, m) = d(m, a) = ((na + nm) * d(a, m) + (nb + nm) * d(b, m) - nm * d(a, b)) / t;
    }
    size[a] += size[b];
    active[b] = false;
    for (auto& o : owner)
      if (o == b) o = static_cast<int>(a);
  }
  Clustering c;
  c.label = owner;
  canonical_labels(c.label);
  std::vector<Eigen::RowVectorXd> centre(k, Eigen::RowVectorXd::Zero(x.cols()));
  std::vector<int> count(k, 0);
  for (Eigen::Index i = 0; i < n; ++i) {
    centre[c.label[i]] += x.row(i);
    ++count[c.label[i]];
  }
  for (Eigen::Index i = 0; i < n; ++i) c.within_ss += (x.row(i) - centre[c.label[i]] / count[c.label[i]]).squaredNorm();
  return c;
}

}  // namespace blue::subtype

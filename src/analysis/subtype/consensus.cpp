#include "analysis/subtype/consensus.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "analysis/subtype/cluster.h"
#include "util/error.h"
#include "util/parallel.h"
#include "util/random.h"

namespace blue::subtype {
namespace {

// Per subsample: the rows drawn and their cluster labels.
struct Draw {
  std::vector<Eigen::Index> rows;
  std::vector<int> label;
};

Draw cluster_subsample(const Eigen::MatrixXd& x, int k, int h, const ConsensusOptions& o) {
  const Eigen::Index n = x.rows();
  const std::uint64_t stream = static_cast<std::uint64_t>(k) * 1000003ULL + static_cast<std::uint64_t>(h) * 1009ULL;
  Rng rng(o.seed, stream);
  std::vector<Eigen::Index> all(n);
  std::iota(all.begin(), all.end(), 0);
  shuffle(rng, all);
  Eigen::Index m = std::max<Eigen::Index>(k + 1, static_cast<Eigen::Index>(o.fraction * n + 0.5));
  m = std::min(m, n);
  Draw d;
  d.rows.assign(all.begin(), all.begin() + m);
  std::sort(d.rows.begin(), d.rows.end());
  Eigen::MatrixXd sub(m, x.cols());
  for (Eigen::Index i = 0; i < m; ++i) sub.row(i) = x.row(d.rows[i]);
  d.label = kmeans(sub, k, o.restarts, o.seed, stream + 1).label;
  return d;
}

StabilityRow evaluate_k(const Eigen::MatrixXd& x, int k, const ConsensusOptions& o) {
  const Eigen::Index n = x.rows();
  std::vector<Draw> draws(o.resamples);
  parallel_for(o.resamples, [&](std::ptrdiff_t h) { draws[h] = cluster_subsample(x, k, static_cast<int>(h), o); });
  Eigen::MatrixXd together = Eigen::MatrixXd::Zero(n, n), sampled = together;
  for (const auto& d : draws)
    for (std::size_t a = 0; a < d.rows.size(); ++a)
      for (std::size_t b = a + 1; b < d.rows.size(); ++b) {
        sampled(d.rows[a], d.rows[b]) += 1;
        if (d.label[a] == d.label[b]) together(d.rows[a], d.rows[b]) += 1;
      }
  // Consensus clustering of all patients: average linkage would be classic; Ward on 1 - consensus rows is
  // used here (rows of the consensus matrix as features), which is stable and needs no extra code.
  Eigen::MatrixXd consensus = Eigen::MatrixXd::Identity(n, n);
  double ambiguous = 0, pairs = 0;
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = i + 1; j < n; ++j) {
      double c = sampled(i, j) > 0 ? together(i, j) / sampled(i, j) : 0;
      consensus(i, j) = consensus(j, i) = c;
      if (sampled(i, j) > 0) {
        pairs += 1;
        if (c > 0.1 && c < 0.9) ambiguous += 1;
      }
    }
  StabilityRow row;
  row.k = k;
  row.pac = pairs > 0 ? ambiguous / pairs : 1;
  Clustering final = ward(consensus, k);
  std::vector<int> sizes(k, 0);
  double within = 0, count = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    ++sizes[final.label[i]];
    for (Eigen::Index j = i + 1; j < n; ++j)
      if (final.label[i] == final.label[j]) {
        within += consensus(i, j);
        count += 1;
      }
  }
  row.within_consensus = count > 0 ? within / count : 0;
  row.smallest_cluster = *std::min_element(sizes.begin(), sizes.end());
  return row;
}

}  // namespace

ConsensusResult consensus_select(const Eigen::MatrixXd& x, const ConsensusOptions& o) {
  const int k_max = std::min<int>(o.k_max, static_cast<int>(x.rows()) - 1);
  if (o.k_min < 2 || k_max < o.k_min)
    throw ComputeError("consensus clustering needs k_min >= 2 and at least k_min + 1 patients (got " +
                       std::to_string(x.rows()) + " patients, k = " + std::to_string(o.k_min) + ".." +
                       std::to_string(o.k_max) + ")");
  ConsensusResult r;
  for (int k = o.k_min; k <= k_max; ++k) {
    r.table.push_back(evaluate_k(x, k, o));
    if (r.best_k == 0 || r.table.back().pac < r.table[r.best_k - o.k_min].pac - 1e-12) r.best_k = k;
  }
  return r;
}

double adjusted_rand_index(const std::vector<int>& a, const std::vector<int>& b) {
  std::map<std::pair<int, int>, double> joint;
  std::map<int, double> ra, rb;
  for (std::size_t i = 0; i < a.size(); ++i) {
    joint[{a[i], b[i]}] += 1;
    ra[a[i]] += 1;
    rb[b[i]] += 1;
  }
  auto c2 = [](double v) { return v * (v - 1) / 2; };
  double sj = 0, sa = 0, sb = 0;
  for (auto& [key, v] : joint) sj += c2(v);
  for (auto& [key, v] : ra) sa += c2(v);
  for (auto& [key, v] : rb) sb += c2(v);
  const double total = c2(static_cast<double>(a.size()));
  const double expected = sa * sb / total, max_index = (sa + sb) / 2;
  return max_index == expected ? 1.0 : (sj - expected) / (max_index - expected);
}

}  // namespace blue::subtype

// Choice of the number of subtypes by consensus clustering (Monti 2003): for each k, cluster many random
// subsamples of the patients with k-means, count how often two patients that were sampled together land in
// the same cluster (the consensus matrix), and score the ambiguity with PAC (Senbabaoglu 2014): the share
// of pairs whose consensus lies strictly between 0.1 and 0.9. Lower PAC = more stable; the k with the
// lowest PAC is chosen (ties: the smaller k).
#pragma once
#include <Eigen/Dense>

#include <cstdint>
#include <vector>

#include "defaults.h"

namespace blue::subtype {

struct ConsensusOptions {
  int k_min = defaults::kSubtypeMinK;
  int k_max = defaults::kSubtypeMaxK;
  int resamples = defaults::kConsensusResamples;
  double fraction = defaults::kConsensusFraction;  // share of patients in each subsample
  int restarts = defaults::kConsensusRestarts;     // k-means restarts per subsample
  std::uint64_t seed = defaults::kSeed;
};

struct StabilityRow {
  int k = 0;
  double pac = 0;               // proportion of ambiguous clustering, lower is better
  double within_consensus = 0;  // mean consensus of pairs in the same final cluster, higher is better
  int smallest_cluster = 0;     // in the consensus clustering of all patients
};

struct ConsensusResult {
  std::vector<StabilityRow> table;  // one row per k in [k_min, k_max] (k_max capped at patients - 1)
  int best_k = 0;
};

// Rows of x = patients. Parallel over subsamples; deterministic for a seed whatever the thread count.
ConsensusResult consensus_select(const Eigen::MatrixXd& x, const ConsensusOptions& options);

// Adjusted Rand index between two labelings of the same items (1 = identical partitions, ~0 = chance).
double adjusted_rand_index(const std::vector<int>& a, const std::vector<int>& b);

}  // namespace blue::subtype

// Clustering of patients (rows) on standardised features: k-means (k-means++ seeding, Lloyd iterations,
// best of several seeded restarts) and Ward's agglomerative hierarchical clustering (Euclidean).
#pragma once
#include <Eigen/Dense>

#include <cstdint>
#include <vector>

namespace blue::subtype {

struct Clustering {
  std::vector<int> label;  // per row, 0..k-1, clusters numbered by first appearance in row order
  double within_ss = 0;    // total within-cluster sum of squares
};

// k-means with `restarts` k-means++ starts, each from its own stream of (seed, stream_base + r); the best
// within-SS wins. Deterministic for a given seed, whatever the thread count. Requires 1 <= k <= rows.
Clustering kmeans(const Eigen::MatrixXd& x, int k, int restarts, std::uint64_t seed, std::uint64_t stream_base = 0,
                  int max_iter = 100);

// Ward's minimum-variance hierarchical clustering (Lance-Williams update on squared Euclidean distances),
// tree cut into k clusters.
Clustering ward(const Eigen::MatrixXd& x, int k);

// Relabels so clusters are numbered by first appearance (makes labels comparable between runs).
void canonical_labels(std::vector<int>& label);

}  // namespace blue::subtype

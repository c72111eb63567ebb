// Subtyping building blocks: k-means, Ward, consensus clustering with PAC, ARI, Wilcoxon (against R),
// univariate prognostic Cox (against R's coxph via the survival fixtures), nearest shrunken centroids.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/subtype/cluster.h"
#include "analysis/subtype/consensus.h"
#include "analysis/subtype/genes.h"
#include "analysis/subtype/transfer.h"
#include "util/parallel.h"
#include "util/random.h"

using namespace blue;
using namespace blue::subtype;

namespace {

// Three well separated Gaussian blobs in 4 dimensions, `per` patients each, in blob order.
Eigen::MatrixXd blobs(int per, std::vector<int>& truth, std::uint64_t seed = 3) {
  Rng rng(seed);
  Eigen::MatrixXd x(3 * per, 4);
  truth.clear();
  for (int b = 0; b < 3; ++b)
    for (int i = 0; i < per; ++i) {
      for (int j = 0; j < 4; ++j) x(b * per + i, j) = rng.normal() * 0.5 + (j == b ? 6.0 : 0.0);
      truth.push_back(b);
    }
  return x;
}

}  // namespace

TEST(SubtypeCluster, KmeansAndWardRecoverSeparatedBlobs) {
  std::vector<int> truth;
  auto x = blobs(20, truth);
  auto km = kmeans(x, 3, 10, 42);
  auto wd = ward(x, 3);
  EXPECT_DOUBLE_EQ(adjusted_rand_index(km.label, truth), 1.0);
  EXPECT_DOUBLE_EQ(adjusted_rand_index(wd.label, truth), 1.0);
  EXPECT_NEAR(km.within_ss, wd.within_ss, 1e-9);
  EXPECT_EQ(km.label, kmeans(x, 3, 10, 42).label);  // same seed, same answer
}

TEST(SubtypeCluster, WardOnAHandCase) {
  Eigen::MatrixXd x(5, 1);
  x << 0, 1, 5, 6, 20;
  EXPECT_EQ(ward(x, 2).label, (std::vector<int>{0, 0, 0, 0, 1}));
  EXPECT_EQ(ward(x, 3).label, (std::vector<int>{0, 0, 1, 1, 2}));
  auto km = kmeans(x, 3, 5, 1);
  EXPECT_DOUBLE_EQ(km.within_ss, 1.0);  // {0,1}: 0.5, {5,6}: 0.5, {20}: 0
}

TEST(SubtypeCluster, AdjustedRandIndexKnownValues) {
  EXPECT_DOUBLE_EQ(adjusted_rand_index({0, 0, 1, 1}, {1, 1, 0, 0}), 1.0);
  EXPECT_NEAR(adjusted_rand_index({0, 0, 1, 1}, {0, 1, 0, 1}), -0.5, 1e-12);
}

TEST(SubtypeConsensus, ChoosesThreeForThreeBlobsWithLowPac) {
  set_threads(2);
  std::vector<int> truth;
  auto x = blobs(15, truth);
  ConsensusOptions o;
  o.k_max = 5;
  o.resamples = 20;
  auto r = consensus_select(x, o);
  ASSERT_EQ(r.table.size(), 4u);
  EXPECT_EQ(r.best_k, 3);
  EXPECT_NEAR(r.table[1].pac, 0.0, 1e-12);
  EXPECT_NEAR(r.table[1].within_consensus, 1.0, 1e-12);
  EXPECT_GT(r.table[2].pac, 0.0);  // k = 4 splits a blob unstably
  set_threads(1);
  EXPECT_EQ(consensus_select(x, o).table[2].pac, r.table[2].pac);  // same seed, any thread count
}

TEST(SubtypeGenes, RankSumMatchesR) {
  double p, auc;
  rank_sum_test({1.1, 2.2, 3.3, 4.4}, {2.2, 5.5, 6.6, 7.7, 8.8}, p, auc);
  EXPECT_NEAR(p, 0.085099932515670759, 1e-12);  // wilcox.test(exact = FALSE, correct = TRUE)
  EXPECT_NEAR(auc, 2.5 / 20, 1e-12);            // 3.3 and 4.4 beat 2.2, 2.2 ties 2.2: U = 2.5 of 4 x 5 pairs
  rank_sum_test({3, 1, 4, 1, 5, 9, 2, 6}, {5, 3, 5, 8, 9, 7, 9, 3, 2, 3}, p, auc);
  EXPECT_NEAR(p, 0.26173637642418462, 1e-12);
}

TEST(SubtypeGenes, PrognosticCoxEqualsRPerStandardDeviation) {
  // hand_cases.tsv: time, event and x; R's coxph(x) gives coef 0.13473655554920522, so per SD of x the
  // coefficient is that times sd(x).
  std::vector<double> t{1, 1, 1, 2, 2, 2, 3, 4, 4, 5, 6, 6, 6, 7, 8, 9};
  std::vector<int> e{1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1};
  Eigen::VectorXd x(16);
  x << 0.5, 1.2, -0.3, 0.8, -1.1, 2.0, 0.1, 1.5, -0.7, 0.9, 0.3, 1.1, -0.2, 0.6, 1.8, -0.5;
  const double sd = std::sqrt((x.array() - x.mean()).square().sum() / 15);
  FeatureMatrix f;
  f.samples.assign(16, "p");
  f.source = {"bulk", "bulk"};
  f.gene = {"x", "flat"};
  f.z.resize(16, 2);
  f.z.col(0) = (x.array() - x.mean()) / sd;
  f.z.col(1).setZero();
  auto rows = prognostic_genes(f, t, e);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].gene, "x");
  EXPECT_NEAR(rows[0].coef, 0.13473655554920522 * sd, 1e-6 * 0.13473655554920522 * sd);
  EXPECT_NEAR(rows[0].p, 0.7135216760447145, 1e-6);
  EXPECT_FALSE(rows[1].reliable);  // constant: no model
  int used = 0;
  signature_score(f, rows, 0.1, used);
  EXPECT_EQ(used, 0);  // nothing significant
}

TEST(SubtypeTransfer, CentroidsClassifyBlobsAndShrinkageRemovesFeatures) {
  std::vector<int> truth;
  auto x = blobs(20, truth);
  auto cv = cross_validate(x, truth, 3, 0.0, 5, 7);
  EXPECT_DOUBLE_EQ(cv.accuracy, 1.0);
  EXPECT_EQ(cv.fold_accuracy.size(), 5u);
  CentroidClassifier clf;
  clf.fit(x, truth, 3, 0.0);
  EXPECT_EQ(clf.active_features(), 4);
  clf.fit(x, truth, 3, 1e6);
  EXPECT_EQ(clf.active_features(), 0);
}

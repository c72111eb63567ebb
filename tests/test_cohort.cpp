// Reference profiles kept in the model, RNA fractions, reconstruction residuals and the cohort bias
// (src/simulate/type_profiles, src/model/cohort) on inputs whose answer is known exactly.
#include <gtest/gtest.h>

#include <cmath>

#include "model/cohort.h"
#include "simulate/normalize.h"
#include "simulate/type_profiles.h"
#include "tiny_reference.h"
#include "util/error.h"

using namespace blue;
using namespace blue::model;

namespace {

// Two types over 5 genes (the last expressed by neither), as mean counts per cell.
MatrixF two_profiles() {
  MatrixF m(2, 5);
  m << 10, 0, 5, 5, 0,   // type A: 20 panel counts per cell
      0, 30, 15, 15, 0;  // type B: 60
  return m;
}

MatrixF normalised(MatrixF m) {
  normalize_profiles(m, "test");
  return m;
}

}  // namespace

TEST(TypeProfiles, MeansOverThePoolAndTheWholeLibrary) {
  // Type A cells: (2, 0, 4) and (4, 2, 0); type B: (0, 6, 6). Panel = genes 0 and 1 only.
  Reference ref = test_data::make_reference({{2, 0, 4}, {4, 2, 0}, {0, 6, 6}}, {"A", "A", "B"});
  TypeProfiles p = type_profiles(ref, {0, 1}, {{0, 1}, {2}});
  ASSERT_EQ(p.mean_counts.rows(), 2);
  ASSERT_EQ(p.mean_counts.cols(), 2);
  EXPECT_FLOAT_EQ(p.mean_counts(0, 0), 3.0f);
  EXPECT_FLOAT_EQ(p.mean_counts(0, 1), 1.0f);
  EXPECT_FLOAT_EQ(p.mean_counts(1, 1), 6.0f);
  EXPECT_DOUBLE_EQ(p.library_size[0], 6.0);  // (6 + 6) / 2 over all genes
  EXPECT_DOUBLE_EQ(p.library_size[1], 12.0);
  EXPECT_DOUBLE_EQ(p.panel_size()[0], 4.0);
  // Only the pool's cells count: type A from its second cell alone.
  TypeProfiles q = type_profiles(ref, {0, 1}, {{1}, {2}});
  EXPECT_FLOAT_EQ(q.mean_counts(0, 0), 4.0f);
  // JSON round trip, and a record that does not fit the panel is refused.
  TypeProfiles r = TypeProfiles::from_json(p.to_json(), 2, "model");
  EXPECT_EQ(r.mean_counts, p.mean_counts);
  EXPECT_EQ(r.library_size, p.library_size);
  EXPECT_THROW(TypeProfiles::from_json(p.to_json(), 3, "model"), InputError);
  EXPECT_THROW(TypeProfiles::from_json(nlohmann::json::object(), 2, "model"), InputError);
}

TEST(TypeProfiles, RnaFractionsWeighCellsByTheirLibrarySize) {
  MatrixF cells(2, 2);
  cells << 0.5f, 0.5f, 0.0f, 0.0f;
  MatrixF rna = rna_fractions(cells, {1.0, 3.0});
  EXPECT_NEAR(rna(0, 0), 0.25, 1e-7);
  EXPECT_NEAR(rna(0, 1), 0.75, 1e-7);
  EXPECT_EQ(rna(1, 0), 0.0f);  // an all-zero row stays zero
}

TEST(Cohort, ExactMixturesAreReconstructedAndAMissingTypeIsMeasured) {
  const MatrixF profiles = two_profiles();
  MatrixF p(2, 2);
  p << 0.25f, 0.75f, 0.6f, 0.4f;
  const MatrixF bulk = expected_bulk(p, profiles);  // sum_k p_k profile_k, normalised
  std::vector<MatrixF> gep = {normalised(profiles.row(0).replicate(2, 1)), normalised(profiles.row(1).replicate(2, 1))};
  const std::vector<double> size = {20.0, 60.0};  // panel counts per cell of A and B
  Reconstruction exact = reconstruct(bulk, p, gep, size, profiles);
  for (int i = 0; i < 2; ++i) {
    EXPECT_NEAR(exact.distance[i], 0.0, 1e-6);
    EXPECT_NEAR(exact.pearson[i], 1.0, 1e-6);
    EXPECT_NEAR(exact.reference_distance[i], 0.0, 1e-6);
  }
  // A third, unknown type adds 20% of the bulk's expression on gene 4, which the known types lack: the
  // reconstruction misses exactly that share of the bulk's CPM.
  MatrixF linear = bulk;
  denormalize_profiles(linear);
  for (int i = 0; i < 2; ++i) linear(i, 4) += 0.25f * linear.row(i).sum();  // 1e6 -> 1.25e6: 20% is new
  Reconstruction missing = reconstruct(normalised(linear), p, gep, size, profiles);
  for (int i = 0; i < 2; ++i) {
    EXPECT_NEAR(missing.distance[i], 0.2, 1e-4);
    EXPECT_NEAR(missing.reference_distance[i], 0.2, 1e-4);
  }
}

TEST(Cohort, GeneBiasIsEstimatedAndRemoved) {
  const MatrixF profiles = two_profiles();
  MatrixF p(5, 2);
  p << 0.1f, 0.9f, 0.3f, 0.7f, 0.5f, 0.5f, 0.7f, 0.3f, 0.9f, 0.1f;
  const MatrixF expected = expected_bulk(p, profiles);
  // A platform that measures gene 2 eight times higher and gene 3 half as high.
  const double factor[5] = {1.0, 1.0, 8.0, 0.5, 1.0};
  MatrixF linear = expected;
  denormalize_profiles(linear);
  for (int g = 0; g < 5; ++g) linear.col(g) *= static_cast<float>(factor[g]);
  MatrixF observed = normalised(linear);
  Eigen::VectorXd bias = gene_bias(observed, expected);
  // Genes 0 and 1 are highly expressed: log2(CPM + 1) differences are close to the log2 factors up to a
  // common shift from the renormalisation; the relative bias between genes is what matters.
  EXPECT_NEAR(bias[2] - bias[0], 3.0, 0.01);
  EXPECT_NEAR(bias[3] - bias[0], -1.0, 0.01);
  for (int round = 0; round < 3; ++round) remove_gene_bias(observed, gene_bias(observed, expected));
  EXPECT_LT((observed - expected).cwiseAbs().maxCoeff(), 1e-3);
}

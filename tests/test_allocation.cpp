// Reconstruction-consistent GEPs (model/allocation.h) on small inputs whose answer is known exactly: the
// allocated GEPs rebuild the bulk gene by gene, an exact mixture of the priors gives the priors back, the
// shares are the stated ratios, and a type without weight keeps its prior.
#include <gtest/gtest.h>

#include <cmath>

#include "model/allocation.h"
#include "simulate/normalize.h"
#include "util/error.h"

using namespace blue;
using namespace blue::model;

namespace {

MatrixF normalised(MatrixF linear) {
  normalize_profiles(linear, "test profiles");
  return linear;
}

MatrixF linear(MatrixF normalised_values) {
  denormalize_profiles(normalised_values);
  return normalised_values;
}

}  // namespace

TEST(Allocation, RebuildsTheBulkExactlyAndSharesAreTheStatedRatios) {
  // Two samples, two types, four genes; priors deliberately unlike the bulk.
  MatrixF bulk(2, 4), p(2, 2), prior_a(2, 4), prior_b(2, 4);
  bulk << 10, 20, 30, 40, 5, 0, 50, 45;
  p << 0.25, 0.75, 0.6, 0.4;
  prior_a << 1, 1, 1, 1, 8, 1, 1, 0;
  prior_b << 0, 3, 1, 6, 1, 1, 2, 0;
  const std::vector<double> size = {2.0, 0.5};
  const MatrixF y = linear(normalised(bulk));
  const std::vector<MatrixF> prior = {normalised(prior_a), normalised(prior_b)};
  Allocation a = allocate(normalised(bulk), p, size, prior);
  ASSERT_EQ(a.gep.size(), 2u);
  for (Eigen::Index i = 0; i < 2; ++i) {
    EXPECT_NEAR(a.rna.row(i).sum(), 1.0, 1e-6);
    for (Eigen::Index g = 0; g < 4; ++g) {
      // share_k = a_k G_kg / sum_j a_j G_jg with a_k = p_k * size_k; gene 3 of sample 2: no prior expresses
      // it, so the weights alone share it.
      const double ca = p(i, 0) * size[0] * linear(prior[0])(i, g), cb = p(i, 1) * size[1] * linear(prior[1])(i, g);
      const double expected = ca + cb > 0 ? ca / (ca + cb)
                                          : p(i, 0) * size[0] / (p(i, 0) * size[0] + p(i, 1) * size[1]);
      EXPECT_NEAR(a.share[0](i, g), expected, 1e-5) << i << "," << g;
      EXPECT_NEAR(a.share[0](i, g) + a.share[1](i, g), 1.0, 1e-6);
      // The identity: bulk CPM = sum_k rna_k * CPM(gep_k), gene by gene.
      const double rebuilt = a.rna(i, 0) * linear(a.gep[0])(i, g) + a.rna(i, 1) * linear(a.gep[1])(i, g);
      EXPECT_NEAR(rebuilt, y(i, g), 1e-3 * (1.0 + y(i, g))) << i << "," << g;
    }
  }
}

TEST(Allocation, AnExactMixtureOfThePriorsGivesThePriorsBack) {
  // Type profiles in counts per cell; the bulk is the mean of 30% type A cells and 70% type B cells.
  MatrixF counts(2, 5);
  counts << 40, 10, 0, 5, 45, 2, 8, 30, 50, 10;
  const std::vector<double> size = {counts.row(0).sum(), counts.row(1).sum()};
  MatrixF p(1, 2);
  p << 0.3f, 0.7f;
  MatrixF bulk = p * counts;
  const std::vector<MatrixF> prior = reference_prior(counts);
  Allocation a = allocate(normalised(bulk), p, size, prior);
  for (std::size_t k = 0; k < 2; ++k) {
    for (Eigen::Index g = 0; g < 5; ++g) EXPECT_NEAR(a.gep[k](0, g), prior[k](0, g), 1e-4) << k << "," << g;
  }
  // The RNA fractions are p_k * size_k renormalised.
  const double ra = 0.3 * size[0] / (0.3 * size[0] + 0.7 * size[1]);
  EXPECT_NEAR(a.rna(0, 0), ra, 1e-5);
}

TEST(Allocation, ATypeWithoutWeightKeepsItsPriorAndShapesAreChecked) {
  MatrixF bulk(1, 3), p(1, 2), pa(1, 3), pb(1, 3);
  bulk << 1, 2, 3;
  p << 1.0f, 0.0f;
  pa << 1, 1, 1;
  pb << 5, 0, 1;
  const std::vector<MatrixF> prior = {normalised(pa), normalised(pb)};
  Allocation a = allocate(normalised(bulk), p, {1.0, 1.0}, prior);
  for (Eigen::Index g = 0; g < 3; ++g) {
    EXPECT_FLOAT_EQ(a.gep[1](0, g), prior[1](0, g));
    EXPECT_FLOAT_EQ(a.share[1](0, g), 0.0f);
    EXPECT_NEAR(a.gep[0](0, g), normalised(bulk)(0, g), 1e-5);  // the only type present takes the whole bulk
  }
  EXPECT_THROW(allocate(normalised(bulk), p, {1.0}, prior), InternalError);
  EXPECT_THROW(parse_gep_mode("mixed"), UsageError);
  EXPECT_EQ(parse_gep_mode("posterior"), GepMode::kPosterior);
}

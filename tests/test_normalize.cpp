// METHOD 2.3 normalisation: clamp negatives, CPM over the panel, log2(x + 1); exact hand-computed cases.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "simulate/normalize.h"
#include "util/error.h"

using namespace blue;

TEST(Normalize, HandExampleCpmThenLog2) {
  MatrixF m(2, 4);
  m << 1, 3, 0, -1,  // -1 clamped to 0; sum 4 -> CPM 250000, 750000, 0, 0
      2, 2, 2, 2;    // CPM 250000 each
  normalize_profiles(m, "test");
  EXPECT_NEAR(m(0, 0), std::log2(250001.0), 1e-5);
  EXPECT_NEAR(m(0, 1), std::log2(750001.0), 1e-5);
  EXPECT_EQ(m(0, 2), 0.0f);
  EXPECT_EQ(m(0, 3), 0.0f);
  for (int c = 0; c < 4; ++c) EXPECT_NEAR(m(1, c), std::log2(250001.0), 1e-5);
}

TEST(Normalize, ScaleInvariantAndDenormalizeGivesCpm) {
  MatrixF a(1, 3), b(1, 3);
  a << 1, 2, 7;
  b << 10, 20, 70;
  normalize_profiles(a, "a");
  normalize_profiles(b, "b");
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(a(0, c), b(0, c), 1e-6);
  denormalize_profiles(a);
  EXPECT_NEAR(a(0, 0), 1e6 / 10, 0.05);
  EXPECT_NEAR(a(0, 1), 2e6 / 10, 0.1);
  EXPECT_NEAR(a(0, 2), 7e6 / 10, 0.5);
  EXPECT_NEAR(a.sum(), 1e6, 1.0);
}

TEST(Normalize, ZeroRowStaysZero) {
  MatrixF m = MatrixF::Zero(1, 5);
  normalize_profiles(m, "zero");
  EXPECT_EQ(m.cwiseAbs().sum(), 0.0f);
}

TEST(Normalize, NanOrInfIsAnInputErrorNamingRowAndColumn) {
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    MatrixF m = MatrixF::Ones(3, 4);
    m(2, 1) = bad;
    try {
      normalize_profiles(m, "bulk.tsv");
      FAIL() << "expected InputError";
    } catch (const InputError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("bulk.tsv"), std::string::npos) << msg;
      EXPECT_NE(msg.find("profile 2"), std::string::npos) << msg;
      EXPECT_NE(msg.find("column 1"), std::string::npos) << msg;
    }
  }
}

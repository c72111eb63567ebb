// Unit tests of src/util: seeded random streams, samplers, atomic outputs.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "util/error.h"
#include "util/output.h"
#include "util/random.h"

namespace fs = std::filesystem;
using namespace blue;

TEST(Random, SameSeedAndStreamGiveSameSequence) {
  Rng a(7, 3), b(7, 3), c(7, 4);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    auto x = a.next();
    EXPECT_EQ(x, b.next());
    differs |= (x != c.next());
  }
  EXPECT_TRUE(differs);
}

TEST(Random, UniformAndBelowStayInRange) {
  Rng rng(1);
  std::vector<int> hist(7, 0);
  for (int i = 0; i < 70000; ++i) {
    double u = rng.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ++hist[rng.below(7)];
  }
  for (int h : hist) EXPECT_NEAR(h, 10000, 500);  // ~5 sigma
}

TEST(Random, GammaMomentsMatchShape) {
  for (double shape : {0.3, 1.0, 5.0, 50.0}) {
    Rng rng(11);
    const int n = 200000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
      double g = rng.gamma(shape);
      sum += g;
      sum2 += g * g;
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    EXPECT_NEAR(mean, shape, 0.02 * shape + 0.01) << "shape " << shape;  // Gamma(k,1): mean = var = k
    EXPECT_NEAR(var, shape, 0.05 * shape + 0.01) << "shape " << shape;
  }
}

TEST(Random, DirichletSumsToOneWithExpectedMeans) {
  Rng rng(5);
  std::vector<double> alpha{50, 1, 1, 1};
  std::vector<double> mean(4, 0.0);
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    auto p = dirichlet(rng, alpha);
    double s = 0;
    for (int k = 0; k < 4; ++k) {
      s += p[k];
      mean[k] += p[k] / n;
    }
    ASSERT_NEAR(s, 1.0, 1e-12);
  }
  EXPECT_NEAR(mean[0], 50.0 / 53.0, 0.005);  // E[p_k] = alpha_k / sum(alpha)
  EXPECT_NEAR(mean[1], 1.0 / 53.0, 0.005);
}

class StagedOutputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("blue_staged_" + std::to_string(::getpid()));
    fs::remove_all(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir;
};

TEST_F(StagedOutputsTest, NothingIsLeftWhenNotCommitted) {
  {
    StagedOutputs out(false);
    out.write_text((dir / "sub" / "a.tsv").string(), "x\n");
    EXPECT_TRUE(fs::exists(dir / "sub"));
    EXPECT_FALSE(fs::exists(dir / "sub" / "a.tsv"));
  }
  EXPECT_FALSE(fs::exists(dir));  // created directories are removed again
}

TEST_F(StagedOutputsTest, CommitRenamesIntoPlaceAndRefusesToOverwrite) {
  {
    StagedOutputs out(false);
    out.write_text((dir / "a.tsv").string(), "first\n");
    out.commit();
  }
  std::ifstream in(dir / "a.tsv");
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "first");
  StagedOutputs again(false);
  EXPECT_THROW(again.stage((dir / "a.tsv").string()), OutputError);
  StagedOutputs forced(true);
  EXPECT_NO_THROW(forced.stage((dir / "a.tsv").string()));
}

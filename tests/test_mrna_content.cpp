// Cell fractions calibrated by bulk mRNA content (analysis/mrna_content.h) on inputs whose answer is known
// exactly, and the shipped immune table with the pbmc3k map.
#include <gtest/gtest.h>

#include "analysis/mrna_content.h"
#include "io_test_util.h"
#include "util/error.h"

using namespace blue;
using blue::test::TempDir;

namespace {
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST(MrnaContent, FractionsScaleByLibrarySizeOverContent) {
  TempDir dir;
  const std::string table = dir.write("content.tsv", "cell_type\tmrna_content\nT\t1\nMono\t2\n");
  // Reference library sizes: T 1000, Mono 1000 counts per cell; bulk says a monocyte holds 2x the mRNA.
  const MrnaCalibration c = mrna_calibration(table, "", {"Mono", "T", "Other"}, {1000, 1000, 500});
  EXPECT_EQ(c.unmapped, std::vector<std::string>{"Other"});
  EXPECT_EQ(c.row[0], "Mono");
  // factors L/C = 500 (Mono), 1000 (T); median of the mapped two (upper middle) = 1000.
  EXPECT_DOUBLE_EQ(c.factor[0], 0.5);
  EXPECT_DOUBLE_EQ(c.factor[1], 1.0);
  EXPECT_DOUBLE_EQ(c.factor[2], 1.0);
  MatrixF p(1, 3);
  p << 0.5f, 0.25f, 0.25f;  // the network read equal RNA from monocytes as from T + other
  const MatrixF q = calibrate_fractions(p, c.factor);
  // 0.25 / (0.25 + 0.25 + 0.25): half the monocyte cells for the same RNA.
  EXPECT_NEAR(q(0, 0), 1.0 / 3, 1e-6);
  EXPECT_NEAR(q(0, 1), 1.0 / 3, 1e-6);
  EXPECT_NEAR(q.sum(), 1.0, 1e-6);
}

TEST(MrnaContent, ShippedImmuneTableAndPbmc3kMap) {
  const std::string root = BLUE_SOURCE_DIR;
  const std::vector<std::string> types = {"B",  "CD14+ Mono",  "CD8 T",   "DC", "FCGR3A+ Mono", "Memory CD4 T",
                                          "NK", "Naive CD4 T", "Platelet"};
  const std::vector<double> sizes(types.size(), 1000.0);
  const MrnaCalibration c = mrna_calibration(root + "/data/mrna_content_immune.tsv", root + "/data/mrna_map_pbmc3k.tsv",
                                             types, sizes);
  EXPECT_EQ(c.unmapped, std::vector<std::string>{"Platelet"});
  EXPECT_EQ(c.row[1], "Monocytes");
  EXPECT_EQ(c.row[7], "T.cells.CD4");
  // Same library sizes: the factor ratio is the inverse content ratio, 130.6546 / 63.8720 for CD4 T vs Mono.
  EXPECT_NEAR(c.factor[7] / c.factor[1], 130.6546 / 63.8720, 1e-9);
}

TEST(MrnaContent, BadTablesNameFileLineAndWhatIsExpected) {
  TempDir dir;
  const std::string bad = dir.write("bad.tsv", "cell_type\tmrna_content\nT\t-3\n");
  try {
    mrna_calibration(bad, "", {"T"}, {1.0});
    FAIL() << "a negative content was accepted";
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.what(), "bad.tsv") && contains(e.what(), "line 2") && contains(e.what(), "positive"))
        << e.what();
  }
  const std::string good = dir.write("good.tsv", "cell_type\tmrna_content\nT\t3\n");
  EXPECT_THROW(mrna_calibration(good, "", {"B"}, {1.0}), InputError);  // nothing mapped
  const std::string map = dir.write("map.tsv", "cell_type\tcontent_type\nB\tMacrophage\n");
  try {
    mrna_calibration(good, map, {"B"}, {1.0});
    FAIL() << "a map row naming no table row was accepted";
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.what(), "map.tsv") && contains(e.what(), "Macrophage")) << e.what();
  }
}

// Per-gene platform factors from sorted-cell bulk profiles (train --sorted-profiles): exact factors on a
// constructed case (one gene 8x brighter in bulk for every type, a gene the table lacks keeps 1, a type
// mapped onto two averaged columns), the map's errors, and the option end to end on the pbmc3k example.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>

#include "sim_cli.h"
#include "simulate/platform_factors.h"
#include "util/error.h"

using namespace blue;
using namespace blue::sim_test;

namespace {

// 121 panel genes g0..g120 (g120 absent from the sorted table); types A (1 count per gene) and B (2).
// Sorted columns: "A bulk" = 1 per gene but 8 for g0; "B1", "B2" average to 2 per gene, 16 for g0.
struct Case {
  TypeProfiles reference;
  std::vector<std::string> panel;
  ExpressionTable sorted;
};

Case make_case() {
  Case c;
  const int n = 121;
  c.reference.cell_types = {"A", "B"};
  c.reference.mean_counts = MatrixF(2, n);
  c.reference.library_size = {n * 1.0, n * 2.0};
  for (int g = 0; g < n; ++g) {
    c.panel.push_back("g" + std::to_string(g));
    c.reference.mean_counts(0, g) = 1.0f;
    c.reference.mean_counts(1, g) = 2.0f;
  }
  c.sorted.source = "sorted.tsv";
  c.sorted.columns = {"A bulk", "B1", "B2"};
  c.sorted.values = Eigen::MatrixXd(n - 1, 3);
  for (int g = 0; g < n - 1; ++g) {
    c.sorted.genes.push_back("g" + std::to_string(g));
    c.sorted.values.row(g) << 1.0, 1.0, 3.0;
  }
  c.sorted.values.row(0) << 8.0, 8.0, 24.0;
  return c;
}

}  // namespace

TEST(PlatformFactors, ExactFactorsOnAConstructedCase) {
  ScratchDir dir("blue_platform_factors");
  const Case c = make_case();
  const std::string map = write_file(dir, "map.tsv", "cell_type\tprofile\nA\tA bulk\nB\tB1\nB\tB2\n");
  const PlatformFactors f = platform_factors(c.reference, c.panel, c.sorted, map);
  EXPECT_EQ(f.mapped_types, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(f.estimated, 120u);
  // Over the 120 shared genes every profile sums to 1e6: single cells 1e6/120 per gene; bulk 8e6/127 for
  // g0 and 1e6/127 elsewhere (both types alike). c = 1% of 1e6/120. Centred on the median (the other genes).
  const double avg = 1e6 / 120, pseudo = 0.01 * avg;
  const double other = std::log2((1e6 / 127 + pseudo) / (avg + pseudo));
  const double g0 = std::log2((8e6 / 127 + pseudo) / (avg + pseudo));
  EXPECT_NEAR(f.factor[0], std::exp2(g0 - other), 1e-9);
  EXPECT_NEAR(f.factor[1], 1.0, 1e-12);
  EXPECT_NEAR(f.factor[120], 1.0, 1e-12);  // not in the table
  EXPECT_NEAR(f.median_abs_log2, 0.0, 1e-12);

  auto error = [&](const std::string& text) {
    return input_error_for(dir, text, [&](const std::string& map_path) {
      platform_factors(c.reference, c.panel, c.sorted, map_path);
    });
  };
  EXPECT_NE(error("cell_type\tprofile\nC\tB1\n").find("line 2: 'C' is not a cell type of the reference"),
            std::string::npos);
  EXPECT_NE(error("cell_type\tprofile\nA\tB3\n").find("line 2: 'B3' is not a column of sorted.tsv"), std::string::npos);
  EXPECT_NE(error("type\tcolumn\n").find("line 1: expected the header 'cell_type<TAB>profile'"), std::string::npos);
  // Without a map, types are matched by name: none is here.
  try {
    platform_factors(c.reference, c.panel, c.sorted, "");
    FAIL() << "no mapped type passed";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("give --sorted-map"), std::string::npos) << e.what();
  }
}

// pbmc3k with the ABIS/Monaco sorted-cell RNA-seq matrix on the ABIS genes as panel (the marker
// panel shares only ~70 genes with it): the model records the factors, refusing a map without profiles.
TEST(TrainCli, SortedProfilesGiveEachPanelGeneAFactor) {
  ScratchDir dir("blue_sorted_profiles");
  const std::string abis = shared("signatures/immunedeconv_sigmatrixRNAseq.txt");
  const std::string root = BLUE_SOURCE_DIR;
  const std::string base = "train -r " + quote(shared("pbmc3k/pbmc3k_raw_counts_labelled.h5ad")) +
                           " --label-key cell_type --projection 64 --base-channels 2 --samples 60 --val-samples 20 "
                           "--epochs 1 --batch-size 16 --threads 2 --sorted-map " +
                           quote(root + "/bench/abis_map_pbmc3k.tsv");
  auto r = run_blue(base + " -o " + quote(dir / "no.blue"), dir / "no.err");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("--sorted-map needs --sorted-profiles"), std::string::npos) << r.err;
  r = run_blue(base + " --genes " + quote(root + "/bench/abis_genes.txt") + " --sorted-profiles " + quote(abis) +
                   " -o " + quote(dir / "m.blue"),
               dir / "m.err");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("per-gene factors for"), std::string::npos) << r.err;
  const auto prov = nlohmann::json::parse(slurp(dir / "m.blue.provenance.json"));
  EXPECT_TRUE(prov["inputs"].contains("sorted_profiles"));
  EXPECT_EQ(prov["training"]["sorted_map"], root + "/bench/abis_map_pbmc3k.tsv");
}

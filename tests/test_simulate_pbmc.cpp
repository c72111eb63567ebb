// `blue simulate` end to end on real data (pbmc3k h5ad and 10x + labels, wu2021_breast): the .h5ad
// layout, bulk = sum_k p_k * GEP_k for every sample, proportions summing to 1, disjoint cell splits that do
// not depend on --seed, byte-identical output for the same seed whatever the thread count, and the
// error for cell types with fewer than 3 cells.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "io/h5ad.h"
#include "io/reference.h"
#include "sim_cli.h"

using namespace blue;
using namespace blue::sim_test;

namespace {

const std::string kPbmcH5ad = "pbmc3k/pbmc3k_raw_counts_labelled.h5ad";

// Every 40th gene of a reference (819 of pbmc3k's): enough to test, small enough to stay fast.
std::string write_gene_subset(const std::string& path, const std::string& reference = kPbmcH5ad,
                              const std::string& labels = "") {
  ReferenceOptions o;
  o.path = shared(reference);
  o.label_key = labels.empty() ? "cell_type" : "celltype_major";
  if (!labels.empty()) o.labels_path = shared(labels);
  Reference ref = read_reference(o);
  std::ofstream out(path);
  for (std::size_t g = 0; g < ref.n_genes(); g += 40) out << ref.genes[g] << "\n";
  return path;
}

std::string wu_args(const std::string& genes, const std::string& key) {
  return "simulate -r " + quote(shared("wu2021_breast/mtx")) + " --labels " +
         quote(shared("wu2021_breast/cell_metadata.csv")) + " --label-key " + key + " --genes " + quote(genes) +
         " --samples 5 ";
}

std::string wu_genes(const ScratchDir& dir) {
  return write_gene_subset(dir / "genes.txt", "wu2021_breast/mtx", "wu2021_breast/cell_metadata.csv");
}

std::string pbmc_args(const std::string& genes, const std::string& extra, int samples = 20) {
  return "simulate -r " + quote(shared(kPbmcH5ad)) + " --label-key cell_type --samples " + std::to_string(samples) +
         " --cells 500 --genes " + quote(genes) + " " + extra;
}

// split -> set of rows, from the --cell-index TSV; checks that no row is listed twice.
std::map<std::string, std::set<long>> read_cell_index(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "split\tcell_type\trow\tcell");
  std::map<std::string, std::set<long>> rows;
  std::set<long> all;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string split, type_and_rest;
    std::getline(f, split, '\t');
    std::getline(f, type_and_rest, '\t');
    long row;
    f >> row;
    EXPECT_TRUE(all.insert(row).second) << "row " << row << " in two splits";
    rows[split].insert(row);
  }
  return rows;
}

void expect_bulk_is_mixture(const DenseAnnData& a) {
  const auto& types = a.uns_strings.at("cell_types");
  const MatrixF& p = a.obsm.at("proportions");
  ASSERT_EQ(p.cols(), static_cast<Eigen::Index>(types.size()));
  ASSERT_EQ(a.layers.size(), types.size());
  for (Eigen::Index i = 0; i < a.X.rows(); ++i) {
    ASSERT_NEAR(p.row(i).sum(), 1.0, 1e-5) << "sample " << i;
    for (Eigen::Index g = 0; g < a.X.cols(); ++g) {
      double mix = 0.0;
      for (std::size_t k = 0; k < types.size(); ++k) mix += double(p(i, k)) * a.layers.at(types[k])(i, g);
      ASSERT_NEAR(a.X(i, g), mix, 1e-5 * (1.0 + std::abs(mix))) << "sample " << i << " gene " << g;
    }
  }
}

}  // namespace

TEST(SimulatePbmc, H5adIsAConsistentMixtureAndReproducibleAcrossThreads) {
  ScratchDir dir("blue_sim_pbmc");
  const std::string genes = write_gene_subset(dir / "genes.txt");
  auto one = run_blue(pbmc_args(genes,
                                "--seed 5 --threads 1 --out " + dir / "a.h5ad" + " --cell-index " + dir / "idx.tsv"),
                      dir / "err1");
  ASSERT_EQ(one.code, 0) << one.err;
  auto two = run_blue(pbmc_args(genes, "--seed 5 --threads 2 --out " + dir / "c.h5ad"), dir / "err3");
  ASSERT_EQ(two.code, 0) << two.err;
  const std::string bytes = slurp(dir / "a.h5ad");
  EXPECT_TRUE(bytes == slurp(dir / "c.h5ad")) << "same seed, 1 vs 2 threads: different bytes";

  DenseAnnData a = read_dense_h5ad(dir / "a.h5ad");
  EXPECT_EQ(a.X.rows(), 20 + 9 * 3 * 10);  // 20 flat + 10 per type and alpha (METHOD 2.1)
  EXPECT_EQ(a.X.cols(), 819);
  EXPECT_EQ(a.obs_names.front(), "sample_0");
  EXPECT_EQ(a.uns_strings.at("cell_types").size(), 9u);
  EXPECT_EQ(a.uns_strings.at("cell_types").front(), "B");
  expect_bulk_is_mixture(a);
  EXPECT_TRUE(std::filesystem::exists(dir / "a.h5ad.provenance.json"));

  // The split depends on --split-seed only: --seed 99 and --split test list the same pools.
  auto test_split = run_blue(pbmc_args(genes, "--seed 99 --split test --out " + dir / "t.h5ad" + " --cell-index " +
                                                  dir / "idx_test.tsv"),
                             dir / "err4");
  ASSERT_EQ(test_split.code, 0) << test_split.err;
  EXPECT_TRUE(slurp(dir / "idx.tsv") == slurp(dir / "idx_test.tsv")) << "the split changed with --seed";
  auto pools = read_cell_index(dir / "idx.tsv");  // asserts that no row is in two splits
  EXPECT_EQ(pools["train"].size() + pools["val"].size() + pools["test"].size(), 2638u);
  EXPECT_NEAR(double(pools["test"].size()) / 2638.0, 0.1, 0.01);
}

TEST(SimulatePbmc, TenxWithLabelsGivesTheSameSamplesAsH5ad) {
  ScratchDir dir("blue_sim_10x");
  const std::string genes = write_gene_subset(dir / "genes.txt");
  auto h5 = run_blue(pbmc_args(genes, "--out " + dir / "h.h5ad", 3), dir / "err1");
  ASSERT_EQ(h5.code, 0) << h5.err;
  auto tenx = run_blue("simulate -r " + quote(shared("pbmc3k/mtx")) + " --labels " +
                           quote(shared("pbmc3k/cell_metadata_labels.csv")) +
                           " --label-key cell_type --samples 3 --cells 500 --genes " + quote(genes) + " --out " +
                           dir / "x.h5ad",
                       dir / "err2");
  ASSERT_EQ(tenx.code, 0) << tenx.err;
  DenseAnnData a = read_dense_h5ad(dir / "h.h5ad"), b = read_dense_h5ad(dir / "x.h5ad");
  EXPECT_EQ(a.var_names, b.var_names);
  EXPECT_EQ(a.obsm.at("proportions"), b.obsm.at("proportions"));
  EXPECT_EQ(a.X, b.X);
}

TEST(SimulateWu, TypeWithTwoCellsIsRefusedUntilExcludedOrMerged) {
  ScratchDir dir("blue_sim_wu");
  const std::string base = wu_args(wu_genes(dir), "celltype_minor") + "--cells 100 --out ";
  auto refused = run_blue(base + dir / "a.h5ad", dir / "err1");
  EXPECT_EQ(refused.code, 2) << refused.err;
  EXPECT_NE(refused.err.find("'NK cells' (2 cells)"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--exclude-types"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--merge-types"), std::string::npos) << refused.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "a.h5ad"));

  auto excluded = run_blue(base + dir / "b.h5ad --exclude-types 'NK cells'", dir / "err2");
  ASSERT_EQ(excluded.code, 0) << excluded.err;
  EXPECT_EQ(read_dense_h5ad(dir / "b.h5ad").uns_strings.at("cell_types").size(), 24u);  // 25 minus NK cells

  auto merged = run_blue(base + dir / "c.h5ad --merge-types 'NK and T=NK cells,NKT cells'", dir / "err3");
  ASSERT_EQ(merged.code, 0) << merged.err;
  const auto types = read_dense_h5ad(dir / "c.h5ad").uns_strings.at("cell_types");
  EXPECT_EQ(types.size(), 24u);  // 25 - 2 + 1
  EXPECT_NE(std::find(types.begin(), types.end(), "NK and T"), types.end());
}

TEST(SimulateWu, MajorTypesSimulateAndMixWithAbsentTypes) {
  ScratchDir dir("blue_sim_wu_major");
  auto r = run_blue(wu_args(wu_genes(dir), "celltype_major") + "--cells 200 --sparse-fraction 0.5 --out " +
                        dir / "a.h5ad",
                    dir / "err");
  ASSERT_EQ(r.code, 0) << r.err;
  DenseAnnData a = read_dense_h5ad(dir / "a.h5ad");
  EXPECT_EQ(a.uns_strings.at("cell_types").size(), 9u);
  EXPECT_EQ(a.X.rows(), 5 + 9 * 3 * 10);
  int with_absent = 0;
  for (Eigen::Index i = 0; i < a.X.rows(); ++i) with_absent += a.obsm.at("proportions").row(i).minCoeff() == 0.0f;
  EXPECT_EQ(with_absent, 138);  // round(0.5 * 275)
  expect_bulk_is_mixture(a);
}

TEST(SimulateCli, OptionsAreValidatedTogether) {
  ScratchDir dir("blue_sim_opts");
  auto r = run_blue("simulate -r x.h5ad --label-key t --samples 0 --cells 0 --sparse-fraction 2 --split foo --out " +
                        dir / "a.h5ad",
                    dir / "err");
  EXPECT_EQ(r.code, 1) << r.err;
  for (const char* opt : {"--samples 0", "--cells 0", "--sparse-fraction 2", "--split 'foo'"}) {
    EXPECT_NE(r.err.find(opt), std::string::npos) << opt << " not reported in: " << r.err;
  }
}

// Genes that no reference cell type explains (src/analysis/unexplained, the transcriptome profiles of
// src/simulate/type_profiles): exact answers on small profiles, and on pbmc3k with B cells left out of the
// reference, where B-rich bulk must name the B-cell genes.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "analysis/unexplained.h"
#include "io/reference.h"
#include "io_test_util.h"
#include "simulate/type_profiles.h"
#include "tiny_reference.h"
#include "util/error.h"

using namespace blue;

namespace {

// Three types over 4 genes, mean counts per cell; gene "c" is expressed by type C only.
const std::vector<std::string> kGenes = {"a", "b", "c", "d"};
MatrixF three_profiles() {
  MatrixF m(3, 4);
  m << 60, 20, 0, 20,  // A: 100 counts per cell
      10, 80, 0, 10,   // B: 100
      0, 100, 100, 0;  // C: 200
  return m;
}

// Bulk (genes x 1) of `cells` cells of each type: the sum of their mean profiles.
Eigen::MatrixXd mixture(const MatrixF& profiles, const std::vector<double>& cells) {
  Eigen::MatrixXd bulk = Eigen::MatrixXd::Zero(profiles.cols(), 1);
  for (Eigen::Index k = 0; k < profiles.rows(); ++k)
    bulk.col(0) += cells[k] * profiles.row(k).cast<double>().transpose();
  return bulk;
}

}  // namespace

TEST(Unexplained, CeilingIsTheHighestTypeCpmOverTheSharedGenes) {
  // The bulk lacks gene "d": each profile is renormalised over a, b, c.
  ExpressionCeiling c = expression_ceiling(kGenes, three_profiles(), {"c", "x", "b", "a"}, "bulk");
  ASSERT_EQ(c.genes, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(c.bulk_rows, (std::vector<std::int32_t>{3, 2, 0}));
  EXPECT_NEAR(c.ceiling_cpm[0], 1e6 * 60 / 80, 1e-6);    // A: 60 of 80
  EXPECT_NEAR(c.ceiling_cpm[1], 1e6 * 80 / 90, 1e-6);    // B: 80 of 90
  EXPECT_NEAR(c.ceiling_cpm[2], 1e6 * 100 / 200, 1e-6);  // C
  EXPECT_EQ(c.top_type, (std::vector<std::int32_t>{0, 1, 2}));
  EXPECT_THROW(expression_ceiling(kGenes, three_profiles(), {"x", "y"}, "bulk 'b.tsv'"), InputError);
}

TEST(Unexplained, NoMixtureOfTheReferenceTypesHasAnUnexplainedGene) {
  // A mixture's CPM is a convex combination of the types' CPMs, so it never exceeds the ceiling.
  ExpressionCeiling c = expression_ceiling(kGenes, three_profiles(), kGenes, "bulk");
  for (const std::vector<double>& cells : {std::vector<double>{1, 0, 0}, {5, 3, 2}, {0, 0, 7}, {1, 1e-3, 0}}) {
    Unexplained u = find_unexplained(c, mixture(three_profiles(), cells), {1.0, 0.0, 20});
    EXPECT_EQ(u.count[0], 0);
    EXPECT_EQ(u.fraction[0], 0.0);
    EXPECT_TRUE(u.genes[0].empty());
  }
}

TEST(Unexplained, AGeneOfATypeMissingFromTheReferenceIsFoundWithItsShare) {
  // Reference without C; bulk = 1 cell of A + 1 of C: 300 counts, "c" = 100 of them (333,333 CPM),
  // "b" = 120 (400,000 CPM, above B's 800,000 / 8 = 100,000 but below 8x).
  const MatrixF ab = three_profiles().topRows(2);
  ExpressionCeiling c = expression_ceiling(kGenes, ab, kGenes, "bulk");
  EXPECT_EQ(c.ceiling_cpm[2], 0.0);
  EXPECT_EQ(c.top_type[2], -1);  // no type expresses it
  Eigen::MatrixXd bulk(4, 2);
  bulk.col(0) = mixture(three_profiles(), {1, 0, 1}).col(0);
  bulk.col(1).setZero();  // an empty sample has nothing unexplained
  Unexplained u = find_unexplained(c, bulk);
  ASSERT_EQ(u.count.size(), 2u);
  EXPECT_EQ(u.count[0], 1);
  ASSERT_EQ(u.genes[0].size(), 1u);
  EXPECT_EQ(c.genes[static_cast<std::size_t>(u.genes[0][0].gene)], "c");
  EXPECT_NEAR(u.genes[0][0].bulk_cpm, 1e6 / 3, 1e-6);
  EXPECT_NEAR(u.fraction[0], 1.0 / 3, 1e-12);
  EXPECT_EQ(u.count[1], 0);
  // A lower fold adds nothing: "a" 266,667 vs 2 x 600,000, "b" 400,000 vs 2 x 888,889, "d" 66,667 vs 2 x 200,000.
  EXPECT_EQ(find_unexplained(c, bulk, {2.0, 10.0, 20}).count[0], 1);
  // The floor: "c" at 333,333 CPM stays unexplained until the floor reaches 333,333 / 8.
  EXPECT_EQ(find_unexplained(c, bulk, {8.0, 41'000.0, 20}).count[0], 1);
  EXPECT_EQ(find_unexplained(c, bulk, {8.0, 42'000.0, 20}).count[0], 0);
  // At most `listed` genes are listed; all are counted.
  Unexplained none_listed = find_unexplained(c, bulk, {8.0, 10.0, 0});
  EXPECT_EQ(none_listed.count[0], 1);
  EXPECT_TRUE(none_listed.genes[0].empty());
}

TEST(Unexplained, TranscriptomeProfilesKeepExpressedGenesAndRoundTripAsABlob) {
  // Gene g1 is zero in every cell: not kept.
  Reference ref = test_data::make_reference({{2, 0, 4}, {4, 0, 0}, {0, 0, 6}}, {"A", "A", "B"});
  TranscriptomeProfiles t = transcriptome_profiles(ref, {{0, 1}, {2}});
  ASSERT_EQ(t.genes, (std::vector<std::string>{"g0", "g2"}));
  EXPECT_FLOAT_EQ(t.mean_counts(0, 0), 3.0f);
  EXPECT_FLOAT_EQ(t.mean_counts(0, 1), 2.0f);
  EXPECT_FLOAT_EQ(t.mean_counts(1, 1), 6.0f);
  TranscriptomeProfiles back = TranscriptomeProfiles::from_blob(t.genes, 2, t.to_blob(), "model");
  EXPECT_EQ(back.mean_counts, t.mean_counts);
  EXPECT_THROW(TranscriptomeProfiles::from_blob(t.genes, 3, t.to_blob(), "model"), InputError);
}

// Real cells: bulk samples that are exact mixtures of pbmc3k's type means (counts per cell, all cells).
// With the whole reference nothing is unexplained; with B cells left out, a sample of 70% B cells has
// B-cell genes that no other type comes near, and a sample without B cells still has none.
TEST(Unexplained, BCellGenesAreUnexplainedWithoutBCellsInTheReference) {
  ReferenceOptions o;
  o.path = test::shared_data("pbmc3k/pbmc3k_raw_counts_labelled.h5ad");
  o.label_key = "cell_type";
  Reference ref = read_reference(o);
  std::vector<std::vector<std::int64_t>> pools(ref.n_types());
  for (std::size_t i = 0; i < ref.n_cells(); ++i)
    pools[static_cast<std::size_t>(ref.cell_type_of[i])].push_back(static_cast<std::int64_t>(i));
  const TranscriptomeProfiles all = transcriptome_profiles(ref, pools);
  const auto type = [&](const std::string& name) {
    const auto k = static_cast<Eigen::Index>(std::find(ref.cell_types.begin(), ref.cell_types.end(), name) -
                                             ref.cell_types.begin());
    EXPECT_LT(k, all.mean_counts.rows()) << name;
    return k;
  };
  const Eigen::Index b = type("B");
  const auto mean = [&](const std::string& name) { return all.mean_counts.row(type(name)).cast<double>().transpose(); };
  Eigen::MatrixXd bulk(static_cast<Eigen::Index>(all.genes.size()), 2);
  bulk.col(0) = 0.7 * mean("B") + 0.3 * mean("Naive CD4 T");
  bulk.col(1) = 0.5 * mean("CD14+ Mono") + 0.5 * mean("Naive CD4 T");

  Unexplained with_b = find_unexplained(expression_ceiling(all.genes, all.mean_counts, all.genes, "bulk"), bulk);
  EXPECT_EQ(with_b.count, (std::vector<int>{0, 0}));

  MatrixF without_b(all.mean_counts.rows() - 1, all.mean_counts.cols());
  for (Eigen::Index k = 0, r = 0; k < all.mean_counts.rows(); ++k) {
    if (k != b) without_b.row(r++) = all.mean_counts.row(k);
  }
  ExpressionCeiling c = expression_ceiling(all.genes, without_b, all.genes, "bulk");
  Unexplained u = find_unexplained(c, bulk);
  EXPECT_GE(u.count[0], defaults::kUnexplainedFlagGenes);
  EXPECT_EQ(u.count[1], 0);
  std::vector<std::string> listed;
  for (const auto& g : u.genes[0]) listed.push_back(c.genes[static_cast<std::size_t>(g.gene)]);
  ASSERT_GE(listed.size(), 2u);
  for (const char* marker : {"CD79A", "MS4A1"}) {
    EXPECT_NE(std::find(listed.begin(), listed.end(), marker), listed.end()) << marker << " not in the list";
  }
  for (std::size_t i = 1; i < u.genes[0].size(); ++i) {  // largest excess over the limit first
    const auto excess = [&](const UnexplainedGene& g) {
      return g.bulk_cpm - defaults::kUnexplainedFold * std::max(c.ceiling_cpm[g.gene], defaults::kUnexplainedFloorCpm);
    };
    EXPECT_GE(excess(u.genes[0][i - 1]), excess(u.genes[0][i]));
  }
  EXPECT_GT(u.fraction[0], 0.0);
  EXPECT_LT(u.fraction[0], 0.1);
}

TEST(Unexplained, GenesRankByHowManySamplesListThemThenByName) {
  const auto ranked = genes_by_frequency({{"HBB", "RPL41"}, {"IFIT1", "HBB"}, {}, {"HBB", "IFIT1", "CD79A"}});
  ASSERT_EQ(ranked.size(), 4u);
  EXPECT_EQ(ranked[0], (std::pair<std::string, int>{"HBB", 3}));
  EXPECT_EQ(ranked[1], (std::pair<std::string, int>{"IFIT1", 2}));
  EXPECT_EQ(ranked[2], (std::pair<std::string, int>{"CD79A", 1}));
  EXPECT_EQ(ranked[3], (std::pair<std::string, int>{"RPL41", 1}));
}

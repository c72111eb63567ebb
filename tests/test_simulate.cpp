// METHOD 2.1 pseudobulk simulation and the 80/10/10 cell split, on small in-memory references whose
// answers are known exactly (the real-data checks on pbmc3k are in test_simulate_pbmc.cpp).
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "simulate/cell_types.h"
#include "simulate/simulate.h"
#include "tiny_reference.h"
#include "util/error.h"
#include "util/parallel.h"

using namespace blue;
using blue::test_data::block_reference;

namespace {

const std::vector<std::string> kTypes{"A", "B", "C"};

Reference three_types() { return block_reference(kTypes, {40, 25, 14}); }

SimulationOptions small_options(int samples = 30, std::uint64_t seed = 7) {
  SimulationOptions o;
  o.samples = samples;
  o.cells_per_sample = 100;
  o.seed = seed;
  return o;
}

bool same(const Pseudobulk& a, const Pseudobulk& b) {
  if (a.bulk != b.bulk || a.proportions != b.proportions) return false;
  for (std::size_t k = 0; k < a.gep.size(); ++k) {
    if (a.gep[k] != b.gep[k]) return false;
  }
  return true;
}

}  // namespace

TEST(Simulate, SampleCountFollowsTheDominantTypeRule) {
  // extra per type and alpha = largest multiple of 100 (else 10, else 10) not above N / K.
  EXPECT_EQ(simulated_sample_count(1000, 9), 1000u + 9 * 3 * 100);  // 111 -> 100
  EXPECT_EQ(simulated_sample_count(8000, 9), 8000u + 9 * 3 * 800);  // 888 -> 800
  EXPECT_EQ(simulated_sample_count(100, 9), 100u + 9 * 3 * 10);     // 11 -> 10
  EXPECT_EQ(simulated_sample_count(5, 2), 5u + 2 * 3 * 10);         // 2 -> 10 (minimum)
  EXPECT_EQ(simulated_sample_count(99, 1), 99u + 3 * 90);           // 99 -> 90
}

TEST(Split, SizesRoundValidationAndTestAndKeepOneCellEach) {
  auto check = [](std::int64_t n, std::int64_t train, std::int64_t val, std::int64_t test) {
    SplitSizes s = split_sizes(n);
    EXPECT_EQ(s.train, train) << n;
    EXPECT_EQ(s.validation, val) << n;
    EXPECT_EQ(s.test, test) << n;
  };
  check(3, 1, 1, 1);
  check(4, 2, 1, 1);
  check(14, 12, 1, 1);
  check(15, 11, 2, 2);  // 1.5 rounds up
  check(697, 557, 70, 70);
  check(1000, 800, 100, 100);
}

TEST(Split, PoolsAreDisjointCoverEveryCellAndDependOnlyOnSplitSeed) {
  Reference ref = three_types();
  CellSplit a = split_cells(ref, 11), b = split_cells(ref, 11), c = split_cells(ref, 12);
  EXPECT_EQ(a.pools, b.pools);
  EXPECT_NE(a.pools, c.pools);
  std::set<std::int64_t> seen;
  for (int s = 0; s < 3; ++s) {
    for (std::size_t t = 0; t < kTypes.size(); ++t) {
      for (auto row : a.pools[s][t]) {
        EXPECT_EQ(ref.cell_type_of[row], static_cast<std::int32_t>(t));
        EXPECT_TRUE(seen.insert(row).second) << "cell " << row << " in two pools";
      }
    }
  }
  EXPECT_EQ(seen.size(), ref.n_cells());
  EXPECT_EQ(a.pools[0][2].size(), 12u);  // 14 cells: 12 / 1 / 1
  EXPECT_EQ(a.pools[1][2].size(), 1u);
  EXPECT_EQ(a.pools[2][0].size(), 4u);  // 40 cells: 32 / 4 / 4
}

TEST(Split, ATypeSplitDoesNotChangeWhenAnotherTypeIsExcluded) {
  Reference full = three_types();
  Reference reduced = three_types();
  apply_cell_type_edits(reduced, CellTypeEdits{{"A"}, {}});
  CellSplit sf = split_cells(full, 5), sr = split_cells(reduced, 5);
  for (int s = 0; s < 3; ++s) {
    std::vector<std::string> names_full, names_reduced;
    for (auto row : sf.pools[s][2]) names_full.push_back(full.cells[row]);        // type C
    for (auto row : sr.pools[s][1]) names_reduced.push_back(reduced.cells[row]);  // C is index 1 now
    EXPECT_EQ(names_full, names_reduced);
  }
}

TEST(Split, TypeWithFewerThanThreeCellsIsAnInputErrorSuggestingFixes) {
  Reference ref = block_reference({"A", "Rare"}, {10, 2});
  try {
    split_cells(ref, 1);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("'Rare' (2 cells)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("--exclude-types"), std::string::npos) << msg;
    EXPECT_NE(msg.find("--merge-types"), std::string::npos) << msg;
  }
}

TEST(Simulate, BulkIsTheProportionWeightedSumOfGepsAndProportionsAreDrawnCounts) {
  Reference ref = three_types();
  CellSplit split = split_cells(ref, 3);
  SimulationOptions o = small_options();
  Pseudobulk pb = simulate(ref, all_gene_columns(ref), split.pools[0], o);
  ASSERT_EQ(pb.n_samples(), simulated_sample_count(o.samples, 3));
  ASSERT_EQ(pb.genes, ref.genes);
  ASSERT_EQ(pb.cell_types, kTypes);
  for (std::size_t i = 0; i < pb.n_samples(); ++i) {
    EXPECT_NEAR(pb.proportions.row(i).sum(), 1.0, 1e-6);
    // every type is present (ceil of a positive share is >= 1 cell), so the shared gene is exactly 1
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_GT(pb.proportions(i, k), 0.0f);
      EXPECT_FLOAT_EQ(pb.gep[k](i, 3), 1.0f);
      EXPECT_EQ(pb.gep[k](i, 4), 0.0f);  // never expressed
      // type k expresses gene k only, between (k+1)*10 and (k+1)*10 + 6
      EXPECT_GE(pb.gep[k](i, k), (k + 1) * 10.0f);
      EXPECT_LE(pb.gep[k](i, k), (k + 1) * 10.0f + 6.0f);
      for (std::size_t g = 0; g < 3; ++g) {
        if (g != k) EXPECT_EQ(pb.gep[k](i, g), 0.0f);
      }
    }
    for (std::size_t g = 0; g < ref.n_genes(); ++g) {
      double mix = 0.0;
      for (std::size_t k = 0; k < 3; ++k) mix += double(pb.proportions(i, k)) * pb.gep[k](i, g);
      EXPECT_NEAR(pb.bulk(i, g), mix, 1e-5 * (1.0 + std::abs(mix)));
    }
  }
}

// rna_scale (train --mrna-content): each type's cells enter the bulk times its factor; the same draws, the
// same proportions and GEPs, and bulk = sum_k p_k x scale_k x gep_k.
TEST(Simulate, RnaScaleWeighsEachTypesCellsInTheBulkOnly) {
  Reference ref = three_types();
  CellSplit split = split_cells(ref, 3);
  SimulationOptions o = small_options();
  const Pseudobulk plain = simulate(ref, all_gene_columns(ref), split.pools[0], o);
  o.rna_scale = {2.0, 1.0, 0.5};
  const Pseudobulk pb = simulate(ref, all_gene_columns(ref), split.pools[0], o);
  EXPECT_EQ(pb.proportions, plain.proportions);
  for (std::size_t k = 0; k < 3; ++k) EXPECT_EQ(pb.gep[k], plain.gep[k]);
  for (std::size_t i = 0; i < pb.n_samples(); ++i)
    for (std::size_t g = 0; g < ref.n_genes(); ++g) {
      double mix = 0.0;
      for (std::size_t k = 0; k < 3; ++k) mix += double(pb.proportions(i, k)) * o.rna_scale[k] * pb.gep[k](i, g);
      EXPECT_NEAR(pb.bulk(i, g), mix, 1e-5 * (1.0 + std::abs(mix)));
    }
  o.rna_scale = {1.0};
  EXPECT_THROW(simulate(ref, all_gene_columns(ref), split.pools[0], o), InternalError);
}

TEST(Simulate, DrawsAtLeastCellsPerSampleAndIntegerCounts) {
  Reference ref = three_types();
  CellSplit split = split_cells(ref, 3);
  SimulationOptions o = small_options();
  Pseudobulk pb = simulate(ref, all_gene_columns(ref), split.pools[0], o);
  for (std::size_t i = 0; i < pb.n_samples(); ++i) {
    // The shared gene (1 count in every cell) carries no count information; recover the number of cells
    // drawn from the proportions: p_k * total must be an integer for some total in [cells, cells + K].
    bool found = false;
    for (int total = o.cells_per_sample; total <= o.cells_per_sample + 3 && !found; ++total) {
      bool integer = true;
      for (int k = 0; k < 3; ++k) {
        double c = pb.proportions(i, k) * total;
        integer &= std::abs(c - std::round(c)) < 1e-3;
      }
      found = integer;
    }
    EXPECT_TRUE(found) << "sample " << i;
  }
}

TEST(Simulate, OnlyCellsOfThePoolAreUsed) {
  Reference ref = three_types();
  // type A: only cell 0 (count 10 in gene 0); B: only cell 40 (count 20); C: only cell 65 (count 30)
  std::vector<std::vector<std::int64_t>> pools{{0}, {40}, {65}};
  Pseudobulk pb = simulate(ref, all_gene_columns(ref), pools, small_options(10));
  for (std::size_t i = 0; i < pb.n_samples(); ++i) {
    EXPECT_EQ(pb.gep[0](i, 0), 10.0f);
    EXPECT_EQ(pb.gep[1](i, 1), 20.0f);
    EXPECT_EQ(pb.gep[2](i, 2), 30.0f);
  }
}

TEST(Simulate, SameSeedSameResultWhateverTheThreadCountAndOtherSeedDiffers) {
  Reference ref = three_types();
  CellSplit split = split_cells(ref, 3);
  const int saved = threads();
  set_threads(1);
  Pseudobulk one = simulate(ref, all_gene_columns(ref), split.pools[0], small_options());
  set_threads(2);
  Pseudobulk two = simulate(ref, all_gene_columns(ref), split.pools[0], small_options());
  Pseudobulk other = simulate(ref, all_gene_columns(ref), split.pools[0], small_options(30, 8));
  set_threads(saved);
  EXPECT_TRUE(same(one, two));
  EXPECT_FALSE(same(one, other));
}

TEST(Simulate, GeneColumnsSelectAndReorderGenes) {
  Reference ref = three_types();
  CellSplit split = split_cells(ref, 3);
  Pseudobulk full = simulate(ref, all_gene_columns(ref), split.pools[1], small_options());
  std::vector<std::int32_t> cols = reference_gene_columns(ref, {"g2", "g0"});
  ASSERT_EQ(cols, (std::vector<std::int32_t>{2, 0}));
  Pseudobulk part = simulate(ref, cols, split.pools[1], small_options());
  EXPECT_EQ(part.genes, (std::vector<std::string>{"g2", "g0"}));
  EXPECT_EQ(part.proportions, full.proportions);
  for (std::size_t i = 0; i < part.n_samples(); ++i) {
    EXPECT_EQ(part.bulk(i, 0), full.bulk(i, 2));
    EXPECT_EQ(part.bulk(i, 1), full.bulk(i, 0));
  }
  EXPECT_THROW(reference_gene_columns(ref, {"g0", "NOPE"}), InputError);
}

TEST(Simulate, SparseFractionMakesThatManySamplesLackSomeTypes) {
  Reference ref = block_reference({"A", "B", "C", "D"}, {10, 10, 10, 10});
  CellSplit split = split_cells(ref, 3);
  SimulationOptions o = small_options(100);
  o.sparse_fraction = 0.25;
  Pseudobulk pb = simulate(ref, all_gene_columns(ref), split.pools[0], o);
  const std::size_t n = pb.n_samples();  // 100 + 4 * 3 * 20 = 340
  ASSERT_EQ(n, 340u);
  std::size_t with_absent = 0;
  for (std::size_t i = 0; i < n; ++i) {
    int absent = 0;
    for (int k = 0; k < 4; ++k) {
      if (pb.proportions(i, k) == 0.0f) {
        ++absent;
        for (std::size_t g = 0; g < ref.n_genes(); ++g) EXPECT_EQ(pb.gep[k](i, g), 0.0f);
      }
    }
    EXPECT_LT(absent, 4);  // a proper subset
    EXPECT_NEAR(pb.proportions.row(i).sum(), 1.0, 1e-6);
    with_absent += absent > 0 ? 1 : 0;
  }
  EXPECT_EQ(with_absent, 85u);  // round(0.25 * 340)
}

TEST(Simulate, AnnDataLayoutNamesSamplesTypesAndLayers) {
  Reference ref = block_reference({"T/NK", "B"}, {5, 5});
  CellSplit split = split_cells(ref, 3);
  Pseudobulk pb = simulate(ref, all_gene_columns(ref), split.pools[0], small_options(3));
  DenseAnnData a = pseudobulk_to_anndata(pb);
  EXPECT_EQ(a.obs_names.front(), "sample_0");
  EXPECT_EQ(a.obs_names.size(), pb.n_samples());
  EXPECT_EQ(a.var_names, ref.genes);
  EXPECT_EQ(a.uns_strings.at("cell_types"), (std::vector<std::string>{"B", "T/NK"}));
  EXPECT_EQ(a.layers.count("T_NK"), 1u);
  EXPECT_EQ(a.layers.at("B"), pb.gep[0]);
  EXPECT_EQ(a.obsm.at("proportions"), pb.proportions);
}

TEST(CellTypes, MergeAndExcludeRelabelAndDropCells) {
  Reference ref = block_reference({"A", "B", "C", "D"}, {3, 2, 1, 4});
  apply_cell_type_edits(ref, CellTypeEdits{{"D"}, {"BC=B,C"}});
  EXPECT_EQ(ref.cell_types, (std::vector<std::string>{"A", "BC"}));
  EXPECT_EQ(ref.n_cells(), 6u);
  EXPECT_EQ(ref.counts.rows, 6);
  EXPECT_EQ(ref.counts.indptr.size(), 7u);
  EXPECT_EQ(cells_per_type(ref), (std::vector<std::int64_t>{3, 3}));
  EXPECT_EQ(ref.cells.back(), "c5");  // the C cell; D cells (c6..c9) removed
  // the C cell's counts moved along with it: 30 in gene 2, 1 in the shared gene 4
  EXPECT_EQ(ref.counts.indices[ref.counts.indptr[5]], 2);
  EXPECT_EQ(ref.counts.data[ref.counts.indptr[5]], 30.0f);
  EXPECT_NO_THROW(require_min_cells_per_type(ref));
}

TEST(CellTypes, UnknownNamesAndMalformedSpecsAreReported) {
  Reference ref = block_reference({"A", "B"}, {3, 3});
  EXPECT_THROW(apply_cell_type_edits(ref, CellTypeEdits{{"Z"}, {}}), InputError);
  EXPECT_THROW(apply_cell_type_edits(ref, CellTypeEdits{{}, {"X=A,Z"}}), InputError);
  EXPECT_THROW(apply_cell_type_edits(ref, CellTypeEdits{{}, {"A,B"}}), UsageError);
  EXPECT_THROW(apply_cell_type_edits(ref, CellTypeEdits{{}, {"=A,B"}}), UsageError);
  EXPECT_THROW(apply_cell_type_edits(ref, CellTypeEdits{{"A", "B"}, {}}), UsageError);
}

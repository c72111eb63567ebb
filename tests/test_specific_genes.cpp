// Tests of src/nnls/specific_genes: per-type mean profiles, the selection of specific genes by fold change
// and condition number on inputs whose answer is known, and the signature it gives on real data
// (pbmc3k on Finotello's PBMC bulk, Baron's islet profiles on the Fadista islets).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "analysis/keyed_table.h"
#include "analysis/metrics.h"
#include "io/reference.h"
#include "io/gene_lengths.h"
#include "io/tables.h"
#include "io_test_util.h"
#include "nnls/deconvolve.h"
#include "nnls/signature.h"
#include "nnls/specific_genes.h"
#include "tiny_reference.h"
#include "util/error.h"

using namespace blue;
using blue::test::expect_error;
using blue::test::shared_data;

namespace {

// Genes x types profiles from rows, genes named g0, g1, ...
MeanProfiles profiles(const std::vector<std::vector<double>>& rows, std::vector<std::string> types) {
  MeanProfiles p;
  p.source = "tiny profiles";
  p.cell_types = std::move(types);
  p.cpm.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(p.cell_types.size()));
  for (std::size_t g = 0; g < rows.size(); ++g) {
    p.genes.push_back("g" + std::to_string(g));
    for (std::size_t t = 0; t < rows[g].size(); ++t) p.cpm(g, t) = rows[g][t];
  }
  return p;
}

SpecificGeneOptions options(double min_fold_change, double min_cpm, int min_per_type, int max_per_type) {
  SpecificGeneOptions o;
  o.min_fold_change = min_fold_change;
  o.min_cpm = min_cpm;
  o.min_per_type = min_per_type;
  o.max_per_type = max_per_type;
  return o;
}

}  // namespace

TEST(SpecificGenes, ConditionNumberKnownExactly) {
  // 7 I + J (J all ones, 3 x 3): eigenvalues 10, 7, 7, so the condition number is 10 / 7.
  Eigen::MatrixXd m = Eigen::MatrixXd::Constant(3, 3, 1.0) + 7 * Eigen::MatrixXd::Identity(3, 3);
  EXPECT_NEAR(condition_number(m), 10.0 / 7.0, 1e-12);
  EXPECT_NEAR(condition_number(Eigen::MatrixXd::Identity(4, 2)), 1.0, 1e-12);
  Eigen::MatrixXd dependent(3, 2);
  dependent << 1, 2, 2, 4, 3, 6;
  EXPECT_FALSE(std::isfinite(condition_number(dependent)) && condition_number(dependent) < 1e12);
}

TEST(SpecificGenes, RanksByFoldChangeOverTheOtherTypesMean) {
  // log2(x + 1) over the mean of the other types' log2(x + 1): g0 A: 6 - (2 + 0) / 2 = 5; g1 A: 5 - (2 + 1) / 2
  // = 3.5; g2 A: 5 - (0 + 4) / 2 = 3 (C is close, but it is the mean that counts); g3 B: 5 - (1 + 2) / 2 = 3.5;
  // g4 C: 4 - (1 + 0) / 2 = 3.5 but its CPM 15 is below min CPM 20; g5 C: 6 - (0 + 2) / 2 = 5; g6: B and C
  // tie for the highest (no type). With min fold change 4 (log2 2), all but g4 and g6 pass.
  const MeanProfiles p =
      profiles({{63, 3, 0}, {31, 3, 1}, {31, 0, 15}, {1, 31, 3}, {1, 0, 15}, {0, 3, 63}, {0, 63, 63}}, {"A", "B", "C"});
  SpecificGeneOptions o = options(4, 20, 1, 1);
  SpecificGeneSelection s = select_specific_genes(p, o);
  EXPECT_EQ(s.candidates, (std::vector<std::size_t>{3, 1, 1}));
  EXPECT_EQ(s.genes, (std::vector<std::string>{"g0", "g3", "g5"}));
  EXPECT_EQ(s.type_of_gene, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(s.per_type, 1);
  // Genes not measured in the bulk are not candidates.
  const std::vector<std::string> measured = {"g1", "g3", "g5"};
  s = select_specific_genes(p, o, &measured);
  EXPECT_EQ(s.genes, (std::vector<std::string>{"g1", "g3", "g5"}));
  // A stricter fold change (log2 3.2 > 3) leaves A only g0 and g1; ranked g0 (5) before g1 (3.5).
  o.min_fold_change = std::pow(2.0, 3.2);
  o.min_per_type = o.max_per_type = 2;
  s = select_specific_genes(p, o);
  EXPECT_EQ(s.candidates, (std::vector<std::size_t>{2, 1, 1}));
  EXPECT_EQ(s.genes, (std::vector<std::string>{"g0", "g1", "g3", "g5"}));
  o.min_fold_change = 4;
  o.min_per_type = o.max_per_type = 1;
  // A detection threshold (references only) removes genes seen in few cells.
  MeanProfiles d = p;
  d.detected = Eigen::MatrixXd::Constant(7, 3, 0.5);
  d.detected(0, 0) = 0.1;
  s = select_specific_genes(d, o);
  EXPECT_EQ(s.genes.front(), "g1");
}

TEST(SpecificGenes, ChoosesTheNumberPerTypeWithTheSmallestConditionNumber) {
  // Two types. With 1 gene each the signature is [[8, 1], [1, 8]] (kappa 9/7); the second genes
  // [[3, 1], [1, 3]] are less specific, so adding them raises kappa: n = 1 wins over n = 2.
  MeanProfiles p = profiles({{8, 1}, {3, 1}, {1, 8}, {1, 3}}, {"A", "B"});
  SpecificGeneOptions o = options(2, 0, 1, 2);
  SpecificGeneSelection s = select_specific_genes(p, o);
  Eigen::MatrixXd one(2, 2), two(4, 2);
  one << 8, 1, 1, 8;
  two << 8, 1, 3, 1, 1, 8, 1, 3;
  ASSERT_LT(condition_number(one), condition_number(two));
  EXPECT_EQ(s.per_type, 1);
  EXPECT_NEAR(s.condition_number, 9.0 / 7.0, 1e-12);
  EXPECT_EQ(s.genes, (std::vector<std::string>{"g0", "g2"}));
  // When the best-ranked genes are unbalanced (A's 10x brighter than B's), the less specific but brighter
  // second genes balance the columns: kappa about 10.0 with one gene per type, 1.83 with two, so n = 2.
  p = profiles({{100, 1}, {30, 10}, {1, 10}, {20, 60}}, {"A", "B"});
  s = select_specific_genes(p, o);
  EXPECT_EQ(s.per_type, 2);
  EXPECT_EQ(s.genes, (std::vector<std::string>{"g0", "g1", "g2", "g3"}));
  const ExpressionTable sig = signature_rows(p, s.genes);
  EXPECT_EQ(sig.values(0, 0), 100);
  EXPECT_NEAR(s.condition_number, condition_number(sig.values), 1e-12);
}

TEST(SpecificGenes, TypesWithoutGenesAndBadOptions) {
  const MeanProfiles p = profiles({{8, 1, 1}, {1, 8, 8}}, {"A", "B", "C"});
  SpecificGeneOptions o;
  o.min_cpm = 0;
  o.min_per_type = 1;
  // B and C tie on g1: no type has it, so only A has a gene: fewer candidates than types.
  expect_error<InputError>([&] { select_specific_genes(p, o); }, {"only 1 genes", "--min-fold-change", "3 types"});
  // With a gene of its own for B (g2) and for C (g3), every type has a candidate and the selection works.
  const MeanProfiles q = profiles({{8, 1, 1}, {1, 8, 8}, {1, 9, 1}, {1, 1, 9}}, {"A", "B", "C"});
  const SpecificGeneSelection s = select_specific_genes(q, o);
  EXPECT_EQ(s.genes, (std::vector<std::string>{"g0", "g2", "g3"}));
  o.min_fold_change = 1;
  expect_error<UsageError>([&] { select_specific_genes(p, o); }, {"--min-fold-change 1"});
  o.min_fold_change = 2;
  o.max_per_type = 0;
  expect_error<UsageError>([&] { select_specific_genes(p, o); }, {"--genes-per-type"});
}

TEST(SpecificGenes, ProfilesFromCellsAndFromATable) {
  // Two cells of type a (totals 10 and 40), one of b; CPM averaged over the cells of each type.
  const Reference ref = test_data::make_reference({{5, 5, 0}, {10, 20, 10}, {0, 0, 7}}, {"a", "a", "b"});
  const MeanProfiles p = mean_profiles(ref);
  EXPECT_NEAR(p.cpm(0, 0), (0.5e6 + 0.25e6) / 2, 1e-6);
  EXPECT_NEAR(p.cpm(2, 0), 0.25e6 / 2, 1e-6);
  EXPECT_NEAR(p.cpm(2, 1), 1e6, 1e-6);
  EXPECT_EQ(p.detected(2, 0), 0.5);
  EXPECT_EQ(p.detected(0, 1), 0.0);
  // The same numbers build_signature() gives on a panel.
  const ExpressionTable sig = build_signature(ref, {"g2", "g0"});
  EXPECT_EQ(sig.values(0, 0), p.cpm(2, 0));
  EXPECT_EQ(sig.values(1, 1), p.cpm(0, 1));

  ExpressionTable table{"t.tsv", {"x", "y"}, {"T1", "T2"}, Eigen::MatrixXd(2, 2)};
  table.values << 1, 3, 3, 1;
  const MeanProfiles q = mean_profiles(table);
  EXPECT_DOUBLE_EQ(q.cpm(0, 0), 0.25e6);
  EXPECT_DOUBLE_EQ(q.cpm(0, 1), 0.75e6);
  EXPECT_EQ(q.detected.size(), 0);
  table.values(1, 1) = -1;
  expect_error<InputError>([&] { mean_profiles(table); }, {"t.tsv", "negative", "'y'", "'T2'"});
  table.values.col(1).setZero();
  expect_error<InputError>([&] { mean_profiles(table); }, {"'T2'", "zero on every gene"});
}

// Finotello PBMC bulk (9 donors, flow cytometry): NNLS with the pbmc3k signature of specific genes and
// the default relative scaling scores overall CCC 0.64 (the marker panel of METHOD 2.2 scored 0.03).
TEST(SpecificGenesReal, Pbmc3kSignatureOnFinotello) {
  ReferenceOptions ro;
  ro.path = shared_data("pbmc3k/pbmc3k_raw_counts_labelled.h5ad");
  ro.label_key = "cell_type";
  const Reference ref = read_reference(ro);
  const ExpressionTable bulk = read_expression_table(shared_data("finotello_pbmc/GSE107572_bulk_expression.tsv.gz"),
                                                     "bulk");
  const SpecificGeneSelection s = select_specific_genes(mean_profiles(ref), {}, &bulk.genes);
  EXPECT_GE(s.per_type, defaults::kSignatureMinPerType);
  EXPECT_LE(s.per_type, defaults::kSignatureMaxPerType);
  const ExpressionTable sig = signature_rows(mean_profiles(ref), s.genes);
  const NnlsDeconvolution r = deconvolve_nnls(sig, bulk, {});
  const SampleTable truth = read_sample_table(shared_data("finotello_pbmc/GSE107572_ground_truth_fractions.tsv"),
                                              "truth");
  // Sum the pbmc3k types into Finotello's, pooled over types and samples as `blue evaluate` does.
  const std::vector<std::pair<std::string, std::vector<std::string>>> map = {{"T.cells.CD4",
                                                                              {"Naive CD4 T", "Memory CD4 T"}},
                                                                             {"T.cells.CD8", {"CD8 T"}},
                                                                             {"Monocytes",
                                                                              {"CD14+ Mono", "FCGR3A+ Mono"}},
                                                                             {"B.cells", {"B"}},
                                                                             {"NK.cells", {"NK"}},
                                                                             {"Dendritic.cells", {"DC"}}};
  std::vector<double> pred, want;
  for (const auto& [t, sources] : map) {
    const auto tc = std::find(truth.columns.begin(), truth.columns.end(), t) - truth.columns.begin();
    for (std::size_t i = 0; i < truth.samples.size(); ++i) {
      const auto row = std::find(r.proportions.samples.begin(), r.proportions.samples.end(), truth.samples[i]) -
                       r.proportions.samples.begin();
      double sum = 0;
      for (const auto& s : sources) {
        const auto c = std::find(sig.columns.begin(), sig.columns.end(), s) - sig.columns.begin();
        sum += r.proportions.values(row, c);
      }
      pred.push_back(sum);
      want.push_back(truth.values(i, tc));
    }
  }
  const double ccc = lin_ccc(Eigen::Map<Eigen::VectorXd>(pred.data(), pred.size()),
                             Eigen::Map<Eigen::VectorXd>(want.data(), want.size()));
  EXPECT_GE(ccc, 0.6);
}

// 77 Fadista islet donors (raw counts) against Baron's per-type mean profiles: beta cells are the largest
// endocrine fraction and fall as HbA1c rises (published analyses; here Spearman about -0.46), with the counts
// as they are and divided by gene length (--gene-lengths, the shipped hg19 table; about -0.42).
TEST(SpecificGenesReal, IsletBetaFractionAndHbA1c) {
  const ExpressionTable table = read_expression_table(shared_data("islets/pan_indrop_avg_celltype_profiles.tsv.gz"),
                                                      "profiles");
  const ExpressionTable bulk = read_expression_table(shared_data("islets/fadista77_bulk_counts.tsv.gz"), "bulk");
  const MeanProfiles p = mean_profiles(table);
  const ExpressionTable sig = signature_rows(p, select_specific_genes(p, {}, &bulk.genes).genes);
  const KeyedTable pheno = KeyedTable::read(shared_data("islets/fadista77_phenotypes.tsv"), "phenotypes");
  const std::size_t hc = pheno.column("hba1c");
  for (const std::string lengths : {std::string(), std::string(BLUE_SOURCE_DIR) + "/data/gene_lengths_hg19.tsv.gz"}) {
    SCOPED_TRACE("gene lengths: " + lengths);
    ExpressionTable counts = bulk;
    if (!lengths.empty()) counts_to_tpm(counts, read_gene_lengths(lengths), "test");
    const NnlsDeconvolution r = deconvolve_nnls(sig, counts, {});
    auto col = [&](const std::string& t) {
      return r.proportions.values.col(std::find(sig.columns.begin(), sig.columns.end(), t) - sig.columns.begin());
    };
    const double beta = col("beta").mean();
    for (const char* other : {"alpha", "delta", "gamma", "epsilon"}) EXPECT_GT(beta, col(other).mean()) << other;
    const Eigen::VectorXd beta_of = col("beta");
    std::vector<double> b, h;
    for (std::size_t i = 0; i < r.proportions.samples.size(); ++i) {
      const auto row = pheno.find(r.proportions.samples[i]);
      if (!row || is_missing_value(pheno.cell(*row, hc))) continue;
      b.push_back(beta_of(static_cast<Eigen::Index>(i)));
      h.push_back(std::stod(pheno.cell(*row, hc)));
    }
    EXPECT_GE(b.size(), 70u);
    EXPECT_LT(spearman(Eigen::Map<Eigen::VectorXd>(b.data(), b.size()),
                       Eigen::Map<Eigen::VectorXd>(h.data(), h.size())),
              -0.3);
  }
}

// Tests of src/nnls/deconvolve and src/nnls/signature: the GSE19830 designed rat mixtures, gene matching,
// scaling, the log-scale guard, and the reference signature against an independent numpy computation.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/metrics.h"
#include "io/reference.h"
#include "io/tables.h"
#include "io_test_util.h"
#include "nnls/deconvolve.h"
#include "nnls/signature.h"
#include "util/error.h"

using namespace blue;
using blue::test::expect_error;
using blue::test::shared_data;

namespace {

const std::string kRat = "rat_mixtures_gse19830/";
std::string fixture(const std::string& name) { return std::string(BLUE_FIXTURES) + "/nnls/" + name; }

double mae_vs_design(const NnlsDeconvolution& result, const SampleTable& design) {
  EXPECT_EQ(result.proportions.samples, design.samples);
  EXPECT_EQ(result.proportions.columns, design.columns);
  return (result.proportions.values - design.values).cwiseAbs().mean();
}

}  // namespace

// Shen-Orr 2010: liver, brain and lung RNA mixed in known ratios on 21 Affymetrix arrays (linear
// intensities, maximum 5,422: not log). Plain NNLS on all 10,000 probes gives MAE 0.0337 (scipy agrees).
// This is the one cohort where the default relative scaling is worse than none (microarray background
// noise at low intensity weighs as much as bright probes): docs/benchmarks.md says so.
TEST(NnlsRat, DesignedMixturesRecovered) {
  const ExpressionTable s = read_expression_table(shared_data(kRat + "ratMix3_pure_S.tsv.gz"), "signature");
  const ExpressionTable x = read_expression_table(shared_data(kRat + "ratMix3_mixtures_X.tsv.gz"), "bulk");
  const SampleTable a = read_sample_table(shared_data(kRat + "ratMix3_proportions_A.tsv"), "design");
  ASSERT_FALSE(inspect_scale(x.values).looks_log);
  NnlsDeconvolutionOptions none;
  none.scaling = GeneScaling::kNone;
  const NnlsDeconvolution plain = deconvolve_nnls(s, x, none);
  EXPECT_LE(mae_vs_design(plain, a), 0.035);
  EXPECT_GT(plain.condition_number, 1);
  EXPECT_TRUE(std::isfinite(plain.condition_number));
  EXPECT_EQ(plain.genes_used.size(), 10000u);
  for (Eigen::Index j = 0; j < plain.fit.values.rows(); ++j) {
    EXPECT_LE(plain.fit.values(j, 3), 1e-10) << "KKT violation, sample " << j;
    EXPECT_GT(plain.fit.values(j, 2), 0.95) << "R^2, sample " << j;
    EXPECT_NEAR(plain.proportions.values.row(j).sum(), 1.0, 1e-12);
  }
  // Per-gene standardisation and the default relative scaling let low-expressed probes weigh as much as
  // bright ones: worse here (MAE ~0.08). They must still give a valid answer.
  NnlsDeconvolutionOptions std_opt;
  std_opt.scaling = GeneScaling::kStandardize;
  EXPECT_LE(mae_vs_design(deconvolve_nnls(s, x, std_opt), a), 0.12);
  const double relative = mae_vs_design(deconvolve_nnls(s, x, {}), a);
  EXPECT_GT(relative, 0.05);
  EXPECT_LE(relative, 0.1);
}

TEST(NnlsDeconvolve, ExactOnTinyProblemEveryScaling) {
  const ExpressionTable s = read_expression_table(fixture("tiny_signature.tsv"), "signature");
  const ExpressionTable b = read_expression_table(fixture("tiny_bulk.tsv"), "bulk");
  const SampleTable truth = read_sample_table(fixture("tiny_truth.tsv"), "truth");
  for (GeneScaling scaling : {GeneScaling::kNone, GeneScaling::kRelative, GeneScaling::kStandardize}) {
    NnlsDeconvolutionOptions opt;
    opt.scaling = scaling;
    opt.min_genes = 3;
    const NnlsDeconvolution r = deconvolve_nnls(s, b, opt);
    EXPECT_LE((r.proportions.values - truth.values).cwiseAbs().maxCoeff(), 1e-9);
    EXPECT_EQ(r.proportions.values(1, 0), 0.0);  // the true zero is exactly zero
    EXPECT_NEAR(r.fit.values(0, 0), 1.0, 1e-9);  // total: bulk = S p with sum p = 1
    EXPECT_LE(r.fit.values(0, 1), 1e-9);         // residual
  }
}

TEST(NnlsDeconvolve, LogScaleGuard) {
  const ExpressionTable s = read_expression_table(fixture("tiny_signature.tsv"), "signature");
  const ExpressionTable logged = read_expression_table(fixture("tiny_bulk_log2.tsv"), "bulk");
  const SampleTable truth = read_sample_table(fixture("tiny_truth.tsv"), "truth");
  NnlsDeconvolutionOptions opt;
  opt.min_genes = 3;
  ScaleCheck c = inspect_scale(logged.values);
  EXPECT_TRUE(c.looks_log);
  EXPECT_LT(c.max, 8.0);
  expect_error<InputError>([&] { deconvolve_nnls(s, logged, opt); }, {"log-transformed", "--bulk-scale"});
  opt.bulk_scale = BulkScale::kLog2;
  const NnlsDeconvolution r = deconvolve_nnls(s, logged, opt);
  EXPECT_LE((r.proportions.values - truth.values).cwiseAbs().maxCoeff(), 1e-9);
  // Negative values look log too; integer counts below 50 do not.
  Eigen::MatrixXd counts(2, 2);
  counts << 0, 3, 12, 40;
  EXPECT_FALSE(inspect_scale(counts).looks_log);
  counts(0, 0) = -0.5;
  EXPECT_TRUE(inspect_scale(counts).looks_log);
}

TEST(NnlsDeconvolve, MissingGenesAndMinGenes) {
  const ExpressionTable s = read_expression_table(fixture("tiny_signature.tsv"), "signature");
  ExpressionTable b = read_expression_table(fixture("tiny_bulk.tsv"), "bulk");
  NnlsDeconvolutionOptions opt;
  opt.min_genes = 3;
  // Drop 1 of 6 genes (17%): above the default 10% -> error; allowed at 20%.
  ExpressionTable fewer = b;
  fewer.genes.pop_back();
  fewer.values.conservativeResize(5, Eigen::NoChange);
  expect_error<InputError>([&] { deconvolve_nnls(s, fewer, opt); }, {"16.7% missing"});
  opt.max_missing_fraction = 0.2;
  const NnlsDeconvolution r = deconvolve_nnls(s, fewer, opt);
  EXPECT_EQ(r.missing_genes, std::vector<std::string>{"G5"});
  EXPECT_EQ(r.genes_used.size(), 5u);
  opt.min_genes = 6;
  expect_error<ComputeError>([&] { deconvolve_nnls(s, fewer, opt); }, {"--min-genes"});
}

TEST(Signature, MeanCpmMatchesNumpy) {
  ReferenceOptions ro;
  ro.path = std::string(BLUE_SOURCE_DIR) + "/examples/pbmc3k_example.h5ad";
  ro.label_key = "cell_type";
  const Reference ref = read_reference(ro);
  const auto panel = signature_panel(ref, fixture("pbmc3k_genes.txt"));
  ASSERT_EQ(panel.size(), 20u);
  expect_error<InputError>([&] { build_signature(ref, panel, 0.05); }, {"18 of 20", "10.0% missing"});
  const ExpressionTable sig = build_signature(ref, panel, 0.2);
  const ExpressionTable expected = read_expression_table(fixture("pbmc3k_signature_expected.tsv"), "expected");
  ASSERT_EQ(sig.genes, expected.genes);
  ASSERT_EQ(sig.columns, expected.columns);
  for (Eigen::Index i = 0; i < sig.values.rows(); ++i)
    for (Eigen::Index j = 0; j < sig.values.cols(); ++j)
      ASSERT_NEAR(sig.values(i, j), expected.values(i, j), 1e-6 * (1 + expected.values(i, j)))
          << sig.genes[i] << " / " << sig.columns[j];
}

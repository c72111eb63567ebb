// CLI tests of `blue nnls`, `blue signature` and `blue evaluate`: the built executable on fixtures and on
// the GSE19830 rat mixtures; exit codes, messages and output files (no partial outputs on failure).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "io/h5ad.h"
#include "io/tables.h"
#include "util/output.h"
#include "cli_run.h"
#include "io_test_util.h"

using blue::test::blue_run;
using blue::test::RunResult;
using blue::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string fx(const std::string& name) { return std::string(BLUE_FIXTURES) + "/nnls/" + name; }
std::string rat(const std::string& name) { return std::string(BLUE_SHARED_DATA) + "/rat_mixtures_gse19830/" + name; }

}  // namespace

TEST(CliNnls, RatMixturesThenEvaluate) {
  TempDir tmp;
  const std::string dir = tmp.file("rat");
  RunResult r = blue_run("nnls --quiet --threads 2 --gene-scaling none --signature " + rat("ratMix3_pure_S.tsv.gz") +
                         " --bulk " + rat("ratMix3_mixtures_X.tsv.gz") + " --out " + dir);
  ASSERT_EQ(r.code, 0) << r.output;
  for (const char* f : {"proportions.tsv", "fit.tsv", "provenance.json"}) EXPECT_TRUE(fs::exists(dir + "/" + f)) << f;
  const blue::SampleTable fit = blue::read_sample_table(dir + "/fit.tsv", "fit");
  EXPECT_EQ(fit.columns.front(), "total");
  EXPECT_LE(fit.values.col(3).maxCoeff(), 1e-10);  // KKT violation
  r = blue_run("evaluate --quiet --pred " + dir + "/proportions.tsv --truth " + rat("ratMix3_proportions_A.tsv") +
               " --out " + tmp.file("metrics.tsv"));
  ASSERT_EQ(r.code, 0) << r.output;
  nlohmann::json j;
  std::ifstream(tmp.file("metrics.json")) >> j;
  const auto& overall = j["metrics"].back();
  EXPECT_EQ(overall["type"], "overall");
  EXPECT_EQ(overall["n"], 63);
  EXPECT_LE(overall["mae"].get<double>(), 0.035);
  EXPECT_GE(overall["ccc"].get<double>(), 0.98);
  EXPECT_TRUE(fs::exists(tmp.file("metrics.tsv.provenance.json")));
}

TEST(CliNnls, RefusesLogLookingBulkUnlessTold) {
  TempDir tmp;
  const std::string common = "nnls --min-genes 3 --signature " + fx("tiny_signature.tsv") + " --bulk " +
                             fx("tiny_bulk_log2.tsv") + " --out ";
  RunResult r = blue_run(common + tmp.file("a"));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("log-transformed"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--bulk-scale log2"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(tmp.file("a")));  // nothing left behind
  r = blue_run(common + tmp.file("b") + " --bulk-scale log2");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("converting from log2"), std::string::npos);
  const auto p = blue::read_sample_table(tmp.file("b/proportions.tsv"), "p");
  const auto t = blue::read_sample_table(fx("tiny_truth.tsv"), "t");
  EXPECT_LE((p.values - t.values).cwiseAbs().maxCoeff(), 1e-8);
}

TEST(CliNnls, MissingGenesAboveThresholdAndBadOptions) {
  TempDir tmp;
  // 2 of the 20 panel genes are not in the reference: 10% > 5% -> input error, exit 2.
  const std::string ref = std::string(BLUE_SOURCE_DIR) + "/examples/pbmc3k_example.h5ad";
  RunResult r = blue_run("nnls --reference " + ref + " --label-key cell_type --genes " + fx("pbmc3k_genes.txt") +
                         " --max-missing-genes 0.05 --bulk " + fx("tiny_bulk.tsv") + " --out " + tmp.file("x"));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("missing"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--max-missing-genes 0.10 accepts"), std::string::npos) << r.output;
  // Every option problem in one message, exit 1.
  r = blue_run("nnls --signature " + fx("tiny_signature.tsv") + " --reference " + ref +
               " --bulk nowhere.tsv --min-genes 0 --out " + tmp.file("y"));
  EXPECT_EQ(r.code, 1) << r.output;
  for (const char* f : {"exactly one of --signature", "--label-key", "nowhere.tsv", "--min-genes 0"})
    EXPECT_NE(r.output.find(f), std::string::npos) << f << " in " << r.output;
  r = blue_run("nnls --signature " + fx("tiny_signature.tsv") + " --bulk " + fx("tiny_bulk.tsv") +
               " --gene-scaling zscore --out " + tmp.file("z"));
  EXPECT_EQ(r.code, 1) << r.output;
}

TEST(CliNnls, SignatureFromReferenceThenNnls) {
  TempDir tmp;
  const std::string ref = std::string(BLUE_SOURCE_DIR) + "/examples/pbmc3k_example.h5ad";
  RunResult r = blue_run("signature --reference " + ref + " --label-key cell_type --genes " + fx("pbmc3k_genes.txt") +
                         " --max-missing-genes 0.2 --out " + tmp.file("sig.tsv"));
  ASSERT_EQ(r.code, 0) << r.output;
  const auto sig = blue::read_expression_table(tmp.file("sig.tsv"), "signature");
  const auto expected = blue::read_expression_table(fx("pbmc3k_signature_expected.tsv"), "expected");
  ASSERT_EQ(sig.genes, expected.genes);
  EXPECT_LE(((sig.values - expected.values).array() / (1 + expected.values.array())).abs().maxCoeff(), 1e-6);
  EXPECT_TRUE(fs::exists(tmp.file("sig.tsv.provenance.json")));
  // Refuses to overwrite without --force.
  r = blue_run("signature --reference " + ref + " --label-key cell_type --genes " + fx("pbmc3k_genes.txt") +
               " --max-missing-genes 0.2 --out " + tmp.file("sig.tsv"));
  EXPECT_EQ(r.code, 4) << r.output;
  // The same signature built on the fly by nnls, on the example Finotello bulk.
  r = blue_run("nnls --reference " + ref + " --label-key cell_type --genes " + fx("pbmc3k_genes.txt") +
               " --max-missing-genes 0.2 --bulk " + std::string(BLUE_SOURCE_DIR) +
               "/examples/finotello_bulk.tsv.gz --out " + tmp.file("fino"));
  ASSERT_EQ(r.code, 0) << r.output;
  const auto p = blue::read_sample_table(tmp.file("fino/proportions.tsv"), "p");
  EXPECT_EQ(p.values.rows(), 9);
  EXPECT_EQ(p.columns, sig.columns);
  EXPECT_TRUE(fs::exists(tmp.file("fino/signature.tsv")));
  r = blue_run("evaluate --pred " + tmp.file("fino/proportions.tsv") + " --truth " + std::string(BLUE_SOURCE_DIR) +
               "/examples/finotello_truth.tsv --map " + std::string(BLUE_SOURCE_DIR) +
               "/examples/finotello_map.tsv --out " + tmp.file("m.tsv"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("no predicted source"), std::string::npos);  // Neutrophils, Tregs
  EXPECT_NE(r.output.find("Platelet"), std::string::npos);             // unmapped predicted type
}

// The default signature: genes specific to one type, from a reference or from a table of mean profiles;
// NNLS with it, and cell fractions from RNA fractions with per-type mRNA contents.
TEST(CliNnls, SpecificSignatureFromProfilesAndMrnaContent) {
  TempDir tmp;
  // Three types, two specific genes each (g1, g2: A; g3, g4: B; g5, g6: C) and a housekeeping gene.
  const std::string profiles = tmp.write("profiles.tsv",
                                         "gene\tA\tB\tC\nh\t100\t100\t100\ng1\t80\t2\t1\ng2\t40\t1\t2\n"
                                         "g3\t1\t90\t3\ng4\t2\t30\t1\ng5\t1\t2\t70\ng6\t3\t1\t50\n");
  // Bulk = 0.5 A + 0.3 B + 0.2 C in the profiles' units (the columns of the table sum to 227, 226, 227).
  const std::string bulk = tmp.write("bulk.tsv",
                                     "gene\ts1\nh\t100\ng1\t40.8\ng2\t20.7\ng3\t28.1\ng4\t10.2\ng5\t15.1\n"
                                     "g6\t11.8\n");
  RunResult r = blue_run("signature --profiles " + profiles + " --genes-per-type 1:2 --out " + tmp.file("sig.tsv"));
  ASSERT_EQ(r.code, 0) << r.output;
  const auto sig = blue::read_expression_table(tmp.file("sig.tsv"), "signature");
  EXPECT_EQ(sig.genes.size() % 3, 0u);
  EXPECT_EQ(std::find(sig.genes.begin(), sig.genes.end(), "h"), sig.genes.end());  // not specific
  nlohmann::json prov;
  std::ifstream(tmp.file("sig.tsv.provenance.json")) >> prov;
  EXPECT_TRUE(prov.dump().find("condition_number") != std::string::npos) << prov.dump();
  r = blue_run("nnls --profiles " + profiles + " --genes-per-type 2 --min-genes 3 --bulk " + bulk + " --out " +
               tmp.file("rna"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("condition number"), std::string::npos) << r.output;
  const auto rna = blue::read_sample_table(tmp.file("rna/proportions.tsv"), "p");
  // Each column of the table is rescaled to 1e6, so the coefficients are shares of the bulk's signal that
  // each profile explains; the exact mixture is recovered once the column sums are accounted for.
  const Eigen::Vector3d mix(0.5 * 227, 0.3 * 226, 0.2 * 227);
  const Eigen::Vector3d expect = mix / mix.sum();
  EXPECT_LE((rna.values.row(0).transpose() - expect).cwiseAbs().maxCoeff(), 1e-6) << rna.values;
  // mRNA contents A 1, B 2, C 4: cell fractions are the RNA fractions divided by them, renormalised.
  const std::string content = tmp.write("content.tsv", "cell_type\tmrna_content\nA\t1\nB\t2\nC\t4\n");
  r = blue_run("nnls --profiles " + profiles + " --genes-per-type 2 --min-genes 3 --bulk " + bulk + " --mrna-content " +
               content + " --out " + tmp.file("cells"));
  ASSERT_EQ(r.code, 0) << r.output;
  const auto cells = blue::read_sample_table(tmp.file("cells/proportions.tsv"), "p");
  const auto uncal = blue::read_sample_table(tmp.file("cells/proportions_uncalibrated.tsv"), "p");
  EXPECT_LE((uncal.values - rna.values).cwiseAbs().maxCoeff(), 1e-6);
  Eigen::RowVector3d c = rna.values.row(0).array() / Eigen::RowVector3d(1, 2, 4).array();
  c /= c.sum();
  EXPECT_LE((cells.values.row(0) - c).cwiseAbs().maxCoeff(), 1e-5);
  // Bad option combinations, one message each.
  r = blue_run("nnls --profiles " + profiles + " --signature " + profiles + " --bulk " + bulk + " --mrna-map " +
               content + " --genes-per-type 5:2x --out " + tmp.file("bad"));
  EXPECT_EQ(r.code, 1) << r.output;
  for (const char* f : {"exactly one of --signature", "--mrna-content too", "--genes-per-type 5:2x"})
    EXPECT_NE(r.output.find(f), std::string::npos) << f << " in " << r.output;
  r = blue_run("signature --profiles " + profiles + " --panel markers --out " + tmp.file("m.tsv"));
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("--panel markers needs single cells"), std::string::npos) << r.output;
  r = blue_run("signature --out " + tmp.file("m.tsv"));
  EXPECT_EQ(r.code, 1) << r.output;
  // Log-scaled profiles are refused, naming the file.
  const std::string logged = tmp.write("log_profiles.tsv", "gene\tA\tB\nx\t2.5\t0.1\ny\t0.2\t3.3\n");
  r = blue_run("signature --profiles " + logged + " --out " + tmp.file("l.tsv"));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("log_profiles.tsv looks log-transformed"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(tmp.file("bad")));
}

TEST(CliEvaluate, SampleMismatchAndModes) {
  TempDir tmp;
  const std::string truth = tmp.write("truth.tsv", "sample\tTA\tTB\tTC\ns1\t0.5\t0.3\t0.2\nsX\t0\t0.6\t0.4\n");
  RunResult r = blue_run("evaluate --pred " + fx("tiny_truth.tsv") + " --truth " + truth + " --out " +
                         tmp.file("m.tsv"));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("sX"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("s3"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(tmp.file("m.tsv")));
  r = blue_run("evaluate --pred " + fx("tiny_truth.tsv") + " --pred-gep x.h5ad --out " + tmp.file("m.tsv"));
  EXPECT_EQ(r.code, 1) << r.output;
  // Identity: the truth against itself.
  r = blue_run("evaluate --quiet --pred " + fx("tiny_truth.tsv") + " --truth " + fx("tiny_truth.tsv") + " --out " +
               tmp.file("self.tsv"));
  ASSERT_EQ(r.code, 0) << r.output;
  std::ifstream in(tmp.file("self.tsv"));
  std::string header, line, last;
  std::getline(in, header);
  EXPECT_EQ(header, "type\tn\tccc\tpearson\tspearman\tmae\trmse\tsources");
  while (std::getline(in, line)) last = line;
  EXPECT_EQ(last.rfind("overall\t9\t1\t1\t1\t0\t0", 0), 0u) << last;
}

TEST(CliEvaluate, GepModeOnH5ad) {
  TempDir tmp;
  // Truth: 4 samples x 3 genes, layers "T1" and "T2"; prediction = truth for T1, truth + 1 for T2, and an
  // extra layer "X" that nothing maps onto.
  blue::DenseAnnData truth;
  truth.obs_names = {"a", "b", "c", "d"};
  truth.var_names = {"g1", "g2", "g3"};
  truth.X = blue::MatrixF::Zero(4, 3);
  blue::MatrixF t(4, 3);
  t << 1, 2, 3, 2, 2, 2, 3, 2, 1, 0, 2, 4;  // equal totals, g2 constant: not a varying gene
  truth.layers["T1"] = t;
  truth.layers["T2"] = t * 2;
  blue::DenseAnnData pred = truth;
  pred.layers["T2"].array() += 1.0f;
  pred.layers["X"] = t;
  {
    blue::StagedOutputs out(false);
    blue::write_h5ad(out, tmp.file("truth.h5ad"), truth);
    blue::write_h5ad(out, tmp.file("pred.h5ad"), pred);
    out.commit();
  }
  RunResult r = blue_run("evaluate --pred-gep " + tmp.file("pred.h5ad") + " --truth-gep " + tmp.file("truth.h5ad") +
                         " --pred-gep-scale linear --out " + tmp.file("gep.tsv"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("not mapped"), std::string::npos);  // layer X
  nlohmann::json j;
  std::ifstream(tmp.file("gep.json")) >> j;
  ASSERT_EQ(j["metrics"].size(), 2u);
  EXPECT_EQ(j["metrics"][0]["type"], "T1");
  EXPECT_NEAR(j["metrics"][0]["ccc_mean_profile"].get<double>(), 1.0, 1e-6);
  EXPECT_EQ(j["metrics"][0]["n_varying_genes"], 2);
  EXPECT_LT(j["metrics"][1]["ccc_mean_profile"].get<double>(), 1.0);
  // 2t + 1 is affine in t, but CPM then log2 bends it a little.
  EXPECT_GT(j["metrics"][1]["median_gene_pearson"].get<double>(), 0.9);
}

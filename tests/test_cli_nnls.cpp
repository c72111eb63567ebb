// CLI tests of `blue nnls`, `blue signature` and `blue evaluate`: the built executable on fixtures and on
// the GSE19830 rat mixtures; exit codes, messages and output files (no partial outputs on failure).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "io/h5ad.h"
#include "io/tables.h"
#include "util/output.h"
#include "io_test_util.h"

using blue::test::TempDir;
namespace fs = std::filesystem;

namespace {

struct RunResult {
  int code;
  std::string output;  // stdout + stderr
};

RunResult blue_run(const std::string& args) {
  const std::string cmd = std::string(BLUE_EXE) + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string fx(const std::string& name) { return std::string(BLUE_FIXTURES) + "/nnls/" + name; }
std::string rat(const std::string& name) {
  return std::string(BLUE_SHARED_DATA) + "/rat_mixtures_gse19830/" + name;
}

}  // namespace

TEST(CliNnls, RatMixturesThenEvaluate) {
  TempDir tmp;
  const std::string dir = tmp.file("rat");
  RunResult r = blue_run("nnls --quiet --threads 2 --signature " + rat("ratMix3_pure_S.tsv.gz") + " --bulk " +
                         rat("ratMix3_mixtures_X.tsv.gz") + " --out " + dir);
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
  // Every option problem in one message, exit 1.
  r = blue_run("nnls --signature " + fx("tiny_signature.tsv") + " --reference " + ref + " --bulk nowhere.tsv --min-genes 0 --out " +
               tmp.file("y"));
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

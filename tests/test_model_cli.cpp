// `blue train` and `blue deconvolve` end to end on the shipped pbmc3k example: a small network trained in
// a few seconds learns the proportions of held-out pseudobulk, and deconvolve writes every documented
// output for one sample; broken model files and an absent GPU are clear errors.
#include <algorithm>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/h5ad.h"
#include "io/tables.h"
#include "sim_cli.h"
#include "util/output.h"

using namespace blue;
using namespace blue::sim_test;

namespace {

std::string example(const std::string& f) { return std::string(BLUE_SOURCE_DIR) + "/examples/" + f; }

// A small, quick network (--projection 128 --base-channels 2) on 300 flat + 270 dominant-type samples,
// 8 epochs of 36 steps: enough to show learning on real data, far from the accuracy of the fast preset.
std::string train_args(const std::string& out, const std::string& extra = "", int epochs = 8) {
  return "train -r " + quote(example("pbmc3k_example.h5ad")) + " --label-key cell_type --out " + quote(out) +
         " --projection 128 --base-channels 2 --samples 300 --val-samples 50 --epochs " + std::to_string(epochs) +
         " --batch-size 16 --lr 1e-3 --threads 2 " + extra;
}

class ModelCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir("blue_model_cli");
    auto r = run_blue(train_args(*dir_ / "model.blue"), *dir_ / "train.err");
    ASSERT_EQ(r.code, 0) << r.err;
  }
  static void TearDownTestSuite() { delete dir_; }
  static ScratchDir* dir_;
};
ScratchDir* ModelCli::dir_ = nullptr;

}  // namespace

TEST_F(ModelCli, TrainingConvergesOnHeldOutPseudobulk) {
  auto prov = nlohmann::json::parse(slurp(*dir_ / "model.blue.provenance.json"));
  const auto& log = prov.at("training_log");
  ASSERT_EQ(log.size(), 8u);
  EXPECT_LT(log.back().at("train_loss").get<double>(), 0.7 * log.front().at("train_loss").get<double>());
  EXPECT_LT(log.back().at("train_proportion_loss").get<double>(),
            0.8 * log.front().at("train_proportion_loss").get<double>());
  double best_val_ccc = 0;
  for (const auto& e : log) best_val_ccc = std::max(best_val_ccc, e.at("val_proportion_ccc").get<double>());
  EXPECT_GT(best_val_ccc, 0.8);  // constant predictions score ~0
  double overall = -1;
  for (const auto& row : prov.at("test_split").at("proportions").at("metrics")) {
    if (row.at("type") == "overall") overall = row.at("ccc");
  }
  EXPECT_GT(overall, 0.6);  // held-out cells of the example subset; constant predictions score ~0
  EXPECT_TRUE(std::filesystem::exists(*dir_ / "model.blue.ckpt"));
}

TEST_F(ModelCli, DeconvolvesOneSample) {
  ExpressionTable all = read_expression_table(example("finotello_bulk.tsv.gz"), "bulk");
  ExpressionTable one{"", all.genes, {all.columns[0]}, all.values.leftCols(1)};
  {
    StagedOutputs out(true);
    write_expression_table(out, *dir_ / "one.tsv", one);
    out.commit();
  }
  auto r = run_blue("deconvolve -m " + quote(*dir_ / "model.blue") + " -b " + quote(*dir_ / "one.tsv") + " -o " +
                        quote(*dir_ / "out") + " --threads 2",
                    *dir_ / "dec.err");
  ASSERT_EQ(r.code, 0) << r.err;
  SampleTable p = read_sample_table(*dir_ / "out/proportions.tsv", "proportions");
  ASSERT_EQ(p.samples, std::vector<std::string>{all.columns[0]});
  ASSERT_EQ(p.columns.size(), 9u);
  EXPECT_NEAR(p.values.sum(), 1.0, 1e-4);
  EXPECT_GE(p.values.minCoeff(), 0.0);
  ExpressionTable mono = read_expression_table(*dir_ / "out/gep/CD14__Mono.tsv", "GEP");  // "CD14+ Mono"
  EXPECT_EQ(mono.columns, std::vector<std::string>{all.columns[0]});
  DenseAnnData a = read_dense_h5ad(*dir_ / "out/gep.h5ad");
  EXPECT_EQ(a.obs_names, p.samples);
  EXPECT_EQ(a.var_names, mono.genes);
  ASSERT_EQ(a.layers.size(), 27u);  // per type: log2(CPM + 1), CPM and the share of each gene
  for (Eigen::Index g = 0; g < a.X.cols(); ++g) {
    double shares = 0;
    for (const auto& [name, layer] : a.layers) {
      if (name.size() > 6 && name.substr(name.size() - 6) == "_share") shares += layer(0, g);
    }
    ASSERT_NEAR(shares, 1.0, 1e-5) << a.var_names[static_cast<std::size_t>(g)];
  }
  const MatrixF& log_layer = a.layers.at("CD14+ Mono");
  const MatrixF& cpm_layer = a.layers.at("CD14+ Mono_cpm");
  for (Eigen::Index g = 0; g < log_layer.cols(); ++g) {
    ASSERT_NEAR(cpm_layer(0, g), std::exp2(log_layer(0, g)) - 1.0f, 1e-3f * (1.0f + cpm_layer(0, g)));
    ASSERT_NEAR(mono.values(g, 0), log_layer(0, g), 1e-4);
  }
  EXPECT_TRUE(std::filesystem::exists(*dir_ / "out/provenance.json"));

  // Diagnostics: the unexplained genes of the sample, each above 8x what any reference type expresses
  // (the ceiling floored at 10 CPM), listed with the fold over that ceiling, at most 20.
  SampleTable diag = read_sample_table(*dir_ / "out/diagnostics.tsv", "diagnostics");
  const auto column = [&](const std::string& name) {
    const auto it = std::find(diag.columns.begin(), diag.columns.end(), name);
    EXPECT_NE(it, diag.columns.end()) << name;
    return diag.values(0, it - diag.columns.begin());
  };
  const double count = column("unexplained_genes");
  EXPECT_GT(count, 0);  // Finotello's bulk: red-cell haemoglobin and platform genes at least
  EXPECT_GT(column("unexplained_fraction"), 0.0);
  if (count >= 5) EXPECT_EQ(column("flagged"), 1.0);
  std::istringstream listed(slurp(*dir_ / "out/unexplained_genes.tsv"));
  std::string line;
  std::getline(listed, line);
  EXPECT_EQ(line, "sample\trank\tgene\tbulk_cpm\treference_max_cpm\treference_max_type\tfold");
  int rows = 0;
  while (std::getline(listed, line)) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, '\t');) f.push_back(x);
    ASSERT_EQ(f.size(), 7u) << line;
    EXPECT_EQ(f[0], all.columns[0]);
    EXPECT_EQ(f[1], std::to_string(++rows));
    const double bulk_cpm = std::stod(f[3]), ceiling = std::stod(f[4]);
    EXPECT_GT(bulk_cpm, 8 * std::max(ceiling, 10.0) * (1 - 1e-5)) << line;
    if (ceiling > 0) EXPECT_NEAR(std::stod(f[6]), bulk_cpm / ceiling, 1e-3 * bulk_cpm / ceiling) << line;
  }
  EXPECT_EQ(rows, std::min(20, static_cast<int>(count)));
}

TEST_F(ModelCli, BrokenModelFilesAndMissingGpuAreClearErrors) {
  std::string bytes = slurp(*dir_ / "model.blue");
  std::ofstream(*dir_ / "cut.blue", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  auto r = run_blue("deconvolve -m " + quote(*dir_ / "cut.blue") + " -b " + quote(example("finotello_bulk.tsv.gz")) +
                        " -o " + quote(*dir_ / "cut_out"),
                    *dir_ / "cut.err");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("corrupt or truncated"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(*dir_ / "cut_out"));
  r = run_blue(train_args(*dir_ / "gpu.blue", "--device cuda"), *dir_ / "gpu.err");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("--device cuda"), std::string::npos) << r.err;
}

// An ensemble (-m twice) averages the models' proportions and log2 GEPs; a model with other cell types is
// refused before anything is written.
TEST_F(ModelCli, EnsembleAveragesItsModelsAndRefusesAnotherPanel) {
  auto r = run_blue(train_args(*dir_ / "seed7.blue", "--seed 7", 2), *dir_ / "seed7.err");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string bulk = quote(example("finotello_bulk.tsv.gz"));
  const auto deconvolve = [&](const std::string& models, const std::string& out) {
    // The network's own GEPs are what the ensemble averages (the allocation modes start from the mean).
    return run_blue("deconvolve " + models + " -b " + bulk + " -o " + quote(*dir_ / out) +
                        " --gep-mode network --threads 2 -q",
                    *dir_ / (out + ".err"));
  };
  const std::string a = "-m " + quote(*dir_ / "model.blue"), b = "-m " + quote(*dir_ / "seed7.blue");
  for (const auto& [models, out] : {std::pair{a, "ens_a"}, {b, "ens_b"}, {a + " " + b, "ens_ab"}}) {
    r = deconvolve(models, out);
    ASSERT_EQ(r.code, 0) << r.err;
  }
  SampleTable pa = read_sample_table(*dir_ / "ens_a/proportions.tsv", "a");
  SampleTable pb = read_sample_table(*dir_ / "ens_b/proportions.tsv", "b");
  SampleTable pab = read_sample_table(*dir_ / "ens_ab/proportions.tsv", "ab");
  ASSERT_EQ(pab.samples, pa.samples);
  EXPECT_GT((pa.values - pb.values).cwiseAbs().maxCoeff(), 1e-3);  // two different models
  EXPECT_LT((pab.values - (pa.values + pb.values) / 2).cwiseAbs().maxCoeff(), 1e-6);
  ExpressionTable ga = read_expression_table(*dir_ / "ens_a/gep/NK.tsv", "a");
  ExpressionTable gb = read_expression_table(*dir_ / "ens_b/gep/NK.tsv", "b");
  ExpressionTable gab = read_expression_table(*dir_ / "ens_ab/gep/NK.tsv", "ab");
  EXPECT_LT((gab.values - (ga.values + gb.values) / 2).cwiseAbs().maxCoeff(), 1e-4);
  auto prov = nlohmann::json::parse(slurp(*dir_ / "ens_ab/provenance.json"));
  EXPECT_EQ(prov.at("ensemble_size"), 2);

  r = run_blue(train_args(*dir_ / "no_platelet.blue", "--exclude-types Platelet", 1), *dir_ / "np.err");
  ASSERT_EQ(r.code, 0) << r.err;
  r = deconvolve(a + " -m " + quote(*dir_ / "no_platelet.blue"), "ens_bad");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("model 2 of the ensemble has another"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(*dir_ / "ens_bad"));
}

// train --ensemble 2 --seed 7: members trained with seeds 7 and 1007 in one file. Its second member is the
// model trained alone with --seed 1007: the ensemble's mean p_e = (m1 + m2) / 2 and spread |m1 - m2| / sqrt 2
// follow from it and the lone model p_s = m2 exactly: sd = sqrt(2) |p_e - p_s|, and -m ensemble -m lone
// averages three networks, (m1 + 2 m2) / 3 = (2 p_e + p_s) / 3.
TEST_F(ModelCli, EnsembleFileHoldsItsMembersAndReportsTheirSpread) {
  auto r = run_blue(train_args(*dir_ / "ens.blue", "--seed 7 --ensemble 2", 2), *dir_ / "ens.err");
  ASSERT_EQ(r.code, 0) << r.err;
  r = run_blue(train_args(*dir_ / "lone.blue", "--seed 1007", 2), *dir_ / "lone.err");
  ASSERT_EQ(r.code, 0) << r.err;
  auto prov = nlohmann::json::parse(slurp(*dir_ / "ens.blue.provenance.json"));
  EXPECT_EQ(prov.at("ensemble").at("members"), 2);
  EXPECT_EQ(prov.at("ensemble").at("seeds"), nlohmann::json::array({7, 1007}));
  const std::string bulk = quote(example("finotello_bulk.tsv.gz"));
  for (const auto& [models, out] : {std::pair<std::string, std::string>{"-m " + quote(*dir_ / "ens.blue"), "e"},
                                    {"-m " + quote(*dir_ / "lone.blue"), "s"},
                                    {"-m " + quote(*dir_ / "ens.blue") + " -m " + quote(*dir_ / "lone.blue"), "es"}}) {
    r = run_blue("deconvolve " + models + " -b " + bulk + " -o " + quote(*dir_ / out) + " --threads 2 -q",
                 *dir_ / (out + ".err"));
    ASSERT_EQ(r.code, 0) << r.err;
  }
  const SampleTable pe = read_sample_table(*dir_ / "e/proportions.tsv", "e");
  const SampleTable ps = read_sample_table(*dir_ / "s/proportions.tsv", "s");
  const SampleTable pes = read_sample_table(*dir_ / "es/proportions.tsv", "es");
  const SampleTable sd = read_sample_table(*dir_ / "e/proportions_sd.tsv", "sd");
  EXPECT_FALSE(std::filesystem::exists(*dir_ / "s/proportions_sd.tsv"));  // one network: no spread
  ASSERT_EQ(sd.columns, pe.columns);
  EXPECT_GT(sd.values.maxCoeff(), 1e-3);  // two different networks
  EXPECT_LT((sd.values - std::sqrt(2.0) * (pe.values - ps.values).cwiseAbs()).cwiseAbs().maxCoeff(), 1e-5);
  EXPECT_LT((pes.values - (2 * pe.values + ps.values) / 3).cwiseAbs().maxCoeff(), 1e-5);
  for (Eigen::Index i = 0; i < pe.values.rows(); ++i) EXPECT_NEAR(pe.values.row(i).sum(), 1.0, 1e-5);
}

// --nnls-weight W: proportions = (1 - W) x the network's + W x NNLS's on the signature the model keeps, and
// that NNLS estimate is what `blue nnls` gives from the same reference (same genes, same cell fractions with
// the same mRNA contents).
TEST_F(ModelCli, NnlsWeightBlendsTheModelsSignatureEstimate) {
  const std::string bulk = quote(example("finotello_bulk.tsv.gz"));
  std::string table = "cell_type\tmrna_content\n";
  const char* types[] = {"B",  "CD14+ Mono",  "CD8 T",   "DC", "FCGR3A+ Mono", "Memory CD4 T",
                         "NK", "Naive CD4 T", "Platelet"};
  for (int i = 0; i < 9; ++i) table += std::string(types[i]) + "\t" + std::to_string(1.0 + 0.25 * i) + "\n";
  const auto content = *dir_ / "content.tsv";
  std::ofstream(content) << table;
  const std::string common = "deconvolve -m " + quote(*dir_ / "model.blue") + " -b " + bulk +
                             " --threads 2 -q --mrna-content " + quote(content);
  auto r = run_blue(common + " -o " + quote(*dir_ / "w0"), *dir_ / "w0.err");
  ASSERT_EQ(r.code, 0) << r.err;
  r = run_blue(common + " --nnls-weight 0.3 -o " + quote(*dir_ / "w3"), *dir_ / "w3.err");
  ASSERT_EQ(r.code, 0) << r.err;
  r = run_blue("nnls -r " + quote(example("pbmc3k_example.h5ad")) + " --label-key cell_type -b " + bulk +
                   " --threads 2 -q --mrna-content " + quote(content) + " -o " + quote(*dir_ / "nnls"),
               *dir_ / "nnls.err");
  ASSERT_EQ(r.code, 0) << r.err;
  const SampleTable p0 = read_sample_table(*dir_ / "w0/proportions.tsv", "w0");
  const SampleTable p3 = read_sample_table(*dir_ / "w3/proportions.tsv", "w3");
  const SampleTable model_nnls = read_sample_table(*dir_ / "w3/proportions_nnls.tsv", "model nnls");
  const SampleTable nnls = read_sample_table(*dir_ / "nnls/proportions.tsv", "nnls");
  EXPECT_FALSE(std::filesystem::exists(*dir_ / "w0/proportions_nnls.tsv"));
  ASSERT_EQ(nnls.columns, model_nnls.columns);
  EXPECT_LT((model_nnls.values - nnls.values).cwiseAbs().maxCoeff(), 1e-5);
  EXPECT_LT((p3.values - (0.7 * p0.values + 0.3 * model_nnls.values)).cwiseAbs().maxCoeff(), 1e-5);
  EXPECT_GT((p3.values - p0.values).cwiseAbs().maxCoeff(), 1e-3);
}

// --gep-mode posterior: each type's GEP is its share of the bulk, renormalised, so CPM(gep_k) / (share_k x
// bulk CPM) is one constant per sample and type, and the modes differ only in the GEPs.
TEST_F(ModelCli, PosteriorGepsAreTheTypesSharesOfTheBulk) {
  const std::string bulk = quote(example("finotello_bulk.tsv.gz"));
  for (const char* mode : {"network", "posterior"}) {
    auto r = run_blue("deconvolve -m " + quote(*dir_ / "model.blue") + " -b " + bulk + " -o " +
                          quote(*dir_ / (std::string("gep_") + mode)) + " --gep-mode " + mode + " --threads 2",
                      *dir_ / "gep_mode.err");
    ASSERT_EQ(r.code, 0) << r.err;
  }
  DenseAnnData post = read_dense_h5ad(*dir_ / "gep_posterior/gep.h5ad");
  DenseAnnData net = read_dense_h5ad(*dir_ / "gep_network/gep.h5ad");
  EXPECT_EQ(slurp(*dir_ / "gep_posterior/proportions.tsv"), slurp(*dir_ / "gep_network/proportions.tsv"));
  const std::string type = "CD14+ Mono";
  EXPECT_TRUE(post.layers.at(type + "_share").isApprox(net.layers.at(type + "_share")));
  EXPECT_FALSE(post.layers.at(type).isApprox(net.layers.at(type), 1e-3f));
  for (const auto& t : {std::string("CD14+ Mono"), std::string("B"), std::string("NK")}) {
    const MatrixF& cpm = post.layers.at(t + "_cpm");
    const MatrixF& share = post.layers.at(t + "_share");
    for (Eigen::Index i = 0; i < post.X.rows(); ++i) {
      double ratio = -1;
      for (Eigen::Index g = 0; g < post.X.cols(); ++g) {
        const double allocated = share(i, g) * (std::exp2(static_cast<double>(post.X(i, g))) - 1.0);
        if (allocated < 100.0) continue;  // float rounding dominates small values
        const double r = cpm(i, g) / allocated;
        if (ratio < 0) ratio = r;
        ASSERT_NEAR(r, ratio, 2e-3 * ratio)
            << t << " sample " << i << " gene " << post.var_names[static_cast<std::size_t>(g)];
      }
      EXPECT_GT(ratio, 0) << t;
    }
  }
}

// --mrna-content: proportions_uncalibrated.tsv is the network's answer, proportions.tsv the calibrated one;
// bulk measurements give monocytes about 2x the mRNA of CD4 T cells, pbmc3k's UMIs only 1.1x, so the
// monocytes' share falls relative to naive CD4 T in every sample.
TEST_F(ModelCli, MrnaContentCalibratesTheFractions) {
  const std::string root = BLUE_SOURCE_DIR;
  const std::string base = "deconvolve -m " + quote(*dir_ / "model.blue") + " -b " +
                           quote(example("finotello_bulk.tsv.gz")) + " --threads 2 --mrna-content " +
                           quote(root + "/data/mrna_content_immune.tsv");
  auto r = run_blue(base + " --mrna-map " + quote(root + "/data/mrna_map_pbmc3k.tsv") + " -o " + quote(*dir_ / "mrna"),
                    *dir_ / "mrna.err");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("Platelet"), std::string::npos) << r.err;  // unmapped, said so
  if (!std::filesystem::exists(*dir_ / "gep_network/proportions.tsv")) {
    ASSERT_EQ(run_blue("deconvolve -m " + quote(*dir_ / "model.blue") + " -b " +
                           quote(example("finotello_bulk.tsv.gz")) + " --threads 2 -o " + quote(*dir_ / "gep_network"),
                       *dir_ / "plain.err")
                  .code,
              0);
  }
  EXPECT_EQ(slurp(*dir_ / "mrna/proportions_uncalibrated.tsv"), slurp(*dir_ / "gep_network/proportions.tsv"));
  SampleTable p = read_sample_table(*dir_ / "mrna/proportions_uncalibrated.tsv", "p");
  SampleTable q = read_sample_table(*dir_ / "mrna/proportions.tsv", "q");
  const auto col = [&](const std::string& t) {
    return std::find(p.columns.begin(), p.columns.end(), t) - p.columns.begin();
  };
  const auto mono = col("CD14+ Mono"), t = col("Naive CD4 T");
  for (Eigen::Index i = 0; i < q.values.rows(); ++i) {
    EXPECT_NEAR(q.values.row(i).sum(), 1.0, 1e-5);
    EXPECT_LT(q.values(i, mono) / p.values(i, mono), 0.8 * q.values(i, t) / p.values(i, t))
        << p.samples[static_cast<std::size_t>(i)];
  }
  // A map onto a row the table lacks: exit 2, nothing written.
  ScratchDir bad("blue_mrna_bad");
  const std::string map = bad / "map.tsv";
  std::ofstream(map) << "cell_type\tcontent_type\nB\tPlasma.cells\n";
  r = run_blue(base + " --mrna-map " + quote(map) + " -o " + quote(bad / "out"), bad / "err");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("Plasma.cells"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(bad / "out/proportions.tsv"));
}

// A cohort deconvolved a few samples at a time (--chunk-size) gives the same files as the whole cohort at
// once, up to float rounding (torch's kernels round differently for other batch sizes): from a TSV (spilled
// by chunk) and from a dense .h5ad (read by rows), with --adapt (its biases estimated from the whole cohort
// first), --nnls-weight and the diagnostics. --gep-files none leaves the GEP files out.
namespace {

// Two text files with the same fields, numbers within 1e-4 relative (log2 GEPs, CPM, distances).
void expect_same_text(const std::string& x, const std::string& y, const std::string& what) {
  std::istringstream a(slurp(x)), b(slurp(y));
  std::string fa, fb;
  std::size_t n = 0;
  while (a >> fa) {
    ASSERT_TRUE(b >> fb) << what << ": shorter";
    ++n;
    char* end_a = nullptr;
    char* end_b = nullptr;
    const double va = std::strtod(fa.c_str(), &end_a), vb = std::strtod(fb.c_str(), &end_b);
    if (*end_a != '\0' || *end_b != '\0' || fa.empty()) {
      ASSERT_EQ(fa, fb) << what << ", field " << n;
    } else {
      ASSERT_NEAR(va, vb, 1e-4 * (1 + std::abs(va))) << what << ", field " << n;
    }
  }
  EXPECT_FALSE(b >> fb) << what << ": longer";
}

void expect_same_h5ad(const std::string& x, const std::string& y) {
  const DenseAnnData a = read_dense_h5ad(x), b = read_dense_h5ad(y);
  ASSERT_EQ(a.obs_names, b.obs_names);
  ASSERT_EQ(a.var_names, b.var_names);
  ASSERT_EQ(a.uns_strings, b.uns_strings);
  EXPECT_LE((a.X - b.X).cwiseAbs().maxCoeff(), 1e-5f);
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (const auto& [name, m] : a.layers) {
    const MatrixF& o = b.layers.at(name);
    EXPECT_LE(((m - o).cwiseAbs().array() / (1.0f + m.cwiseAbs().array())).maxCoeff(), 1e-4f) << name;
  }
  EXPECT_LE((a.obsm.at("proportions") - b.obsm.at("proportions")).cwiseAbs().maxCoeff(), 1e-5f);
}

}  // namespace

TEST_F(ModelCli, ChunkedDeconvolutionEqualsTheWholeCohort) {
  const ExpressionTable fin = read_expression_table(example("finotello_bulk.tsv.gz"), "bulk");
  DenseAnnData a;
  a.obs_names = fin.columns;
  a.var_names = fin.genes;
  a.X = fin.values.transpose().cast<float>();
  {
    StagedOutputs out(true);
    write_h5ad(out, *dir_ / "fin.h5ad", a);
    out.commit();
  }
  const std::string common = "deconvolve -m " + quote(*dir_ / "model.blue") +
                             " --adapt --nnls-weight 0.25 --threads 2 ";
  auto run = [&](const std::string& bulk, const std::string& out, const std::string& extra) {
    auto r = run_blue(common + "-b " + quote(bulk) + " -o " + quote(*dir_ / out) + " " + extra, *dir_ / (out + ".err"));
    EXPECT_EQ(r.code, 0) << r.err;
    return r.err;
  };
  auto files = [&](const std::string& out) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::recursive_directory_iterator(*dir_ / out))
      if (e.is_regular_file() && e.path().filename() != "provenance.json")
        names.push_back(std::filesystem::relative(e.path(), *dir_ / out).string());
    std::sort(names.begin(), names.end());
    return names;
  };
  auto expect_same = [&](const std::string& x, const std::string& y) {
    const auto names = files(x);
    ASSERT_EQ(names, files(y));
    EXPECT_GT(names.size(), 15u);  // tables, diagnostics, gene_bias.tsv, gep.h5ad, 9 gep/<type>.tsv
    for (const auto& n : names) {
      if (n == "gep.h5ad")
        expect_same_h5ad(*dir_ / x + "/" + n, *dir_ / y + "/" + n);
      else
        expect_same_text(*dir_ / x + "/" + n, *dir_ / y + "/" + n, x + " vs " + y + ": " + n);
    }
  };
  run(example("finotello_bulk.tsv.gz"), "tsv_whole", "");
  const std::string err = run(example("finotello_bulk.tsv.gz"), "tsv_chunks", "--chunk-size 2");
  EXPECT_NE(err.find("samples 9-9 of 9 (chunk 5 of 5)"), std::string::npos) << err;
  EXPECT_NE(err.find("estimated from 9 of 9 samples"), std::string::npos) << err;
  expect_same("tsv_whole", "tsv_chunks");
  auto prov = nlohmann::json::parse(slurp(*dir_ / "tsv_chunks/provenance.json"));
  EXPECT_EQ(prov.at("chunks"), 5);
  EXPECT_EQ(prov.at("samples"), 9);
  run(*dir_ / "fin.h5ad", "h5ad_whole", "");
  run(*dir_ / "fin.h5ad", "h5ad_chunks", "--chunk-size 4");
  expect_same("h5ad_whole", "h5ad_chunks");
  run(*dir_ / "fin.h5ad", "h5ad_none", "--chunk-size 4 --gep-files none");
  EXPECT_FALSE(std::filesystem::exists(*dir_ / "h5ad_none/gep.h5ad"));
  EXPECT_FALSE(std::filesystem::exists(*dir_ / "h5ad_none/gep"));
  expect_same_text(*dir_ / "h5ad_none/proportions.tsv", *dir_ / "h5ad_whole/proportions.tsv", "--gep-files none");
}

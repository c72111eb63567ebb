// CLI tests of `blue report`: a tiny network-style deconvolution directory written here (proportions.tsv,
// gep.h5ad with a layer per type and its _cpm twin, a model file with a training log, a truth table and a
// type map), an NNLS directory from the GSE19830 rat mixtures, option errors, and a real browser
// (headless Chromium) that must load the page without console errors and find every plot.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <cmath>

#include "io/h5ad.h"
#include "io/tables.h"
#include "cli_run.h"
#include "io_test_util.h"
#include "model/model_file.h"
#include "util/output.h"

using blue::test::blue_run;
using blue::test::RunResult;
using blue::test::shell;
using blue::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const std::vector<std::string> kTypes = {"T cells", "B/NK", "Mono"};
const std::vector<std::string> kSamples = {"S1", "S2", "S3", "S<4>&"};  // the last one must be escaped

// DIR/proportions.tsv and DIR/gep.h5ad as `blue deconvolve` writes them (4 samples, 3 types, 6 genes:
// each type has two genes of its own), plus model.blue (training log, no weights), truth.tsv and map.tsv.
void write_network_fixture(const TempDir& tmp) {
  blue::StagedOutputs out(false);
  blue::SampleTable props{"", kSamples, kTypes, Eigen::MatrixXd(4, 3)};
  props.values << 0.6, 0.3, 0.1,  //
      0.2, 0.5, 0.3,              //
      0.1, 0.2, 0.7,              //
      0.3, 0.3, 0.4;
  blue::write_sample_table(out, tmp.file("dec/proportions.tsv"), props);
  blue::DenseAnnData a;
  a.obs_names = kSamples;
  a.var_names = {"CD3E", "CD2", "MS4A1", "NKG7", "LYZ", "CD14"};
  a.X = blue::MatrixF::Constant(4, 6, 3);
  for (std::size_t k = 0; k < kTypes.size(); ++k) {
    blue::MatrixF layer = blue::MatrixF::Constant(4, 6, 2);
    for (int i = 0; i < 4; ++i) {
      layer(i, 2 * k) = 10 + i;
      layer(i, 2 * k + 1) = 8 + 0.5f * i;
    }
    std::string name = kTypes[k];
    std::replace(name.begin(), name.end(), '/', '_');
    a.layers[name] = layer;
    a.layers[name + "_cpm"] = layer.unaryExpr([](float v) { return std::exp2(v) - 1; });
  }
  a.obsm["proportions"] = props.values.cast<float>();
  a.uns_strings["cell_types"] = kTypes;
  blue::write_h5ad(out, tmp.file("dec/gep.h5ad"), a);

  blue::model::Container c;
  c.meta = {{"kind", "model"}, {"cell_types", kTypes}, {"genes", a.var_names}, {"best_epoch", 4},
            {"training_log", nlohmann::json::array()}};
  for (int e = 1; e <= 6; ++e)
    c.meta["training_log"].push_back({{"epoch", e},
                                      {"train_loss", 10.0 / e},
                                      {"val_loss", 12.0 / e + (e > 4 ? e - 4 : 0)},
                                      {"val_proportion_ccc", 0.1 * e}});
  blue::model::write_container(out, tmp.file("model.blue"), c);
  out.commit();
  tmp.write("truth.tsv",
            "sample\tT\tB\tNK\tMyeloid\n"
            "S1\t0.55\t0.2\t0.1\t0.15\n"
            "S2\t0.25\t0.3\t0.15\t0.3\n"
            "S3\t0.1\t0.1\t0.1\t0.7\n"
            "S<4>&\t0.35\t0.15\t0.1\t0.4\n");
  tmp.write("map.tsv", "predicted\ttruth\nT cells\tT\nMono\tMyeloid\n");  // B/NK left unmapped
}

std::string network_report(const TempDir& tmp, const std::string& extra = "") {
  return "report --quiet --deconvolution " + tmp.file("dec") + " --model " + tmp.file("model.blue") + " --truth " +
         tmp.file("truth.tsv") + " --map " + tmp.file("map.tsv") + " --markers-per-type 2 --out " +
         tmp.file("report.html") + extra;
}

std::string rat(const std::string& name) { return std::string(BLUE_SHARED_DATA) + "/rat_mixtures_gse19830/" + name; }

std::string find_chromium() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    RunResult r = shell(std::string("command -v ") + name);
    if (r.code == 0 && !r.output.empty()) return r.output.substr(0, r.output.find('\n'));
  }
  return "";
}

}  // namespace

TEST(CliReport, NetworkDirectoryWithModelTruthAndMap) {
  TempDir tmp;
  write_network_fixture(tmp);
  RunResult r = blue_run(network_report(tmp));
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string html = slurp(tmp.file("report.html"));
  for (const char* id : {"plot-accuracy", "plot-proportions", "plot-gep-heatmap", "plot-training", "metrics-table",
                         "model-table"})
    EXPECT_TRUE(contains(html, std::string("id=\"") + id + "\"")) << id;
  // Scatter panels for the two mapped truth types only; B/NK is reported as unmapped, B and NK as unscored.
  EXPECT_TRUE(contains(html, "data-type=\"T\""));
  EXPECT_TRUE(contains(html, "data-type=\"Myeloid\""));
  EXPECT_FALSE(contains(html, "data-type=\"B\""));
  EXPECT_TRUE(contains(html, "not mapped onto any truth type (not scored): B/NK"));
  EXPECT_TRUE(contains(html, "no predicted source (not scored): B, NK"));
  // The heatmap shows each type's own two genes, in its own block.
  EXPECT_TRUE(contains(html, "<title>MS4A1 in B/NK, S1: 10.00</title>"));
  EXPECT_TRUE(contains(html, "<title>CD14 in Mono, S&lt;4&gt;&amp;: 9.50</title>"));
  EXPECT_FALSE(contains(html, "S<4>"));
  EXPECT_TRUE(contains(html, "best epoch (4)"));
  const auto prov = nlohmann::json::parse(slurp(tmp.file("report.html.provenance.json")));
  EXPECT_EQ(prov["sections"]["gep_heatmap"], true);
  EXPECT_EQ(prov["sections"]["training_curves"], true);
  EXPECT_EQ(prov["metrics"]["metrics"].back()["n"], 8);  // 4 samples x 2 scored types
  // A second run without --force refuses to overwrite and leaves the first report alone.
  r = blue_run(network_report(tmp));
  EXPECT_EQ(r.code, 4) << r.output;
  EXPECT_EQ(slurp(tmp.file("report.html")), html);
  EXPECT_EQ(blue_run(network_report(tmp, " --force")).code, 0);
}

TEST(CliReport, NnlsDirectoryHasNoHeatmapAndSaysWhy) {
  TempDir tmp;
  const std::string dir = tmp.file("rat");
  RunResult r = blue_run("nnls --quiet --threads 2 --signature " + rat("ratMix3_pure_S.tsv.gz") + " --bulk " +
                         rat("ratMix3_mixtures_X.tsv.gz") + " --out " + dir);
  ASSERT_EQ(r.code, 0) << r.output;
  r = blue_run("report --deconvolution " + dir + " --truth " + rat("ratMix3_proportions_A.tsv") + " --out " +
               tmp.file("rat.html"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "overall over 63 values")) << r.output;
  const std::string html = slurp(tmp.file("rat.html"));
  EXPECT_TRUE(contains(html, "id=\"plot-accuracy\""));
  EXPECT_TRUE(contains(html, "id=\"fit-table\""));
  EXPECT_FALSE(contains(html, "id=\"plot-gep-heatmap\""));
  EXPECT_TRUE(contains(html, "NNLS estimates cell-type fractions only"));
  EXPECT_TRUE(contains(html, "method: NNLS (blue nnls)"));
}

TEST(CliReport, ReportsEveryOptionProblemAtOnce) {
  TempDir tmp;
  RunResult r = blue_run("report --deconvolution " + tmp.file("nope") + " --map " + tmp.file("map.tsv") +
                         " --markers-per-type 0 --out " + tmp.file("r.html"));
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "no such directory")) << r.output;
  EXPECT_TRUE(contains(r.output, "--map needs --truth")) << r.output;
  EXPECT_TRUE(contains(r.output, "--markers-per-type 0")) << r.output;
  EXPECT_FALSE(fs::exists(tmp.file("r.html")));
  fs::create_directories(tmp.file("empty"));
  r = blue_run("report --deconvolution " + tmp.file("empty") + " --out " + tmp.file("r.html"));
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "no proportions.tsv")) << r.output;
}

TEST(CliReport, TruthWithOtherSamplesIsAnInputErrorAndWritesNothing) {
  TempDir tmp;
  write_network_fixture(tmp);
  tmp.write("truth.tsv", "sample\tT\tMyeloid\nS1\t0.5\t0.5\nX9\t0.5\t0.5\n");
  RunResult r = blue_run(network_report(tmp));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "X9")) << r.output;
  EXPECT_FALSE(fs::exists(tmp.file("report.html")));
  EXPECT_FALSE(fs::exists(tmp.file("report.html.provenance.json")));
}

// Loads the report in headless Chromium: the inline script must have run (data-report-ready), all four
// plots must be in the DOM, and the console must show no error. The screenshot is kept as a test artefact
// in the build directory (test_artifacts/report.png).
TEST(CliReport, RendersInHeadlessChromium) {
  const std::string chromium = find_chromium();
  if (chromium.empty()) GTEST_SKIP() << "chromium not installed (apt-get install chromium)";
  TempDir tmp;
  write_network_fixture(tmp);
  ASSERT_EQ(blue_run(network_report(tmp)).code, 0);
  const fs::path artefacts = fs::path(BLUE_EXE).parent_path() / "test_artifacts";
  fs::create_directories(artefacts);
  const std::string common = "timeout 120 " + chromium +
                             " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                             "--disable-background-networking --disable-component-update --disable-sync "
                             "--disable-dev-shm-usage --hide-scrollbars --enable-logging=stderr --v=0 "
                             "--user-data-dir=" + tmp.file("chromium-profile") + " ";
  const std::string url = "file://" + tmp.file("report.html");
  RunResult dom = shell(common + "--dump-dom " + url + " 2>" + tmp.file("console.log"));
  ASSERT_EQ(dom.code, 0) << dom.output << slurp(tmp.file("console.log"));
  EXPECT_TRUE(contains(dom.output, "data-report-ready=\"1\"")) << dom.output.substr(0, 2000);
  EXPECT_TRUE(contains(dom.output, "data-plots=\"4\""));
  for (const char* id : {"plot-accuracy", "plot-proportions", "plot-gep-heatmap", "plot-training"})
    EXPECT_TRUE(contains(dom.output, std::string("id=\"") + id + "\"")) << id;
  const std::string console = slurp(tmp.file("console.log"));
  EXPECT_FALSE(contains(console, "Uncaught")) << console;
  EXPECT_FALSE(contains(console, "ERROR:CONSOLE")) << console;
  EXPECT_FALSE(contains(console, ":CONSOLE(")) << console;  // any console message of the page

  const std::string png = (artefacts / "report.png").string();
  fs::remove(png);
  RunResult shot = shell(common + "--window-size=1280,3000 --screenshot=" + png + " " + url);
  ASSERT_EQ(shot.code, 0) << shot.output;
  ASSERT_TRUE(fs::exists(png));
  EXPECT_GT(fs::file_size(png), 10000u);  // a rendered page, not an empty image
}

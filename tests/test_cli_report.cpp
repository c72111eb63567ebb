// CLI tests of `blue report`: a tiny network-style deconvolution directory written here (proportions.tsv,
// gep.h5ad with a layer per type and its _cpm twin, a model file with a training log, a truth table and a
// type map), an NNLS directory from the GSE19830 rat mixtures, a real `blue subtype` run (its Kaplan-Meier
// plots inlined, alone and beside a deconvolution), option errors, and a real browser (headless Chromium)
// that must load the page without console errors and find every plot.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <cmath>
#include <fmt/format.h>

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

using blue::test::slurp;

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
  c.meta = {{"kind", "model"},
            {"cell_types", kTypes},
            {"genes", a.var_names},
            {"best_epoch", 4},
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
  // Diagnostics: S3 flagged with 6 unexplained genes, S<4>& with 2, the others none.
  tmp.write("dec/diagnostics.tsv",
            "sample\treconstruction_distance\treconstruction_r\treference_distance\tunexplained_genes\t"
            "unexplained_fraction\tflagged\n"
            "S1\t0.1\t0.9\t0.05\t0\t0\t0\nS2\t0.1\t0.9\t0.06\t0\t0\t0\n"
            "S3\t0.2\t0.8\t0.09\t6\t0.05\t1\nS<4>&\t0.1\t0.9\t0.07\t2\t0.001\t0\n");
  std::string genes = "sample\trank\tgene\tbulk_cpm\treference_max_cpm\treference_max_type\tfold\n";
  int rank = 0;
  for (const char* g : {"HBB", "HBA2", "RPL41", "CD79A", "MS4A1", "TCL1A"})
    genes += fmt::format("S3\t{}\t{}\t900\t10\tMono\t90\n", ++rank, g);
  genes += "S<4>&\t1\tHBB\t300\t0\t\tinf\nS<4>&\t2\tIFIT1\t200\t20\tMono\t10\n";
  tmp.write("dec/unexplained_genes.tsv", genes);
}

std::string network_report(const TempDir& tmp, const std::string& extra = "") {
  return "report --quiet --deconvolution " + tmp.file("dec") + " --model " + tmp.file("model.blue") + " --truth " +
         tmp.file("truth.tsv") + " --map " + tmp.file("map.tsv") + " --markers-per-type 2 --out " +
         tmp.file("report.html") + extra;
}

// A real `blue subtype` run into DIR/st on the small GEP fixture (2 cell types x 30 genes, 40 samples) and
// its proportions, with the TCGA-AML survival of 38 matched patients: survival_profiles/ and
// survival_proportions/ each hold a km.svg and a logrank.tsv.
std::string run_subtype(const TempDir& tmp) {
  const std::string fx = std::string(BLUE_FIXTURES) + "/";
  RunResult r = blue_run("subtype --quiet --gep " + fx + "subtype/gep_small.h5ad --proportions " + fx +
                         "subtype/proportions_small.tsv --clinical " + fx +
                         "survival/tcga_laml_clinical.tsv "
                         "--time time --event event --match-prefix --k-max 3 --resamples 10 --out " +
                         tmp.file("st"));
  EXPECT_EQ(r.code, 0) << r.output;
  return tmp.file("st");
}

std::size_t count(const std::string& s, const std::string& part) {
  std::size_t n = 0;
  for (auto at = s.find(part); at != std::string::npos; at = s.find(part, at + 1)) ++n;
  return n;
}

// The p column of a logrank.tsv (header, then one row).
double logrank_p(const std::string& path) {
  std::istringstream in(slurp(path));
  std::string header, row, cell;
  std::getline(in, header);
  std::getline(in, row);
  std::istringstream h(header), v(row);
  for (std::string name; std::getline(h, name, '\t') && std::getline(v, cell, '\t');)
    if (name == "p") return std::stod(cell);
  return NAN;
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
  for (const char* id :
       {"plot-accuracy", "plot-proportions", "plot-gep-heatmap", "plot-training", "metrics-table", "model-table"})
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
  // Diagnostics: the flagged sample first, its first six genes; the genes most often unexplained.
  EXPECT_TRUE(contains(html, "id=\"diagnostics-table\""));
  EXPECT_TRUE(contains(html, "1 of 4 samples flagged. Genes unexplained most often (samples): HBB (2), "));
  const auto s3 = html.find("<td>S3</td>"), s4 = html.find("<td>S&lt;4&gt;&amp;</td>"), s1 = html.find("<td>S1</td>");
  ASSERT_NE(s3, std::string::npos);
  EXPECT_LT(s3, s4);
  EXPECT_LT(s4, s1);
  EXPECT_TRUE(contains(html, "HBB, HBA2, RPL41, CD79A, MS4A1, TCL1A"));
  const auto prov = nlohmann::json::parse(slurp(tmp.file("report.html.provenance.json")));
  EXPECT_EQ(prov["sections"]["diagnostics"], true);
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

namespace {

// The network fixture with `file` replaced by `content`: exit 2, a message containing `fragment`, neither the
// report nor its provenance written.
void expect_input_error(const std::string& file, const std::string& content, const std::string& fragment) {
  TempDir tmp;
  write_network_fixture(tmp);
  tmp.write(file, content);
  RunResult r = blue_run(network_report(tmp));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, fragment)) << r.output;
  EXPECT_FALSE(fs::exists(tmp.file("report.html")));
  EXPECT_FALSE(fs::exists(tmp.file("report.html.provenance.json")));
}

}  // namespace

TEST(CliReport, TruthWithOtherSamplesIsAnInputErrorAndWritesNothing) {
  expect_input_error("truth.tsv", "sample\tT\tMyeloid\nS1\t0.5\t0.5\nX9\t0.5\t0.5\n", "X9");
}

TEST(CliReport, SubtypeRunAloneInlinesItsKaplanMeierPlots) {
  TempDir tmp;
  const std::string st = run_subtype(tmp);
  RunResult r = blue_run("report --quiet --subtype " + st + " --out " + tmp.file("st.html"));
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string html = slurp(tmp.file("st.html"));
  EXPECT_TRUE(contains(html, "<title>blue subtyping report</title>"));
  for (const char* id : {"plot-km-profiles", "plot-km-proportions", "subtype-comparison-table",
                         "subtype-stability-table", "subtype-facts-table"})
    EXPECT_TRUE(contains(html, std::string("id=\"") + id + "\"")) << id;
  // Both plots whole: every censoring tick and at-risk number of the two km.svg files, and no XML prologue.
  const std::string km_profiles = slurp(st + "/survival_profiles/km.svg");
  const std::string km_proportions = slurp(st + "/survival_proportions/km.svg");
  for (const char* element : {"class=\"censor\"", "class=\"at-risk\"", "class=\"km-curve\""}) {
    EXPECT_GT(count(km_profiles, element), 0u) << element;
    EXPECT_EQ(count(html, element), count(km_profiles, element) + count(km_proportions, element)) << element;
  }
  EXPECT_FALSE(contains(html, "<?xml"));
  // The log-rank p of each plot, in its caption, equals its logrank.tsv.
  for (const char* which : {"profiles", "proportions"}) {
    const double p = logrank_p(st + "/survival_" + which + "/logrank.tsv");
    ASSERT_TRUE(std::isfinite(p)) << which;
    EXPECT_TRUE(contains(html, fmt::format("log-rank p = {}",
                                           p < 1e-4 ? fmt::format("{:.2e}", p) : fmt::format("{:.4f}", p))))
        << which << " p = " << p;
  }
  EXPECT_EQ(count(html, "class=\"pvalue\""), 2u);           // the plots' own "Log-rank p = ..." text
  EXPECT_FALSE(contains(html, "id=\"plot-proportions\""));  // no deconvolution sections
  const auto prov = nlohmann::json::parse(slurp(tmp.file("st.html.provenance.json")));
  EXPECT_EQ(prov["sections"]["subtype_km_plots"], 2);
  EXPECT_EQ(prov["inputs"]["subtype"]["path"], st);

  // Beside a deconvolution, model and truth: every section of both.
  write_network_fixture(tmp);
  r = blue_run(network_report(tmp, " --subtype " + st));
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string both = slurp(tmp.file("report.html"));
  for (const char* id :
       {"plot-accuracy", "plot-gep-heatmap", "plot-training", "plot-km-profiles", "plot-km-proportions"})
    EXPECT_TRUE(contains(both, std::string("id=\"") + id + "\"")) << id;
  EXPECT_TRUE(contains(both, "<title>blue deconvolution report</title>"));
}

TEST(CliReport, SubtypeDirectoryWithoutItsFilesIsAnInputError) {
  TempDir tmp;
  fs::create_directories(tmp.file("not_subtype/survival_profiles"));
  tmp.write("not_subtype/stability.tsv", "features\tk\tpac\nprofiles\t2\t0.5\n");
  RunResult r = blue_run("report --subtype " + tmp.file("not_subtype") + " --out " + tmp.file("r.html"));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, tmp.file("not_subtype/comparison.tsv"))) << r.output;
  EXPECT_TRUE(contains(r.output, tmp.file("not_subtype/survival_profiles/km.svg"))) << r.output;
  EXPECT_TRUE(contains(r.output, "output directory of `blue subtype`")) << r.output;
  EXPECT_FALSE(contains(r.output, tmp.file("not_subtype/stability.tsv"))) << r.output;  // present: not missing
  EXPECT_FALSE(fs::exists(tmp.file("r.html")));
  EXPECT_FALSE(fs::exists(tmp.file("r.html.provenance.json")));
  // A missing directory is an option problem; so is giving neither input.
  r = blue_run("report --subtype " + tmp.file("nope") + " --out " + tmp.file("r.html"));
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "--subtype " + tmp.file("nope") + ": no such directory")) << r.output;
  r = blue_run("report --truth " + tmp.file("not_subtype/stability.tsv") + " --out " + tmp.file("r.html"));
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "give --deconvolution DIR, --subtype DIR or both")) << r.output;
  EXPECT_TRUE(contains(r.output, "--truth needs --deconvolution")) << r.output;
}

// Loads the report (a deconvolution with a subtyping run) in headless Chromium: the inline script must have
// run (data-report-ready), all six plots (four of the deconvolution, two Kaplan-Meier plots) must be in the
// DOM, and the console must show no error. The screenshot is kept as a test artefact
// in the build directory (test_artifacts/report.png).
TEST(CliReport, RendersInHeadlessChromium) {
  const std::string chromium = find_chromium();
  if (chromium.empty()) GTEST_SKIP() << "chromium not installed (apt-get install chromium)";
  TempDir tmp;
  write_network_fixture(tmp);
  ASSERT_EQ(blue_run(network_report(tmp, " --subtype " + run_subtype(tmp))).code, 0);
  const fs::path artefacts = fs::path(BLUE_EXE).parent_path() / "test_artifacts";
  fs::create_directories(artefacts);
  const std::string common = "timeout 120 " + chromium +
                             " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                             "--disable-background-networking --disable-component-update --disable-sync "
                             "--disable-dev-shm-usage --hide-scrollbars --enable-logging=stderr --v=0 "
                             "--user-data-dir=" +
                             tmp.file("chromium-profile") + " ";
  const std::string url = "file://" + tmp.file("report.html");
  RunResult dom = shell(common + "--dump-dom " + url + " 2>" + tmp.file("console.log"));
  ASSERT_EQ(dom.code, 0) << dom.output << slurp(tmp.file("console.log"));
  EXPECT_TRUE(contains(dom.output, "data-report-ready=\"1\"")) << dom.output.substr(0, 2000);
  EXPECT_TRUE(contains(dom.output, "data-plots=\"6\""));
  for (const char* id : {"plot-accuracy", "plot-proportions", "plot-gep-heatmap", "plot-training", "plot-km-profiles",
                         "plot-km-proportions"})
    EXPECT_TRUE(contains(dom.output, std::string("id=\"") + id + "\"")) << id;
  const std::string console = slurp(tmp.file("console.log"));
  EXPECT_FALSE(contains(console, "Uncaught")) << console;
  EXPECT_FALSE(contains(console, "ERROR:CONSOLE")) << console;
  EXPECT_FALSE(contains(console, ":CONSOLE(")) << console;  // any console message of the page

  const std::string png = (artefacts / "report.png").string();
  fs::remove(png);
  RunResult shot = shell(common + "--window-size=1280,4000 --screenshot=" + png + " " + url);
  ASSERT_EQ(shot.code, 0) << shot.output;
  ASSERT_TRUE(fs::exists(png));
  EXPECT_GT(fs::file_size(png), 10000u);  // a rendered page, not an empty image
}

TEST(CliReport, MalformedUnexplainedGenesTableIsAnInputError) {
  expect_input_error("dec/unexplained_genes.tsv", "sample\trank\tgene\nS1\t1\tHBB\n",
                     "unexplained_genes.tsv, line 2: 3 fields, expected 7");
}

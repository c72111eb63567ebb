// Unit tests of the report's building blocks: SVG escaping and coordinates, ticks, colour ramp, marker
// gene choice for the GEP heatmap, scatter data through a type map, the model summary, and escaping of
// user text in the assembled page, and the subtyping section read back from a `blue subtype` directory.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

#include "report/gep_share_section.h"
#include "report/html.h"
#include "report/plots.h"
#include "report/report.h"
#include "report/subtype_section.h"
#include "report/svg.h"
#include "io_test_util.h"
#include "util/error.h"

using namespace blue;
using namespace blue::report;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// 2 samples x 3 genes; type A is high on g1, type B on g3, g2 is the same in both.
DenseAnnData two_type_gep() {
  DenseAnnData a;
  a.obs_names = {"s1", "s2"};
  a.var_names = {"g1", "g2", "g3"};
  a.X = MatrixF::Zero(2, 3);
  MatrixF A(2, 3), B(2, 3);
  A << 8, 5, 1,  //
      6, 5, 1;
  B << 1, 5, 9,  //
      1, 5, 7;
  a.layers["A"] = A;
  a.layers["A_cpm"] = A.unaryExpr([](float v) { return std::exp2(v) - 1; });
  a.layers["B_x"] = B;  // type "B/x": blue deconvolve replaces '/' in layer names
  a.layers["B_x_cpm"] = B.unaryExpr([](float v) { return std::exp2(v) - 1; });
  MatrixF share(2, 3);
  share << 0.9f, 0.5f, 0.01f,  //
      0.7f, 0.4f, 0.03f;
  a.layers["A_share"] = share;
  a.layers["B_x_share"] = MatrixF::Ones(2, 3) - share;
  a.uns_strings["cell_types"] = {"A", "B/x"};
  return a;
}

}  // namespace

TEST(ReportSvg, EscapesTextAndAttributes) {
  EXPECT_EQ(xml_escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
  svg::Svg s(100, 50, "id\"<x>");
  s.text(1, 2, "<script>alert('x')</script> & more");
  const std::string out = s.str();
  EXPECT_TRUE(contains(out, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more")) << out;
  EXPECT_FALSE(contains(out, "<script>"));
  EXPECT_TRUE(contains(out, "id=\"id&quot;&lt;x&gt;\""));
}

TEST(ReportSvg, ScaleMapsKnownPoints) {
  const svg::Scale x{0, 1, 100, 300}, y{0, 2, 250, 50};  // y grows upwards on screen
  EXPECT_DOUBLE_EQ(x(0.5), 200);
  EXPECT_DOUBLE_EQ(x(0), 100);
  EXPECT_DOUBLE_EQ(y(0), 250);
  EXPECT_DOUBLE_EQ(y(2), 50);
  EXPECT_DOUBLE_EQ(y(0.5), 200);
  EXPECT_DOUBLE_EQ((svg::Scale{3, 3, 10, 20})(3), 15);  // empty domain: the middle
}

TEST(ReportSvg, RoundTicks) {
  EXPECT_DOUBLE_EQ(svg::nice_step(1, 5), 0.2);
  EXPECT_DOUBLE_EQ(svg::nice_step(7, 5), 2);
  EXPECT_DOUBLE_EQ(svg::nice_step(0, 5), 1);
  const auto t = svg::ticks(0, 1, 5);
  ASSERT_EQ(t.size(), 6u);
  for (std::size_t i = 0; i < t.size(); ++i) EXPECT_NEAR(t[i], 0.2 * i, 1e-12);
  const auto inner = svg::ticks(0.1, 0.9, 4);  // step 0.2, only multiples inside the interval
  ASSERT_EQ(inner.size(), 4u);
  EXPECT_NEAR(inner.front(), 0.2, 1e-12);
  EXPECT_NEAR(inner.back(), 0.8, 1e-12);
  EXPECT_EQ(svg::label(0.2), "0.2");
  EXPECT_EQ(svg::num(1.0 / 3), "0.33");
}

TEST(ReportSvg, ColourRampEndsAndLegend) {
  EXPECT_EQ(svg::ramp(0), "#440154");
  EXPECT_EQ(svg::ramp(1), "#fde725");
  EXPECT_EQ(svg::ramp(-3), "#440154");  // clamped
  EXPECT_EQ(svg::ramp(0.5), "#21918c");
  EXPECT_NE(svg::palette(0), svg::palette(1));
  svg::Svg s(200, 100, "p");
  s.legend(10, 20, {{"T & NK", "#123456", svg::LegendEntry::Shape::kBox}});
  EXPECT_TRUE(contains(s.str(), "fill=\"#123456\""));
  EXPECT_TRUE(contains(s.str(), ">T &amp; NK</text>"));
}

TEST(ReportPlots, ScatterPointAtKnownCoordinates) {
  // One panel: plot area x 90..310, y 310..90 for fractions 0..1 (domain rounded up to 1).
  const std::string out = accuracy_svg({{"T <cells>", {0.5, 1.0}, {0.25, 0.9}, 0.8, 0.9}});
  EXPECT_TRUE(contains(out, "<circle cx=\"200.00\" cy=\"255.00\"")) << out;
  EXPECT_TRUE(contains(out, "CCC = 0.800, r = 0.900, n = 2"));
  EXPECT_TRUE(contains(out, "T &lt;cells&gt;"));
  EXPECT_TRUE(contains(out, "class=\"identity\""));
  EXPECT_TRUE(contains(out, "True fraction of cells (0-1)"));
  EXPECT_TRUE(contains(out, "Predicted fraction (0-1)"));
}

TEST(ReportPlots, StackedBarsStackToOne) {
  SampleTable p{"", {"s1", "s2"}, {"A", "B"}, Eigen::MatrixXd(2, 2)};
  p.values << 0.25, 0.75, 1.0, 0.0;
  const std::string out = proportions_svg(p);
  // 320 px wide (minimum) for 2 samples: bars 160 px apart, 15% gap; y: 0..1 over 330..30.
  EXPECT_TRUE(contains(out, "<rect x=\"92.00\" y=\"255.00\" width=\"136.00\" height=\"75.00\"")) << out;  // s1, A
  EXPECT_TRUE(contains(out, "<rect x=\"92.00\" y=\"30.00\" width=\"136.00\" height=\"225.00\""));         // s1, B
  EXPECT_TRUE(contains(out, "<title>s1: A 0.250</title>"));
  EXPECT_TRUE(contains(out, "Fraction of cells (0-1)"));
}

// An ensemble's spread: each bar's tooltip gives the SD, and a table per type the median and largest SD
// over the samples with the sample where it is largest.
TEST(ReportPlots, EnsembleSpreadInTooltipsAndTable) {
  ReportInputs in;
  in.deconvolution_dir = "out";
  in.proportions = SampleTable{"", {"s1", "s2", "s3"}, {"A", "B"}, Eigen::MatrixXd(3, 2)};
  in.proportions.values << 0.25, 0.75, 0.5, 0.5, 0.1, 0.9;
  in.proportions_sd = SampleTable{"", {"s1", "s2", "s3"}, {"A", "B"}, Eigen::MatrixXd(3, 2)};
  in.proportions_sd->values << 0.01, 0.02, 0.05, 0.03, 0.02, 0.04;
  const std::string html = render_report(in).html;
  EXPECT_TRUE(contains(html, "<title>s2: A 0.500 (SD over the ensemble 0.050)</title>")) << html;
  EXPECT_TRUE(contains(html, "id=\"spread-table\""));
  // A: mean 0.283, median SD 0.020, largest 0.050 in s2; B: mean 0.717, median 0.030, largest 0.040 in s3.
  EXPECT_TRUE(contains(
      html,
      "<td>A</td><td class=\"num\">0.283</td><td class=\"num\">0.020</td><td class=\"num\">0.050</td><td>s2</td>"))
      << html;
  EXPECT_TRUE(contains(
      html,
      "<td>B</td><td class=\"num\">0.717</td><td class=\"num\">0.030</td><td class=\"num\">0.040</td><td>s3</td>"));
  in.proportions_sd.reset();
  EXPECT_FALSE(contains(render_report(in).html, "spread-table"));
}

TEST(ReportPlots, TrainingCurveMarksTheBestEpoch) {
  const std::string out = training_svg({{1, 2, 3}, {3, 2, 1}, {4, 2.5, 3}, 2});
  EXPECT_TRUE(contains(out, "class=\"loss-train\""));
  EXPECT_TRUE(contains(out, "class=\"loss-val\""));
  EXPECT_TRUE(contains(out, "best epoch (2)"));
  EXPECT_TRUE(contains(out, ">Epoch</text>"));
}

TEST(ReportGep, LayersFromCellTypesAndWithout) {
  DenseAnnData a = two_type_gep();
  auto layers = gep_type_layers(a, "gep.h5ad");
  ASSERT_EQ(layers.size(), 2u);
  EXPECT_EQ(layers[1], (std::pair<std::string, std::string>{"B/x", "B_x"}));
  a.uns_strings.clear();  // without the list: every layer except the _cpm and _share twins
  layers = gep_type_layers(a, "gep.h5ad");
  ASSERT_EQ(layers.size(), 2u);
  EXPECT_EQ(layers[0].first, "A");
  EXPECT_EQ(layers[1].first, "B_x");
  a.uns_strings["cell_types"] = {"A", "C"};
  try {
    gep_type_layers(a, "gep.h5ad");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.what(), "gep.h5ad")) << e.what();
    EXPECT_TRUE(contains(e.what(), "'C'")) << e.what();
  }
}

// Medians over the two samples: A's shares 0.8, 0.45, 0.02 (g1 identifiable, g3 mostly prior); B's the rest.
TEST(ReportGep, SharesSayWhichGenesEachTypeAccountsFor) {
  DenseAnnData a = two_type_gep();
  const auto s = summarise_shares(a, gep_type_layers(a, "gep.h5ad"));
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].type, "A");
  EXPECT_EQ(s[0].identifiable, 1u);
  EXPECT_EQ(s[0].prior_only, 1u);
  EXPECT_TRUE(contains(s[0].top.front(), "g1")) << s[0].top.front();
  EXPECT_EQ(s[1].type, "B/x");
  EXPECT_EQ(s[1].identifiable, 2u);  // g2 (0.6, 0.5) and g3
  EXPECT_EQ(s[1].prior_only, 0u);
  EXPECT_TRUE(contains(share_section(s, 3), "mostly the prior"));
  a.layers.erase("A_share");
  a.layers.erase("B_x_share");
  EXPECT_TRUE(summarise_shares(a, gep_type_layers(a, "gep.h5ad")).empty());  // older outputs: no section
}

TEST(ReportGep, TopMarkersAreHighestRelativeToOtherTypes) {
  const DenseAnnData a = two_type_gep();
  // Means: A = (7, 5, 1), B = (1, 5, 8). Scores A - B = (6, 0, -7): g1, g2; B - A = (-6, 0, 7): g3, g2.
  auto blocks = top_marker_blocks(a, "gep.h5ad", 2, 100);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].type, "A");
  EXPECT_EQ(blocks[0].genes, (std::vector<std::string>{"g1", "g2"}));
  EXPECT_EQ(blocks[1].type, "B/x");
  EXPECT_EQ(blocks[1].genes, (std::vector<std::string>{"g3", "g2"}));
  ASSERT_EQ(blocks[1].values.rows(), 2);
  ASSERT_EQ(blocks[1].values.cols(), 2);
  EXPECT_DOUBLE_EQ(blocks[1].values(0, 1), 7);  // g3 in B, sample s2
  // Only the first sample: A means (8, 5, 1), B (1, 5, 9), same choice; values have one column.
  blocks = top_marker_blocks(a, "gep.h5ad", 1, 1);
  EXPECT_EQ(blocks[0].genes, (std::vector<std::string>{"g1"}));
  EXPECT_EQ(blocks[0].values.cols(), 1);
  const std::string out = gep_heatmap_svg(blocks, {"s1"});
  EXPECT_TRUE(contains(out, "log2(CPM + 1)"));
  EXPECT_TRUE(contains(out, "<title>g1 in A, s1: 8.00</title>"));
}

TEST(ReportAccuracy, ScatterSumsMappedTypes) {
  SampleTable pred{"", {"s1", "s2", "s3"}, {"CD4", "CD8", "B"}, Eigen::MatrixXd(3, 3)};
  pred.values << 0.2, 0.3, 0.5,  //
      0.1, 0.1, 0.8,             //
      0.4, 0.4, 0.2;
  SampleTable truth{"", {"s3", "s1", "s2"}, {"T", "B"}, Eigen::MatrixXd(3, 2)};
  truth.values << 0.7, 0.3,  //
      0.5, 0.5,              //
      0.3, 0.7;
  const TypeMap map{"test", {{"CD4", "T"}, {"CD8", "T"}, {"B", "B"}}};
  const auto ev = evaluate_proportions(pred, truth, map);
  const auto panels = scatter_panels(pred, truth, ev);
  ASSERT_EQ(panels.size(), 2u);
  EXPECT_EQ(panels[0].type, "T");
  // truth order s3, s1, s2: T truth (0.7, 0.5, 0.3), predicted CD4 + CD8 (0.8, 0.5, 0.2).
  ASSERT_EQ(panels[0].predicted.size(), 3u);
  EXPECT_NEAR(panels[0].truth[0], 0.7, 1e-12);
  EXPECT_NEAR(panels[0].predicted[0], 0.8, 1e-12);
  EXPECT_NEAR(panels[0].predicted[2], 0.2, 1e-12);
  EXPECT_NEAR(panels[0].ccc, ev.rows[0].ccc, 1e-12);
}

TEST(ReportModel, SummaryFromTrainingLog) {
  nlohmann::json meta = {{"kind", "model"},
                         {"cell_types", {"A", "B"}},
                         {"genes", {"g1", "g2", "g3"}},
                         {"best_epoch", 2},
                         {"training_log",
                          {{{"epoch", 1}, {"train_loss", 3.0}, {"val_loss", 2.5}, {"val_proportion_ccc", 0.5}},
                           {{"epoch", 2}, {"train_loss", 2.0}, {"val_loss", 1.5}, {"val_proportion_ccc", 0.75}}}}};
  const ModelSummary m = model_summary(meta);
  ASSERT_TRUE(m.curve.has_value());
  EXPECT_EQ(m.curve->epoch, (std::vector<double>{1, 2}));
  EXPECT_EQ(m.curve->val_loss, (std::vector<double>{2.5, 1.5}));
  EXPECT_EQ(m.curve->best_epoch, 2);
  auto fact = [&](const std::string& k) {
    for (const auto& [key, v] : m.facts)
      if (key == k) return v;
    return std::string("<missing>");
  };
  EXPECT_EQ(fact("cell types"), "2: A, B");
  EXPECT_EQ(fact("panel genes"), "3");
  EXPECT_EQ(fact("validation proportion CCC at best epoch"), "0.750");
  EXPECT_TRUE(m.test_proportions.rows.empty());
  meta.erase("training_log");
  EXPECT_FALSE(model_summary(meta).curve.has_value());
  // The test-split metrics of blue train (null = NaN) become two tables.
  meta["test_split"] = {{"samples", 300},
                        {"proportions",
                         {{"metrics", {{{"type", "A"}, {"n", 300}, {"ccc", 0.91234}, {"pearson", nullptr}}}}}},
                        {"gep", {{"metrics", {{{"type", "A"}, {"ccc_mean_profile", 0.5}}}}}}};
  const ModelSummary t = model_summary(meta);
  EXPECT_EQ(t.test_samples, 300u);
  ASSERT_EQ(t.test_proportions.rows.size(), 1u);
  EXPECT_EQ(t.test_proportions.rows[0], (std::vector<std::string>{"A", "300", "0.912", "NA", "NA", "NA"}));
  ASSERT_EQ(t.test_gep.rows.size(), 1u);
  EXPECT_EQ(t.test_gep.rows[0][1], "0.500");
}

TEST(ReportPage, UserTextIsEscapedAndSectionsExplainAbsence) {
  ReportInputs in;
  in.deconvolution_dir = "out/<nnls>";
  in.proportions = SampleTable{"", {"<img src=x onerror=alert(1)>"}, {"A&B"}, Eigen::MatrixXd::Ones(1, 1)};
  in.fit = SampleTable{"", {"<img src=x onerror=alert(1)>"}, {"r2"}, Eigen::MatrixXd::Constant(1, 1, 0.5)};
  const std::string html = render_report(in).html;
  EXPECT_FALSE(contains(html, "<img")) << html;
  EXPECT_TRUE(contains(html, "&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_TRUE(contains(html, "A&amp;B"));
  EXPECT_TRUE(contains(html, "id=\"plot-proportions\""));
  EXPECT_TRUE(contains(html, "id=\"fit-table\""));
  EXPECT_FALSE(contains(html, "id=\"plot-gep-heatmap\""));
  EXPECT_TRUE(contains(html, "NNLS estimates cell-type fractions only"));
  EXPECT_TRUE(contains(html, "No truth table given"));
  EXPECT_TRUE(contains(html, "No model given"));
  std::string rest = html;  // nothing fetched: no address other than the SVG namespace
  const std::string ns = "xmlns=\"http://www.w3.org/2000/svg\"";
  for (auto at = rest.find(ns); at != std::string::npos; at = rest.find(ns)) rest.erase(at, ns.size());
  EXPECT_FALSE(contains(rest, "http")) << rest;
}

namespace {

constexpr const char* kTinyKm =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\">"
    "<line class=\"censor\"/><text class=\"pvalue\">Log-rank p = 0.0123</text></svg>\n";

// A minimal `blue subtype` directory: the required files, a log-rank table for the profiles' plot.
void write_subtype_dir(const blue::test::TempDir& tmp) {
  std::filesystem::create_directories(tmp.file("st/survival_profiles"));
  tmp.write("st/stability.tsv", "features\tk\tpac\tchosen\nprofiles\t2\t0.1\tyes\nprofiles\t3\t0.4\tno\n");
  tmp.write("st/comparison.tsv", "features\tk\tlogrank_p\nprofiles\t2\t0.0123\n");
  tmp.write("st/survival_profiles/km.svg", kTinyKm);
  tmp.write("st/survival_profiles/logrank.tsv",
            "chisq\tdf\tp\tobserved\texpected\n6.27\t1\t0.0123\tS1=3;S2=5\tS1=6;S2=2\n");
}

}  // namespace

TEST(ReportSubtype, InlinedSvgLosesItsPrologueAndGetsClassAndId) {
  const std::string svg = inline_svg(kTinyKm, "km.svg", "profiles");
  EXPECT_EQ(svg.rfind("<svg class=\"plot km-plot\" id=\"plot-km-profiles\" xmlns=", 0), 0u) << svg;
  EXPECT_FALSE(contains(svg, "<?xml"));
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  blue::test::expect_error<InputError>([] { inline_svg("<svg><SCRIPT>alert(1)</SCRIPT></svg>", "x/km.svg", "a"); },
                                       {"x/km.svg", "script"});
  blue::test::expect_error<InputError>([] { inline_svg("time\tsurvival\n", "y/km.svg", "a"); },
                                       {"y/km.svg", "not an SVG image", "blue subtype"});
}

TEST(ReportSubtype, ReadsTheDirectoryAndShowsPlotsTablesAndLogrankP) {
  blue::test::TempDir tmp;
  write_subtype_dir(tmp);
  const SubtypeRun run = read_subtype_run(tmp.file("st"));
  ASSERT_EQ(run.km.size(), 1u);  // no survival_proportions: only the profiles' plot
  EXPECT_EQ(run.km[0].id, "profiles");
  ASSERT_TRUE(run.km[0].logrank_p.has_value());
  EXPECT_NEAR(*run.km[0].logrank_p, 0.0123, 1e-12);
  EXPECT_EQ(run.stability.rows.size(), 2u);
  EXPECT_FALSE(run.transfer.has_value());
  ReportInputs in;
  in.subtype = run;
  const std::string html = render_report(in).html;
  EXPECT_TRUE(contains(html, "<title>blue subtyping report</title>"));
  EXPECT_TRUE(contains(html, "id=\"plot-km-profiles\""));
  EXPECT_TRUE(contains(html, "log-rank p = 0.0123"));
  EXPECT_TRUE(contains(html, "id=\"subtype-stability-table\""));
  EXPECT_TRUE(contains(html, "id=\"subtype-comparison-table\""));
  // A subtyping report alone has no deconvolution sections and no notes about their absence.
  EXPECT_FALSE(contains(html, "id=\"proportions\""));
  EXPECT_FALSE(contains(html, "No model given"));
}

TEST(ReportSubtype, MissingOrBrokenFilesAreInputErrorsNamingThem) {
  blue::test::TempDir tmp;
  std::filesystem::create_directories(tmp.file("st"));
  tmp.write("st/stability.tsv", "features\tk\n");
  blue::test::expect_error<InputError>([&] { read_subtype_run(tmp.file("st")); },
                                       {"st/comparison.tsv", "st/survival_profiles/km.svg", "blue subtype"});
  write_subtype_dir(tmp);
  tmp.write("st/stability.tsv", "features\tk\tpac\nprofiles\t2\n");
  blue::test::expect_error<InputError>([&] { read_subtype_run(tmp.file("st")); },
                                       {"st/stability.tsv", "line 2 has 2 fields but the header has 3"});
  write_subtype_dir(tmp);
  tmp.write("st/survival_profiles/logrank.tsv", "chisq\tdf\n1\t1\n");
  blue::test::expect_error<InputError>([&] { read_subtype_run(tmp.file("st")); }, {"logrank.tsv", "'p'"});
}

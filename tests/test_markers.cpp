// METHOD 2.2 marker genes: the sparse one-vs-rest Wilcoxon test against an independent scipy computation
// (tests/fixtures/markers/make_fixture.py), Benjamini-Hochberg by hand, and the panel rule on exact inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "simulate/markers.h"
#include "tiny_reference.h"

using namespace blue;

namespace {

Reference fixture_reference(const std::string& suffix) {
  std::ifstream in(std::string(BLUE_FIXTURES) + "/markers/counts" + suffix + ".tsv");
  EXPECT_TRUE(in.good());
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::vector<float>> rows;
  std::vector<std::string> labels;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string label;
    fields >> label;
    labels.push_back(label);
    rows.emplace_back();
    float v;
    while (fields >> v) rows.back().push_back(v);
  }
  return test_data::make_reference(rows, labels);
}

// Compares one_vs_rest_wilcoxon on counts<suffix>.tsv with expected<suffix>.tsv; returns rows checked.
int compare_with_scipy(const std::string& suffix) {
  Reference ref = fixture_reference(suffix);
  OneVsRest tests = one_vs_rest_wilcoxon(ref);
  std::ifstream in(std::string(BLUE_FIXTURES) + "/markers/expected" + suffix + ".tsv");
  std::string line;
  std::getline(in, line);
  int checked = 0;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string type, gene;
    double fc, p, q;
    f >> type >> gene >> fc >> p >> q;
    const auto k = std::find(ref.cell_types.begin(), ref.cell_types.end(), type) - ref.cell_types.begin();
    const auto g = std::find(ref.genes.begin(), ref.genes.end(), gene) - ref.genes.begin();
    EXPECT_NEAR(tests.p(k, g), p, 1e-300 + 1e-6 * p) << suffix << " " << type << " " << gene;
    EXPECT_NEAR(tests.p_adj(k, g), q, 1e-300 + 1e-6 * q) << suffix << " " << type << " " << gene;
    EXPECT_NEAR(tests.log_fc(k, g), fc, 1e-5) << suffix << " " << type << " " << gene;
    ++checked;
  }
  return checked;
}

}  // namespace

TEST(Markers, WilcoxonAndBhMatchScipyOnTheFixture) {
  EXPECT_EQ(fixture_reference("").n_cells(), 28u);
  EXPECT_EQ(compare_with_scipy(""), 3 * 8);
}

TEST(Markers, WilcoxonMatchesScipyOnColumnsLongEnoughForRadixSort) {
  EXPECT_EQ(fixture_reference("_large").n_cells(), 1500u);
  EXPECT_EQ(compare_with_scipy("_large"), 3 * 4);
}

TEST(Markers, BenjaminiHochbergByHand) {
  // sorted: 0.01*4/1 = 0.04, 0.03*4/2 = 0.06, 0.04*4/3 = 0.0533, 0.2*4/4 = 0.2; cumulative min from the top
  auto q = benjamini_hochberg({0.01, 0.04, 0.03, 0.2});
  EXPECT_NEAR(q[0], 0.04, 1e-12);
  EXPECT_NEAR(q[1], 0.16 / 3, 1e-12);
  EXPECT_NEAR(q[2], 0.16 / 3, 1e-12);
  EXPECT_NEAR(q[3], 0.2, 1e-12);
  auto capped = benjamini_hochberg({0.9, 0.8});
  EXPECT_NEAR(capped[0], 0.9, 1e-12);
  EXPECT_NEAR(capped[1], 0.9, 1e-12);
}

TEST(Markers, PanelRuleTypesWithFewerGenesChooseFirst) {
  Reference ref = test_data::block_reference({"A", "B", "C"}, {3, 3, 3});  // 5 genes g0..g4 (names only used)
  OneVsRest t{Eigen::MatrixXd::Zero(3, 5), Eigen::MatrixXd::Zero(3, 5), Eigen::MatrixXd::Ones(3, 5)};
  auto sig = [&](int k, int g, double fc, double q = 0.01) {
    t.log_fc(k, g) = fc;
    t.p_adj(k, g) = q;
  };
  sig(0, 0, 3.0), sig(0, 1, 2.0), sig(0, 2, 1.0);  // A: 3 significant
  sig(0, 4, 10.0, 0.2);                            // A: not significant (p_adj >= 0.1)
  sig(1, 1, 5.0);                                  // B: 1 significant -> chooses first
  sig(2, 2, 4.0), sig(2, 3, 1.0);                  // C: 2 significant -> second
  sig(2, 0, -1.0, 0.0);                            // C: negative fold change -> not a marker
  MarkerOptions o;
  o.per_type = 2;
  MarkerResult r = select_panel(ref, t, o);
  EXPECT_EQ(r.panel, (std::vector<std::string>{"g1", "g2", "g3", "g0"}));
  ASSERT_EQ(r.stats.size(), 6u);  // every significant (type, gene)
  std::map<std::pair<std::string, std::string>, bool> selected;
  for (const auto& s : r.stats) selected[{s.cell_type, s.gene}] = s.selected;
  EXPECT_TRUE(selected.at({"A", "g0"}));
  EXPECT_FALSE(selected.at({"A", "g1"}));  // taken by B
  EXPECT_FALSE(selected.at({"A", "g2"}));  // taken by C
  EXPECT_TRUE(selected.at({"B", "g1"}));
  EXPECT_TRUE(selected.at({"C", "g2"}));
  EXPECT_TRUE(selected.at({"C", "g3"}));
}

TEST(Markers, BlockReferenceFindsEachTypesOwnGene) {
  Reference ref = test_data::block_reference({"A", "B", "C"}, {20, 20, 20});
  MarkerResult r = find_markers(ref, MarkerOptions{});
  // gene k is expressed only in type k (g3, one count in every cell, has its largest share in the cells of
  // A, whose totals are smallest, so it may be A's marker too)
  for (std::string g : {"g0", "g1", "g2"}) {
    EXPECT_NE(std::find(r.panel.begin(), r.panel.end(), g), r.panel.end()) << g;
  }
  EXPECT_EQ(std::find(r.panel.begin(), r.panel.end(), "g4"), r.panel.end());  // never expressed
  for (const auto& s : r.stats) {
    EXPECT_LT(s.p_adj, 0.1);
    EXPECT_GT(s.log_fc, 0.0);
  }
}

// `blue markers` end to end on pbmc3k: the panel holds the textbook markers of each PBMC type, obeys the
// METHOD 2.2 rule (every gene chosen once, at most --per-type per type, significant with log FC > 0),
// does not depend on the thread count, and both its outputs are gene lists read_gene_list accepts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "io/tables.h"
#include "sim_cli.h"

using namespace blue::sim_test;

namespace {

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string markers_args(const std::string& out, const std::string& extra) {
  return "markers -r " + quote(shared("pbmc3k/pbmc3k_raw_counts_labelled.h5ad")) + " --label-key cell_type --out " +
         out + " " + extra;
}

}  // namespace

TEST(MarkersPbmc, PanelHoldsKnownMarkersAndFollowsTheRule) {
  ScratchDir dir("blue_markers_pbmc");
  auto r = run_blue(markers_args(dir / "panel.txt", "--per-type 50 --threads 2"), dir / "err1");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto panel = read_lines(dir / "panel.txt");
  const std::set<std::string> in_panel(panel.begin(), panel.end());
  EXPECT_EQ(in_panel.size(), panel.size()) << "a gene chosen twice";
  EXPECT_LE(panel.size(), 50u * 9);
  EXPECT_GE(panel.size(), 9u * 20);
  // textbook PBMC markers (B, CD14+ Mono, FCGR3A+ Mono, NK, Platelet, DC)
  for (const char* gene : {"MS4A1", "CD79A", "CD14", "FCGR3A", "GNLY", "PPBP", "FCER1A"}) {
    EXPECT_EQ(in_panel.count(gene), 1u) << gene;
  }

  const auto stats = read_lines(dir / "panel.txt.stats.tsv");
  ASSERT_FALSE(stats.empty());
  EXPECT_EQ(stats.front(), "gene\tcell_type\tlog_fc\tp\tp_adj\tselected");
  std::map<std::string, int> selected_per_type;
  std::set<std::string> selected_genes;
  for (std::size_t i = 1; i < stats.size(); ++i) {
    std::istringstream f(stats[i]);
    std::string gene, type, fc, p, q, sel;
    std::getline(f, gene, '\t'), std::getline(f, type, '\t'), std::getline(f, fc, '\t');
    std::getline(f, p, '\t'), std::getline(f, q, '\t'), std::getline(f, sel, '\t');
    EXPECT_GT(std::strtod(fc.c_str(), nullptr), 0.0) << stats[i];
    EXPECT_LT(std::strtod(q.c_str(), nullptr), 0.1) << stats[i];
    EXPECT_LE(std::strtod(p.c_str(), nullptr), std::strtod(q.c_str(), nullptr)) << stats[i];
    if (sel == "1") {
      ++selected_per_type[type];
      EXPECT_TRUE(selected_genes.insert(gene).second) << gene << " selected by two types";
    }
  }
  EXPECT_EQ(selected_genes, in_panel);
  EXPECT_EQ(selected_per_type.size(), 9u);
  for (const auto& [type, n] : selected_per_type) EXPECT_LE(n, 50) << type;
  // Either output can be given where a gene list is expected (--genes): the same panel.
  EXPECT_EQ(blue::read_gene_list(dir / "panel.txt"), panel);
  const auto from_stats = blue::read_gene_list(dir / "panel.txt.stats.tsv");
  EXPECT_EQ(std::set<std::string>(from_stats.begin(), from_stats.end()), in_panel);
  EXPECT_EQ(from_stats.size(), panel.size());

  auto one = run_blue(markers_args(dir / "panel1.txt", "--per-type 50 --threads 1"), dir / "err2");
  ASSERT_EQ(one.code, 0) << one.err;
  EXPECT_TRUE(slurp(dir / "panel.txt") == slurp(dir / "panel1.txt")) << "1 vs 2 threads";
  EXPECT_TRUE(slurp(dir / "panel.txt.stats.tsv") == slurp(dir / "panel1.txt.stats.tsv")) << "1 vs 2 threads";
}

TEST(MarkersCli, BadOptionsAreReportedTogetherAndExistingOutputsKept) {
  ScratchDir dir("blue_markers_opts");
  auto r = run_blue(markers_args(dir / "p.txt", "--per-type 0 --fdr 0"), dir / "err");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("--per-type 0"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--fdr 0"), std::string::npos) << r.err;
  { std::ofstream(dir / "exists.txt") << "keep\n"; }
  auto e = run_blue(markers_args(dir / "exists.txt", ""), dir / "err2");
  EXPECT_EQ(e.code, 4) << e.err;
  EXPECT_EQ(slurp(dir / "exists.txt"), "keep\n");
}

// Ensembl IDs against symbols (--gene-map): the kinds are told apart, versions ignored, several IDs of one
// gene summed, a name with several candidates resolved by the target or dropped as ambiguous, nothing
// renamed when both sides agree; and `blue nnls` on Finotello's bulk renamed to versioned Ensembl IDs gives
// the proportions of the same genes under their symbols.
#include <gtest/gtest.h>

#include <fstream>

#include "io/gene_ids.h"
#include "io/tables.h"
#include "sim_cli.h"
#include "util/error.h"

using namespace blue;
using namespace blue::sim_test;

namespace {

std::string root(const std::string& rel) { return std::string(BLUE_SOURCE_DIR) + "/" + rel; }

}  // namespace

TEST(GeneIds, RenamesIntoTheTargetsKind) {
  ScratchDir dir("blue_gene_ids");
  const GeneIdMap map = read_gene_id_map(write_file(
      dir, "map.tsv",
      "# test\nensembl_id\tsymbol\nENSG01.3\tA\nENSG02\tB\nENSG03\tB\nENSG04\tC\nENSG04\tC2\nENSG05\tD\nENSG05\tD2\n"));
  EXPECT_EQ(map.symbols_of.at("ENSG01"), (std::vector<std::string>{"A"}));  // version dropped
  ExpressionTable bulk;
  bulk.source = "bulk.tsv";
  bulk.genes = {"ENSG01.7", "ENSG02.1", "ENSG03.1", "ENSG04.2", "ENSG05.1", "ENSG99.1"};
  bulk.columns = {"s"};
  bulk.values = Eigen::MatrixXd(6, 1);
  bulk.values << 1, 2, 3, 4, 5, 6;
  // Target symbols: C2 (not C) is in it; D and D2 are not: ENSG05 is ambiguous; ENSG99 is unknown.
  ExpressionTable b = bulk;
  const IdTranslation r = translate_gene_ids(b, {"A", "B", "C2", "X"}, map, "test");
  EXPECT_TRUE(r.translated);
  EXPECT_EQ(b.genes, (std::vector<std::string>{"A", "B", "C2"}));
  EXPECT_EQ(b.values(0, 0), 1);
  EXPECT_EQ(b.values(1, 0), 5);  // ENSG02 + ENSG03
  EXPECT_EQ(b.values(2, 0), 4);
  EXPECT_EQ(r.mapped, 4u);
  EXPECT_EQ(r.merged, 1u);
  EXPECT_EQ(r.unmapped, 1u);
  EXPECT_EQ(r.ambiguous, 1u);
  // Symbols to the target's versioned IDs, in the target's spelling.
  ExpressionTable s;
  s.genes = {"A", "C", "Z"};
  s.columns = {"s"};
  s.values = Eigen::MatrixXd::Ones(3, 1);
  const IdTranslation back = translate_gene_ids(s, {"ENSG01.9", "ENSG04.1", "ENSG07.1"}, map, "test");
  EXPECT_EQ(s.genes, (std::vector<std::string>{"ENSG01.9", "ENSG04.1"}));
  EXPECT_EQ(back.unmapped, 1u);
  // Same kind on both sides: untouched.
  ExpressionTable same = bulk;
  EXPECT_FALSE(translate_gene_ids(same, {"ENSG01", "ENSG02"}, map, "test").translated);
  EXPECT_EQ(same.genes, bulk.genes);
  EXPECT_NE(input_error_for(dir, "id\tname\nENSG1\tA\n", read_gene_id_map).find("expected the header"),
            std::string::npos);
}

TEST(CliNnls, EnsemblBulkWithAGeneMapMatchesTheSymbolBulk) {
  ScratchDir dir("blue_gene_ids_cli");
  const ExpressionTable bulk = read_expression_table(root("examples/finotello_bulk.tsv.gz"), "bulk");
  const GeneIdMap map = read_gene_id_map(root("data/gene_ids_hs.tsv.gz"));
  {  // the genes with exactly one Ensembl ID, under their symbol and under their versioned ID
    std::ofstream sym(dir / "symbols.tsv"), ens(dir / "ensembl.tsv");
    sym << "gene";
    ens << "gene";
    for (const auto& c : bulk.columns) sym << '\t' << c, ens << '\t' << c;
    sym << '\n';
    ens << '\n';
    for (std::size_t g = 0; g < bulk.genes.size(); ++g) {
      const auto it = map.ids_of.find(bulk.genes[g]);
      if (it == map.ids_of.end() || it->second.size() != 1 || map.symbols_of.at(it->second.front()).size() != 1)
        continue;
      sym << bulk.genes[g];
      ens << it->second.front() << ".7";
      for (Eigen::Index s = 0; s < bulk.values.cols(); ++s) {
        sym << '\t' << bulk.values(static_cast<Eigen::Index>(g), s);
        ens << '\t' << bulk.values(static_cast<Eigen::Index>(g), s);
      }
      sym << '\n';
      ens << '\n';
    }
  }
  // LM22's older symbols: some have no single Ensembl ID and are not in either file.
  const std::string sig = " --max-missing-genes 0.25 --signature " +
                          quote(shared("signatures/CIBERSORT-DATA_LM22.txt"));
  auto r = run_blue("nnls -b " + quote(dir / "symbols.tsv") + sig + " -o " + quote(dir / "sym"), dir / "sym.err");
  ASSERT_EQ(r.code, 0) << r.err;
  r = run_blue("nnls -b " + quote(dir / "ensembl.tsv") + " --signature " +
                   quote(shared("signatures/CIBERSORT-DATA_LM22.txt")) + " -o " + quote(dir / "ens"),
               dir / "ens.err");
  EXPECT_NE(r.code, 0);  // without the map: refused, naming --gene-map
  EXPECT_NE(r.err.find("--gene-map data/gene_ids_hs.tsv.gz"), std::string::npos) << r.err;
  r = run_blue("nnls -b " + quote(dir / "ensembl.tsv") + sig + " --gene-map " + quote(root("data/gene_ids_hs.tsv.gz")) +
                   " -o " + quote(dir / "ens"),
               dir / "ens.err");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("bulk genes renamed from Ensembl IDs to symbols"), std::string::npos) << r.err;
  const SampleTable a = read_sample_table(dir / "sym/proportions.tsv", "proportions");
  const SampleTable b = read_sample_table(dir / "ens/proportions.tsv", "proportions");
  ASSERT_EQ(a.values.rows(), b.values.rows());
  EXPECT_LT((a.values - b.values).cwiseAbs().maxCoeff(), 1e-6);  // the same genes, the same numbers
}

// Gene lengths (--gene-lengths): the table is read strictly, and raw counts become TPM exactly: each gene
// divided by its length in kb (the median length of the matched genes where the table has none), each
// sample rescaled to 1e6; a bulk whose genes the table does not know is refused.
#include <gtest/gtest.h>

#include <fstream>

#include "io/gene_lengths.h"
#include "sim_cli.h"
#include "util/error.h"

using namespace blue;
using namespace blue::sim_test;

namespace {

ExpressionTable bulk_of(const std::vector<std::string>& genes, const Eigen::MatrixXd& values) {
  ExpressionTable t;
  t.source = "bulk.tsv";
  t.genes = genes;
  for (Eigen::Index s = 0; s < values.cols(); ++s) t.columns.push_back("s" + std::to_string(s));
  t.values = values;
  return t;
}

}  // namespace

TEST(GeneLengths, CountsBecomeTpmExactly) {
  ScratchDir dir("blue_gene_lengths");
  const GeneLengths lengths = read_gene_lengths(write_file(dir, "len.tsv",
                                                           "# lengths\ngene\tlength_bp\nA\t1000\nB\t4000\nC\t2000\n"));
  EXPECT_EQ(lengths.bp.size(), 3u);
  // D has no length: it takes the median of the matched A, B, C lengths (2 kb).
  Eigen::MatrixXd v(4, 2);
  v << 10, 0, 40, 8, 20, 2, 0, 6;
  ExpressionTable bulk = bulk_of({"A", "B", "C", "D"}, v);
  const LengthConversion c = counts_to_tpm(bulk, lengths, "test");
  EXPECT_EQ(c.matched, 3u);
  EXPECT_EQ(c.missing, (std::vector<std::string>{"D"}));
  EXPECT_DOUBLE_EQ(c.fill_bp, 2000.0);
  // sample 0: 10/1, 40/4, 20/2, 0 = 10, 10, 10, 0 -> 1e6/3 each; sample 1: 0, 2, 1, 3 -> /6
  const double third = 1e6 / 3.0;
  EXPECT_NEAR(bulk.values(0, 0), third, 1e-6);
  EXPECT_NEAR(bulk.values(1, 0), third, 1e-6);
  EXPECT_NEAR(bulk.values(3, 0), 0.0, 1e-12);
  EXPECT_NEAR(bulk.values(1, 1), 2e6 / 6, 1e-6);
  EXPECT_NEAR(bulk.values(3, 1), 3e6 / 6, 1e-6);
  EXPECT_NEAR(bulk.values.col(1).sum(), 1e6, 1e-6);
}

TEST(GeneLengths, RefusesMalformedTablesAndForeignGenes) {
  ScratchDir dir("blue_gene_lengths_bad");
  auto message = [&](const std::string& text) { return input_error_for(dir, text, read_gene_lengths); };
  EXPECT_NE(message("symbol\tlength\nA\t10\n").find("line 1: expected the header 'gene<TAB>length_bp'"),
            std::string::npos);
  EXPECT_NE(message("gene\tlength_bp\nA\t-5\n").find("line 2: expected a gene and a positive length"),
            std::string::npos);
  EXPECT_NE(message("gene\tlength_bp\nA\t5\nA\t6\n").find("line 3: gene 'A' is listed twice"), std::string::npos);
  const GeneLengths lengths = read_gene_lengths(write_file(dir, "len.tsv", "gene\tlength_bp\nA\t1000\n"));
  ExpressionTable bulk = bulk_of({"ENSG1", "ENSG2", "ENSG3", "ENSG4", "A"}, Eigen::MatrixXd::Ones(5, 1));
  try {
    counts_to_tpm(bulk, lengths, "nnls");
    FAIL() << "1 gene of 5 with a length passed";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("only 1 of the 5 genes of bulk 'bulk.tsv' have a length"), std::string::npos)
        << e.what();
  }
}

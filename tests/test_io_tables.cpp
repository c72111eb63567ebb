// Text tables: the real Finotello bulk, sample tables, gene lists, writers, and broken tables written by
// the tests (missing file, truncated gzip, non-numeric cell, NaN, ragged rows, duplicated names, empty).
#include <gtest/gtest.h>

#include <cmath>

#include "io/tables.h"
#include "io_test_util.h"
#include "util/error.h"
#include "util/output.h"

using namespace blue;
using blue::test::expect_error;
using blue::test::shared_data;
using blue::test::TempDir;

TEST(IoTables, FinotelloBulkShapeAndValues) {
  ExpressionTable t = read_expression_table(shared_data("finotello_pbmc/GSE107572_bulk_expression.tsv.gz"), "bulk");
  EXPECT_EQ(t.genes.size(), 19423u);
  ASSERT_EQ(t.columns.size(), 9u);
  EXPECT_EQ(t.columns[0], "pbmc_1");
  EXPECT_EQ(t.genes[0], "UBE2Q2P2");
  // Second data line: SSX9  0  0  0  0  0.212565 ...
  EXPECT_EQ(t.genes[1], "SSX9");
  EXPECT_NEAR(t.values(1, 4), 0.212565, 1e-12);
  EXPECT_NEAR(t.values(0, 5), 0.613015, 1e-12);
  EXPECT_TRUE(t.values.allFinite());
  EXPECT_GE(t.values.minCoeff(), 0.0);
}

TEST(IoTables, CsvWithQuotesAndDuplicatedGenesSummed) {
  TempDir dir;
  std::string path = dir.write("t.csv", "\"gene\",\"s 1\",s2\nA,1,2\n\"B\",3.5,4\nA,10,20\n");
  ExpressionTable t = read_expression_table(path, "bulk");
  ASSERT_EQ(t.genes, (std::vector<std::string>{"A", "B"}));
  ASSERT_EQ(t.columns, (std::vector<std::string>{"s 1", "s2"}));
  EXPECT_DOUBLE_EQ(t.values(0, 0), 11.0);
  EXPECT_DOUBLE_EQ(t.values(0, 1), 22.0);
  EXPECT_DOUBLE_EQ(t.values(1, 0), 3.5);
}

TEST(IoTables, MissingFile) {
  expect_error<InputError>([] { read_expression_table("/nonexistent/bulk.tsv", "bulk"); },
                           {"/nonexistent/bulk.tsv", "not found"});
}

TEST(IoTables, NonNumericCellNamesLineAndColumn) {
  TempDir dir;
  std::string path = dir.write("t.tsv", "gene\ta\tb\nX\t1\t2\nY\t3\tNA\n");
  expect_error<InputError>([&] { read_expression_table(path, "bulk"); },
                           {"t.tsv", "line 3", "column 3", "'b'", "'NA'", "not a number"});
}

TEST(IoTables, RaggedRows) {
  TempDir dir;
  std::string path = dir.write("t.tsv", "gene\ta\tb\nX\t1\t2\nY\t3\n");
  expect_error<InputError>([&] { read_expression_table(path, "bulk"); }, {"t.tsv", "line 3", "2 fields", "expected 3"});
}

TEST(IoTables, TruncatedGzip) {
  TempDir dir;
  std::string content = "gene\ta\n";
  for (int i = 0; i < 20000; ++i) content += "G" + std::to_string(i) + "\t" + std::to_string(i * 7 % 1013) + "\n";
  EXPECT_EQ(read_expression_table(dir.write_gz("full.tsv.gz", content), "bulk").genes.size(), 20000u);
  std::string cut = dir.write_truncated_gz("cut.tsv.gz", content, 20000);
  expect_error<InputError>([&] { read_expression_table(cut, "bulk"); }, {"cut.tsv.gz", "truncated or corrupt gzip"});
}

TEST(IoTables, DuplicatedSampleNamesInHeader) {
  TempDir dir;
  std::string path = dir.write("t.tsv", "gene\ts1\ts2\ts1\nX\t1\t2\t3\n");
  expect_error<InputError>([&] { read_expression_table(path, "bulk"); },
                           {"t.tsv", "line 1", "'s1' appears twice", "columns 2 and 4"});
}

TEST(IoTables, DuplicatedSampleRows) {
  TempDir dir;
  std::string path = dir.write("p.tsv", "sample\tB\tT\nx\t0.5\t0.5\nx\t0.2\t0.8\n");
  expect_error<InputError>([&] { read_sample_table(path, "truth"); }, {"p.tsv", "sample 'x'", "more than one row"});
}

TEST(IoTables, NanAndInfAreRejected) {
  TempDir dir;
  std::string path = dir.write("t.csv", "gene,a\nX,nan\n");
  expect_error<InputError>([&] { read_expression_table(path, "bulk"); },
                           {"t.csv", "line 2", "column 2", "not a finite number"});
}

TEST(IoTables, EmptyTableAndEmptyGeneName) {
  TempDir dir;
  expect_error<InputError>([&] { read_expression_table(dir.write("e.tsv", ""), "bulk"); },
                           {"e.tsv", "empty bulk table"});
  expect_error<InputError>([&] { read_expression_table(dir.write("h.tsv", "gene\ta\n"), "bulk"); },
                           {"h.tsv", "no data rows"});
  expect_error<InputError>([&] { read_expression_table(dir.write("g.tsv", "gene\ta\n\t1\n"), "bulk"); },
                           {"g.tsv", "line 2", "empty gene name"});
}

TEST(IoTables, RStyleHeaderWithoutCornerAndSampleTable) {
  TempDir dir;
  std::string path = dir.write("p.tsv", "B\tT\nx\t0.25\t0.75\ny\t1e-3\t0.999\n");
  SampleTable t = read_sample_table(path, "truth");
  EXPECT_EQ(t.samples, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(t.columns, (std::vector<std::string>{"B", "T"}));
  EXPECT_DOUBLE_EQ(t.values(1, 0), 1e-3);
  SampleTable truth = read_sample_table(shared_data("finotello_pbmc/GSE107572_ground_truth_fractions.tsv"), "truth");
  EXPECT_EQ(truth.samples.size(), 9u);
  EXPECT_EQ(truth.columns.size(), 8u);
}

TEST(IoTables, GeneListSkipsCommentsBlanksAndRepeats) {
  TempDir dir;
  std::string path = dir.write("g.txt", "# panel\nCD3E\n\nMS4A1\textra\nCD3E\n  NKG7 \n");
  EXPECT_EQ(read_gene_list(path), (std::vector<std::string>{"CD3E", "MS4A1", "NKG7"}));
  expect_error<InputError>([&] { read_gene_list(dir.write("e.txt", "# nothing\n")); }, {"e.txt", "empty"});
}

TEST(IoTables, GeneListHeaderIsSkippedAndNamesTheGeneColumn) {
  TempDir dir;
  using Genes = std::vector<std::string>;
  // One column with a header, in any case; a header line of a one-column list is never taken as a gene.
  EXPECT_EQ(read_gene_list(dir.write("a.txt", "Gene\nCD3E\nMS4A1\n")), (Genes{"CD3E", "MS4A1"}));
  EXPECT_EQ(read_gene_list(dir.write("b.txt", "# from R\nSYMBOL\r\nCD3E\r\n")), (Genes{"CD3E"}));
  // Several columns: the first, or the one the header names as the gene column (here the second, CSV).
  EXPECT_EQ(read_gene_list(dir.write("c.tsv", "Gene Symbol\tscore\nCD3E\t1.5\nNKG7\t2\n")), (Genes{"CD3E", "NKG7"}));
  EXPECT_EQ(read_gene_list(dir.write("d.csv", "rank,gene_id,score\n1,ENSG01,3\n2,ENSG02,2\n")),
            (Genes{"ENSG01", "ENSG02"}));
  // No header: the first line is a gene (a multi-column row without a gene-like name is data).
  EXPECT_EQ(read_gene_list(dir.write("e.tsv", "CD3E\t1\nLYZ\t2\n")), (Genes{"CD3E", "LYZ"}));
  // The --stats table of `blue markers`: only selected rows; LYZ, significant for T but selected for Mono,
  // comes once and is not a repeat.
  EXPECT_EQ(read_gene_list(dir.write("s.tsv",
                                     "gene\tcell_type\tlog_fc\tp\tp_adj\tselected\n"
                                     "CD3E\tT\t2\t1e-9\t1e-8\t1\n"
                                     "LYZ\tT\t0.5\t0.01\t0.05\t0\n"
                                     "LYZ\tMono\t3\t1e-12\t1e-11\t1\n"
                                     "GNLY\tNK\t3\t1e-12\t1e-11\t0\n")),
            (Genes{"CD3E", "LYZ"}));
  expect_error<InputError>([&] { read_gene_list(dir.write("f.tsv", "gene\tselected\nCD3E\tmaybe\n")); },
                           {"f.tsv", "line 2", "selected = 'maybe'"});
  expect_error<InputError>([&] { read_gene_list(dir.write("g.csv", "score,symbol\n1,CD3E\n2\n")); },
                           {"g.csv", "line 3 has 1 field(s)", "gene column 2"});
  expect_error<InputError>([&] { read_gene_list(dir.write("h.txt", "genes\n\n")); }, {"h.txt", "empty"});
}

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
  expect_error<InputError>([&] { read_expression_table(path, "bulk"); }, {"t.tsv", "line 3", "column 3", "'b'", "'NA'", "not a number"});
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
  std::string full = dir.write_gz("full.tsv.gz", content);
  std::ifstream in(full, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string cut = dir.write("cut.tsv.gz", bytes.substr(0, bytes.size() / 2));
  EXPECT_EQ(read_expression_table(full, "bulk").genes.size(), 20000u);
  expect_error<InputError>([&] { read_expression_table(cut, "bulk"); }, {"cut.tsv.gz", "truncated or corrupt gzip"});
}

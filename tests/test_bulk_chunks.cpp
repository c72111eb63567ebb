// io/bulk_chunks: a bulk read a chunk of samples at a time gives, chunk by chunk, exactly the columns that
// read_expression_table gives for the whole table: text spilled to disk (duplicated genes summed), .h5ad
// read by rows from a csr_matrix X and from a dense X, and a table that fits one chunk read as usual.
#include <gtest/gtest.h>

#include "io/bulk_chunks.h"
#include "io/h5ad.h"
#include "io/tables.h"
#include "io_test_util.h"
#include "util/error.h"
#include "util/output.h"

using namespace blue;

namespace {

std::string example(const std::string& f) { return std::string(BLUE_SOURCE_DIR) + "/examples/" + f; }

// Every chunk of `path` read `chunk` samples at a time equals the matching columns of the whole table.
void expect_chunks_equal_whole(const std::string& path, std::size_t chunk, std::size_t expected_chunks) {
  const ExpressionTable whole = read_expression_table(path, "bulk");
  const BulkChunks chunks(path, "bulk", chunk);
  ASSERT_EQ(chunks.samples(), whole.columns);
  ASSERT_EQ(chunks.chunk_count(), expected_chunks);
  std::size_t seen = 0;
  for (std::size_t c = chunks.chunk_count(); c-- > 0;) {  // any order
    const ExpressionTable t = chunks.chunk(c);
    const auto first = static_cast<Eigen::Index>(chunks.chunk_first(c)),
               n = static_cast<Eigen::Index>(chunks.chunk_size(c));
    ASSERT_EQ(t.genes, whole.genes);
    ASSERT_EQ(t.values.cols(), n);
    EXPECT_EQ(t.columns.front(), whole.columns[static_cast<std::size_t>(first)]);
    EXPECT_EQ((t.values - whole.values.middleCols(first, n)).cwiseAbs().maxCoeff(), 0.0) << "chunk " << c;
    seen += static_cast<std::size_t>(n);
  }
  EXPECT_EQ(seen, whole.columns.size());
}

}  // namespace

TEST(BulkChunks, TextSpilledByChunkEqualsTheWholeTableWithDuplicatesSummed) {
  test::TempDir dir;
  const std::string path = dir.write("bulk.tsv",
                                     "gene\ts1\ts2\ts3\ts4\ts5\n"
                                     "A\t1\t2\t3\t4\t5\n"
                                     "B\t0.5\t0\t0\t7\t1e3\n"
                                     "A\t10\t20\t30\t40\t50\n"
                                     "C\t0\t0\t0\t0\t0.25\n");
  expect_chunks_equal_whole(path, 2, 3);
  const BulkChunks chunks(path, "bulk", 2);
  const ExpressionTable last = chunks.chunk(2);
  EXPECT_EQ(last.columns, std::vector<std::string>{"s5"});
  EXPECT_EQ(last.genes, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_DOUBLE_EQ(last.values(0, 0), 55.0);  // A's two rows summed
  EXPECT_DOUBLE_EQ(last.values(1, 0), 1000.0);
  expect_chunks_equal_whole(path, 5, 1);  // one chunk: read as usual
  expect_chunks_equal_whole(example("finotello_bulk.tsv.gz"), 4, 3);
}

TEST(BulkChunks, BadTextIsTheSameInputErrorAsReadingItWhole) {
  test::TempDir dir;
  const std::string path = dir.write("bad.tsv", "gene\ts1\ts2\ts3\nA\t1\t2\t3\nB\t1\tNA\t3\n");
  try {
    BulkChunks(path, "bulk", 1);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("line 3, column 3"), std::string::npos) << e.what();
  }
}

TEST(BulkChunks, H5adRowsOfCsrAndDenseMatricesEqualTheWholeTable) {
  // The example reference: cells as samples, X a csr_matrix.
  expect_chunks_equal_whole(example("pbmc3k_example.h5ad"), 97,
                            0 + (read_expression_table(example("pbmc3k_example.h5ad"), "bulk").columns.size() + 96) /
                                    97);
  // A dense X written by blue.
  const ExpressionTable fin = read_expression_table(example("finotello_bulk.tsv.gz"), "bulk");
  DenseAnnData a;
  a.obs_names = fin.columns;
  a.var_names = fin.genes;
  a.X = fin.values.transpose().cast<float>();
  test::TempDir dir;
  {
    StagedOutputs out(true);
    write_h5ad(out, dir.file("bulk.h5ad"), a);
    out.commit();
  }
  expect_chunks_equal_whole(dir.file("bulk.h5ad"), 2, 5);
}

TEST(BulkChunks, SampleNamesRepeatedInAnotherChunkAreAnInputError) {
  DenseAnnData a;
  a.obs_names = {"s1", "s2", "s1"};
  a.var_names = {"A", "B"};
  a.X = MatrixF::Ones(3, 2);
  test::TempDir dir;
  {
    StagedOutputs out(true);
    write_h5ad(out, dir.file("bulk.h5ad"), a);
    out.commit();
  }
  try {
    BulkChunks(dir.file("bulk.h5ad"), "bulk", 1);  // each chunk alone has unique names
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'s1' appears twice"), std::string::npos) << e.what();
  }
}

// read_reference on the real references in ../shared/data (pbmc3k as .h5ad and as 10x + labels,
// pbmc68k_reduced, wu2021_breast) and on small broken inputs written by the tests themselves.
#include <gtest/gtest.h>

#include <map>

#include "io/reference.h"
#include "io_test_util.h"
#include "util/error.h"

using namespace blue;
using blue::test::expect_error;
using blue::test::shared_data;
using blue::test::TempDir;

namespace {

ReferenceOptions pbmc3k_h5ad() {
  ReferenceOptions o;
  o.path = shared_data("pbmc3k/pbmc3k_raw_counts_labelled.h5ad");
  o.label_key = "cell_type";
  return o;
}

ReferenceOptions pbmc3k_10x() {
  ReferenceOptions o;
  o.path = shared_data("pbmc3k/mtx");
  o.labels_path = shared_data("pbmc3k/cell_metadata_labels.csv");
  o.label_key = "cell_type";
  return o;
}

std::map<std::string, int> type_sizes(const Reference& ref) {
  std::map<std::string, int> sizes;
  for (auto t : ref.cell_type_of) ++sizes[ref.cell_types[t]];
  return sizes;
}

}  // namespace

TEST(IoReference, Pbmc3kH5adAnd10xLoadIdentically) {
  Reference a = read_reference(pbmc3k_h5ad());
  Reference b = read_reference(pbmc3k_10x());
  // 2,700 cells of which 62 have a NaN label (dropped); 32,738 genes.
  EXPECT_EQ(a.n_cells(), 2638u);
  EXPECT_EQ(a.n_genes(), 32738u);
  EXPECT_EQ(a.genes, b.genes);
  EXPECT_EQ(a.cells, b.cells);
  EXPECT_EQ(a.cell_types, b.cell_types);
  EXPECT_EQ(a.cell_type_of, b.cell_type_of);
  EXPECT_EQ(a.counts.rows, b.counts.rows);
  EXPECT_EQ(a.counts.cols, b.counts.cols);
  EXPECT_EQ(a.counts.indptr, b.counts.indptr);
  EXPECT_EQ(a.counts.indices, b.counts.indices);
  EXPECT_EQ(a.counts.data, b.counts.data);
}

TEST(IoReference, Pbmc3kLabelsSortedWithDocumentedSizes) {
  Reference ref = read_reference(pbmc3k_h5ad());
  std::map<std::string, int> expected = {{"B", 344},  {"CD14+ Mono", 480},   {"CD8 T", 271},
                                         {"DC", 32},  {"FCGR3A+ Mono", 162}, {"Memory CD4 T", 483},
                                         {"NK", 155}, {"Naive CD4 T", 697},  {"Platelet", 14}};
  EXPECT_EQ(type_sizes(ref), expected);
  EXPECT_TRUE(std::is_sorted(ref.cell_types.begin(), ref.cell_types.end()));
  ASSERT_EQ(ref.counts.indptr.size(), ref.n_cells() + 1);
  for (std::size_t r = 0; r < ref.n_cells(); ++r)
    for (auto k = ref.counts.indptr[r] + 1; k < ref.counts.indptr[r + 1]; ++k)
      ASSERT_LT(ref.counts.indices[k - 1], ref.counts.indices[k]);
}

TEST(IoReference, Wu2021Breast10xWithLabels) {
  ReferenceOptions o;
  o.path = shared_data("wu2021_breast/mtx/matrix.mtx.gz");  // explicit matrix file: genes/barcodes beside it
  o.labels_path = shared_data("wu2021_breast/cell_metadata.csv");
  o.label_key = "celltype_major";
  Reference ref = read_reference(o);
  EXPECT_EQ(ref.n_cells(), 1564u);
  EXPECT_EQ(ref.n_genes(), 29733u);
  std::vector<std::string> types = {"B-cells",           "CAFs", "Cancer Epithelial", "Endothelial", "Myeloid",
                                    "Normal Epithelial", "PVL",  "Plasmablasts",      "T-cells"};
  EXPECT_EQ(ref.cell_types, types);
  EXPECT_EQ(ref.cells.front(), "CID4465_AAACGGGTCATCGATG");
  EXPECT_EQ(ref.cell_types[ref.cell_type_of.front()], "Endothelial");  // first row of cell_metadata.csv
  // Library sizes must match the metadata's nCount_RNA (1277 for the first cell).
  double first = 0;
  for (auto k = ref.counts.indptr[0]; k < ref.counts.indptr[1]; ++k) first += ref.counts.data[k];
  EXPECT_DOUBLE_EQ(first, 1277.0);
}

namespace {

// A 3-gene x 4-cell 10x directory: features.tsv with id + symbol, barcodes AAA..DDD.
std::string tiny_10x(const TempDir& dir) {
  std::filesystem::create_directories(dir.path() / "tenx");
  dir.write_gz(
      "tenx/matrix.mtx.gz",
      "%%MatrixMarket matrix coordinate integer general\n%comment\n3 4 5\n1 1 4\n3 1 1\n2 2 7\n1 4 2\n3 4 9\n");
  dir.write("tenx/features.tsv",
            "ENSG1\tGeneA\tGene Expression\nENSG2\tGeneB\tGene Expression\nENSG3\tGeneC\tGene Expression\n");
  dir.write("tenx/barcodes.tsv", "AAA\nBBB\nCCC\nDDD\n");
  return dir.file("tenx");
}

}  // namespace

TEST(IoReference, Tiny10xLabelsByNamedColumnWithMissingAndUnknownBarcodes) {
  TempDir dir;
  ReferenceOptions o;
  o.path = tiny_10x(dir);
  // CCC has no row (dropped), BBB is NA (dropped), ZZZ is not in the matrix (counted); quoted fields.
  o.labels_path = dir.write("labels.tsv", "type\tcell\nT\tDDD\n\"B, naive\"\tAAA\nNA\tBBB\nT\tZZZ\n");
  o.label_key = "type";
  o.barcode_column = "cell";
  Reference ref = read_reference(o);
  EXPECT_EQ(ref.genes, (std::vector<std::string>{"GeneA", "GeneB", "GeneC"}));
  EXPECT_EQ(ref.cells, (std::vector<std::string>{"AAA", "DDD"}));
  EXPECT_EQ(ref.cell_types, (std::vector<std::string>{"B, naive", "T"}));
  EXPECT_EQ(ref.cell_type_of, (std::vector<std::int32_t>{0, 1}));
  EXPECT_EQ(ref.counts.indptr, (std::vector<std::int64_t>{0, 2, 4}));
  EXPECT_EQ(ref.counts.indices, (std::vector<std::int32_t>{0, 2, 0, 2}));
  EXPECT_EQ(ref.counts.data, (std::vector<float>{4, 1, 2, 9}));
}

TEST(IoReference, LabelColumnThatDoesNotExist10x) {
  ReferenceOptions o = pbmc3k_10x();
  o.label_key = "celltype";
  expect_error<InputError>([&] { read_reference(o); },
                           {"cell_metadata_labels.csv", "no column 'celltype'", "--label-key", "cell_type"});
}

TEST(IoReference, MissingReferenceFile) {
  ReferenceOptions o = pbmc3k_h5ad();
  o.path = "/nonexistent/ref.h5ad";
  expect_error<InputError>([&] { read_reference(o); }, {"/nonexistent/ref.h5ad", "not found"});
}

TEST(IoReference, EmptyMatrix10x) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "e");
  dir.write("e/matrix.mtx", "%%MatrixMarket matrix coordinate real general\n3 2 0\n");
  dir.write("e/genes.tsv", "A\nB\nC\n");
  dir.write("e/barcodes.tsv", "x\ny\n");
  ReferenceOptions o;
  o.path = dir.file("e");
  o.labels_path = dir.write("l.csv", "barcode,type\nx,T\ny,B\n");
  o.label_key = "type";
  expect_error<InputError>([&] { read_reference(o); }, {"empty matrix", "0 non-zero"});
}

TEST(IoReference, MatrixMarketEntryOutOfRange) {
  TempDir dir;
  std::string path = tiny_10x(dir);
  dir.write_gz("tenx/matrix.mtx.gz", "%%MatrixMarket matrix coordinate integer general\n3 4 2\n1 1 4\n4 2 1\n");
  ReferenceOptions o;
  o.path = path;
  o.labels_path = dir.write("l.csv", "barcode,type\nAAA,T\n");
  o.label_key = "type";
  expect_error<InputError>([&] { read_reference(o); },
                           {"matrix.mtx.gz", "line 4", "outside the declared 3 genes x 4 cells"});
}

TEST(IoReference, TruncatedMatrixMarketGzip) {
  TempDir dir;
  std::string path = tiny_10x(dir);
  std::string body = "%%MatrixMarket matrix coordinate integer general\n3 4 20000\n";
  for (int i = 0; i < 20000; ++i)
    body += std::to_string(i % 3 + 1) + " " + std::to_string(i % 4 + 1) + " " + std::to_string(i % 11 + 1) + "\n";
  dir.write_truncated_gz("tenx/matrix.mtx.gz", body, 10);
  ReferenceOptions o;
  o.path = path;
  o.labels_path = dir.write("l.csv", "barcode,type\nAAA,T\n");
  o.label_key = "type";
  expect_error<InputError>([&] { read_reference(o); }, {"matrix.mtx.gz", "truncated or corrupt gzip"});
}

TEST(IoReference, TenxWithoutLabelsIsAUsageError) {
  ReferenceOptions o = pbmc3k_10x();
  o.labels_path.clear();
  expect_error<UsageError>([&] { read_reference(o); }, {"--labels"});
}

TEST(IoReference, ConflictingLabelsForOneBarcode) {
  TempDir dir;
  ReferenceOptions o;
  o.path = tiny_10x(dir);
  o.labels_path = dir.write("labels.csv", "barcode,type\nAAA,T\nBBB,B\nAAA,NK\n");
  o.label_key = "type";
  expect_error<InputError>([&] { read_reference(o); }, {"labels.csv", "line 4", "'AAA' appears again", "'T' vs 'NK'"});
}

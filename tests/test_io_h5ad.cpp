// The .h5ad reader on fixtures with known content (tests/fixtures/h5ad, see its make_fixtures.py):
// CSR/CSC/dense X, layers, raw, old and new categorical encodings, LZF, broken files; and pbmc68k_reduced.
#include <gtest/gtest.h>

#include "io/h5_util.h"
#include "io/reference.h"
#include "io/tables.h"
#include "io_test_util.h"
#include "util/error.h"

using namespace blue;
using blue::test::expect_error;
using blue::test::shared_data;

namespace {

std::string fixture(const std::string& name) { return std::string(BLUE_FIXTURES) + "/h5ad/" + name; }

Reference load(const std::string& name, const std::string& layer = "", const std::string& gene_column = "") {
  ReferenceOptions o;
  o.path = fixture(name);
  o.label_key = "cell_type";
  o.layer = layer;
  o.gene_column = gene_column;
  return read_reference(o);
}

// Dense copy of a reference's counts, for exact comparisons on tiny fixtures.
std::vector<std::vector<float>> dense(const Reference& r) {
  std::vector<std::vector<float>> out(r.counts.rows, std::vector<float>(r.counts.cols, 0.0f));
  for (std::int64_t i = 0; i < r.counts.rows; ++i)
    for (auto k = r.counts.indptr[i]; k < r.counts.indptr[i + 1]; ++k) out[i][r.counts.indices[k]] = r.counts.data[k];
  return out;
}

// The fixture matrix without cell c3 (NaN label), times `scale`.
std::vector<std::vector<float>> expected(float scale = 1.0f) {
  std::vector<std::vector<float>> m = {{1, 0, 2, 0, 0}, {0, 3, 0, 0, 4}, {0, 0, 7, 0, 8}};
  for (auto& row : m)
    for (auto& v : row) v *= scale;
  return m;
}

void expect_fixture(const Reference& r, float scale = 1.0f) {
  EXPECT_EQ(r.cells, (std::vector<std::string>{"c1", "c2", "c4"}));
  EXPECT_EQ(r.cell_types, (std::vector<std::string>{"B", "T"}));
  EXPECT_EQ(r.cell_type_of, (std::vector<std::int32_t>{1, 0, 1}));
  EXPECT_EQ(dense(r), expected(scale));
}

const std::vector<std::string> kGenes = {"G1", "G2", "G3", "G4", "G5"};

}  // namespace

TEST(IoH5ad, NewEncodingCsrWithInt64Indices) {
  Reference r = load("new_csr_int64.h5ad");
  EXPECT_EQ(r.genes, kGenes);
  expect_fixture(r);
}

TEST(IoH5ad, CscConvertedToCsr) {
  Reference r = load("anndata_csc.h5ad");
  EXPECT_EQ(r.genes, kGenes);
  expect_fixture(r);
}

TEST(IoH5ad, DenseXLayerAndRaw) {
  expect_fixture(load("anndata_dense.h5ad"));
  expect_fixture(load("anndata_dense.h5ad", "counts"));
  Reference raw = load("anndata_dense.h5ad", "raw");
  EXPECT_EQ(raw.genes, (std::vector<std::string>{"R1", "R2", "R3", "R4", "R5"}));  // genes from raw/var
  expect_fixture(raw, 10.0f);
}

TEST(IoH5ad, OldCategoricalEncodingWithObjectReference) {
  Reference r = load("old_categorical.h5ad");
  EXPECT_EQ(r.genes, kGenes);
  expect_fixture(r);
}

TEST(IoH5ad, GeneColumnWithDuplicatesSummed) {
  Reference r = load("new_csr_int64.h5ad", "", "symbol");
  ASSERT_EQ(r.genes, (std::vector<std::string>{"A", "B", "C", "E"}));  // G1 and G4 are both "A"
  std::vector<std::vector<float>> want = {{1, 0, 2, 0}, {0, 3, 0, 4}, {0, 0, 7, 8}};
  EXPECT_EQ(dense(r), want);
}

TEST(IoH5ad, LzfCompressedDenseAndSparse) {
  for (const char* layer : {"", "counts"}) {
    Reference r = load("anndata_lzf.h5ad", layer);
    ASSERT_EQ(r.n_cells(), 150u) << layer;  // 200 cells, every 4th unlabelled
    std::vector<std::vector<float>> m = dense(r);
    for (std::size_t i = 0; i < m.size(); ++i) EXPECT_EQ(m[i], expected()[i % 3]) << "cell " << i << " layer " << layer;
  }
}

TEST(IoH5ad, WithoutX) {
  expect_error<InputError>([] { load("no_x.h5ad"); }, {"no_x.h5ad", "no 'X' matrix"});
}

TEST(IoH5ad, IndptrNotMonotone) {
  expect_error<InputError>([] { load("indptr_decreasing.h5ad"); }, {"indptr_decreasing.h5ad", "X", "not monotone"});
}

TEST(IoH5ad, IndexOutOfRange) {
  expect_error<InputError>([] { load("index_out_of_range.h5ad"); },
                           {"index_out_of_range.h5ad", "X", "'indices' entry 3 is 9", "out of range [0, 5)"});
}

TEST(IoH5ad, EmptyMatrix) {
  expect_error<InputError>([] { load("empty.h5ad"); }, {"empty.h5ad", "empty matrix", "0 cells"});
}

TEST(IoH5ad, LabelColumnThatDoesNotExist) {
  ReferenceOptions o;
  o.path = fixture("new_csr_int64.h5ad");
  o.label_key = "celltype";
  expect_error<InputError>([&] { read_reference(o); },
                           {"new_csr_int64.h5ad", "no column 'celltype'", "batch", "cell_type"});
}

TEST(IoH5ad, UnknownLayer) {
  expect_error<InputError>([] { load("anndata_dense.h5ad", "spliced"); }, {"no layer 'spliced'", "counts", "raw"});
}

TEST(IoH5ad, NotAnHdf5File) {
  blue::test::TempDir dir;
  std::string path = dir.write("fake.h5ad", "hello");
  ReferenceOptions o;
  o.path = path;
  o.label_key = "cell_type";
  expect_error<InputError>([&] { read_reference(o); }, {"fake.h5ad", "not an HDF5"});
}

TEST(IoH5ad, Pbmc68kReducedDenseXAndRaw) {
  ReferenceOptions o;
  o.path = shared_data("pbmc68k_reduced/10x_pbmc68k_reduced.h5ad");
  o.label_key = "bulk_labels";
  // X holds scaled (z-scored) values, not counts: refused with the first offending entry.
  expect_error<InputError>([&] { read_reference(o); },
                           {"cell 1 ('AAAGCCTGGCTAAC-1'), gene 1 ('HES4')", "is negative", "expected raw counts"});
  o.layer = "raw";
  Reference raw = read_reference(o);
  EXPECT_EQ(raw.n_cells(), 700u);
  EXPECT_EQ(raw.n_genes(), 765u);
  EXPECT_EQ(raw.n_types(), 10u);
  EXPECT_TRUE(std::is_sorted(raw.cell_types.begin(), raw.cell_types.end()));
  EXPECT_EQ(raw.counts.nnz(), 174400);  // raw/X/data has 174,400 stored values, none zero
}

TEST(IoH5ad, ExpressionTableFromH5adIsTransposed) {
  ExpressionTable t = read_expression_table(fixture("anndata_csc.h5ad"), "bulk");
  EXPECT_EQ(t.genes, kGenes);
  EXPECT_EQ(t.columns, (std::vector<std::string>{"c1", "c2", "c3", "c4"}));
  EXPECT_DOUBLE_EQ(t.values(3, 2), 6.0);  // G4 in c3
  EXPECT_DOUBLE_EQ(t.values(4, 3), 8.0);  // G5 in c4
  EXPECT_DOUBLE_EQ(t.values.sum(), 36.0);
}

namespace {

// A do-nothing "compression" filter, registered only while writing, so that the reader finds it missing
// the way a file compressed with a plugin this build lacks (blosc, zstd, ...) would look.
size_t identity_filter(unsigned, size_t, const unsigned[], size_t nbytes, size_t*, void**) { return nbytes; }
constexpr H5Z_filter_t kFakeFilter = 32099;

}  // namespace

TEST(IoH5ad, UnavailableCompressionFilterSaysHowToRewrite) {
  blue::test::TempDir dir;
  std::string path = dir.file("filtered.h5ad");
  std::filesystem::copy_file(fixture("new_csr_int64.h5ad"), path);
  const H5Z_class2_t cls = {H5Z_CLASS_T_VERS, kFakeFilter, 1, 1, "fake", nullptr, nullptr, identity_filter};
  ASSERT_GE(H5Zregister(&cls), 0);
  {
    h5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
    ASSERT_GE(H5Ldelete(file.get(), "X/data", H5P_DEFAULT), 0);
    hsize_t n = 8, chunk = 4;
    h5::Handle space(H5Screate_simple(1, &n, nullptr));
    h5::Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
    H5Pset_chunk(dcpl.get(), 1, &chunk);
    H5Pset_filter(dcpl.get(), kFakeFilter, H5Z_FLAG_MANDATORY, 0, nullptr);
    h5::Handle d(H5Dcreate2(file.get(), "X/data", H5T_NATIVE_FLOAT, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT));
    const float values[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    ASSERT_GE(H5Dwrite(d.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), 0);
  }
  ASSERT_GE(H5Zunregister(kFakeFilter), 0);
  expect_error<InputError>(
      [&] {
        ReferenceOptions o;
        o.path = path;
        o.label_key = "cell_type";
        read_reference(o);
      },
      {"filtered.h5ad", "'X/data'", "filter 32099", "compression=\"gzip\""});
}

TEST(IoH5ad, PreAnndata07CompoundObsIsExplained) {
  expect_error<InputError>([] { load("old_compound_obs.h5ad"); }, {"old_compound_obs.h5ad", "pre-0.7", "write_h5ad"});
}

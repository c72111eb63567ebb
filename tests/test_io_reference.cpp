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
  std::map<std::string, int> expected = {{"B", 344},          {"CD14+ Mono", 480},   {"CD8 T", 271},
                                         {"DC", 32},          {"FCGR3A+ Mono", 162}, {"Memory CD4 T", 483},
                                         {"NK", 155},         {"Naive CD4 T", 697},  {"Platelet", 14}};
  EXPECT_EQ(type_sizes(ref), expected);
  EXPECT_TRUE(std::is_sorted(ref.cell_types.begin(), ref.cell_types.end()));
  ASSERT_EQ(ref.counts.indptr.size(), ref.n_cells() + 1);
  for (std::size_t r = 0; r < ref.n_cells(); ++r)
    for (auto k = ref.counts.indptr[r] + 1; k < ref.counts.indptr[r + 1]; ++k)
      ASSERT_LT(ref.counts.indices[k - 1], ref.counts.indices[k]);
}

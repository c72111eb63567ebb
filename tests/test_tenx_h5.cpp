// Cell Ranger's HDF5 matrix as a reference: the 300-cell fixture (tests/fixtures/tenx_h5, written from the
// shared pbmc3k counts by make_tenx_h5.py, with one antibody feature) reads to exactly the counts of the
// same cells in the shared Matrix Market files, leaves the antibody out, takes Ensembl IDs with
// --gene-column id, and trains end to end.
#include <gtest/gtest.h>

#include "io/reference.h"
#include "io/tenx_reader.h"
#include "sim_cli.h"
#include "util/error.h"

using namespace blue;
using namespace blue::sim_test;

namespace {

const std::string kDir = std::string(BLUE_FIXTURES) + "/tenx_h5/";

}  // namespace

TEST(TenxH5, SameCountsAsTheMatrixMarketFiles) {
  const TenxMatrix h5 = read_10x_h5(kDir + "pbmc3k_300.h5", "");
  const TenxMatrix mtx = read_10x(locate_10x(shared("pbmc3k/mtx")));
  ASSERT_EQ(h5.counts.rows, 300);
  EXPECT_EQ(h5.genes, mtx.genes);  // the antibody feature is left out
  EXPECT_EQ(h5.counts.cols, mtx.counts.cols);
  for (std::int64_t c = 0; c < 300; ++c) {
    ASSERT_EQ(h5.barcodes[static_cast<std::size_t>(c)], mtx.barcodes[static_cast<std::size_t>(c)]);
    const auto a0 = h5.counts.indptr[c], a1 = h5.counts.indptr[c + 1];
    const auto b0 = mtx.counts.indptr[c], b1 = mtx.counts.indptr[c + 1];
    ASSERT_EQ(a1 - a0, b1 - b0) << "cell " << c;
    for (auto k = 0; k < a1 - a0; ++k) {
      ASSERT_EQ(h5.counts.indices[a0 + k], mtx.counts.indices[b0 + k]);
      ASSERT_EQ(h5.counts.data[a0 + k], mtx.counts.data[b0 + k]);
    }
  }
  const TenxMatrix ids = read_10x_h5(kDir + "pbmc3k_300.h5", "id");
  const auto cd3e = std::find(h5.genes.begin(), h5.genes.end(), "CD3E") - h5.genes.begin();
  EXPECT_EQ(ids.genes[static_cast<std::size_t>(cd3e)], "ENSG00000198851");
  EXPECT_THROW(read_10x_h5(kDir + "labels_300.csv", ""), InputError);
}

TEST(TenxH5, ReferenceWithLabelsTrains) {
  ScratchDir dir("blue_tenx_h5");
  auto r = run_blue("train -r " + quote(kDir + "pbmc3k_300.h5") + " --labels " + quote(kDir + "labels_300.csv") +
                        " --label-key cell_type --exclude-types DC,Platelet --projection 64 --base-channels 2 "
                        "--samples 40 --val-samples 20 --epochs 1 --batch-size 16 --threads 2 -o " +
                        quote(dir / "m.blue"),
                    dir / "err");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("1 features that are not 'Gene Expression' left out"), std::string::npos) << r.err;
}

// Donor-aware references and pseudobulk: the reader keeps each cell's donor and selects donors; every
// simulated sample draws its cells from one donor, types the donor lacks are absent, and `blue simulate
// --donor-key` writes the donor of each sample in obs.
#include <gtest/gtest.h>

#include <map>

#include "io/h5ad_reader.h"
#include "io/reference.h"
#include "sim_cli.h"
#include "simulate/simulate.h"
#include "tiny_reference.h"
#include "util/error.h"

using namespace blue;
using namespace blue::sim_test;

namespace {

const char* const kAml = "vangalen2019_aml/vangalen2019_aml_13samples.h5ad";

// Types A (gene 0) and B (gene 1); donor d1 cells also express gene 2, donor d2 cells gene 3. d1 has 6
// cells of A and 6 of B, d2 has 6 of A and none of B.
Reference two_donor_reference() {
  std::vector<std::vector<float>> rows;
  std::vector<std::string> labels;
  std::vector<std::int32_t> donor;
  auto add = [&](int type, int d, int n) {
    for (int i = 0; i < n; ++i) {
      std::vector<float> row(4, 0.0f);
      row[static_cast<std::size_t>(type)] = static_cast<float>(5 + i);
      row[static_cast<std::size_t>(2 + d)] = 1.0f;
      rows.push_back(row);
      labels.push_back(type == 0 ? "A" : "B");
      donor.push_back(d);
    }
  };
  add(0, 0, 6);
  add(1, 0, 6);
  add(0, 1, 6);
  Reference ref = test_data::make_reference(rows, labels);
  ref.donors = {"d1", "d2"};
  ref.donor_of = donor;
  return ref;
}

}  // namespace

TEST(SimulateDonors, EverySampleDrawsFromOneDonorAndItsTypes) {
  const Reference ref = two_donor_reference();
  std::vector<std::vector<std::int64_t>> all(2);
  for (std::size_t c = 0; c < ref.n_cells(); ++c)
    all[static_cast<std::size_t>(ref.cell_type_of[c])].push_back(static_cast<std::int64_t>(c));
  const DonorPools donors = pools_by_donor(ref, all);
  ASSERT_EQ(donors.names, (std::vector<std::string>{"d1", "d2"}));
  EXPECT_EQ(donors.pools[1][1].size(), 0u);
  SimulationOptions options;
  options.samples = 40;
  options.cells_per_sample = 50;
  const Pseudobulk pb = simulate_donors(ref, all_gene_columns(ref), donors, options);
  ASSERT_EQ(pb.donor.size(), pb.n_samples());
  std::map<std::string, int> per_donor;
  for (std::size_t i = 0; i < pb.n_samples(); ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    ++per_donor[pb.donor[i]];
    if (pb.donor[i] == "d1") {
      EXPECT_GT(pb.bulk(r, 2), 0.0f);
      EXPECT_EQ(pb.bulk(r, 3), 0.0f);  // no cell of d2
    } else {
      EXPECT_EQ(pb.bulk(r, 2), 0.0f);
      EXPECT_FLOAT_EQ(pb.bulk(r, 3), 1.0f);   // every drawn cell is d2's (one count each)
      EXPECT_EQ(pb.proportions(r, 1), 0.0f);  // d2 has no B
      EXPECT_FLOAT_EQ(pb.proportions(r, 0), 1.0f);
    }
    for (Eigen::Index g = 0; g < 4; ++g) {  // bulk = sum_k p_k GEP_k still holds exactly
      const float rebuilt = pb.proportions(r, 0) * pb.gep[0](r, g) + pb.proportions(r, 1) * pb.gep[1](r, g);
      EXPECT_NEAR(pb.bulk(r, g), rebuilt, 1e-5f * (1.0f + pb.bulk(r, g)));
    }
  }
  EXPECT_EQ(per_donor["d1"], per_donor["d2"]);  // balanced: sample i takes donor i mod 2
}

TEST(SimulateDonors, ReaderSelectsDonorsOfTheRealAmlReference) {
  ReferenceOptions o;
  o.path = shared(kAml);
  o.label_key = "cell_type";
  o.donor_key = "patient";
  o.donors = {"BM1", "BM2"};
  const Reference ref = read_reference(o);
  EXPECT_EQ(ref.n_cells(), 296u);  // counted with anndata: 108 + 188 cells of the two normal marrows
  EXPECT_EQ(ref.n_types(), 15u);   // no malignant type in normal bone marrow
  EXPECT_EQ(ref.donors, (std::vector<std::string>{"BM1", "BM2"}));
  ASSERT_EQ(ref.donor_of.size(), ref.n_cells());
  o.donors = {"BM1", "AML999"};
  try {
    read_reference(o);
    FAIL() << "an unknown donor was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("AML999"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("AML1012"), std::string::npos) << e.what();  // lists what there is
  }
  o.donor_key.clear();
  EXPECT_THROW(read_reference(o), UsageError);  // --donors without --donor-key
}

TEST(SimulateDonors, CliWritesTheDonorOfEverySample) {
  ScratchDir dir("blue_sim_donors");
  const std::string out = dir / "held_out.h5ad";
  auto r = run_blue("simulate -r " + quote(shared(kAml)) +
                        " --label-key cell_type --donor-key patient --donors "
                        "BM1,BM2 --split all --samples 30 --cells 100 --threads 2 --exclude-types B,NK -o " +
                        quote(out),
                    dir / "err");
  ASSERT_EQ(r.code, 0) << r.err;
  H5adFile f(out);
  const std::vector<std::string> donor = f.column("obs", "donor");
  ASSERT_FALSE(donor.empty());
  int bm1 = 0;
  for (const auto& d : donor) {
    ASSERT_TRUE(d == "BM1" || d == "BM2") << d;
    bm1 += d == "BM1";
  }
  EXPECT_EQ(bm1 * 2, static_cast<int>(donor.size()));
}

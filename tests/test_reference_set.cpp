// Several references at once: the label map (parsing, specific rows over "*", "-" drops, unmapped labels
// refused), the combination over shared genes (exact counts of tiny references whose genes come in other
// orders), each reference as a donor, and `blue train -r A -r B --label-map` end to end on real references.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>

#include "io/h5ad.h"
#include "io/tables.h"
#include "sim_cli.h"
#include "simulate/reference_set.h"
#include "tiny_reference.h"
#include "util/error.h"

using namespace blue;
using namespace blue::sim_test;

namespace {

// Dense value of cell `c`, gene `g` of a CSR reference.
float at(const Reference& ref, std::int64_t c, std::int32_t g) {
  for (auto j = ref.counts.indptr[c]; j < ref.counts.indptr[c + 1]; ++j) {
    if (ref.counts.indices[j] == g) return ref.counts.data[j];
  }
  return 0.0f;
}

std::string example(const std::string& f) { return std::string(BLUE_SOURCE_DIR) + "/examples/" + f; }

}  // namespace

TEST(LabelMap, ReadsRowsAndRefusesMalformedFiles) {
  ScratchDir dir("blue_label_map");
  const LabelMap map =
      read_label_map(write_file(dir, "ok.tsv", "# comment\nreference\tlabel\ttype\na.h5ad\tT\tCD4 T\n\n*\tMono\t-\n"));
  ASSERT_EQ(map.rows.size(), 2u);
  EXPECT_EQ(map.rows[0].type, "CD4 T");
  EXPECT_EQ(map.rows[1].reference, "*");
  EXPECT_EQ(map.rows[1].line, 5);
  auto message = [&](const std::string& text) { return input_error_for(dir, text, read_label_map); };
  EXPECT_NE(message("ref\tlabel\ttype\na\tb\tc\n").find("line 1: expected the header"), std::string::npos);
  EXPECT_NE(message("reference\tlabel\ttype\na\tb\n").find("line 2: expected 3 non-empty fields"), std::string::npos);
  EXPECT_NE(
      message("reference\tlabel\ttype\na\tb\tc\na\tb\td\n").find("line 3: reference 'a', label 'b' is mapped twice"),
      std::string::npos);
  EXPECT_NE(message("reference\tlabel\ttype\n").find("no rows"), std::string::npos);
}

TEST(LabelMap, SpecificRowsWinOverStarAndDashDropsCells) {
  ScratchDir dir("blue_label_map_apply");
  const LabelMap map = read_label_map(write_file(
      dir, "m.tsv", "reference\tlabel\ttype\n*\tT\tT cells\nr1\tT\tCD4 T\nr1\tMono\tMonocytes\n*\tEry\t-\n"));
  Reference ref = test_data::make_reference({{1, 0}, {2, 0}, {0, 3}, {5, 5}}, {"T", "T", "Mono", "Ery"});
  apply_label_map(ref, "r1", "data/r1", map);
  EXPECT_EQ(ref.cell_types, (std::vector<std::string>{"CD4 T", "Monocytes"}));
  ASSERT_EQ(ref.n_cells(), 3u);  // the Ery cell is dropped
  EXPECT_EQ(ref.cell_type_of, (std::vector<std::int32_t>{0, 0, 1}));
  EXPECT_EQ(ref.counts.rows, 3);

  Reference other = test_data::make_reference({{1, 0}, {0, 3}}, {"T", "B"});
  try {
    apply_label_map(other, "r2", "data/r2", map);
    FAIL() << "an unmapped label passed";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("reference 'r2' has 1 label(s) that the label map does not map: B"), std::string::npos) << msg;
    EXPECT_NE(msg.find("type - to drop"), std::string::npos) << msg;
  }
}

TEST(CombineReferences, KeepsSharedGenesWithExactCountsAndMakesEachReferenceADonor) {
  // r1: genes g0 g1 g2; r2: genes g2 gX g0 (another order, one gene r1 lacks), with donors d1/d2.
  Reference r1 = test_data::make_reference({{1, 2, 3}, {4, 0, 6}}, {"A", "B"});
  Reference r2 = test_data::make_reference({{7, 8, 9}, {0, 1, 2}, {3, 0, 0}}, {"B", "C", "B"});
  r2.genes = {"g2", "gX", "g0"};
  r2.donors = {"d1", "d2"};
  r2.donor_of = {1, 0, 1};
  const Reference ref = combine_references({r1, r2}, {"r1", "r2"}, 2);
  EXPECT_EQ(ref.genes, (std::vector<std::string>{"g0", "g2"}));
  EXPECT_EQ(ref.cell_types, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(ref.cells, (std::vector<std::string>{"r1:c0", "r1:c1", "r2:c0", "r2:c1", "r2:c2"}));
  EXPECT_EQ(ref.cell_type_of, (std::vector<std::int32_t>{0, 1, 1, 2, 1}));
  EXPECT_EQ(ref.donors, (std::vector<std::string>{"r1", "r2:d1", "r2:d2"}));
  EXPECT_EQ(ref.donor_of, (std::vector<std::int32_t>{0, 0, 2, 1, 2}));
  const std::vector<std::vector<float>> expected = {{1, 3}, {4, 6}, {9, 7}, {2, 0}, {0, 3}};
  for (std::int64_t c = 0; c < 5; ++c) {
    for (std::int32_t g = 0; g < 2; ++g) EXPECT_EQ(at(ref, c, g), expected[c][g]) << "cell " << c << " gene " << g;
    for (auto j = ref.counts.indptr[c] + 1; j < ref.counts.indptr[c + 1]; ++j)
      EXPECT_LT(ref.counts.indices[j - 1], ref.counts.indices[j]);  // sorted columns
  }
  EXPECT_EQ(ref.counts.nnz(), 8);
  try {
    combine_references({r1, r2}, {"r1", "r2"}, 3);
    FAIL() << "two shared genes passed a minimum of 3";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("share only 2 gene(s)"), std::string::npos) << e.what();
  }
}

TEST(CombineReferences, NamesReferencesByFileUnlessTwoShareOne) {
  EXPECT_EQ(reference_names({"data/a.h5ad", "other/b/"}), (std::vector<std::string>{"a.h5ad", "b"}));
  EXPECT_EQ(reference_names({"x/matrix", "y/matrix"}), (std::vector<std::string>{"x/matrix", "y/matrix"}));
}

// pbmc3k's example subset and van Galen's normal immune cells (Seq-Well) on the coarse vocabulary of
// bench/pbmc_coarse_label_map.tsv: the model's types are the map's, each training sample comes from one
// reference, and a bad option count or an unmapped label is refused before any training.
TEST(TrainCli, SeveralReferencesWithALabelMap) {
  ScratchDir dir("blue_multi_reference");
  const std::string map = std::string(BLUE_SOURCE_DIR) + "/bench/pbmc_coarse_label_map.tsv";
  const std::string pbmc = example("pbmc3k_example.h5ad");
  // The example subset is named differently from the full pbmc3k file the map names.
  std::string text = slurp(map);
  for (std::size_t p; (p = text.find("pbmc3k_raw_counts_labelled.h5ad")) != std::string::npos;)
    text.replace(p, 31, "pbmc3k_example.h5ad");
  const std::string local_map = write_file(dir, "map.tsv", text);
  const std::string refs = "train -r " + quote(pbmc) + " -r " +
                           quote(shared("vangalen2019_aml/vangalen2019_aml_13samples.h5ad")) +
                           " --label-key cell_type --threads 2 ";
  const std::string small =
      " --projection 64 --base-channels 2 --samples 60 --val-samples 20 --epochs 1 --batch-size 16";
  auto r = run_blue(refs + "--label-map " + quote(local_map) + small + " --out " + quote(dir / "m.blue"), dir / "err");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("every sample drawn from one of 2 donors: pbmc3k_example.h5ad, vangalen2019_aml_13samples.h5ad"),
            std::string::npos)
      << r.err;
  const auto prov = nlohmann::json::parse(slurp(dir / "m.blue.provenance.json"));
  ASSERT_TRUE(prov.contains("references")) << prov.dump();
  EXPECT_EQ(prov["references"].size(), 2u);
  EXPECT_TRUE(prov["inputs"].contains("reference_2"));
  EXPECT_TRUE(prov["inputs"].contains("label_map"));
  r = run_blue("deconvolve -q -m " + quote(dir / "m.blue") + " -b " + quote(example("finotello_bulk.tsv.gz")) + " -o " +
                   quote(dir / "out"),
               dir / "dec.err");
  ASSERT_EQ(r.code, 0) << r.err;
  const SampleTable p = read_sample_table(dir / "out/proportions.tsv", "proportions");
  EXPECT_EQ(p.columns, (std::vector<std::string>{"B", "CD4 T", "CD8 T", "DC", "Monocytes", "NK", "Platelet"}));

  r = run_blue(refs + "--labels a b c" + small + " --out " + quote(dir / "bad.blue"), dir / "bad.err");
  EXPECT_EQ(r.code, 1) << r.err;  // usage
  EXPECT_NE(r.err.find("--labels is given 3 times for 2 references"), std::string::npos) << r.err;
  const std::string partial = write_file(dir, "partial.tsv", "reference\tlabel\ttype\n*\tB\tB\n");
  r = run_blue(refs + "--label-map " + quote(partial) + small + " --out " + quote(dir / "bad.blue"), dir / "bad.err");
  EXPECT_EQ(r.code, 2) << r.err;  // input
  EXPECT_NE(r.err.find("reference 'pbmc3k_example.h5ad' has 8 label(s) that the label map does not map"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "bad.blue"));
}

// The van Galen AML reference restricted to the 714 genes TCGA-AML measured (train --bulk-genes with the
// bulk table itself): every panel gene is in the cohort, so deconvolve finds them all, and the type left
// with fewer than 10 markers there (pDC, 9) is named.
TEST(TrainCli, BulkGenesRestrictThePanelToTheCohort) {
  ScratchDir dir("blue_bulk_genes");
  const std::string tcga = shared("tcga_laml/iNETgrate_toyRawAml_genExpr_714genes.tsv.gz");
  auto r = run_blue("train -r " + quote(shared("vangalen2019_aml/vangalen2019_aml_13samples.h5ad")) +
                        " --label-key cell_type --bulk-genes " + quote(tcga) +
                        " --projection 64 --base-channels 2 --samples 60 --val-samples 20 --epochs 1 --batch-size 16 "
                        "--threads 2 -o " +
                        quote(dir / "aml.blue"),
                    dir / "train.err");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("698 of its 712 genes are in the reference"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("fewer than 10 marker genes among the cohort's genes: pDC (9)"), std::string::npos) << r.err;
  r = run_blue("deconvolve -m " + quote(dir / "aml.blue") + " -b " + quote(tcga) + " --threads 2 -o " +
                   quote(dir / "out"),
               dir / "dec.err");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.find("missing from bulk"), std::string::npos) << r.err;
}

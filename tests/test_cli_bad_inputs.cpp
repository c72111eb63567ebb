// The bad-input corpus (tests/fixtures/bad_inputs, explained in its README.md): every broken file is run
// through the real `blue` executable. A rejected input must give the documented non-zero exit code, exactly
// one error line naming the file and the location, and leave nothing in the output folder (no result, no
// provenance, no temporary). An input that is legitimately accepted must succeed with the expected warning.
// A second table checks, per subcommand, that an existing output is not replaced without --force.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "io/tables.h"
#include "io_test_util.h"
#include "sim_cli.h"

namespace fs = std::filesystem;
using blue::sim_test::run_blue;
using blue::sim_test::slurp;

namespace {

struct BadInput {
  const char* name;  // test name suffix
  const char* args;  // {fx} = bad_inputs fixtures, {h5} = h5ad fixtures, {fixtures} = all, {out} = output path
  int code;          // expected exit code (0: legitimately accepted)
  std::vector<const char*> fragments;  // must all appear in stderr (error or warning)
};

void PrintTo(const BadInput& c, std::ostream* os) { *os << c.name << ": blue " << c.args; }

std::string replace_all(std::string s, const std::string& key, const std::string& value) {
  for (std::size_t at = s.find(key); at != std::string::npos; at = s.find(key, at + value.size()))
    s.replace(at, key.size(), value);
  return s;
}

std::string expand(const std::string& args, const std::string& out) {
  const std::string fixtures = BLUE_FIXTURES;
  std::string s = replace_all(args, "{fx}", fixtures + "/bad_inputs");
  s = replace_all(s, "{h5}", fixtures + "/h5ad");
  s = replace_all(s, "{fixtures}", fixtures);
  return replace_all(s, "{out}", out);
}

std::size_t count_lines_starting(const std::string& text, const std::string& prefix) {
  std::size_t n = text.rfind(prefix, 0) == 0;
  for (std::size_t at = text.find("\n" + prefix); at != std::string::npos; at = text.find("\n" + prefix, at + 1)) ++n;
  return n;
}

#define NNLS "nnls --quiet --threads 1 --min-genes 3 --signature {fx}/signature.tsv --out {out} --bulk "
#define NNLS_BULK(file) "nnls --threads 1 --min-genes 3 --signature {fx}/signature.tsv --out {out} --bulk {fx}/" file
#define MARKERS "markers --threads 1 --per-type 2 --label-key cell_type --out {out} --reference "
#define EVALUATE "evaluate --pred {fx}/truth.tsv --out {out} --truth "
#define SIMULATE "simulate --threads 1 --label-key cell_type --samples 4 --cells 20 --out {out} --reference "
#define DECONVOLVE "deconvolve --threads 1 -o {out} -m {fx}/"
#define TRAIN                                                                                               \
  "train --threads 1 --label-key cell_type --projection 16 --base-channels 2 --samples 20 --val-samples 5 " \
  "--epochs 1 --batch-size 4 --seed 1 -o {out} -r "
#define SURVIVAL "survival --event status --out {out} --clinical "

const std::vector<BadInput> kBadInputs = {
    // Text tables (bulk and signature of `nnls`).
    {"TruncatedGzip", NNLS "{fx}/bulk_truncated.tsv.gz", 2, {"bulk_truncated.tsv.gz: truncated or corrupt gzip"}},
    {"CorruptGzip", NNLS "{fx}/not_gzip.tsv.gz", 2, {"not_gzip.tsv.gz: truncated or corrupt gzip"}},
    {"EmptyFile", NNLS "{fx}/empty.tsv", 2, {"empty.tsv: empty bulk table (no header line)"}},
    {"HeaderOnly", NNLS "{fx}/header_only.tsv", 2, {"header_only.tsv: empty bulk table", "no data rows"}},
    {"DirectoryAsBulk", NNLS "{fx}", 2, {"bad_inputs: bulk is a directory, expected a file"}},
    {"MissingBulk", NNLS "{fx}/nowhere.tsv", 1, {"--bulk", "nowhere.tsv: no such file"}},
    {"NaNInBulk", NNLS "{fx}/bulk_nan.tsv", 2, {"bulk_nan.tsv: line 4, column 3 ('s2'): 'NaN' is not a finite"}},
    {"InfInBulk", NNLS "{fx}/bulk_inf.tsv", 2, {"bulk_inf.tsv: line 6, column 2 ('s1'): 'inf' is not a finite"}},
    {"NegativeBulk", NNLS "{fx}/bulk_negative.tsv", 2, {"bulk_negative.tsv", "negative values", "--bulk-scale"}},
    {"NonNumericCell", NNLS "{fx}/bulk_non_numeric.tsv", 2, {"bulk_non_numeric.tsv: line 3, column 3", "not a number"}},
    {"RaggedRow", NNLS "{fx}/bulk_ragged.tsv", 2, {"bulk_ragged.tsv: line 4 has 3 fields, expected 4"}},
    {"DuplicatedSamples",
     NNLS "{fx}/bulk_duplicated_samples.tsv",
     2,
     {"bulk_duplicated_samples.tsv: line 1: column name 's1' appears twice"}},
    {"EmptyGeneName", NNLS "{fx}/bulk_empty_gene.tsv", 2, {"bulk_empty_gene.tsv: line 4, column 1: empty gene name"}},
    {"EnsemblAgainstSymbols", NNLS "{fx}/bulk_ensembl.tsv", 2, {"bulk_ensembl.tsv", "Ensembl IDs vs symbols"}},
    {"NoSharedGenes", NNLS "{fx}/bulk_other_genes.tsv", 2, {"only 0 of 6", "bulk_other_genes.tsv", "X0"}},
    {"NaNInSignature",
     "nnls --min-genes 3 --signature {fx}/signature_nan.tsv --bulk {fx}/bulk.tsv --out {out}",
     2,
     {"signature_nan.tsv: line 2, column 3 ('TB')"}},
    {"SignatureTypeAllZero",
     "nnls --min-genes 3 --signature {fx}/signature_zero_type.tsv --bulk {fx}/bulk.tsv --out {out}",
     2,
     {"signature_zero_type.tsv: cell type(s) 'TC' have no positive value"}},
    // Accepted with a warning (or silently, where nothing is wrong).
    {"DuplicatedGenesSummed", NNLS_BULK("bulk_duplicated_genes.tsv"), 0, {"repeat a gene name and were summed"}},
    {"OneSampleBulk", NNLS_BULK("bulk_one_sample.tsv"), 0, {}},
    {"AllZeroSampleWarned", NNLS_BULK("bulk_zero_sample.tsv"), 0, {"fitted by all-zero proportions", "s2"}},
    {"AllZeroGeneAccepted", NNLS_BULK("bulk_zero_gene.tsv"), 0, {}},
    // .h5ad references (`markers`).
    {"H5adTruncated", MARKERS "{fx}/ref_truncated.h5ad", 2, {"ref_truncated.h5ad: cannot open the HDF5 file"}},
    {"H5adBadSignature", MARKERS "{fx}/ref_bad_signature.h5ad", 2, {"ref_bad_signature.h5ad: not an HDF5/.h5ad file"}},
    {"H5adIsText", MARKERS "{fx}/ref_text.h5ad", 2, {"ref_text.h5ad: not an HDF5/.h5ad file"}},
    {"H5adNoX", MARKERS "{h5}/no_x.h5ad", 2, {"no_x.h5ad: no 'X' matrix"}},
    {"H5adNoIndptr", MARKERS "{fx}/ref_no_indptr.h5ad", 2, {"ref_no_indptr.h5ad: dataset 'X/indptr' not found"}},
    {"H5adIndptrNotMonotone",
     MARKERS "{h5}/indptr_decreasing.h5ad",
     2,
     {"indptr_decreasing.h5ad: X: 'indptr' is not monotone: entry 2"}},
    {"H5adIndptrTooShort",
     MARKERS "{fx}/ref_indptr_short.h5ad",
     2,
     {"ref_indptr_short.h5ad: X: 'indptr' has 11 entries, expected 13"}},
    {"H5adIndexOutOfRange",
     MARKERS "{h5}/index_out_of_range.h5ad",
     2,
     {"index_out_of_range.h5ad: X: 'indices' entry 3 is 9, out of range"}},
    {"H5adNegativeIndex",
     MARKERS "{fx}/ref_negative_index.h5ad",
     2,
     {"ref_negative_index.h5ad: X: 'indices' entry 5 is -1"}},
    {"H5adShapeMismatch",
     MARKERS "{fx}/ref_shape_mismatch.h5ad",
     2,
     {"ref_shape_mismatch.h5ad: 'X' is 12 x 9", "8 rows"}},
    {"H5adEmptyMatrix", MARKERS "{h5}/empty.h5ad", 2, {"empty.h5ad: empty matrix (0 cells"}},
    {"H5adNaNCount", MARKERS "{fx}/ref_nan.h5ad", 2, {"ref_nan.h5ad: cell 4 ('c3'), gene 3 ('G2')", "not finite"}},
    {"H5adNegativeCount",
     MARKERS "{fx}/ref_negative.h5ad",
     2,
     {"ref_negative.h5ad: cell 1 ('c0'), gene 1 ('G0')", "negative"}},
    {"H5adFuzzCorruptObjectHeader",
     MARKERS "{fx}/fuzz_h5ad_hdf5_leak.h5ad",
     2,
     {"fuzz_h5ad_hdf5_leak.h5ad: cannot open dataset 'X/indices'"}},
    {"H5adFuzzHugeAllocation",
     MARKERS "{fx}/fuzz_h5ad_huge_allocation.h5ad",
     2,
     {"fuzz_h5ad_huge_allocation.h5ad: cannot open the HDF5 file"}},
    {"H5adEmptyGeneName", MARKERS "{fx}/ref_empty_gene.h5ad", 2, {"ref_empty_gene.h5ad: a gene name is empty"}},
    {"MissingLabelColumn",
     "markers --label-key nope --out {out} --reference {fx}/ref.h5ad",
     2,
     {"ref.h5ad: 'obs' has no column 'nope'"}},
    {"CellTypeWithOneCell", MARKERS "{fx}/ref_one_cell_type.h5ad", 2, {"ref_one_cell_type.h5ad", "'TC' (1 cell)"}},
    {"H5adAllZeroCellWarned",
     MARKERS "{fx}/ref_zero_cell.h5ad",
     0,
     {"ref_zero_cell.h5ad: 1 of 12 cells have no counts"}},
    {"H5adAllZeroGeneAccepted", MARKERS "{fx}/ref_zero_gene.h5ad", 0, {}},
    {"H5adDuplicatedGenesSummed", MARKERS "{fx}/ref_duplicated_genes.h5ad", 0, {"1 gene names repeat", "G0"}},
    {"H5adDuplicatedCellNamesAccepted", MARKERS "{fx}/ref_duplicated_cells.h5ad", 0, {}},
    // 10x references.
    {"TenxLabelColumnMissing",
     MARKERS "{fx}/tenx --labels {fx}/tenx_labels_no_type.csv",
     2,
     {"tenx_labels_no_type.csv: line 1: no column 'cell_type'"}},
    {"TenxNoBarcodes",
     MARKERS "{fx}/tenx_no_barcodes --labels {fx}/tenx_labels.csv",
     2,
     {"tenx_no_barcodes: no barcodes file found"}},
    {"TenxEntryOutOfRange",
     MARKERS "{fx}/tenx_bad_entry --labels {fx}/tenx_labels.csv",
     2,
     {"tenx_bad_entry/matrix.mtx: line 4: entry (9, 2) is outside"}},
    {"DirectoryWithoutMatrix", MARKERS "{fx} --labels {fx}/tenx_labels.csv", 2, {"bad_inputs: no matrix file found"}},
    // `simulate`: the same reference checks, and a gene panel that is not in the reference.
    {"SimulateNaNCount", SIMULATE "{fx}/ref_nan.h5ad", 2, {"ref_nan.h5ad: cell 4 ('c3'), gene 3 ('G2')"}},
    {"SimulateCellTypeWithOneCell", SIMULATE "{fx}/ref_one_cell_type.h5ad", 2, {"'TC' (1 cell)"}},
    {"SimulateGenesNotInReference",
     SIMULATE "{fx}/ref.h5ad --genes {fx}/bulk_other_genes.tsv",
     2,
     {"ref.h5ad: 6 of 6 requested gene(s) are not in the reference"}},
    // `train` and `deconvolve`: model files (model.blue trained by make_model.sh) and bulk against the model.
    {"TrainNaNCount", TRAIN "{fx}/ref_nan.h5ad", 2, {"ref_nan.h5ad: cell 4 ('c3'), gene 3 ('G2')"}},
    {"TrainCellTypeWithOneCell", TRAIN "{fx}/ref_one_cell_type.h5ad", 2, {"'TC' (1 cell)"}},
    {"ModelTruncated",
     DECONVOLVE "model_truncated.blue -b {fx}/bulk.tsv",
     2,
     {"model_truncated.blue' is corrupt or truncated"}},
    {"ModelOtherVersion",
     DECONVOLVE "model_other_version.blue -b {fx}/bulk.tsv",
     2,
     {"model_other_version.blue' has format version 2, this blue reads version 1"}},
    {"ModelIsATable", DECONVOLVE "signature.tsv -b {fx}/bulk.tsv", 2, {"signature.tsv' is not a blue model file"}},
    {"ModelIsADirectory", DECONVOLVE " -b {fx}/bulk.tsv", 2, {"bad_inputs/: model is a directory, expected a file"}},
    {"BulkSharesNoGeneWithModel",
     DECONVOLVE "model.blue -b {fx}/bulk_other_genes.tsv",
     2,
     {"only 0 of 6 model panel genes", "bulk_other_genes.tsv"}},
    {"BulkEnsemblAgainstModel", DECONVOLVE "model.blue -b {fx}/bulk_ensembl.tsv", 2, {"Ensembl IDs vs symbols"}},
    {"DeconvolveNaNBulk", DECONVOLVE "model.blue -b {fx}/bulk_nan.tsv", 2, {"bulk_nan.tsv: line 4, column 3"}},
    {"DeconvolveOneSample", DECONVOLVE "model.blue -b {fx}/bulk_one_sample.tsv", 0, {}},
    {"DeconvolveNegativeBulk",
     DECONVOLVE "model.blue -b {fx}/bulk_negative.tsv",
     2,
     {"bulk_negative.tsv", "looks log-transformed", "negative values", "--bulk-scale log2"}},
    // `signature`: gene panel.
    {"EmptyGeneList",
     "signature --reference {fx}/ref.h5ad --label-key cell_type --genes {fx}/empty.tsv --out {out}",
     2,
     {"empty.tsv: gene list is empty"}},
    // `evaluate`.
    {"TruthDuplicatedRows",
     EVALUATE "{fx}/truth_duplicated_rows.tsv",
     2,
     {"truth_duplicated_rows.tsv: sample 's1' appears in more than one row"}},
    {"TruthOtherSamples",
     EVALUATE "{fx}/truth_other_samples.tsv",
     2,
     {"sample names differ", "truth_other_samples.tsv"}},
    {"TruthNA", EVALUATE "{fx}/truth_na.tsv", 2, {"truth_na.tsv: line 3, column 4 ('TC'): 'NA' is not a number"}},
    // `survival`.
    {"ClinicalMissingColumn", SURVIVAL "{fx}/clinical.tsv --time days", 2, {"clinical.tsv' has no column 'days'"}},
    {"ClinicalNonNumericTime",
     SURVIVAL "{fx}/clinical_bad_time.tsv --time time",
     2,
     {"clinical_bad_time.tsv", "line 3 (id 'p2'), column 'time': time 'soon' is not a number"}},
    {"ClinicalNegativeTime",
     SURVIVAL "{fx}/clinical_negative_time.tsv --time time",
     2,
     {"clinical_negative_time.tsv", "line 3 (id 'p2'), column 'time': time -3 is negative"}},
    // `subtype`.
    {"SubtypeNaNExpression",
     "subtype --expression {fx}/bulk_nan.tsv --clinical {fx}/clinical.tsv --time time --event status --out {out}",
     2,
     {"bulk_nan.tsv: line 4, column 3"}},
};

class CliBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliBadInput, ExitMessageAndNoOutput) {
  const BadInput& c = GetParam();
  blue::test::TempDir out_dir, log_dir;
  const std::string out = out_dir.file("result");
  const auto r = run_blue(expand(c.args, out), log_dir.file("stderr.txt"));
  ASSERT_EQ(r.code, c.code) << r.err;
  for (const char* f : c.fragments) EXPECT_NE(r.err.find(f), std::string::npos) << "'" << f << "' not in:\n" << r.err;
  EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
  if (c.code == 0) {
    EXPECT_EQ(count_lines_starting(r.err, "error"), 0u) << r.err;
    EXPECT_TRUE(fs::exists(out)) << r.err;
    return;
  }
  EXPECT_EQ(count_lines_starting(r.err, "error"), 1u) << "expected exactly one error line:\n" << r.err;
  std::vector<std::string> left;
  for (const auto& e : fs::recursive_directory_iterator(out_dir.path())) left.push_back(e.path().string());
  EXPECT_TRUE(left.empty()) << "left behind: " << left.front();
}

INSTANTIATE_TEST_SUITE_P(Corpus, CliBadInput, ::testing::ValuesIn(kBadInputs),
                         [](const ::testing::TestParamInfo<BadInput>& info) { return std::string(info.param.name); });

// A valid run of each subcommand; running it again onto the same output must fail with exit 4 and leave the
// first result untouched, and succeed with --force.
struct Overwrite {
  const char* name;
  const char* args;     // as in BadInput
  const char* product;  // a file of the result, relative to {out} ("" = {out} itself)
};

const std::vector<Overwrite> kOverwrites = {
    {"Nnls", NNLS_BULK("bulk.tsv"), "/proportions.tsv"},
    {"Markers", MARKERS "{fx}/ref.h5ad", ""},
    {"Simulate", SIMULATE "{fx}/ref.h5ad", ""},
    {"Train", TRAIN "{fx}/ref.h5ad", ""},
    {"Deconvolve", DECONVOLVE "model.blue -b {fx}/bulk.tsv", "/proportions.tsv"},
    {"Signature", "signature --reference {fx}/ref.h5ad --label-key cell_type --genes {fx}/genes.txt --out {out}", ""},
    {"Evaluate", EVALUATE "{fx}/truth.tsv", ""},
    {"Survival", SURVIVAL "{fx}/clinical.tsv --time time", "/km.tsv"},
    {"Subtype",
     "subtype --threads 1 --gep {fixtures}/subtype/gep_small.h5ad --clinical "
     "{fixtures}/survival/tcga_laml_clinical.tsv "
     "--time time --event event --match-prefix --k-max 3 --resamples 5 --out {out}",
     "/subtypes.tsv"},
};

void PrintTo(const Overwrite& c, std::ostream* os) { *os << c.name << ": blue " << c.args; }

class CliOverwrite : public ::testing::TestWithParam<Overwrite> {};

TEST_P(CliOverwrite, RefusedWithoutForce) {
  const Overwrite& c = GetParam();
  blue::test::TempDir out_dir;
  const std::string out = out_dir.file("result");
  const std::string args = expand(c.args, out);
  const std::string err = out_dir.file("stderr.txt");
  auto r = run_blue(args, err);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string product = out + c.product;
  ASSERT_TRUE(fs::is_regular_file(product)) << product;
  const std::string first = slurp(product);
  fs::last_write_time(product, fs::file_time_type::clock::now() - std::chrono::hours(1));
  const auto stamp = fs::last_write_time(product);
  r = run_blue(args, err);
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_EQ(fs::last_write_time(product), stamp) << "the existing result was touched";
  EXPECT_EQ(slurp(product), first);
  r = run_blue(args + " --force", err);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(fs::last_write_time(product), stamp) << "--force did not replace the result";
}

INSTANTIATE_TEST_SUITE_P(Subcommands, CliOverwrite, ::testing::ValuesIn(kOverwrites),
                         [](const ::testing::TestParamInfo<Overwrite>& info) { return std::string(info.param.name); });

}  // namespace

// deconvolve --bulk-scale log2 undoes log2(x + 1): the same proportions as from the linear table.
TEST(CliBulkScale, DeconvolveConvertsLog2BulkBack) {
  blue::test::TempDir tmp;
  const std::string fx = std::string(BLUE_FIXTURES) + "/bad_inputs";
  const blue::ExpressionTable linear = blue::read_expression_table(fx + "/bulk.tsv", "bulk");
  std::string text = "gene\ts1\ts2\ts3\n";
  for (std::size_t g = 0; g < linear.genes.size(); ++g) {
    text += linear.genes[g];
    for (Eigen::Index j = 0; j < linear.values.cols(); ++j)
      text += "\t" + std::to_string(std::log2(linear.values(static_cast<Eigen::Index>(g), j) + 1));
    text += "\n";
  }
  const std::string logged = tmp.write("bulk_log2.tsv", text);
  const std::string model = " -m " + fx + "/model.blue --threads 1 -q -o ";
  auto r = run_blue("deconvolve -b " + fx + "/bulk.tsv" + model + tmp.file("lin"), tmp.file("lin.err"));
  ASSERT_EQ(r.code, 0) << r.err;
  r = run_blue("deconvolve -b " + logged + model + tmp.file("log"), tmp.file("log.err"));
  EXPECT_EQ(r.code, 2) << r.err;  // looks log: maximum below 50 with fractions
  r = run_blue("deconvolve --bulk-scale log2 -b " + logged + model + tmp.file("log"), tmp.file("log.err"));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto a = blue::read_sample_table(tmp.file("lin/proportions.tsv"), "lin");
  const auto b = blue::read_sample_table(tmp.file("log/proportions.tsv"), "log");
  EXPECT_LT((a.values - b.values).cwiseAbs().maxCoeff(), 1e-4);
}

// train --mrna-content applies the contents in the simulation; the model's fractions are then cell fractions
// for bulk RNA, so deconvolve refuses to apply them a second time.
TEST(CliMrnaContent, TrainedInTheSimulationThenRefusedAtDeconvolution) {
  blue::test::TempDir tmp;
  const std::string fx = std::string(BLUE_FIXTURES) + "/bad_inputs";
  const std::string table = tmp.write("content.tsv", "cell_type\tmrna_content\nTA\t1\nTB\t2\nTC\t4\n");
  auto r = run_blue(
      "train --threads 1 --label-key cell_type --projection 16 --base-channels 2 --samples 20 "
      "--val-samples 5 --epochs 1 --batch-size 4 --seed 1 -q -r " +
          fx + "/ref.h5ad --mrna-content " + table + " -o " + tmp.file("m.blue"),
      tmp.file("train.err"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(slurp(tmp.file("m.blue.provenance.json")).find("content.tsv"), std::string::npos);
  r = run_blue("deconvolve -q -m " + tmp.file("m.blue") + " -b " + fx + "/bulk.tsv --mrna-content " + table + " -o " +
                   tmp.file("d"),
               tmp.file("d.err"));
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("trained with --mrna-content"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(tmp.file("d")));
  r = run_blue("deconvolve -q -m " + tmp.file("m.blue") + " -b " + fx + "/bulk.tsv -o " + tmp.file("d"),
               tmp.file("d.err"));
  EXPECT_EQ(r.code, 0) << r.err;
}

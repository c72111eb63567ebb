// `blue subtype` end to end on real TCGA-AML bulk genes (the statistics run on the bulk itself, as the
// docs/commands.md's demonstration of blue subtype), including the transfer to a "validation" cohort, and option errors.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io_test_util.h"

namespace fs = std::filesystem;

namespace {

const std::string kExpr = std::string(BLUE_SHARED_DATA) + "/tcga_laml/iNETgrate_toyRawAml_genExpr_714genes.tsv.gz";
const std::string kClinical = std::string(BLUE_FIXTURES) + "/survival/tcga_laml_clinical.tsv";

using blue::test::slurp;

int lines(const fs::path& p) {
  std::ifstream in(p);
  int n = 0;
  for (std::string l; std::getline(in, l);) ++n;
  return n;
}

int run(const std::string& args, const fs::path& err) {
  int status = std::system((std::string(BLUE_EXE) + " subtype " + args + " 2> " + err.string()).c_str());
  return WEXITSTATUS(status);
}

}  // namespace

TEST(CliSubtype, TcgaBulkGenesEndToEndWithTransfer) {
  if (!fs::exists(kExpr)) GTEST_SKIP() << "needs ../shared/data/tcga_laml";
  fs::path d = fs::temp_directory_path() / ("blue_cli_subtype_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  const std::string common = " --log2 --clinical " + kClinical +
                             " --time time --event event --match-prefix --top-genes 100 --k-max 4 --resamples 10 ";
  int code = run("--expression " + kExpr + common + "--validation-expression " + kExpr + " --validation-clinical " +
                     kClinical + " --out " + (d / "o").string(),
                 d / "err.txt");
  ASSERT_EQ(code, 0) << slurp(d / "err.txt");
  EXPECT_EQ(lines(d / "o/stability.tsv"), 1 + 3);           // k = 2..4
  EXPECT_EQ(lines(d / "o/subtypes.tsv"), 1 + 161);          // 173 samples, 161 with a usable patient
  EXPECT_EQ(lines(d / "o/prognostic_genes.tsv"), 1 + 711);  // every non-constant gene
  for (const char* f : {"comparison.tsv", "markers.tsv", "survival_profiles/km.svg", "survival_profiles/logrank.tsv",
                        "survival_signature/cox_score.tsv", "transfer.tsv", "validation_subtypes.tsv",
                        "survival_validation/km.tsv", "provenance.json"})
    EXPECT_TRUE(fs::exists(d / "o" / f)) << f;
  // The validation cohort is the discovery cohort itself: the classifier must give back nearly its subtypes.
  const std::string transfer = slurp(d / "o/transfer.tsv");
  auto pos = transfer.find("cv_accuracy\t");
  ASSERT_NE(pos, std::string::npos);
  EXPECT_GT(std::stod(transfer.substr(pos + 12)), 0.8);
  fs::remove_all(d);
}

TEST(CliSubtype, OptionProblemsAreAllReported) {
  fs::path err = fs::temp_directory_path() / ("blue_cli_subtype_err_" + std::to_string(::getpid()));
  int code = run("--gep " + kClinical + " --expression " + kClinical + " --clinical " + kClinical +
                     " --time time --event event --k-min 5 --k-max 3 --folds 1 --out /tmp/never",
                 err);
  EXPECT_EQ(code, 1);
  const std::string msg = slurp(err);
  for (const char* part : {"exactly one of --gep and --expression", "--k-min", "--folds"})
    EXPECT_NE(msg.find(part), std::string::npos) << part << "\n" << msg;
  fs::remove(err);
}

TEST(CliSubtype, GepLayersAndProportionsSideBySide) {
  const std::string dir = std::string(BLUE_FIXTURES) + "/subtype/";
  fs::path d = fs::temp_directory_path() / ("blue_cli_subtype_gep_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  const std::string common = " --clinical " + kClinical +
                             " --time time --event event --match-prefix --k-max 4 --resamples 10 ";
  int code = run("--gep " + dir + "gep_small.h5ad --proportions " + dir + "proportions_small.tsv" + common + "--out " +
                     (d / "o").string(),
                 d / "err.txt");
  ASSERT_EQ(code, 0) << slurp(d / "err.txt");
  const std::string comparison = slurp(d / "o/comparison.tsv");
  EXPECT_NE(comparison.find("\nprofiles\t60\t"), std::string::npos) << comparison;  // 2 layers x 30 genes
  EXPECT_NE(comparison.find("\nproportions\t3\t"), std::string::npos) << comparison;
  EXPECT_TRUE(fs::exists(d / "o/survival_proportions/km.svg"));
  EXPECT_EQ(lines(d / "o/subtypes.tsv"), 1 + 38);  // 40 samples, 2 without a usable patient
  // One layer only; an absent layer is an input error naming the layers there are.
  code = run("--gep " + dir + "gep_small.h5ad --cell-types TypeB" + common + "--out " + (d / "b").string(),
             d / "err.txt");
  ASSERT_EQ(code, 0) << slurp(d / "err.txt");
  EXPECT_NE(slurp(d / "b/comparison.tsv").find("\nprofiles\t30\t"), std::string::npos);
  code = run("--gep " + dir + "gep_small.h5ad --cell-types Monocytes" + common + "--out " + (d / "c").string(),
             d / "err.txt");
  EXPECT_EQ(code, 2);
  EXPECT_NE(slurp(d / "err.txt").find("no layer 'Monocytes'"), std::string::npos) << slurp(d / "err.txt");
  EXPECT_FALSE(fs::exists(d / "c"));
  fs::remove_all(d);
}

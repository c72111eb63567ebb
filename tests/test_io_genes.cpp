// map_genes: exact and case-insensitive matches, missing genes below and above the threshold.
#include <gtest/gtest.h>

#include "io/genes.h"
#include "io_test_util.h"
#include "util/error.h"

using namespace blue;
using blue::test::expect_error;

TEST(IoGenes, ExactThenCaseInsensitive) {
  GeneMapping m = map_genes({"CD3E", "Ms4a1", "NKG7", "XIST"}, {"NKG7", "MS4A1", "CD3E", "GNLY"}, "panel", "bulk", 0.5);
  EXPECT_EQ(m.index, (std::vector<std::int64_t>{2, 1, 0, -1}));
  EXPECT_EQ(m.case_insensitive, 1u);
  EXPECT_EQ(m.missing, (std::vector<std::string>{"XIST"}));
  EXPECT_EQ(m.found(), 3u);
}

TEST(IoGenes, AmbiguousCaseInsensitiveMatchIsMissing) {
  GeneMapping m = map_genes({"abc"}, {"ABC", "Abc"}, "panel", "bulk", 1.0);
  EXPECT_EQ(m.index, (std::vector<std::int64_t>{-1}));
}

TEST(IoGenes, TooFewSharedNamesEnsemblVsSymbols) {
  std::vector<std::string> wanted = {"CD3E", "MS4A1", "NKG7", "GNLY"};
  std::vector<std::string> available = {"ENSG00000198851", "ENSG00000156738", "ENSG00000105374", "CD3E"};
  expect_error<InputError>([&] { map_genes(wanted, available, "model", "bulk", 0.1); },
                           {"only 1 of 4 model genes", "75.0% missing", "CD3E, MS4A1", "ENSG00000198851",
                            "Ensembl IDs vs symbols?"});
}

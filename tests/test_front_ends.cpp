// The library functions that the command line and the Python module share: a reference and tables handed over
// in memory, the train defaults/preset/checks, and the log handler (tests/python runs the module itself).
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "io/reference.h"
#include "io/tables.h"
#include "io_test_util.h"
#include "model/train_config.h"
#include "util/error.h"
#include "util/log.h"

using namespace blue;
using blue::test::expect_error;

namespace {

// 4 cells x 3 genes, gene "b" twice; cell 3 unlabelled.
ReferenceParts small_parts() {
  ReferenceParts p;
  p.source = "AnnData X";
  p.counts.rows = 4;
  p.counts.cols = 3;
  p.counts.indptr = {0, 2, 3, 5, 6};
  p.counts.indices = {0, 1, 2, 0, 1, 2};
  p.counts.data = {1, 2, 3, 4, 5, 6};
  p.genes = {"a", "b", "b"};
  p.cells = {"c1", "c2", "c3", "c4"};
  p.labels = {"T", "B", "NA", "T"};
  return p;
}

}  // namespace

TEST(FrontEnds, ReferenceInMemoryIsCleanedUpAsAFileIs) {
  ReferenceOptions o;
  o.label_key = "cell_type";
  const Reference ref = make_reference(small_parts(), o);
  EXPECT_EQ(ref.cells, (std::vector<std::string>{"c1", "c2", "c4"}));  // the unlabelled cell dropped
  EXPECT_EQ(ref.genes, (std::vector<std::string>{"a", "b"}));          // "b" summed
  EXPECT_EQ(ref.cell_types, (std::vector<std::string>{"B", "T"}));
  EXPECT_EQ(ref.cell_type_of, (std::vector<std::int32_t>{1, 0, 1}));
  // c1: a 1, b 2; c2: the second "b" 3; c4: the second "b" 6.
  EXPECT_EQ(ref.counts.indptr, (std::vector<std::int64_t>{0, 2, 3, 4}));
  EXPECT_EQ(ref.counts.indices, (std::vector<std::int32_t>{0, 1, 1, 1}));
  EXPECT_EQ(ref.counts.data, (std::vector<float>{1, 2, 3, 6}));
}

TEST(FrontEnds, ReferenceInMemoryWithMismatchedNamesIsAnInputError) {
  ReferenceOptions o;
  ReferenceParts p = small_parts();
  p.labels.pop_back();
  expect_error<InputError>([&] { make_reference(p, o); }, {"AnnData X", "3 labels", "4 cells x 3 genes"});
  p = small_parts();
  p.counts.data[1] = -2;
  expect_error<InputError>([&] { make_reference(p, o); }, {"count -2 is negative", "raw counts"});
  p = small_parts();
  o.donor_key = "patient";  // a donor key without donors
  expect_error<InputError>([&] { make_reference(p, o); }, {"0 donors for 4 cells"});
}

TEST(FrontEnds, TableInMemoryIsCheckedAsAFileIs) {
  ExpressionTable t{"DataFrame", {"g1", "g2", "g1"}, {"s1", "s2"}, Eigen::MatrixXd(3, 2)};
  t.values << 1, 2, 3, 4, 5, 6;
  const ExpressionTable merged = checked_expression_table(t, "bulk");
  EXPECT_EQ(merged.genes, (std::vector<std::string>{"g1", "g2"}));
  EXPECT_EQ(merged.values(0, 0), 6);
  EXPECT_EQ(merged.values(0, 1), 8);
  t.values(1, 1) = std::nan("");
  expect_error<InputError>([&] { checked_expression_table(t, "bulk"); },
                           {"DataFrame (bulk)", "'g2'", "'s2'", "finite"});
  t.columns = {"s1", "s1"};
  t.values(1, 1) = 0;
  expect_error<InputError>([&] { checked_expression_table(t, "bulk"); },
                           {"DataFrame (bulk): column name 's1' appears twice (columns 1 and 2)"});
  SampleTable s{"pred", {"x", "x"}, {"T"}, Eigen::MatrixXd::Zero(2, 1)};
  expect_error<InputError>([&] { checked_sample_table(s, "predicted proportions"); }, {"sample 'x'", "more than one"});
}

TEST(FrontEnds, FastPresetLeavesGivenOptionsAlone) {
  model::TrainConfig c = model::train_defaults();
  EXPECT_EQ(c.arch.input_scaling, defaults::kInputScaling);  // the CLI's defaults, not the structs' (METHOD)
  EXPECT_EQ(c.train.platform_noise, defaults::kPlatformNoise);
  c.train.epochs = 3;
  c.preset = "fast";
  model::apply_preset(c, [](const std::string& name) { return name == "epochs"; });
  EXPECT_EQ(c.train.epochs, 3);
  EXPECT_EQ(c.arch.projection, defaults::kFastProjection);
  EXPECT_EQ(c.train.learning_rate, defaults::kFastLearningRate);
  EXPECT_TRUE(c.train.select_by_proportion);
  model::TrainConfig full = model::train_defaults();
  model::apply_preset(full, [](const std::string&) { return false; });
  EXPECT_EQ(full.arch.projection, defaults::kProjection);
  full.preset = "medium";
  expect_error<UsageError>([&] { model::apply_preset(full, [](const std::string&) { return false; }); },
                           {"--preset must be fast or full, got 'medium'"});
}

TEST(FrontEnds, TrainChecksListEveryProblem) {
  model::TrainConfig c = model::train_defaults();
  model::check_train_config(c, "blue train");
  c.train.epochs = 0;
  c.train.batch_size = 1;
  c.donor_sampling = "some";
  expect_error<UsageError>([&] { model::check_train_config(c, "blue.train"); },
                           {"blue.train: invalid options:", "--epochs must be at least 1, got 0",
                            "--batch-size must be at least 2", "--donor-sampling must be one or mixed"});
}

TEST(FrontEnds, LogHandlerReceivesMessagesInsteadOfStderr) {
  std::vector<std::pair<spdlog::level::level_enum, std::string>> got;
  log::set_handler([&got](spdlog::level::level_enum level, const std::string& text) { got.emplace_back(level, text); });
  const std::size_t warnings = log::warning_count();
  log::info("test", "{} cells", 3);
  log::warn("test", "careful");
  log::set_handler({});
  log::info("test", "to stderr again");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], std::make_pair(spdlog::level::info, std::string("[test] 3 cells")));
  EXPECT_EQ(got[1], std::make_pair(spdlog::level::warn, std::string("[test] careful")));
  EXPECT_EQ(log::warning_count(), warnings + 1);  // still counted
}

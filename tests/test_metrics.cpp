// Unit tests of src/analysis: metric functions on hand-computed values, proportion and GEP evaluation
// through a type map on tiny in-memory tables.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "analysis/evaluate.h"
#include "analysis/metrics.h"
#include "util/error.h"

using namespace blue;

namespace {
Eigen::VectorXd vec(std::initializer_list<double> v) {
  Eigen::VectorXd x(v.size());
  int i = 0;
  for (double d : v) x(i++) = d;
  return x;
}
}  // namespace

TEST(Metrics, IdenticalVectors) {
  auto x = vec({1, 2, 3, 4});
  EXPECT_DOUBLE_EQ(lin_ccc(x, x), 1.0);
  EXPECT_DOUBLE_EQ(pearson(x, x), 1.0);
  EXPECT_DOUBLE_EQ(spearman(x, x), 1.0);
  EXPECT_DOUBLE_EQ(mean_absolute_error(x, x), 0.0);
  EXPECT_DOUBLE_EQ(rmse(x, x), 0.0);
}

TEST(Metrics, ShiftedAndScaledCopies) {
  // x = 1..4: population variance 1.25. y = x + 1: cov 1.25, mean gap 1 -> CCC = 2.5 / (2.5 + 1) = 5/7.
  auto x = vec({1, 2, 3, 4});
  Eigen::VectorXd shifted = x.array() + 1.0;
  EXPECT_NEAR(lin_ccc(x, shifted), 5.0 / 7.0, 1e-15);
  EXPECT_NEAR(pearson(x, shifted), 1.0, 1e-15);
  EXPECT_DOUBLE_EQ(mean_absolute_error(x, shifted), 1.0);
  EXPECT_DOUBLE_EQ(rmse(x, shifted), 1.0);
  // y = 2x: var_y 5, cov 2.5, mean gap 2.5 -> CCC = 5 / (1.25 + 5 + 6.25) = 0.4; r stays 1.
  Eigen::VectorXd doubled = 2.0 * x;
  EXPECT_NEAR(lin_ccc(x, doubled), 0.4, 1e-15);
  EXPECT_NEAR(pearson(x, doubled), 1.0, 1e-15);
  // MAE / RMSE of errors (1, -1, 3, 1): 6/4 and sqrt(12/4).
  auto y = vec({2, 1, 6, 5});
  EXPECT_DOUBLE_EQ(mean_absolute_error(x, y), 1.5);
  EXPECT_DOUBLE_EQ(rmse(x, y), std::sqrt(3.0));
}

TEST(Metrics, PearsonAndSpearmanByHand) {
  // dx = (-1,0,1), dy = (-1,1,0): cov 1/3, variances 2/3 -> r = 0.5.
  EXPECT_NEAR(pearson(vec({1, 2, 3}), vec({1, 3, 2})), 0.5, 1e-15);
  EXPECT_NEAR(pearson(vec({1, 2, 3}), vec({3, 2, 1})), -1.0, 1e-15);
  // Ties: ranks (1, 2.5, 2.5, 4) vs (1, 3, 2, 4): r = 4.5 / sqrt(4.5 * 5) = sqrt(0.9).
  EXPECT_NEAR(spearman(vec({1, 2, 2, 3}), vec({10, 30, 20, 40})), std::sqrt(0.9), 1e-15);
  // Spearman is invariant to monotone transforms, Pearson is not.
  auto x = vec({0.1, 0.5, 2, 7, 30});
  Eigen::VectorXd e = x.array().exp();
  EXPECT_DOUBLE_EQ(spearman(x, e), 1.0);
  EXPECT_LT(pearson(x, e), 0.99);
}

TEST(Metrics, RanksAndMedian) {
  Eigen::VectorXd r = average_ranks(vec({3, 1, 3, 2}));
  EXPECT_EQ(r, vec({3.5, 1, 3.5, 2}));
  EXPECT_DOUBLE_EQ(median_finite({3, NAN, 1, 2, 10}), 2.5);
  EXPECT_DOUBLE_EQ(median_finite({3, 1, 2}), 2.0);
  EXPECT_TRUE(std::isnan(median_finite({NAN})));
}

TEST(Metrics, UndefinedCasesAreNaN) {
  auto c = vec({2, 2, 2});
  EXPECT_TRUE(std::isnan(pearson(c, vec({1, 2, 3}))));
  EXPECT_TRUE(std::isnan(spearman(c, vec({1, 2, 3}))));
  EXPECT_TRUE(std::isnan(lin_ccc(vec({1}), vec({1}))));
  EXPECT_DOUBLE_EQ(lin_ccc(c, vec({1, 2, 3})), 0.0);  // cov 0, defined denominator
  EXPECT_THROW(pearson(vec({1, 2}), vec({1, 2, 3})), InternalError);
}

namespace {

// Predicted: samples s1..s3, types A1, A2 (both map to A), B, C (unmapped). Truth in another sample order,
// types A, B and D (no source). A1 + A2 equals A exactly; B is off by +0.1 everywhere.
struct EvalFixture {
  SampleTable pred, truth;
  EvalFixture() {
    pred.source = "pred.tsv";
    pred.samples = {"s1", "s2", "s3"};
    pred.columns = {"A1", "A2", "B", "C"};
    pred.values.resize(3, 4);
    pred.values << 0.1, 0.2, 0.3, 0.4,  //
        0.3, 0.1, 0.5, 0.1,             //
        0.05, 0.05, 0.2, 0.7;
    truth.source = "truth.tsv";
    truth.samples = {"s3", "s1", "s2"};
    truth.columns = {"A", "B", "D"};
    truth.values.resize(3, 3);
    truth.values << 0.1, 0.1, 0.8,  //
        0.3, 0.2, 0.5,              //
        0.4, 0.4, 0.2;
  }
};

}  // namespace

TEST(Evaluate, SumsMappedTypesAndReportsUnmapped) {
  EvalFixture f;
  TypeMap map{"map.tsv", {{"A1", "A"}, {"A2", "A"}, {"B", "B"}}};
  ProportionEvaluation ev = evaluate_proportions(f.pred, f.truth, map);
  ASSERT_EQ(ev.rows.size(), 3u);  // A, B, overall
  EXPECT_EQ(ev.rows[0].type, "A");
  EXPECT_EQ(ev.rows[0].n, 3u);
  EXPECT_NEAR(ev.rows[0].ccc, 1.0, 1e-12);
  EXPECT_NEAR(ev.rows[0].mae, 0.0, 1e-12);
  EXPECT_EQ(ev.rows[1].type, "B");
  EXPECT_NEAR(ev.rows[1].mae, 0.1, 1e-12);
  EXPECT_NEAR(ev.rows[1].rmse, 0.1, 1e-12);
  EXPECT_NEAR(ev.rows[1].pearson, 1.0, 1e-12);
  EXPECT_LT(ev.rows[1].ccc, 1.0);
  EXPECT_EQ(ev.rows[2].type, "overall");
  EXPECT_EQ(ev.rows[2].n, 6u);
  EXPECT_NEAR(ev.rows[2].mae, 0.05, 1e-12);
  EXPECT_NEAR(ev.rows[2].rmse, std::sqrt(0.01 / 2), 1e-12);
  EXPECT_EQ(ev.unmapped_predicted, std::vector<std::string>{"C"});
  EXPECT_EQ(ev.truth_without_source, std::vector<std::string>{"D"});
  EXPECT_EQ(ev.sources.at("A"), (std::vector<std::string>{"A1", "A2"}));
  auto j = to_json(ev);
  EXPECT_EQ(j["metrics"][2]["n"], 6);
  EXPECT_NE(proportion_metrics_tsv(ev).find("A\t3\t1\t"), std::string::npos);
}

TEST(Evaluate, IdentityMapAndSampleMismatch) {
  EvalFixture f;
  TypeMap id = identity_map(f.pred.columns, f.truth.columns);
  ASSERT_EQ(id.pairs.size(), 1u);  // only B is spelled the same
  EXPECT_EQ(evaluate_proportions(f.pred, f.truth, id).rows.front().type, "B");
  f.truth.samples[0] = "s9";
  try {
    evaluate_proportions(f.pred, f.truth, id);
    FAIL() << "mismatched samples accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("s9"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("s3"), std::string::npos);
  }
}

TEST(Evaluate, ReadsTypeMapAndRejectsDuplicates) {
  const auto dir = std::filesystem::temp_directory_path() / "blue_test_map";
  std::filesystem::create_directories(dir);
  const auto good = (dir / "map.tsv").string(), bad = (dir / "dup.tsv").string();
  std::ofstream(good) << "truth\tpredicted\nA\tA1\nA\tA2\n";
  std::ofstream(bad) << "predicted\ttruth\nA1\tA\nA1\tB\n";
  TypeMap map = read_type_map(good);
  ASSERT_EQ(map.pairs.size(), 2u);
  EXPECT_EQ(map.pairs[1], (std::pair<std::string, std::string>{"A2", "A"}));
  EXPECT_THROW(read_type_map(bad), InputError);
  EXPECT_THROW(read_type_map((dir / "missing.tsv").string()), InputError);
  std::filesystem::remove_all(dir);
}

TEST(Evaluate, GepMetrics) {
  // 3 samples x 3 genes with equal totals; gene g2 is constant in the truth (not counted as varying).
  DenseAnnData truth, pred;
  truth.obs_names = {"s1", "s2", "s3"};
  pred.obs_names = {"s2", "s1", "s3"};
  truth.var_names = {"g0", "g1", "g2"};
  pred.var_names = {"g2", "g1", "g0", "extra"};
  MatrixF t(3, 3);
  t << 1, 5, 2,  //
      2, 4, 2,   //
      3, 3, 2;
  truth.layers["T"] = t;
  MatrixF p(3, 4);  // same values, columns permuted, rows in pred order
  for (int i = 0; i < 3; ++i) {
    const int ti = i == 0 ? 1 : i == 1 ? 0 : 2;
    p.row(i) << t(ti, 2), t(ti, 1), t(ti, 0), 9;
  }
  pred.layers["Tpred"] = p;
  pred.layers["Other"] = p;
  TypeMap map{"m", {{"Tpred", "T"}}};
  const GepOptions linear{GepScale::kLinear, GepScale::kLinear};
  GepEvaluation ev = evaluate_geps(pred, truth, map, linear);
  ASSERT_EQ(ev.rows.size(), 1u);
  EXPECT_EQ(ev.rows[0].n_samples, 3u);
  EXPECT_EQ(ev.rows[0].n_genes, 3u);
  EXPECT_EQ(ev.rows[0].n_varying_genes, 2u);
  EXPECT_NEAR(ev.rows[0].ccc_mean_profile, 1.0, 1e-6);
  EXPECT_NEAR(ev.rows[0].median_gene_pearson, 1.0, 1e-6);
  EXPECT_NEAR(ev.rows[0].median_sample_pearson, 1.0, 1e-6);
  EXPECT_EQ(ev.unmapped_predicted, std::vector<std::string>{"Other"});
  // Profiles are CPM-normalised before scoring: a prediction 3x too high scores the same.
  pred.layers["Tpred"] *= 3.0f;
  EXPECT_NEAR(evaluate_geps(pred, truth, map, linear).rows[0].ccc_mean_profile, 1.0, 1e-6);
  // A prediction stored as log2(CPM + 1) (the default) is brought back to linear first.
  MatrixF logged = pred.layers["Tpred"];
  for (int i = 0; i < 3; ++i)
    logged.row(i) = (logged.row(i) / logged.row(i).sum() * 1e6f).array().log1p() / std::log(2.0f);
  pred.layers["Tpred"] = logged;
  EXPECT_NEAR(evaluate_geps(pred, truth, map).rows[0].ccc_mean_profile, 1.0, 1e-5);
  // Treated as linear, the same log values disagree.
  EXPECT_LT(evaluate_geps(pred, truth, map, linear).rows[0].ccc_mean_profile, 0.9);
  // Against a measured profile (linear, any scale): every predicted sample equal to it up to a factor.
  ExpressionTable profiles{"sorted.tsv", {"g0", "g1", "g2"}, {"T"}, Eigen::MatrixXd(3, 1)};
  profiles.values << 70, 50, 20;
  pred.layers["Tpred"] = MatrixF(3, 4);
  for (int i = 0; i < 3; ++i) pred.layers["Tpred"].row(i) << 2.0f * (i + 1), 5.0f * (i + 1), 7.0f * (i + 1), 1.0f;
  GepEvaluation against = evaluate_against_profiles(pred, profiles, map, linear);
  ASSERT_EQ(against.rows.size(), 1u);
  EXPECT_NEAR(against.rows[0].ccc_mean_profile, 1.0, 1e-6);
  EXPECT_NEAR(against.rows[0].median_sample_pearson, 1.0, 1e-6);
  EXPECT_TRUE(std::isnan(against.rows[0].median_gene_pearson));
}

// The partial per-gene r leaves out what the type's true proportion explains: a prediction that follows
// the proportion alone scores high per-gene r but a partial r near 0; the truth itself scores 1 on both.
TEST(Evaluate, GepPartialCorrelationGivenTheProportion) {
  const int n = 12;
  DenseAnnData truth, pred;
  for (int i = 0; i < n; ++i) truth.obs_names.push_back("s" + std::to_string(i));
  truth.var_names = {"a", "b"};
  pred.obs_names = truth.obs_names;
  pred.var_names = truth.var_names;
  MatrixF t(n, 2), follows_p(n, 2), props(n, 1);
  for (int i = 0; i < n; ++i) {
    const float p = 0.05f + 0.08f * static_cast<float>(i);
    props(i, 0) = p;
    const float own = (i % 2 == 0 ? 1.0f : -1.0f) * (i % 3 == 0 ? 40.0f : 25.0f);  // the sample's own part
    t.row(i) << 400.0f * p + 60.0f + own, 1e6f;
    follows_p.row(i) << 400.0f * p + 60.0f, 1e6f;
  }
  truth.layers["T"] = t;
  truth.obsm["proportions"] = props;
  truth.uns_strings["cell_types"] = {"T"};
  const TypeMap map{"m", {{"T", "T"}}};
  const GepOptions linear{GepScale::kLinear, GepScale::kLinear};
  pred.layers["T"] = t;
  GepEvaluation same = evaluate_geps(pred, truth, map, linear);
  ASSERT_EQ(same.rows[0].n_varying_genes, 2u);  // b moves a little with a's share of the sample
  EXPECT_NEAR(same.rows[0].median_gene_partial_r, 1.0, 1e-6);
  pred.layers["T"] = follows_p;
  GepEvaluation proportion_only = evaluate_geps(pred, truth, map, linear);
  EXPECT_GT(proportion_only.rows[0].median_gene_pearson, 0.7);
  EXPECT_LT(std::abs(proportion_only.rows[0].median_gene_partial_r), 0.3);
  truth.obsm.clear();  // no proportions: no partial r
  EXPECT_TRUE(std::isnan(evaluate_geps(pred, truth, map, linear).rows[0].median_gene_partial_r));
}

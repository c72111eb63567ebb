// Survival statistics against R's survival 3.5 (tests/fixtures/survival/make_expected.R wrote the expected_*
// files from hand_cases.tsv and tcga_laml_clinical.tsv); special functions against values from R.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "analysis/survival/cox.h"
#include "analysis/survival/km.h"
#include "analysis/survival/logrank.h"
#include "analysis/survival/special.h"
#include "analysis/keyed_table.h"
#include "util/error.h"

using namespace blue;
using namespace blue::survival;

namespace {

const std::string kDir = std::string(BLUE_FIXTURES) + "/survival/";

// Rows of an expected_*.tsv as column -> text maps.
using Row = std::map<std::string, std::string>;
std::vector<Row> read_rows(const std::string& name) {
  std::ifstream in(kDir + name);
  EXPECT_TRUE(in.good()) << name;
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::stringstream hs(line);
  for (std::string c; std::getline(hs, c, '\t');) header.push_back(c);
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    std::stringstream ls(line);
    Row r;
    std::string c;
    for (std::size_t i = 0; i < header.size() && std::getline(ls, c, '\t'); ++i) r[header[i]] = c;
    rows.push_back(r);
  }
  return rows;
}

std::vector<Row> rows_of(const std::string& name, const std::string& case_name) {
  std::vector<Row> out;
  for (auto& r : read_rows(name))
    if (r["case"] == case_name) out.push_back(r);
  EXPECT_FALSE(out.empty()) << case_name;
  return out;
}

// Equal to R to 1e-6 relative (absolute near zero); "NA" in R must be NaN here.
void expect_r(double got, const std::string& want, const std::string& what) {
  if (want == "NA") {
    EXPECT_TRUE(std::isnan(got)) << what << ": R gives NA, got " << got;
    return;
  }
  double w = std::stod(want);
  EXPECT_NEAR(got, w, 1e-6 * std::max(1.0, std::fabs(w))) << what;
  if (std::fabs(w) < 1 && std::fabs(w) > 0) EXPECT_NEAR(got / w, 1.0, 1e-6) << what << " (relative)";
}

struct Cohort {
  std::vector<std::string> ids;
  std::vector<double> time;
  std::vector<int> event;
  KeyedTable table;
};

Cohort load(const std::string& file) {
  Cohort c{{}, {}, {}, KeyedTable::read(kDir + file, "test")};
  for (std::size_t r = 0; r < c.table.rows(); ++r) {
    c.ids.push_back(c.table.keys()[r]);
    c.time.push_back(*parse_number(c.table.cell(r, c.table.column("time"))));
    c.event.push_back(static_cast<int>(*parse_number(c.table.cell(r, c.table.column("event")))));
  }
  return c;
}

// Patients with a non-missing value in `col`, grouped by its text (sorted as R sorts factor levels).
std::map<std::string, std::vector<std::size_t>> groups_of(const Cohort& c, const std::string& col) {
  std::map<std::string, std::vector<std::size_t>> g;
  for (std::size_t r = 0; r < c.table.rows(); ++r) {
    const auto& v = c.table.cell(r, c.table.column(col));
    if (!is_missing_value(v)) g[v].push_back(r);
  }
  return g;
}

void check_km(const KmCurve& curve, const std::string& case_name) {
  std::vector<Row> want, med;
  for (auto& r : rows_of("expected_km.tsv", case_name))
    if (r["group"] == curve.group) want.push_back(r);
  for (auto& r : rows_of("expected_median.tsv", case_name))
    if (r["group"] == curve.group) med.push_back(r);
  ASSERT_EQ(curve.steps.size(), want.size()) << case_name << " " << curve.group;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto& s = curve.steps[i];
    std::string at = case_name + " " + curve.group + " t=" + want[i]["time"];
    expect_r(s.time, want[i]["time"], at + " time");
    EXPECT_EQ(s.n_risk, std::stoi(want[i]["n_risk"])) << at;
    EXPECT_EQ(s.n_event, std::stoi(want[i]["n_event"])) << at;
    EXPECT_EQ(s.n_censor, std::stoi(want[i]["n_censor"])) << at;
    expect_r(s.survival, want[i]["survival"], at + " survival");
    expect_r(s.std_err, want[i]["std_err"], at + " std_err");
    expect_r(s.lower, want[i]["lower"], at + " lower");
    expect_r(s.upper, want[i]["upper"], at + " upper");
  }
  ASSERT_EQ(med.size(), 1u);
  expect_r(curve.median, med[0]["median"], case_name + " median");
  expect_r(curve.median_lower, med[0]["lower"], case_name + " median lower");
  expect_r(curve.median_upper, med[0]["upper"], case_name + " median upper");
}

// KM per group and the log-rank test, against R.
void check_grouped(const std::string& file, const std::string& col, const std::string& case_name) {
  Cohort c = load(file);
  auto groups = groups_of(c, col);
  std::vector<double> t;
  std::vector<int> e, g;
  int gi = 0;
  for (auto& [name, members] : groups) {
    std::vector<double> gt;
    std::vector<int> ge;
    for (auto r : members) {
      gt.push_back(c.time[r]);
      ge.push_back(c.event[r]);
      t.push_back(c.time[r]);
      e.push_back(c.event[r]);
      g.push_back(gi);
    }
    check_km(kaplan_meier(gt, ge, 0.95, name), case_name);
    ++gi;
  }
  auto lr = log_rank(t, e, g, gi);
  auto want = rows_of("expected_logrank.tsv", case_name);
  expect_r(lr.chisq, want[0]["chisq"], case_name + " chisq");
  EXPECT_EQ(lr.df, std::stoi(want[0]["df"]));
  expect_r(lr.p, want[0]["p"], case_name + " p");
}

// Cox model on numeric columns and factor columns (R's treatment coding: first sorted level = reference).
void check_cox(const std::string& file, const std::vector<std::string>& terms, Ties ties,
               const std::string& case_name) {
  Cohort c = load(file);
  std::vector<std::size_t> use;
  for (std::size_t r = 0; r < c.table.rows(); ++r) {
    bool ok = true;
    for (auto& term : terms) ok &= !is_missing_value(c.table.cell(r, c.table.column(term)));
    if (ok) use.push_back(r);
  }
  std::vector<std::string> names;
  std::vector<std::vector<double>> cols;
  for (auto& term : terms) {
    auto col = c.table.column(term);
    if (parse_number(c.table.cell(use[0], col))) {
      names.push_back(term);
      cols.emplace_back();
      for (auto r : use) cols.back().push_back(*parse_number(c.table.cell(r, col)));
      continue;
    }
    auto levels = groups_of(c, term);
    for (auto it = std::next(levels.begin()); it != levels.end(); ++it) {
      names.push_back(term + it->first);
      cols.emplace_back();
      for (auto r : use) cols.back().push_back(c.table.cell(r, col) == it->first ? 1.0 : 0.0);
    }
  }
  Eigen::MatrixXd x(use.size(), cols.size());
  std::vector<double> t;
  std::vector<int> e;
  for (std::size_t i = 0; i < use.size(); ++i) {
    for (std::size_t j = 0; j < cols.size(); ++j) x(i, j) = cols[j][i];
    t.push_back(c.time[use[i]]);
    e.push_back(c.event[use[i]]);
  }
  CoxOptions opt;
  opt.ties = ties;
  CoxFit fit = cox_fit(x, names, t, e, opt);
  EXPECT_TRUE(fit.converged && fit.reliable) << case_name;
  auto want = rows_of("expected_cox.tsv", case_name);
  ASSERT_EQ(fit.terms.size(), want.size());
  for (std::size_t j = 0; j < want.size(); ++j) {
    const auto& term = fit.terms[j];
    EXPECT_EQ(term.name, want[j]["term"]);
    for (auto [value, key] : {std::pair{term.coef, "coef"},
                              {term.se, "se"},
                              {term.hr, "hr"},
                              {term.hr_lower, "hr_lower"},
                              {term.hr_upper, "hr_upper"},
                              {term.z, "z"},
                              {term.p_wald, "p_wald"}})
      expect_r(value, want[j][key], case_name + " " + term.name + " " + key);
  }
  auto m = rows_of("expected_cox_model.tsv", case_name)[0];
  EXPECT_EQ(fit.n, std::stoi(m["n"]));
  EXPECT_EQ(fit.events, std::stoi(m["events"]));
  EXPECT_EQ(fit.iterations, std::stoi(m["iter"])) << case_name;
  for (auto [value, key] : {std::pair{fit.loglik0, "loglik0"},
                            {fit.loglik, "loglik"},
                            {fit.lr, "lr"},
                            {fit.lr_p, "lr_p"},
                            {fit.wald, "wald"},
                            {fit.wald_p, "wald_p"},
                            {fit.score, "score"},
                            {fit.score_p, "score_p"},
                            {fit.concordance.value, "concordance"},
                            {fit.concordance.concordant, "concordant"},
                            {fit.concordance.discordant, "discordant"},
                            {fit.concordance.tied_risk, "tied_x"},
                            {fit.concordance.tied_time, "tied_y"},
                            {fit.concordance.tied_both, "tied_xy"}})
    expect_r(value, m[key], case_name + " " + key);
}

}  // namespace

TEST(SurvivalSpecial, IncompleteGammaMatchesR) {
  // R: pchisq(x, df, lower.tail = FALSE) and pgamma(x, a)
  EXPECT_NEAR(chisq_sf(3, 2.5) / 0.30584962944581801, 1, 1e-12);
  EXPECT_NEAR(chisq_sf(0.001, 1) / 0.97477287936996038, 1, 1e-12);
  EXPECT_NEAR(chisq_sf(150, 4) / 2.0357640909741394e-31, 1, 1e-10);
  EXPECT_NEAR(chisq_sf(50, 30) / 0.012402060718900583, 1, 1e-12);
  EXPECT_NEAR(gamma_p(0.5, 0.5) / 0.68268949213708596, 1, 1e-12);
  EXPECT_NEAR(gamma_p(12.5, 10) / 0.25317469398346304, 1, 1e-12);
  EXPECT_NEAR(gamma_p(90, 100) / 0.85365382530126721, 1, 1e-12);
  EXPECT_NEAR(gamma_p(3, 1e-3) / 1.6654171665278078e-10, 1, 1e-10);
  EXPECT_NEAR(gamma_p(2.0, 3.0) + gamma_q(2.0, 3.0), 1.0, 1e-15);
  EXPECT_NEAR(gamma_q(1.0, 2.0), std::exp(-2.0), 1e-15);  // Q(1, x) = e^-x exactly
  EXPECT_EQ(chisq_sf(0, 3), 1.0);
  EXPECT_THROW(gamma_p(-1, 1), InternalError);
}

TEST(SurvivalSpecial, NormalMatchesR) {
  EXPECT_NEAR(normal_cdf(-8) / 6.2209605742717849e-16, 1, 1e-10);
  EXPECT_NEAR(normal_quantile(0.975), 1.9599639845400536, 1e-14);
  EXPECT_NEAR(normal_quantile(1e-10), -6.3613409024040557, 1e-12);
  EXPECT_NEAR(normal_quantile(0.3), -0.52440051270804067, 1e-14);
  EXPECT_NEAR(normal_cdf(normal_quantile(0.01)), 0.01, 1e-15);
}

TEST(SurvivalKm, HandCaseIsExactProductLimit) {
  Cohort c = load("hand_cases.tsv");
  KmCurve k = kaplan_meier(c.time, c.event, 0.95);
  // t=1: 16 at risk, 2 deaths -> 14/16; t=2: 13 at risk, 3 deaths -> 14/16 * 10/13
  EXPECT_DOUBLE_EQ(k.steps[0].survival, 14.0 / 16);
  EXPECT_DOUBLE_EQ(k.steps[1].survival, 14.0 / 16 * 10 / 13);
  EXPECT_EQ(k.events, 11);
  check_km(k, "hand_all");
}

TEST(SurvivalKm, TcgaLamlMatchesR) {
  Cohort c = load("tcga_laml_clinical.tsv");
  check_km(kaplan_meier(c.time, c.event, 0.95), "laml_all");
}

TEST(SurvivalLogRank, HandGroupsMatchR) { check_grouped("hand_cases.tsv", "group", "hand_group"); }
TEST(SurvivalLogRank, TcgaLamlRiskGroupsMatchR) { check_grouped("tcga_laml_clinical.tsv", "risk", "laml_risk"); }
TEST(SurvivalLogRank, TcgaLamlSexMatchesR) { check_grouped("tcga_laml_clinical.tsv", "male", "laml_male"); }

TEST(SurvivalCox, HandCasesMatchR) {
  check_cox("hand_cases.tsv", {"x"}, Ties::kEfron, "hand_x_efron");
  check_cox("hand_cases.tsv", {"x", "z"}, Ties::kEfron, "hand_xz_efron");
  check_cox("hand_cases.tsv", {"x", "z"}, Ties::kBreslow, "hand_xz_breslow");
  check_cox("hand_cases.tsv", {"group"}, Ties::kEfron, "hand_group_efron");
}

TEST(SurvivalCox, TcgaLamlMatchesR) {
  check_cox("tcga_laml_clinical.tsv", {"age"}, Ties::kEfron, "laml_age_efron");
  check_cox("tcga_laml_clinical.tsv", {"age", "blast_pct", "risk"}, Ties::kEfron, "laml_multi_efron");
  check_cox("tcga_laml_clinical.tsv", {"age", "blast_pct", "risk"}, Ties::kBreslow, "laml_multi_breslow");
}

TEST(SurvivalCox, SeparatingCovariateIsFlaggedUnreliable) {
  // Every patient with x = 1 dies before every patient with x = 0: the likelihood grows without bound in beta.
  std::vector<double> t{1, 2, 3, 4, 5, 6, 7, 8};
  std::vector<int> e{1, 1, 1, 1, 1, 0, 1, 0};
  Eigen::MatrixXd x(8, 1);
  x << 1, 1, 1, 1, 0, 0, 0, 0;
  CoxFit fit = cox_fit(x, {"x"}, t, e);
  EXPECT_FALSE(fit.reliable);
  EXPECT_TRUE(fit.terms[0].may_be_infinite);
  EXPECT_FALSE(fit.warnings.empty());
}

TEST(SurvivalCox, CollinearOrEventlessInputsAreComputeErrors) {
  std::vector<double> t{1, 2, 3, 4};
  Eigen::MatrixXd x(4, 2);
  x << 1, 2, 2, 4, 3, 6, 4, 8;
  EXPECT_THROW(cox_fit(x, {"a", "b"}, t, {1, 0, 1, 1}), ComputeError);
  EXPECT_THROW(cox_fit(x.leftCols(1), {"a"}, t, {0, 0, 0, 0}), ComputeError);
}

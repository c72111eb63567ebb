// `blue survival` end to end: results equal R's (expected_*.tsv), text event codes, the KM plot, and clear
// errors for bad inputs and options.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "io_test_util.h"

namespace fs = std::filesystem;

namespace {

const std::string kDir = std::string(BLUE_FIXTURES) + "/survival/";
const std::string kLaml = kDir + "tcga_laml_clinical.tsv";

struct Run {
  int code;
  std::string err;
};

using blue::test::slurp;

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("blue_cli_survival_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

Run survival(const std::string& args, const fs::path& work) {
  const fs::path err = work / "stderr.txt";
  const std::string cmd = std::string(BLUE_EXE) + " survival " + args + " 2> " + err.string();
  int status = std::system(cmd.c_str());
  return {WEXITSTATUS(status), slurp(err)};
}

// Value of column `col` in the row whose first field is `key` (or the first data row when key is empty).
std::string field(const std::string& table, const std::string& key, const std::string& col) {
  std::stringstream ss(table);
  std::string line;
  std::getline(ss, line);
  std::vector<std::string> header;
  std::stringstream hs(line);
  for (std::string c; std::getline(hs, c, '\t');) header.push_back(c);
  while (std::getline(ss, line)) {
    std::vector<std::string> cells;
    std::stringstream ls(line);
    for (std::string c; std::getline(ls, c, '\t');) cells.push_back(c);
    if (!key.empty() && cells[0] != key) continue;
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == col) return cells[i];
  }
  return "missing";
}

// Minimal XML well-formedness: every opened tag is closed in order.
bool balanced_xml(const std::string& s) {
  std::vector<std::string> stack;
  for (std::size_t i = s.find('<'); i != std::string::npos; i = s.find('<', i + 1)) {
    std::size_t end = s.find('>', i);
    if (end == std::string::npos) return false;
    std::string tag = s.substr(i + 1, end - i - 1);
    if (tag[0] == '?' || tag.back() == '/') continue;
    std::string name = tag.substr(tag[0] == '/' ? 1 : 0, tag.find_first_of(" \n") - (tag[0] == '/' ? 1 : 0));
    if (tag[0] != '/')
      stack.push_back(name);
    else if (stack.empty() || stack.back() != name)
      return false;
    else
      stack.pop_back();
  }
  return stack.empty();
}

void near_r(const std::string& got, const std::string& want, const std::string& what) {
  double g = std::stod(got), w = std::stod(want);
  EXPECT_NEAR(g, w, 1e-6 * std::max(std::fabs(w), 1e-300) + 1e-12) << what;
}

}  // namespace

TEST(CliSurvival, RiskGroupsMatchRAndPlot) {
  auto d = temp_dir("groups");
  auto r = survival("--clinical " + kLaml + " --time time --event event --group-col risk --drop-missing --out " +
                        (d / "out").string(),
                    d);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("3 patient(s) with a missing value"), std::string::npos) << r.err;
  const std::string expected = slurp(kDir + "expected_logrank.tsv");
  const std::string lr = slurp(d / "out/logrank.tsv");
  near_r(field(lr, "", "chisq"), field(expected, "laml_risk", "chisq"), "chisq");
  near_r(field(lr, "", "p"), field(expected, "laml_risk", "p"), "p");
  const std::string median = slurp(d / "out/median.tsv");
  EXPECT_EQ(field(median, "Favorable", "median"), "NA");  // not reached, as in R
  near_r(field(median, "Poor", "median"), "306", "median Poor");
  // Cox on the groups: Intermediate and Poor against Favorable.
  const std::string cox = slurp(d / "out/cox.tsv");
  EXPECT_NE(field(cox, "riskPoor", "hr"), "missing");
  const std::string svg = slurp(d / "out/km.svg");
  EXPECT_TRUE(balanced_xml(svg));
  for (const char* part : {"<svg", "km-curve", "class=\"censor\"", "Number at risk", "Log-rank p = ", "Time (days)",
                           "Survival probability", ">Poor<", ">Favorable<"})
    EXPECT_NE(svg.find(part), std::string::npos) << part;
  EXPECT_TRUE(fs::exists(d / "out/provenance.json"));
  fs::remove_all(d);
}

TEST(CliSurvival, CovariatesMatchRCox) {
  auto d = temp_dir("cox");
  auto r = survival("--clinical " + kLaml +
                        " --time time --event event --covariates age,blast_pct,risk --drop-missing --out " +
                        (d / "out").string(),
                    d);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string expected = slurp(kDir + "expected_cox.tsv");
  const std::string cox = slurp(d / "out/cox.tsv");
  for (const char* term : {"age", "blast_pct", "riskIntermediate", "riskPoor"}) {
    std::string want_row;  // expected_cox.tsv is keyed by case: find the laml_multi_efron row of this term
    std::stringstream ss(expected);
    for (std::string line; std::getline(ss, line);)
      if (line.rfind("laml_multi_efron\t" + std::string(term) + "\t", 0) == 0) want_row = line;
    ASSERT_FALSE(want_row.empty()) << term;
    std::string hdr = "term\tcoef\tse\thr\thr_lower\thr_upper\tz\tp_wald\n";
    std::string one = hdr + want_row.substr(want_row.find('\t') + 1) + "\n";
    for (const char* col : {"coef", "hr", "hr_lower", "hr_upper", "p_wald"})
      near_r(field(cox, term, col), field(one, term, col), std::string(term) + " " + col);
  }
  const std::string model = slurp(d / "out/cox_model.tsv");
  const std::string want_model = slurp(kDir + "expected_cox_model.tsv");
  near_r(field(model, "likelihood_ratio", "value"), field(want_model, "laml_multi_efron", "lr"), "LR");
  near_r(field(model, "concordance", "value"), field(want_model, "laml_multi_efron", "concordance"), "C");
  EXPECT_EQ(field(model, "reliable", "value"), "1");
  EXPECT_FALSE(fs::exists(d / "out/logrank.tsv"));  // no groups, no log-rank
  fs::remove_all(d);
}

TEST(CliSurvival, TextEventCodesNeedAnExplicitCoding) {
  auto d = temp_dir("coding");
  auto bad = survival("--clinical " + kLaml + " --time time --event vital --out " + (d / "a").string(), d);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--event-coding"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(d / "a"));
  auto ok = survival("--clinical " + kLaml + " --time time --event vital --event-coding Dead=1,Alive=0 --out " +
                         (d / "b").string(),
                     d);
  ASSERT_EQ(ok.code, 0) << ok.err;
  auto ref = survival("--clinical " + kLaml + " --time time --event event --out " + (d / "c").string(), d);
  ASSERT_EQ(ref.code, 0) << ref.err;
  EXPECT_EQ(slurp(d / "b/km.tsv"), slurp(d / "c/km.tsv"));
  fs::remove_all(d);
}

TEST(CliSurvival, BadValuesAreAllReported) {
  auto d = temp_dir("bad");
  std::ofstream(d / "c.tsv") << "id\tt\te\np1\t10\t1\np2\t-3\t0\np3\tabc\t1\np4\t5\t2\np5\tNA\t1\np6\t7\t0\n";
  auto r = survival("--clinical " + (d / "c.tsv").string() + " --time t --event e --out " + (d / "o").string(), d);
  EXPECT_EQ(r.code, 2);
  for (const char* part :
       {"line 3", "negative", "'abc' is not a number", "event '2' is not 0", "missing time", "--drop-missing"})
    EXPECT_NE(r.err.find(part), std::string::npos) << part << "\n" << r.err;
  EXPECT_FALSE(fs::exists(d / "o"));
  auto col = survival("--clinical " + (d / "c.tsv").string() + " --time T --event e --out " + (d / "o").string(), d);
  EXPECT_EQ(col.code, 2);
  EXPECT_NE(col.err.find("no column 'T'"), std::string::npos) << col.err;
  fs::remove_all(d);
}

TEST(CliSurvival, GroupsTableJoinReportsMissingPatients) {
  auto d = temp_dir("join");
  std::ofstream(d / "c.tsv") << "id\tt\te\np1\t1\t1\np2\t2\t1\np3\t3\t0\np4\t4\t1\np5\t5\t1\np6\t6\t0\n";
  std::ofstream(d / "g.tsv") << "id\tcluster\np1\tA\np2\tB\np3\tA\np4\tB\np5\tA\nq9\tB\n";
  auto r = survival("--clinical " + (d / "c.tsv").string() + " --time t --event e --groups " + (d / "g.tsv").string() +
                        " --group-col cluster --out " + (d / "o").string(),
                    d);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("not in the groups table"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("p6"), std::string::npos);
  EXPECT_NE(r.err.find("q9"), std::string::npos);
  const std::string km = slurp(d / "o/km.tsv");
  EXPECT_EQ(field(km, "A", "n_risk"), "3");  // p1, p3, p5
  fs::remove_all(d);
}

TEST(CliSurvival, OptionProblemsAndExistingOutput) {
  auto d = temp_dir("opts");
  auto r = survival("--clinical " + kLaml + " --time time --event event --groups " + kLaml +
                        " --ties exact --conf-level 1.5 --out " + (d / "o").string(),
                    d);
  EXPECT_EQ(r.code, 1);
  for (const char* part : {"3 problem(s)", "--group-col", "--ties", "--conf-level"})
    EXPECT_NE(r.err.find(part), std::string::npos) << part << "\n" << r.err;
  auto first = survival("--clinical " + kLaml + " --time time --event event --out " + (d / "o").string(), d);
  ASSERT_EQ(first.code, 0) << first.err;
  auto again = survival("--clinical " + kLaml + " --time time --event event --out " + (d / "o").string(), d);
  EXPECT_EQ(again.code, 4);
  auto forced = survival("--clinical " + kLaml + " --time time --event event --force --out " + (d / "o").string(), d);
  EXPECT_EQ(forced.code, 0) << forced.err;
  fs::remove_all(d);
}

TEST(CliSurvival, SeparatedCovariateIsMarkedUnreliable) {
  auto d = temp_dir("sep");
  std::ofstream(d / "c.tsv") << "id\tt\te\tx\np1\t1\t1\t1\np2\t2\t1\t1\np3\t3\t1\t1\np4\t4\t1\t1\np5\t5\t1\t0\n"
                                "p6\t6\t0\t0\np7\t7\t1\t0\np8\t8\t0\t0\n";
  auto r = survival("--clinical " + (d / "c.tsv").string() + " --time t --event e --covariates x --out " +
                        (d / "o").string(),
                    d);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("may be infinite"), std::string::npos) << r.err;
  const std::string cox = slurp(d / "o/cox.tsv");
  EXPECT_EQ(field(cox, "x", "reliable"), "no");
  EXPECT_EQ(field(cox, "x", "hr"), "NA");
  fs::remove_all(d);
}

// --bootstrap on TCGA-LAML: age (Wald p ~ 1e-7 on all patients) holds in every resample, sex (p ~ 0.3) in
// few; the percentile interval contains the estimate; the same seed gives the same table, another seed another.
TEST(CliSurvival, BootstrapSaysHowOftenAnAssociationHolds) {
  auto d = temp_dir("bootstrap");
  auto run = [&](const std::string& out, int seed) {
    return survival("--clinical " + kLaml +
                        " --time time --event event --group-col risk --covariates age,male "
                        "--drop-missing --bootstrap 200 --seed " +
                        std::to_string(seed) + " --out " + (d / out).string(),
                    d);
  };
  ASSERT_EQ(run("a", 1).code, 0);
  ASSERT_EQ(run("b", 1).code, 0);
  ASSERT_EQ(run("c", 2).code, 0);
  const std::string a = slurp(d / "a/bootstrap.tsv");
  EXPECT_EQ(a, slurp(d / "b/bootstrap.tsv"));
  EXPECT_NE(a, slurp(d / "c/bootstrap.tsv"));
  EXPECT_EQ(field(a, "cox:age", "fits"), "200");
  EXPECT_GE(std::stod(field(a, "cox:age", "share_significant")), 0.95);
  EXPECT_LE(std::stod(field(a, "cox:male", "share_significant")), 0.4);
  EXPECT_GE(std::stod(field(a, "logrank", "share_significant")), 0.8);
  const double hr = std::stod(field(a, "cox:riskPoor", "estimate"));
  EXPECT_LT(std::stod(field(a, "cox:riskPoor", "hr_lower")), hr);
  EXPECT_GT(std::stod(field(a, "cox:riskPoor", "hr_upper")), hr);
  EXPECT_NEAR(hr, std::stod(field(slurp(d / "a/cox.tsv"), "riskPoor", "hr")), 1e-6);
  fs::remove_all(d);
}

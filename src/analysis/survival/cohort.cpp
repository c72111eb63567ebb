#include "analysis/survival/cohort.h"

#include <algorithm>
#include <optional>

#include "util/error.h"
#include "util/log.h"

namespace blue::survival {
namespace {

// Collects the problems of one input so they are all reported in a single error.
class Problems {
 public:
  void add(std::string p) { list_.push_back(std::move(p)); }
  bool empty() const { return list_.empty(); }
  void throw_if_any(const std::string& head) const {
    if (list_.empty()) return;
    std::string msg = head + ": " + std::to_string(list_.size()) + " problem(s):";
    for (std::size_t i = 0; i < list_.size() && i < 12; ++i) msg += "\n  " + list_[i];
    if (list_.size() > 12) msg += "\n  (and " + std::to_string(list_.size() - 12) + " more)";
    throw InputError(msg);
  }

 private:
  std::vector<std::string> list_;
};

std::string where(const KeyedTable& t, std::size_t row, const std::string& col) {
  return "line " + std::to_string(t.line_of(row)) + " (id '" + t.keys()[row] + "'), column '" + col + "'";
}

struct Column {
  std::string name;
  std::size_t index;
};

std::optional<int> parse_event(const std::string& v, const EventCoding& coding) {
  if (!coding.empty()) {
    auto it = coding.find(v);
    if (it == coding.end()) return std::nullopt;
    return it->second;
  }
  auto x = parse_number(v);
  if (x && (*x == 0 || *x == 1)) return static_cast<int>(*x);
  return std::nullopt;
}

std::string coding_text(const EventCoding& coding) {
  if (coding.empty()) return "0 (censored) or 1 (event); for text codes use --event-coding \"Dead=1,Alive=0\"";
  std::string s;
  for (auto& [k, v] : coding) s += (s.empty() ? "" : ", ") + k + "=" + std::to_string(v);
  return "one of " + s + " (from --event-coding)";
}

bool event_missing(const std::string& v, const EventCoding& coding) {
  return is_missing_value(v) && coding.find(v) == coding.end();
}

// True when the row has a missing value in any used column of `table`.
bool row_has_missing(const KeyedTable& table, std::size_t row, const std::vector<Column>& cols) {
  return std::any_of(cols.begin(), cols.end(),
                     [&](const Column& c) { return is_missing_value(table.cell(row, c.index)); });
}

void add_covariate(SurvivalCohort& c, const KeyedTable& t, const std::vector<std::size_t>& rows, const Column& col) {
  std::vector<std::string> values;
  bool numeric = true;
  for (auto r : rows) {
    values.push_back(t.cell(r, col.index));
    numeric &= parse_number(values.back()).has_value();
  }
  std::vector<std::vector<double>> columns;
  if (numeric) {
    c.terms.push_back(col.name);
    columns.emplace_back();
    for (auto& v : values) columns.back().push_back(*parse_number(v));
  } else {
    auto levels = sorted_levels(values);
    if (levels.size() < 2)
      throw InputError("covariate '" + col.name + "' of the " + t.what() + " table has a single value ('" + levels[0] +
                       "') among the patients used; remove it from --covariates");
    log::info("survival", "covariate '{}' is categorical: reference level '{}', {} other level(s)", col.name, levels[0],
              levels.size() - 1);
    for (std::size_t l = 1; l < levels.size(); ++l) {
      c.terms.push_back(col.name + levels[l]);
      columns.emplace_back();
      for (auto& v : values) columns.back().push_back(v == levels[l] ? 1.0 : 0.0);
    }
  }
  Eigen::MatrixXd grown(rows.size(), c.design.cols() + static_cast<Eigen::Index>(columns.size()));
  grown.leftCols(c.design.cols()) = c.design;
  for (std::size_t j = 0; j < columns.size(); ++j)
    grown.col(c.design.cols() + j) = Eigen::Map<Eigen::VectorXd>(columns[j].data(), rows.size());
  c.design = grown;
}

// Rows of the clinical table kept after the join with the groups table and the missing-value rule.
std::vector<std::size_t> select_rows(SurvivalCohort& c, const KeyedTable& clinical, const CohortSpec& spec,
                                     const std::vector<Column>& used, const Column& ec,
                                     std::vector<std::size_t>& group_rows) {
  std::vector<std::size_t> rows;
  const bool grouped = !spec.group_col.empty();
  const std::size_t gcol = grouped ? spec.groups->column(spec.group_col) : 0;
  for (std::size_t r = 0; r < clinical.rows(); ++r) {
    std::optional<std::size_t> g = r;
    if (grouped && spec.groups != &clinical) g = spec.groups->find(clinical.keys()[r]);
    if (!g) {
      c.not_in_groups.push_back(clinical.keys()[r]);
      continue;
    }
    bool missing = row_has_missing(clinical, r, used) || event_missing(clinical.cell(r, ec.index), spec.coding) ||
                   (grouped && is_missing_value(spec.groups->cell(*g, gcol)));
    if (missing && spec.drop_missing) {
      c.dropped_missing.push_back(clinical.keys()[r]);
      continue;
    }
    rows.push_back(r);
    group_rows.push_back(*g);
  }
  if (grouped && spec.groups != &clinical)
    for (const auto& k : spec.groups->keys())
      if (!clinical.find(k)) c.not_in_clinical.push_back(k);
  return rows;
}

void read_time_event(SurvivalCohort& c, const KeyedTable& t, const std::vector<std::size_t>& rows, const Column& tc,
                     const Column& ec, const EventCoding& coding) {
  Problems problems;
  for (auto r : rows) {
    const auto& tv = t.cell(r, tc.index);
    const auto& ev = t.cell(r, ec.index);
    auto time = parse_number(tv);
    if (is_missing_value(tv))
      problems.add(where(t, r, tc.name) + ": missing time '" + tv + "' (use --drop-missing to drop such patients)");
    else if (!time)
      problems.add(where(t, r, tc.name) + ": time '" + tv + "' is not a number");
    else if (*time < 0)
      problems.add(where(t, r, tc.name) + ": time " + tv + " is negative");
    auto event = parse_event(ev, coding);
    if (event_missing(ev, coding))
      problems.add(where(t, r, ec.name) + ": missing event '" + ev + "' (use --drop-missing to drop such patients)");
    else if (!event)
      problems.add(where(t, r, ec.name) + ": event '" + ev + "' is not " + coding_text(coding));
    c.time.push_back(time.value_or(0));
    c.event.push_back(event.value_or(0));
  }
  problems.throw_if_any("the " + t.what() + " table '" + t.path() + "' has unusable survival data");
}

void check_covariates(const KeyedTable& t, const std::vector<std::size_t>& rows, const std::vector<Column>& covs) {
  Problems problems;
  for (const auto& col : covs)
    for (auto r : rows)
      if (is_missing_value(t.cell(r, col.index)))
        problems.add(where(t, r, col.name) + ": missing covariate value (use --drop-missing to drop such patients)");
  problems.throw_if_any("the " + t.what() + " table '" + t.path() + "' has missing covariates");
}

}  // namespace

EventCoding parse_event_coding(const std::string& spec) {
  EventCoding coding;
  std::size_t start = 0;
  bool has[2] = {false, false};
  while (start <= spec.size()) {
    auto comma = spec.find(',', start);
    std::string part = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto eq = part.rfind('=');
    std::string code = eq == std::string::npos ? "" : part.substr(eq + 1);
    if (eq == std::string::npos || eq == 0 || (code != "0" && code != "1"))
      throw UsageError("--event-coding: '" + part + "' is not TEXT=1 or TEXT=0 (example: \"Dead=1,Alive=0\")");
    coding[part.substr(0, eq)] = code == "1";
    has[code == "1"] = true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (!has[0] || !has[1])
    throw UsageError("--event-coding '" + spec +
                     "' needs at least one code for events (=1) and one for censoring (=0)");
  return coding;
}

std::vector<std::string> sorted_levels(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  bool numeric = std::all_of(values.begin(), values.end(),
                             [](const std::string& v) { return parse_number(v).has_value(); });
  if (numeric)
    std::stable_sort(values.begin(), values.end(),
                     [](const std::string& a, const std::string& b) { return *parse_number(a) < *parse_number(b); });
  return values;
}

SurvivalCohort build_cohort(const KeyedTable& clinical, const CohortSpec& spec) {
  SurvivalCohort c;
  const Column tc{spec.time_col, clinical.column(spec.time_col)};
  const Column ec{spec.event_col, clinical.column(spec.event_col)};
  std::vector<Column> covs;
  for (const auto& name : spec.covariates) covs.push_back({name, clinical.column(name)});
  std::vector<Column> used = covs;
  used.push_back(tc);
  std::vector<std::size_t> group_rows;
  const auto rows = select_rows(c, clinical, spec, used, ec, group_rows);
  if (rows.empty())
    throw InputError("no patient of the " + clinical.what() + " table '" + clinical.path() +
                     "' is usable (check that the tables share ids in their first column)");
  for (auto r : rows) c.ids.push_back(clinical.keys()[r]);
  read_time_event(c, clinical, rows, tc, ec, spec.coding);
  check_covariates(clinical, rows, covs);
  c.design.resize(static_cast<Eigen::Index>(rows.size()), 0);
  for (const auto& col : covs) add_covariate(c, clinical, rows, col);
  if (!spec.group_col.empty()) {
    const std::size_t gcol = spec.groups->column(spec.group_col);
    std::vector<std::string> labels;
    for (auto g : group_rows) labels.push_back(spec.groups->cell(g, gcol));
    c.group_names = sorted_levels(labels);
    for (const auto& l : labels)
      c.group.push_back(static_cast<int>(std::find(c.group_names.begin(), c.group_names.end(), l) -
                                         c.group_names.begin()));
  }
  return c;
}

}  // namespace blue::survival

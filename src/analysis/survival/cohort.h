// Assembles the patients of a survival analysis from a clinical table (time, event, covariates) and an
// optional groups table, both keyed by their first column. Validates every value and reports all problems
// at once: missing, negative or non-numeric times, events not coded 0/1 (or by an explicit coding).
#pragma once
#include <Eigen/Dense>

#include <map>
#include <string>
#include <vector>

#include "analysis/keyed_table.h"

namespace blue::survival {

// Text event codes, e.g. "Dead=1,Alive=0" -> {Dead: 1, Alive: 0}. Empty: the column must hold 0/1.
using EventCoding = std::map<std::string, int>;
// Parses "A=1,B=0" (codes 0 or 1, at least one of each); UsageError naming the bad part.
EventCoding parse_event_coding(const std::string& spec);

struct CohortSpec {
  std::string time_col, event_col;
  EventCoding coding;
  const KeyedTable* groups = nullptr;  // may be the clinical table itself
  std::string group_col;               // empty: no groups
  std::vector<std::string> covariates;
  bool drop_missing = false;  // drop patients with a missing value (else: InputError)
};

struct SurvivalCohort {
  std::vector<std::string> ids;
  std::vector<double> time;
  std::vector<int> event;
  std::vector<int> group;                    // index into group_names; empty without groups
  std::vector<std::string> group_names;      // sorted as R sorts factor levels (numerically if all numbers)
  Eigen::MatrixXd design;                    // patients x terms: numeric covariates, then 0/1 dummies
  std::vector<std::string> terms;            // R-style names: "age", "riskPoor" (first level = reference)
  std::vector<std::string> not_in_groups;    // in the clinical table, absent from the groups table
  std::vector<std::string> not_in_clinical;  // in the groups table, absent from the clinical table
  std::vector<std::string> dropped_missing;  // dropped for a missing value (with drop_missing)
};

SurvivalCohort build_cohort(const KeyedTable& clinical, const CohortSpec& spec);

// The sorted distinct values of `values`: numerically when all parse as numbers, else by text.
std::vector<std::string> sorted_levels(std::vector<std::string> values);

}  // namespace blue::survival

// blue survival: Kaplan-Meier per group, log-rank test, Cox proportional hazards on groups and covariates,
// and a Kaplan-Meier plot, from a clinical table (time, event) and an optional groups table.
#include <algorithm>
#include <cmath>
#include <optional>

#include "analysis/survival/analysis.h"
#include "analysis/survival/bootstrap.h"
#include "analysis/survival/cohort.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "defaults.h"
#include "report/survival_outputs.h"
#include "util/error.h"
#include "util/log.h"

namespace blue::cli {
namespace {

struct SurvivalOptions {
  std::string clinical, time_col, event_col, groups, group_col, covariates, event_coding, ties = "efron", out;
  std::string time_label = "Time (days)";
  double conf_level = defaults::kConfidenceLevel;
  bool drop_missing = false;
  int bootstrap = 0;
  std::uint64_t seed = defaults::kSeed;
  RunOptions run;
};

// Every option problem at once.
void validate(const SurvivalOptions& o) {
  std::vector<std::string> problems;
  if (!o.groups.empty() && o.group_col.empty())
    problems.push_back("--groups needs --group-col (the column of the groups table that holds the group)");
  if (!(o.conf_level > 0 && o.conf_level < 1))
    problems.push_back("--conf-level must be between 0 and 1 (got " + std::to_string(o.conf_level) + ")");
  if (o.ties != "efron" && o.ties != "breslow")
    problems.push_back("--ties must be efron or breslow (got '" + o.ties + "')");
  if (!o.covariates.empty() && split_list(o.covariates).empty())
    problems.push_back("--covariates is empty; give column names separated by commas");
  if (problems.empty()) return;
  std::string msg = "blue survival: " + std::to_string(problems.size()) + " problem(s) with the options:";
  for (const auto& p : problems) msg += "\n  " + p;
  throw UsageError(msg);
}

void report_dropped(const survival::SurvivalCohort& c, const SurvivalOptions& o) {
  if (!c.not_in_groups.empty())
    log::warn("survival", "{} patient(s) of {} are not in the groups table {} and are left out: {}",
              c.not_in_groups.size(), o.clinical, o.groups, log::preview(c.not_in_groups));
  if (!c.not_in_clinical.empty())
    log::warn("survival", "{} id(s) of the groups table {} are not in {} and are left out: {}",
              c.not_in_clinical.size(), o.groups, o.clinical, log::preview(c.not_in_clinical));
  if (!c.dropped_missing.empty())
    log::warn("survival", "--drop-missing: {} patient(s) with a missing value are left out: {}",
              c.dropped_missing.size(), log::preview(c.dropped_missing));
}

void run(const SurvivalOptions& o) {
  apply_run_options(o.run);
  validate(o);
  survival::CohortSpec spec;
  spec.time_col = o.time_col;
  spec.event_col = o.event_col;
  if (!o.event_coding.empty()) spec.coding = survival::parse_event_coding(o.event_coding);
  spec.covariates = split_list(o.covariates);
  spec.drop_missing = o.drop_missing;
  const KeyedTable clinical = KeyedTable::read(o.clinical, "clinical");
  std::optional<KeyedTable> groups;
  if (!o.groups.empty()) groups = KeyedTable::read(o.groups, "groups");
  if (!o.group_col.empty()) {
    spec.groups = groups ? &*groups : &clinical;
    spec.group_col = o.group_col;
  }
  const auto cohort = survival::build_cohort(clinical, spec);
  report_dropped(cohort, o);
  log::info("survival", "{} patients, {} events, {} group(s), {} covariate term(s)", cohort.ids.size(),
            std::count(cohort.event.begin(), cohort.event.end(), 1),
            std::max<std::size_t>(1, cohort.group_names.size()), cohort.terms.size());

  survival::CoxOptions cox;
  cox.ties = o.ties == "breslow" ? survival::Ties::kBreslow : survival::Ties::kEfron;
  cox.conf_level = o.conf_level;
  const auto result = survival::analyse_survival(cohort, o.group_col, cox);

  KmPlotOptions plot;
  plot.time_label = o.time_label;
  plot.title = o.group_col.empty() ? "Kaplan-Meier estimate" : "Kaplan-Meier estimate by " + o.group_col;
  Provenance prov("survival");
  prov.add_input("clinical", o.clinical);
  if (groups) prov.add_input("groups", o.groups);
  prov.set("patients", cohort.ids.size());
  prov.set("ties", o.ties);
  prov.set("conf_level", o.conf_level);
  if (result.logrank) {
    prov.set("logrank_p", result.logrank->p);
    log::info("survival", "log-rank chi-square {:.3f} on {} df, p = {:.3g}", result.logrank->chisq, result.logrank->df,
              result.logrank->p);
  }
  if (result.cox) {
    prov.set("cox_reliable", result.cox->reliable);
    prov.set("cox_warnings", result.cox->warnings);
  }
  StagedOutputs out(o.run.force);
  const std::string dir = o.out + "/";
  write_survival_outputs(out, o.out, result, plot);
  if (o.bootstrap > 0) {
    const auto boot = survival::bootstrap_survival(cohort, o.group_col, cox, result, o.bootstrap, o.seed);
    out.write_text(dir + "bootstrap.tsv", survival::bootstrap_table(boot));
    prov.set("bootstrap", {{"resamples", o.bootstrap}, {"seed", o.seed}});
    if (result.logrank)
      log::info("survival", "bootstrap: log-rank p < 0.05 in {:.0f}% of {} resamples",
                100 * boot.logrank_share_significant, boot.logrank_fits);
    for (const auto& t : boot.terms)
      log::info("survival",
                "bootstrap: {} HR {:.3g} (percentile interval {:.3g}-{:.3g}), p < 0.05 in the same "
                "direction in {:.0f}% of {} reliable fits",
                t.name, std::exp(t.coef), t.hr_lower, t.hr_upper, 100 * t.share_significant, t.fits);
  }
  commit_outputs(out, prov, dir + "provenance.json", "survival");
}

}  // namespace

void register_survival(CLI::App& app) {
  static SurvivalOptions o;
  auto* cmd = app.add_subcommand(
      "survival", "Kaplan-Meier, log-rank and Cox proportional hazards from a clinical table (as R's survival)");
  cmd->add_option("--clinical", o.clinical, "Clinical table (TSV/CSV[.gz]); first column = patient id")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--time", o.time_col, "Column with the follow-up time (>= 0; time of event or censoring)")
      ->required();
  cmd->add_option("--event", o.event_col, "Column with the event indicator: 1 = event (death), 0 = censored")
      ->required();
  cmd->add_option("--event-coding", o.event_coding,
                  "Text codes of --event, e.g. \"Dead=1,Alive=0\" (default: the column holds 0/1)");
  cmd->add_option("--groups", o.groups, "Groups table (TSV/CSV); first column = patient id (default: --clinical)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--group-col", o.group_col, "Column with the group of each patient: KM per group, log-rank, Cox");
  cmd->add_option("--covariates", o.covariates,
                  "Comma-separated columns of --clinical for the Cox model (text columns become 0/1 terms, "
                  "first sorted level = reference)");
  cmd->add_option("--ties", o.ties, "Cox tie handling: efron or breslow")->default_val("efron");
  cmd->add_option("--conf-level", o.conf_level, "Confidence level of the KM and hazard-ratio intervals")
      ->default_val(defaults::kConfidenceLevel);
  cmd->add_option("--time-label", o.time_label, "Time axis label of km.svg")->default_val("Time (days)");
  cmd->add_flag("--drop-missing", o.drop_missing,
                "Leave out patients with a missing time, event, group or covariate (default: error)");
  cmd->add_option("--bootstrap", o.bootstrap,
                  "Resample the patients with replacement N times and refit: how often the log-rank and each Cox "
                  "term hold (p < 0.05, same direction) and percentile HR intervals, in bootstrap.tsv (0 = off)")
      ->check(CLI::Range(0, 100000))
      ->default_val(0);
  add_seed_option(cmd, o.seed);
  cmd->add_option("--out,-o", o.out, "Output directory")->required();
  add_run_options(cmd, o.run);
  cmd->callback([] { run(o); });
}

}  // namespace blue::cli

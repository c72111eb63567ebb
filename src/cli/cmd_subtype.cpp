// blue subtype: patient subtypes from per-sample cell-type expression profiles (or bulk genes), chosen by
// consensus clustering; survival per subtype next to the same analysis on proportions alone; subtype marker
// genes; prognostic (cell type, gene) scan and signature; transfer to a validation cohort.
#include <optional>

#include "analysis/keyed_table.h"
#include "analysis/subtype/pipeline.h"
#include "analysis/survival/cohort.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "defaults.h"
#include "io/tables.h"
#include "report/survival_outputs.h"
#include "util/error.h"
#include "util/log.h"

namespace blue::cli {
namespace {

struct SubtypeCliOptions {
  std::string gep, expression, cell_types, proportions, clinical, time_col, event_col, event_coding, genes, out;
  std::string validation_gep, validation_expression, validation_clinical;
  bool log2 = false, drop_missing = false, match_prefix = false;
  subtype::SubtypeOptions analysis;
  std::uint64_t seed = defaults::kSeed;
  RunOptions run;
};

void validate(const SubtypeCliOptions& o) {
  std::vector<std::string> problems;
  if (o.gep.empty() == o.expression.empty()) problems.push_back("give exactly one of --gep and --expression");
  if (!o.cell_types.empty() && o.gep.empty()) problems.push_back("--cell-types selects layers of --gep");
  const bool validation_profiles = !o.validation_gep.empty() || !o.validation_expression.empty();
  if (validation_profiles != !o.validation_clinical.empty())
    problems.push_back(
        "a validation cohort needs both --validation-gep/--validation-expression and --validation-clinical");
  if (!o.validation_gep.empty() && o.gep.empty()) problems.push_back("--validation-gep needs --gep (same features)");
  if (!o.validation_expression.empty() && o.expression.empty())
    problems.push_back("--validation-expression needs --expression (same features)");
  const auto& c = o.analysis.consensus;
  if (c.k_min < 2 || c.k_max < c.k_min)
    problems.push_back(fmt::format("--k-min/--k-max must satisfy 2 <= k-min <= k-max (got {}..{})", c.k_min, c.k_max));
  if (c.resamples < 2) problems.push_back("--resamples must be >= 2");
  if (!(c.fraction > 0 && c.fraction < 1)) problems.push_back("--subsample must be between 0 and 1");
  if (o.analysis.top_genes < 1) problems.push_back("--top-genes must be >= 1");
  if (!(o.analysis.fdr > 0 && o.analysis.fdr <= 1)) problems.push_back("--fdr must be in (0, 1]");
  if (o.analysis.folds < 2) problems.push_back("--folds must be >= 2");
  if (o.analysis.shrinkage < 0) problems.push_back("--shrinkage must be >= 0");
  if (problems.empty()) return;
  std::string msg = "blue subtype: " + std::to_string(problems.size()) + " problem(s) with the options:";
  for (const auto& p : problems) msg += "\n  " + p;
  throw UsageError(msg);
}

subtype::ProfileSet load_profiles(const std::string& gep, const std::string& expression, const SubtypeCliOptions& o) {
  subtype::ProfileSet p = !gep.empty() ? subtype::read_gep_h5ad(gep, split_list(o.cell_types))
                                       : subtype::read_expression_profiles(expression);
  if (o.log2) subtype::log2_transform(p);
  return p;
}

survival::SurvivalCohort load_clinical(const std::string& path, const SubtypeCliOptions& o) {
  const KeyedTable table = KeyedTable::read(path, "clinical");
  survival::CohortSpec spec;
  spec.time_col = o.time_col;
  spec.event_col = o.event_col;
  if (!o.event_coding.empty()) spec.coding = survival::parse_event_coding(o.event_coding);
  spec.drop_missing = o.drop_missing;
  auto cohort = survival::build_cohort(table, spec);
  if (!cohort.dropped_missing.empty())
    log::warn("subtype", "--drop-missing: {} patient(s) of {} left out: {}", cohort.dropped_missing.size(), path,
              log::preview(cohort.dropped_missing));
  return cohort;
}

subtype::Aligned load_cohort(const std::string& gep, const std::string& expression, const std::string& clinical,
                             const SubtypeCliOptions& o) {
  auto a = subtype::align(load_profiles(gep, expression, o), load_clinical(clinical, o), o.match_prefix);
  if (!a.samples_without_patient.empty())
    log::warn("subtype", "{} sample(s) without a usable patient in {} are left out: {}",
              a.samples_without_patient.size(), clinical, log::preview(a.samples_without_patient));
  if (!a.patients_without_sample.empty())
    log::warn("subtype", "{} patient(s) of {} have no sample and are left out: {}", a.patients_without_sample.size(),
              clinical, log::preview(a.patients_without_sample));
  return a;
}

std::string subtypes_table(const subtype::Aligned& a, const subtype::Solution& s, const subtype::Solution* props,
                           const subtype::Signature& sig) {
  std::string out = "sample\tpatient\tsubtype\tward_subtype";
  out += props ? "\tproportions_subtype" : "";
  out += sig.used ? "\tsignature_score\tsignature_group\n" : "\n";
  for (std::size_t i = 0; i < a.cohort.ids.size(); ++i) {
    out += a.profiles.samples[i] + "\t" + a.cohort.ids[i] + "\t" + subtype::subtype_name(s.kmeans[i]) + "\t" +
           subtype::subtype_name(s.ward[i]);
    if (props) out += "\t" + subtype::subtype_name(props->kmeans[i]);
    if (sig.used) out += "\t" + survival::format_number(sig.score[i]) + "\t" + (sig.high[i] ? "high" : "low");
    out += "\n";
  }
  return out;
}

KmPlotOptions plot_titled(const std::string& title) {
  KmPlotOptions p;
  p.title = title;
  return p;
}

void run(SubtypeCliOptions& o) {
  apply_run_options(o.run);
  validate(o);
  o.analysis.consensus.seed = o.seed;
  if (!o.genes.empty()) o.analysis.gene_list = read_gene_list(o.genes);
  const auto cohort = load_cohort(o.gep, o.expression, o.clinical, o);
  const auto& c = cohort.cohort;
  const auto features = subtype::select_features(cohort.profiles, o.analysis.top_genes, o.analysis.gene_list);
  const auto profiles = subtype::solve(features, "profiles", c, o.analysis);
  std::optional<subtype::Solution> props;
  if (!o.proportions.empty()) {
    const auto p = subtype::select_samples(subtype::read_proportion_profiles(o.proportions), cohort.profiles.samples);
    props = subtype::solve(subtype::select_features(p, 1 << 30, {}), "proportions", c, o.analysis);
  }
  const auto markers = subtype::subtype_markers(features, profiles.kmeans, profiles.consensus.best_k);
  const auto signature = subtype::prognostic_signature(cohort.profiles, c, o.analysis);

  StagedOutputs out(o.run.force);
  const std::string dir = o.out + "/";
  std::vector<const subtype::Solution*> solutions{&profiles};
  if (props) solutions.push_back(&*props);
  out.write_text(dir + "stability.tsv", subtype::stability_table(solutions));
  out.write_text(dir + "comparison.tsv", subtype::comparison_table(solutions));
  out.write_text(dir + "subtypes.tsv", subtypes_table(cohort, profiles, props ? &*props : nullptr, signature));
  out.write_text(dir + "markers.tsv", subtype::markers_table(markers));
  out.write_text(dir + "prognostic_genes.tsv", subtype::prognostic_table(signature));
  write_survival_outputs(out, dir + "survival_profiles", profiles.survival,
                         plot_titled("Subtypes from cell-type profiles"));
  if (props)
    write_survival_outputs(out, dir + "survival_proportions", props->survival,
                           plot_titled("Subtypes from proportions"));
  if (signature.survival) {
    write_survival_outputs(out, dir + "survival_signature", *signature.survival,
                           plot_titled("Prognostic signature: above vs below the median score"));
    out.write_text(dir + "survival_signature/cox_score.tsv", survival::cox_table(*signature.continuous));
  }
  Provenance prov("subtype");
  prov.add_input("profiles", o.gep.empty() ? o.expression : o.gep);
  prov.add_input("clinical", o.clinical);
  if (!o.proportions.empty()) prov.add_input("proportions", o.proportions);
  prov.set("seed", o.seed);
  prov.set("patients", c.ids.size());
  prov.set("features", features.z.cols());
  prov.set("k", profiles.consensus.best_k);
  prov.set("signature_genes", signature.used);
  if (!o.validation_clinical.empty()) {
    const auto validation = load_cohort(o.validation_gep, o.validation_expression, o.validation_clinical, o);
    const auto t = subtype::transfer(profiles, validation, o.analysis);
    std::string table = "sample\tpatient\tsubtype\n";
    for (std::size_t i = 0; i < validation.cohort.ids.size(); ++i)
      table += validation.profiles.samples[i] + "\t" + validation.cohort.ids[i] + "\t" +
               subtype::subtype_name(t.validation_label[i]) + "\n";
    out.write_text(dir + "validation_subtypes.tsv", table);
    std::string cv = "statistic\tvalue\ncv_accuracy\t" + survival::format_number(t.cv.accuracy) + "\n";
    for (std::size_t f = 0; f < t.cv.fold_accuracy.size(); ++f)
      cv += "fold" + std::to_string(f + 1) + "_accuracy\t" + survival::format_number(t.cv.fold_accuracy[f]) + "\n";
    cv += "active_features\t" + std::to_string(t.active_features) + "\n";
    out.write_text(dir + "transfer.tsv", cv);
    write_survival_outputs(out, dir + "survival_validation", t.validation_survival,
                           plot_titled("Validation cohort: transferred subtypes"));
    prov.add_input("validation_profiles", o.validation_gep.empty() ? o.validation_expression : o.validation_gep);
    prov.add_input("validation_clinical", o.validation_clinical);
    prov.set("cv_accuracy", t.cv.accuracy);
  }
  commit_outputs(out, prov, dir + "provenance.json", "subtype");
}

void add_options(CLI::App* cmd, SubtypeCliOptions& o) {
  cmd->add_option("--gep", o.gep, "gep.h5ad from blue deconvolve (obs = samples, one layer per cell type)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--expression", o.expression, "Instead of --gep: genes x samples table (e.g. the bulk itself)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--cell-types", o.cell_types, "Comma-separated layers of --gep to use (default: all)");
  cmd->add_option("--proportions", o.proportions, "proportions.tsv: cluster on proportions alone, side by side")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--log2", o.log2, "Apply log2(x + 1) to the profiles first (for linear-scale input)");
  cmd->add_option("--clinical", o.clinical, "Clinical table; first column = patient id")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--time", o.time_col, "Column of follow-up time")->required();
  cmd->add_option("--event", o.event_col, "Column of the event indicator (1 = event, 0 = censored)")->required();
  cmd->add_option("--event-coding", o.event_coding, "Text codes of --event, e.g. \"Dead=1,Alive=0\"");
  cmd->add_flag("--drop-missing", o.drop_missing, "Leave out patients with a missing time or event");
  cmd->add_flag("--match-prefix", o.match_prefix,
                "Match a sample to the patient whose id begins the sample name (TCGA barcodes)");
  cmd->add_option("--top-genes", o.analysis.top_genes, "Most variable genes per cell type used as features")
      ->default_val(defaults::kSubtypeTopGenes);
  cmd->add_option("--genes", o.genes, "Gene list file replacing --top-genes")->check(CLI::ExistingFile);
  cmd->add_option("--k-min", o.analysis.consensus.k_min, "Smallest number of subtypes")
      ->default_val(defaults::kSubtypeMinK);
  cmd->add_option("--k-max", o.analysis.consensus.k_max, "Largest number of subtypes")
      ->default_val(defaults::kSubtypeMaxK);
  cmd->add_option("--resamples", o.analysis.consensus.resamples, "Consensus clustering subsamples per k")
      ->default_val(defaults::kConsensusResamples);
  cmd->add_option("--subsample", o.analysis.consensus.fraction, "Share of patients per subsample")
      ->default_val(defaults::kConsensusFraction);
  cmd->add_option("--restarts", o.analysis.kmeans_restarts, "k-means++ restarts of the final clustering")
      ->default_val(defaults::kKmeansRestarts);
  cmd->add_option("--fdr", o.analysis.fdr, "BH q threshold of signature genes")->default_val(defaults::kPrognosticFdr);
  cmd->add_option("--folds", o.analysis.folds, "Cross-validation folds of the transfer classifier")
      ->default_val(defaults::kTransferFolds);
  cmd->add_option("--shrinkage", o.analysis.shrinkage, "Nearest shrunken centroid threshold (0 = plain centroids)")
      ->default_val(defaults::kCentroidShrinkage);
  cmd->add_option("--validation-gep", o.validation_gep, "Validation cohort gep.h5ad")->check(CLI::ExistingFile);
  cmd->add_option("--validation-expression", o.validation_expression, "Validation cohort genes x samples table")
      ->check(CLI::ExistingFile);
  cmd->add_option("--validation-clinical", o.validation_clinical, "Validation cohort clinical table (same columns)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--out,-o", o.out, "Output directory")->required();
  add_seed_option(cmd, o.seed);
  add_run_options(cmd, o.run);
}

}  // namespace

void register_subtype(CLI::App& app) {
  static SubtypeCliOptions o;
  auto* cmd = app.add_subcommand("subtype",
                                 "Patient subtypes from cell-type profiles, survival per subtype, prognostic genes, "
                                 "transfer to a validation cohort");
  add_options(cmd, o);
  cmd->callback([] { run(o); });
}

}  // namespace blue::cli

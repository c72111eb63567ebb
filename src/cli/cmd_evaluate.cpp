// blue evaluate: predicted vs true proportions (or per-sample cell-type GEPs) through a type map
// (METHOD 3). Writes metrics.tsv, the same numbers as JSON, and the provenance.
#include <filesystem>

#include "analysis/evaluate.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/signature_source.h"
#include "io/h5ad.h"
#include "io/tables.h"
#include "util/log.h"

namespace blue::cli {
namespace {

struct EvaluateOptions {
  RunOptions run;
  std::string pred, truth, pred_gep, truth_gep, truth_profiles, map, out;
  std::string pred_gep_scale = "log2cpm", truth_gep_scale = "linear";
};

GepScale gep_scale(const std::string& name) { return name == "linear" ? GepScale::kLinear : GepScale::kLog2Cpm; }

std::vector<std::string> check(const EvaluateOptions& o) {
  std::vector<std::string> problems;
  const bool proportions = !o.pred.empty() || !o.truth.empty();
  const bool gep = !o.pred_gep.empty() || !o.truth_gep.empty() || !o.truth_profiles.empty();
  if (proportions == gep)
    problems.push_back(
        "give either --pred and --truth (proportions) or --pred-gep with --truth-gep or "
        "--truth-profiles (GEPs)");
  if (proportions && (o.pred.empty() || o.truth.empty())) problems.push_back("--pred and --truth go together");
  if (gep && (o.pred_gep.empty() || o.truth_gep.empty() == o.truth_profiles.empty()))
    problems.push_back("--pred-gep goes with exactly one of --truth-gep or --truth-profiles");
  for (const auto& [flag, path] : {std::pair<std::string, std::string>{"--pred", o.pred},
                                   {"--truth", o.truth},
                                   {"--pred-gep", o.pred_gep},
                                   {"--truth-gep", o.truth_gep},
                                   {"--truth-profiles", o.truth_profiles},
                                   {"--map", o.map}})
    if (!path.empty() && !std::filesystem::exists(path)) problems.push_back(flag + " " + path + ": no such file");
  return problems;
}

// metrics.tsv -> metrics.json (any other name: name + ".json").
std::string json_path(const std::string& out) {
  std::filesystem::path p(out);
  if (p.extension() == ".tsv") return p.replace_extension(".json").string();
  return out + ".json";
}

std::vector<std::string> layer_names(const DenseAnnData& a) {
  std::vector<std::string> names;
  for (const auto& [name, layer] : a.layers) names.push_back(name);
  return names;
}

GepEvaluation run_gep(const EvaluateOptions& o, const TypeMap* given, Provenance& provenance) {
  provenance.add_input("pred_gep", o.pred_gep);
  const DenseAnnData pred = read_dense_h5ad(o.pred_gep);
  const GepOptions scales{gep_scale(o.pred_gep_scale), gep_scale(o.truth_gep_scale)};
  if (!o.truth_profiles.empty()) {
    provenance.add_input("truth_profiles", o.truth_profiles);
    const ExpressionTable profiles = read_expression_table(o.truth_profiles, "truth profiles");
    return evaluate_against_profiles(pred, profiles, given ? *given : identity_map(layer_names(pred), profiles.columns),
                                     scales);
  }
  provenance.add_input("truth_gep", o.truth_gep);
  const DenseAnnData truth = read_dense_h5ad(o.truth_gep);
  return evaluate_geps(pred, truth, given ? *given : identity_map(layer_names(pred), layer_names(truth)), scales);
}

void run_evaluate(const EvaluateOptions& o) {
  apply_run_options(o.run);
  throw_if_problems(check(o));
  Provenance provenance("evaluate");
  std::string tsv;
  nlohmann::json json;
  const TypeMap* given = nullptr;
  TypeMap map;
  if (!o.map.empty()) {
    provenance.add_input("map", o.map);
    map = read_type_map(o.map);
    given = &map;
  }
  if (!o.pred.empty()) {
    provenance.add_input("pred", o.pred);
    provenance.add_input("truth", o.truth);
    const SampleTable pred = read_sample_table(o.pred, "predicted proportions");
    const SampleTable truth = read_sample_table(o.truth, "truth");
    const ProportionEvaluation ev = evaluate_proportions(pred, truth,
                                                         given ? *given : identity_map(pred.columns, truth.columns));
    tsv = proportion_metrics_tsv(ev);
    json = to_json(ev);
    log::info("evaluate", "overall over {} values: CCC {:.3f}, r {:.3f}, MAE {:.4f}", ev.rows.back().n,
              ev.rows.back().ccc, ev.rows.back().pearson, ev.rows.back().mae);
  } else {
    const GepEvaluation ev = run_gep(o, given, provenance);
    tsv = gep_metrics_tsv(ev);
    json = to_json(ev);
    json["pred_gep_scale"] = o.pred_gep_scale;
    json["truth_gep_scale"] = o.truth_profiles.empty() ? o.truth_gep_scale : "linear";
  }
  json["map"] = given ? o.map : "identity";
  provenance.set("metrics", json);
  StagedOutputs out(o.run.force);
  out.write_text(o.out, tsv);
  out.write_text(json_path(o.out), json.dump(2) + "\n");
  commit_outputs(out, provenance, o.out + ".provenance.json", "evaluate");
}

}  // namespace

void register_evaluate(CLI::App& app) {
  auto opt = std::make_shared<EvaluateOptions>();
  auto* cmd = app.add_subcommand("evaluate",
                                 "Compare predicted proportions (or GEPs) with a truth: CCC, Pearson r, Spearman "
                                 "rho, MAE, RMSE per truth type and overall");
  cmd->add_option("--pred", opt->pred, "Predicted proportions: samples x cell types (e.g. proportions.tsv)");
  cmd->add_option("--truth", opt->truth, "True proportions: samples x truth types (first column = sample)");
  cmd->add_option("--pred-gep", opt->pred_gep, "Predicted GEPs .h5ad: one layer per cell type, obs = samples");
  cmd->add_option("--truth-gep", opt->truth_gep, "True GEPs .h5ad, same layout (e.g. a simulate test split)");
  cmd->add_option("--truth-profiles", opt->truth_profiles,
                  "Measured profiles instead of --truth-gep: genes x columns table in linear units (e.g. bulk "
                  "RNA-seq of sorted cells); --map maps predicted layers onto its columns");
  cmd->add_option("--pred-gep-scale", opt->pred_gep_scale,
                  "How --pred-gep layers are stored: log2cpm (normalised log2(CPM+1), blue deconvolve's "
                  "'<type>' layers) or linear ('<type>_cpm' layers)")
      ->check(CLI::IsMember({"log2cpm", "linear"}))
      ->default_val("log2cpm");
  cmd->add_option("--truth-gep-scale", opt->truth_gep_scale,
                  "How --truth-gep layers are stored: linear (blue simulate's mean counts) or log2cpm")
      ->check(CLI::IsMember({"log2cpm", "linear"}))
      ->default_val("linear");
  cmd->add_option("--map", opt->map,
                  "TSV with columns 'predicted' and 'truth': predicted types summed into truth types "
                  "(default: identical names only)");
  cmd->add_option("--out,-o", opt->out, "metrics.tsv (the JSON twin goes beside it as metrics.json)")->required();
  add_run_options(cmd, opt->run);
  cmd->callback([opt] { run_evaluate(*opt); });
}

}  // namespace blue::cli

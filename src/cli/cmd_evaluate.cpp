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
  std::string pred, truth, pred_gep, truth_gep, map, out;
};

std::vector<std::string> check(const EvaluateOptions& o) {
  std::vector<std::string> problems;
  const bool proportions = !o.pred.empty() || !o.truth.empty();
  const bool gep = !o.pred_gep.empty() || !o.truth_gep.empty();
  if (proportions == gep)
    problems.push_back("give either --pred and --truth (proportions) or --pred-gep and --truth-gep (GEPs)");
  if (proportions && (o.pred.empty() || o.truth.empty())) problems.push_back("--pred and --truth go together");
  if (gep && (o.pred_gep.empty() || o.truth_gep.empty()))
    problems.push_back("--pred-gep and --truth-gep go together");
  for (const auto& [flag, path] : {std::pair<std::string, std::string>{"--pred", o.pred},
                                   {"--truth", o.truth},
                                   {"--pred-gep", o.pred_gep},
                                   {"--truth-gep", o.truth_gep},
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
    const ProportionEvaluation ev =
        evaluate_proportions(pred, truth, given ? *given : identity_map(pred.columns, truth.columns));
    tsv = proportion_metrics_tsv(ev);
    json = to_json(ev);
    log::info("evaluate", "overall over {} values: CCC {:.3f}, r {:.3f}, MAE {:.4f}", ev.rows.back().n,
              ev.rows.back().ccc, ev.rows.back().pearson, ev.rows.back().mae);
  } else {
    provenance.add_input("pred_gep", o.pred_gep);
    provenance.add_input("truth_gep", o.truth_gep);
    const DenseAnnData pred = read_dense_h5ad(o.pred_gep), truth = read_dense_h5ad(o.truth_gep);
    std::vector<std::string> pred_layers, truth_layers;
    for (const auto& [name, layer] : pred.layers) pred_layers.push_back(name);
    for (const auto& [name, layer] : truth.layers) truth_layers.push_back(name);
    const GepEvaluation ev = evaluate_geps(pred, truth, given ? *given : identity_map(pred_layers, truth_layers));
    tsv = gep_metrics_tsv(ev);
    json = to_json(ev);
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
  cmd->add_option("--map", opt->map,
                  "TSV with columns 'predicted' and 'truth': predicted types summed into truth types "
                  "(default: identical names only)");
  cmd->add_option("--out,-o", opt->out, "metrics.tsv (the JSON twin goes beside it as metrics.json)")->required();
  add_run_options(cmd, opt->run);
  cmd->callback([opt] { run_evaluate(*opt); });
}

}  // namespace blue::cli

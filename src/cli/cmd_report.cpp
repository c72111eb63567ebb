// blue report: one self-contained HTML page (inline SVG, nothing fetched) from a deconvolution directory,
// optionally with the model's training curves and accuracy against a truth table, and/or from a
// `blue subtype` directory (its Kaplan-Meier plots and stability tables). Writes <out> and
// <out>.provenance.json.
#include <filesystem>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/signature_source.h"
#include "defaults.h"
#include "io/h5ad.h"
#include "io/tables.h"
#include "model/model_file.h"
#include "report/report.h"
#include "util/error.h"
#include "util/log.h"

namespace blue::cli {
namespace {

namespace fs = std::filesystem;

struct ReportOptions {
  RunOptions run;
  std::string dir, subtype, model, truth, map, out;
  int markers_per_type = defaults::kReportMarkersPerType;
  int max_heatmap_samples = defaults::kReportMaxHeatmapSamples;
};

std::vector<std::string> check(const ReportOptions& o) {
  std::vector<std::string> problems;
  if (o.dir.empty() && o.subtype.empty())
    problems.push_back("give --deconvolution DIR, --subtype DIR or both (nothing to report)");
  if (!o.dir.empty() && !fs::is_directory(o.dir))
    problems.push_back("--deconvolution " + o.dir +
                       ": no such directory (give the output directory of blue "
                       "deconvolve or blue nnls)");
  else if (!o.dir.empty() && !fs::exists(fs::path(o.dir) / "proportions.tsv"))
    problems.push_back("--deconvolution " + o.dir +
                       ": no proportions.tsv in it (expected the output directory of "
                       "blue deconvolve or blue nnls)");
  if (!o.subtype.empty() && !fs::is_directory(o.subtype))
    problems.push_back("--subtype " + o.subtype + ": no such directory (give the output directory of blue subtype)");
  if (!o.truth.empty() && o.dir.empty())
    problems.push_back("--truth needs --deconvolution (it scores its predictions)");
  for (const auto& [flag, path] :
       {std::pair<std::string, std::string>{"--model", o.model}, {"--truth", o.truth}, {"--map", o.map}})
    if (!path.empty() && !fs::exists(path)) problems.push_back(flag + " " + path + ": no such file");
  if (!o.map.empty() && o.truth.empty()) problems.push_back("--map needs --truth (it maps predicted onto truth types)");
  if (o.markers_per_type < 1)
    problems.push_back(fmt::format("--markers-per-type {}: give 1 or more", o.markers_per_type));
  if (o.max_heatmap_samples < 1)
    problems.push_back(fmt::format("--max-heatmap-samples {}: give 1 or more", o.max_heatmap_samples));
  return problems;
}

void read_deconvolution(const ReportOptions& o, report::ReportInputs& in, Provenance& provenance) {
  in.deconvolution_dir = o.dir;
  provenance.add_input("deconvolution", o.dir);
  const fs::path dir(o.dir);
  in.proportions = read_sample_table((dir / "proportions.tsv").string(), "predicted proportions");
  if (fs::exists(dir / "fit.tsv")) in.fit = read_sample_table((dir / "fit.tsv").string(), "NNLS fit");
  if (fs::exists(dir / "proportions_sd.tsv")) {
    in.proportions_sd = read_sample_table((dir / "proportions_sd.tsv").string(), "ensemble spread");
    if (in.proportions_sd->samples != in.proportions.samples || in.proportions_sd->columns != in.proportions.columns)
      throw InputError(fmt::format("{}: samples or cell types differ from proportions.tsv; deconvolve again",
                                   (dir / "proportions_sd.tsv").string()));
  }
  if (fs::exists(dir / "diagnostics.tsv")) in.diagnostics = report::read_diagnostics(o.dir);
  if (fs::exists(dir / "gep.h5ad")) {
    in.gep_path = (dir / "gep.h5ad").string();
    in.gep = read_dense_h5ad(in.gep_path);
  }
}

report::ReportInputs read_inputs(const ReportOptions& o, Provenance& provenance) {
  report::ReportInputs in;
  in.markers_per_type = o.markers_per_type;
  in.max_heatmap_samples = static_cast<std::size_t>(o.max_heatmap_samples);
  if (!o.dir.empty()) read_deconvolution(o, in, provenance);
  if (!o.subtype.empty()) {
    provenance.add_input("subtype", o.subtype);
    in.subtype = report::read_subtype_run(o.subtype);
  }
  if (!o.model.empty()) {
    provenance.add_input("model", o.model);
    const nlohmann::json meta = model::read_container(o.model).meta;
    in.model = report::model_summary(meta);
    if (!o.dir.empty() && meta.contains("cell_types") && meta["cell_types"] != nlohmann::json(in.proportions.columns))
      log::warn("report",
                "the cell types of {} differ from the columns of {}/proportions.tsv: is it the model "
                "that made these predictions?",
                o.model, o.dir);
  }
  if (!o.truth.empty()) {
    provenance.add_input("truth", o.truth);
    in.truth = read_sample_table(o.truth, "truth");
  }
  if (!o.map.empty()) {
    provenance.add_input("map", o.map);
    in.map = read_type_map(o.map);
  }
  return in;
}

void run_report(const ReportOptions& o) {
  apply_run_options(o.run);
  throw_if_problems(check(o));
  Provenance provenance("report");
  const report::ReportInputs in = read_inputs(o, provenance);
  const report::Report r = report::render_report(in);
  if (r.evaluation) {
    const auto& overall = r.evaluation->rows.back();
    log::info("report", "overall over {} values: CCC {:.3f}, r {:.3f}, MAE {:.4f}", overall.n, overall.ccc,
              overall.pearson, overall.mae);
    provenance.set("metrics", to_json(*r.evaluation));
  }
  provenance.set("sections", {{"gep_heatmap", in.gep.has_value()},
                              {"training_curves", in.model && in.model->curve.has_value()},
                              {"accuracy", r.evaluation.has_value()},
                              {"nnls_fit", in.fit.has_value()},
                              {"diagnostics", in.diagnostics.has_value()},
                              {"subtype_km_plots", in.subtype ? in.subtype->km.size() : 0}});
  StagedOutputs out(o.run.force);
  out.write_text(o.out, r.html);
  commit_outputs(out, provenance, o.out + ".provenance.json", "report");
}

}  // namespace

void register_report(CLI::App& app) {
  auto opt = std::make_shared<ReportOptions>();
  auto* cmd = app.add_subcommand("report",
                                 "One self-contained HTML report (inline SVG plots, viewable offline) of a "
                                 "deconvolution: fractions, GEP heatmap, training curves, accuracy vs a truth; "
                                 "and/or of a subtyping run: Kaplan-Meier plots, stability");
  cmd->add_option("--deconvolution,-d", opt->dir,
                  "Output directory of blue deconvolve (proportions.tsv, gep.h5ad) or blue nnls (proportions.tsv, "
                  "fit.tsv)");
  cmd->add_option("--subtype", opt->subtype,
                  "Output directory of blue subtype: its Kaplan-Meier plots (profiles beside proportions), "
                  "log-rank p, comparison and stability (PAC) tables");
  cmd->add_option("--model", opt->model, "model.blue of blue train: training and validation loss per epoch");
  cmd->add_option("--truth", opt->truth,
                  "True fractions: samples x truth types (first column = sample): scatter plots and metrics");
  cmd->add_option("--map", opt->map,
                  "TSV with columns 'predicted' and 'truth' (as blue evaluate): predicted types summed into truth "
                  "types (default: identical names only)");
  cmd->add_option("--markers-per-type", opt->markers_per_type, "GEP heatmap: genes shown per cell type")
      ->default_val(defaults::kReportMarkersPerType);
  cmd->add_option("--max-heatmap-samples", opt->max_heatmap_samples, "GEP heatmap: the first N samples are shown")
      ->default_val(defaults::kReportMaxHeatmapSamples);
  cmd->add_option("--out,-o", opt->out, "report.html (its provenance goes beside it as report.html.provenance.json)")
      ->required();
  add_run_options(cmd, opt->run);
  cmd->callback([opt] { run_report(*opt); });
}

}  // namespace blue::cli

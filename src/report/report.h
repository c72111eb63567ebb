// The HTML report of `blue report`: what a deconvolution directory holds (proportions, GEPs of the
// network or the NNLS fit table), the training log of the model, accuracy against a truth table, and the
// Kaplan-Meier plots and stability of a `blue subtype` run.
#pragma once
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/evaluate.h"
#include "defaults.h"
#include "io/types.h"
#include "report/diagnostics_section.h"
#include "report/html.h"
#include "report/plots.h"
#include "report/subtype_section.h"

namespace blue::report {

struct ModelSummary {
  std::vector<std::pair<std::string, std::string>> facts;  // shown as a two-column table
  std::optional<TrainingCurve> curve;                      // absent: the model holds no training log
  // Metrics on the reference's held-out test split (meta "test_split" of blue train); empty rows = absent.
  std::size_t test_samples = 0;
  Table test_proportions, test_gep;
};

// From the metadata of a model file (model.blue) or a checkpoint: the training log ("training_log", or
// "log" in a checkpoint) as curves, the facts worth a table (types, panel size, best epoch, options) and
// the test-split metrics.
ModelSummary model_summary(const nlohmann::json& meta);

struct ReportInputs {
  std::string deconvolution_dir;  // "" = no deconvolution (a report of a subtyping run alone)
  SampleTable proportions;
  std::optional<SampleTable> fit;             // fit.tsv of `blue nnls`
  std::optional<SampleTable> proportions_sd;  // proportions_sd.tsv of an ensemble
  std::optional<Diagnostics> diagnostics;     // diagnostics.tsv (+ unexplained_genes.tsv) of `blue deconvolve`
  std::optional<DenseAnnData> gep;            // gep.h5ad of `blue deconvolve`
  std::string gep_path;                       // for messages
  std::optional<ModelSummary> model;
  std::optional<SampleTable> truth;
  std::optional<TypeMap> map;  // with truth; absent = identical names
  int markers_per_type = defaults::kReportMarkersPerType;
  std::size_t max_heatmap_samples = defaults::kReportMaxHeatmapSamples;  // more: the first ones, with a note
  std::optional<SubtypeRun> subtype;                                     // output directory of `blue subtype`
};

// The cell-type layers of a `blue deconvolve` gep.h5ad, in type order, as (type, layer name): the types
// of uns/cell_types (layer = the name with '/' replaced by '_'), or without it every layer except the
// "<type>_cpm" twins. A listed layer that is missing, or no layer at all, is an InputError naming `path`.
std::vector<std::pair<std::string, std::string>> gep_type_layers(const DenseAnnData& a, const std::string& path);

// Per type, the `per_type` genes with the highest mean (over the first `max_samples` samples) in that
// type's layer relative to the other types' layers (mean in the type minus the average of the other
// types' means), with their values in that type's layer.
std::vector<GepBlock> top_marker_blocks(const DenseAnnData& a, const std::string& path, int per_type,
                                        std::size_t max_samples);

// Per scored truth type of `ev`: the true fraction and the summed predicted fraction of each sample.
std::vector<ScatterPanel> scatter_panels(const SampleTable& predicted, const SampleTable& truth,
                                         const ProportionEvaluation& ev);

struct Report {
  std::string html;
  std::optional<ProportionEvaluation> evaluation;  // with a truth table
};
// Evaluates against the truth (when given) and builds the page; the errors of evaluate_proportions
// (samples or types that do not match) pass through.
Report render_report(const ReportInputs& in);

}  // namespace blue::report

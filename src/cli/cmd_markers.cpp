// blue markers: the marker-gene panel of METHOD 2.2 from a labelled reference.
//   outputs: --out FILE (one gene per line, selection order), --stats FILE (TSV, see write_stats),
//            <out>.provenance.json
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/reference_loading.h"
#include "simulate/markers.h"
#include "util/error.h"
#include "util/log.h"

namespace blue::cli {
namespace {

struct MarkersArgs {
  RunOptions run;
  ReferenceOptions reference;
  CellTypeEdits edits;
  MarkerOptions markers;
  std::string out;
  std::string stats;
};

void validate(MarkersArgs& a) {
  std::vector<std::string> problems;
  if (a.markers.per_type < 1) problems.push_back(fmt::format("--per-type {}: expected >= 1", a.markers.per_type));
  if (!(a.markers.fdr > 0.0 && a.markers.fdr <= 1.0)) {
    problems.push_back(fmt::format("--fdr {}: expected a value in (0, 1]", a.markers.fdr));
  }
  if (a.out.empty()) problems.push_back("--out: give the panel file to write");
  if (!problems.empty()) throw UsageError("blue markers: " + fmt::format("{}", fmt::join(problems, "; ")));
  if (a.stats.empty()) a.stats = a.out + ".stats.tsv";
}

// Columns: gene, cell_type, log_fc (mean log1p(count / cell_total * 1e4) of the type's cells minus that of
// the other cells, natural log), p (two-sided Wilcoxon
// rank-sum, tie-corrected normal approximation with continuity correction), p_adj (Benjamini-Hochberg
// within the cell type), selected (1 if this type put the gene in the panel). One row per significant
// (type, gene), grouped by type, by decreasing log_fc.
std::string stats_tsv(const MarkerResult& result) {
  std::string text = "gene\tcell_type\tlog_fc\tp\tp_adj\tselected\n";
  for (const auto& s : result.stats) {
    text += fmt::format("{}\t{}\t{:.6g}\t{:.6g}\t{:.6g}\t{}\n", s.gene, s.cell_type, s.log_fc, s.p, s.p_adj,
                        s.selected ? 1 : 0);
  }
  return text;
}

void run_markers(MarkersArgs& a) {
  apply_run_options(a.run);
  validate(a);
  require_new_outputs({a.out, a.stats, a.out + ".provenance.json"}, a.run.force);
  StagedOutputs out(a.run.force);
  Provenance provenance("markers");
  const Reference ref = load_reference(a.reference, a.edits, provenance);
  const MarkerResult result = find_markers(ref, a.markers);
  if (result.panel.empty()) {
    throw ComputeError(
        fmt::format("{}: no gene passes BH-adjusted p < {} with log FC > 0 for any cell type; "
                    "check the labels or raise --fdr",
                    ref.source, a.markers.fdr));
  }
  log::info("markers", "panel of {} genes ({} per type at most)", result.panel.size(), a.markers.per_type);
  out.write_text(a.out, fmt::format("{}\n", fmt::join(result.panel, "\n")));
  out.write_text(a.stats, stats_tsv(result));
  provenance.set("per_type", a.markers.per_type);
  provenance.set("fdr", a.markers.fdr);
  provenance.set("cell_types", ref.cell_types);
  provenance.set("panel_genes", result.panel.size());
  commit_outputs(out, provenance, a.out + ".provenance.json", "markers");
}

}  // namespace

void register_markers(CLI::App& app) {
  auto args = std::make_shared<MarkersArgs>();
  auto* cmd = app.add_subcommand(
      "markers",
      "Marker-gene panel: one-vs-rest Wilcoxon rank-sum per cell type on log1p(count / cell total * 1e4), "
      "Benjamini-Hochberg, up to --per-type genes per type (docs/method.md §2.2)");
  add_reference_options(cmd, args->reference);
  add_cell_type_options(cmd, args->edits);
  cmd->add_option("--per-type", args->markers.per_type, "Genes per cell type at most")
      ->default_val(defaults::kMarkersPerType);
  cmd->add_option("--fdr", args->markers.fdr, "Benjamini-Hochberg adjusted p-value threshold")
      ->default_val(defaults::kMarkerFdr);
  cmd->add_option("--out,-o", args->out, "Panel file to write: one gene per line")->required();
  cmd->add_option("--stats", args->stats, "TSV of per-type statistics (default: <out>.stats.tsv)");
  add_run_options(cmd, args->run);
  cmd->callback([args] { run_markers(*args); });
}

}  // namespace blue::cli

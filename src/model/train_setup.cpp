// What train sets up before simulating: the gene panel (markers, --genes, --bulk-genes), the per-gene
// factors of --sorted-profiles, and what the model records of its references and options.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "io/bulk_scale.h"
#include "io/genes.h"
#include "io/tables.h"
#include "model/detail/train_setup.h"
#include "simulate/markers.h"
#include "util/error.h"
#include "util/log.h"
#include "util/provenance.h"

namespace blue::model::detail {
namespace {

// train --bulk-genes: the reference genes the cohort measured (1 = measured), logged; InputError when the
// cohort shares too few genes with the reference. `path`: where `listed` came from, for messages.
std::vector<char> measured_genes(const Reference& ref, const std::vector<std::string>& listed,
                                 const std::string& path) {
  const std::set<std::string> in_bulk(listed.begin(), listed.end());
  std::vector<char> measured(ref.n_genes(), 0);
  std::size_t n = 0;
  for (std::size_t g = 0; g < ref.n_genes(); ++g) n += (measured[g] = in_bulk.count(ref.genes[g]) ? 1 : 0);
  if (n < static_cast<std::size_t>(defaults::kNnlsMinGenes)) {
    throw InputError(
        fmt::format("--bulk-genes {}: only {} of its {} genes are in the reference; check that both "
                    "use the same gene identifiers",
                    path, n, listed.size()));
  }
  log::info("train", "--bulk-genes {}: {} of its {} genes are in the reference; the panel is chosen among them", path,
            n, listed.size());
  return measured;
}

// Per type, the number of the type's markers in the panel; a type with fewer than kMinTypeMarkers is
// named in a warning (its proportion rests on too few genes).
void report_markers_per_type(const Reference& ref, const MarkerResult& markers) {
  std::vector<int> count(ref.n_types(), 0);
  for (const auto& s : markers.stats) {
    if (s.selected)
      ++count[static_cast<std::size_t>(std::lower_bound(ref.cell_types.begin(), ref.cell_types.end(), s.cell_type) -
                                       ref.cell_types.begin())];
  }
  std::vector<std::string> all, few;
  for (std::size_t k = 0; k < ref.n_types(); ++k) {
    all.push_back(fmt::format("{} {}", ref.cell_types[k], count[k]));
    if (count[k] < defaults::kMinTypeMarkers) few.push_back(fmt::format("{} ({})", ref.cell_types[k], count[k]));
  }
  log::info("train", "marker genes per type among the cohort's genes: {}", log::preview(all, 60));
  if (!few.empty()) {
    log::warn("train",
              "cell type(s) with fewer than {} marker genes among the cohort's genes: {}; their proportions "
              "rest on few genes and will be uncertain (merge them with a related type, --merge-types, or use a "
              "cohort that measured more genes)",
              defaults::kMinTypeMarkers, log::preview(few, 40));
  }
}

// The references' values of one field, joined by "," (one reference: its value).
std::string joined(const std::vector<ReferenceOptions>& refs, std::string ReferenceOptions::*field) {
  std::string out;
  for (std::size_t i = 0; i < refs.size(); ++i) out += (i ? "," : "") + refs[i].*field;
  return out;
}

}  // namespace

Panel choose_panel(const Reference& ref, const TrainConfig& c) {
  std::vector<std::string> wanted;
  std::vector<char> measured;
  if (!c.bulk_genes.empty()) {
    measured = measured_genes(ref, read_gene_list(c.bulk_genes), c.bulk_genes);
  } else if (!c.measured_genes.empty()) {
    measured = measured_genes(ref, c.measured_genes, "the cohort's gene list");
  }
  if (c.genes_path.empty() && c.panel_genes.empty()) {
    MarkerOptions options;
    options.allowed = measured;
    const MarkerResult markers = find_markers(ref, options);
    wanted = markers.panel;
    log::info("train", "marker panel: {} genes", wanted.size());
    if (!measured.empty()) report_markers_per_type(ref, markers);
  } else {
    wanted = c.genes_path.empty() ? c.panel_genes : read_gene_list(c.genes_path);
    log::info("train", "gene panel from {}: {} genes",
              c.genes_path.empty() ? "the list given" : "'" + c.genes_path + "'", wanted.size());
    if (!measured.empty()) {
      std::set<std::string> unmeasured;  // reference genes the cohort lacks
      for (std::size_t g = 0; g < ref.n_genes(); ++g)
        if (!measured[g]) unmeasured.insert(ref.genes[g]);
      std::vector<std::string> kept;
      for (const auto& g : wanted)
        if (!unmeasured.count(g)) kept.push_back(g);
      log::info("train", "{} of the {} panel genes are among --bulk-genes", kept.size(), wanted.size());
      wanted = std::move(kept);
    }
  }
  GeneMapping m = map_genes(wanted, ref.genes, "gene panel", "reference", defaults::kMaxMissingGeneFraction);
  Panel p;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (m.index[i] < 0) continue;
    p.genes.push_back(ref.genes[static_cast<std::size_t>(m.index[i])]);
    p.columns.push_back(static_cast<std::int32_t>(m.index[i]));
  }
  if (p.genes.empty()) throw ComputeError("the gene panel is empty: no gene to train on");
  return p;
}

// What the model records of its references: file names, checksums (files only: a 10x directory has no
// single checksum) and label keys; with several references or a label map, one entry per reference too.
nlohmann::json references_json(const TrainConfig& c) {
  nlohmann::json each = nlohmann::json::array();
  std::string files, crcs;
  for (std::size_t i = 0; i < c.references.size(); ++i) {
    const std::string& path = c.references[i].path;
    const std::string crc = std::filesystem::is_regular_file(path) ? file_crc32(path) : "";
    const std::string file = std::filesystem::path(path).filename().string();
    files += (i ? " + " : "") + file;
    crcs += (i ? "+" : "") + crc;
    each.push_back({{"file", file}, {"crc32", crc}, {"label_key", c.references[i].label_key}});
  }
  nlohmann::json j = {{"file", files},
                      {"crc32", crcs},
                      {"label_key", joined(c.references, &ReferenceOptions::label_key)}};
  if (c.references.size() > 1 || !c.label_map.empty()) {
    j["references"] = each;
    if (!c.label_map.empty())
      j["label_map"] = {{"file", std::filesystem::path(c.label_map).filename().string()},
                        {"crc32", file_crc32(c.label_map)}};
  }
  return j;
}

nlohmann::json training_options_json(const TrainConfig& c) {
  const TrainOptions& t = c.train;
  return {{"preset", c.preset},
          {"epochs", t.epochs},
          {"batch_size", t.batch_size},
          {"learning_rate", t.learning_rate},
          {"lr_step_epochs", t.lr_step_epochs},
          {"lr_gamma", t.lr_gamma},
          {"proportion_loss_weight", t.proportion_weight},
          {"seed", t.seed},
          {"split_seed", c.split_seed},
          {"samples", c.simulation.samples},
          {"validation_samples", c.validation_samples},
          {"cells_per_sample", c.simulation.cells_per_sample},
          {"sparse_fraction", c.simulation.sparse_fraction},
          {"select_best_by", t.select_by_proportion ? "proportion" : "total"},
          {"platform_noise", t.platform_noise},
          {"depth", t.depth},
          {"device", t.device},
          {"donor_key", joined(c.references, &ReferenceOptions::donor_key)},
          {"donor_sampling", c.donor_sampling},
          {"mrna_content", c.mrna_content},
          {"mrna_map", c.mrna_map},
          {"sorted_profiles", c.sorted_profiles},
          {"sorted_map", c.sorted_map},
          {"bulk_genes", !c.bulk_genes.empty() || c.measured_genes.empty()
                             ? c.bulk_genes
                             : fmt::format("a list of {} genes", c.measured_genes.size())},
          {"donors", c.references.empty() ? std::vector<std::string>{} : c.references.front().donors}};
}

// train --sorted-profiles: the per-gene factors between the reference's type profiles and the sorted cells'
// bulk profiles, logged.
PlatformFactors sorted_platform_factors(const TrainConfig& c, const TypeProfiles& profiles,
                                        const std::vector<std::string>& panel_genes) {
  ExpressionTable sorted = read_expression_table(c.sorted_profiles, "sorted profiles");
  ensure_linear(sorted, BulkScale::kAuto, "train");
  const PlatformFactors f = platform_factors(profiles, panel_genes, sorted, c.sorted_map);
  log::info("train",
            "sorted profiles {}: per-gene factors for {} of {} panel genes from {} (median |log2 factor| "
            "{:.2f}); the training pseudobulk is multiplied by them",
            c.sorted_profiles, f.estimated, panel_genes.size(), log::preview(f.mapped_types, 20), f.median_abs_log2);
  if (!f.unmapped.empty())
    log::warn("train", "cell types without sorted profiles (they do not vote on the factors): {}{}",
              log::preview(f.unmapped, 20), c.sorted_map.empty() ? "; map them with --sorted-map" : "");
  return f;
}

}  // namespace blue::model::detail

#include "cli/common.h"

#include <thread>

#include "defaults.h"
#include "util/log.h"
#include "util/parallel.h"

namespace blue::cli {

void add_run_options(CLI::App* cmd, RunOptions& run) {
  cmd->add_option("--threads", run.threads, "Worker threads (0 = all cores)")
      ->check(CLI::NonNegativeNumber)
      ->default_val(0);
  cmd->add_flag("--quiet,-q", run.quiet, "Only warnings and errors on stderr");
  cmd->add_flag("--verbose,-v", run.verbose, "Debug messages on stderr");
  cmd->add_flag("--force", run.force, "Replace existing output files");
}

void apply_run_options(const RunOptions& run) {
  log::set_verbosity(run.quiet     ? log::Verbosity::kQuiet
                     : run.verbose ? log::Verbosity::kVerbose
                                   : log::Verbosity::kNormal);
  int n = run.threads > 0 ? run.threads : static_cast<int>(std::thread::hardware_concurrency());
  set_threads(n > 0 ? n : 1);
}

void add_seed_option(CLI::App* cmd, std::uint64_t& seed) {
  cmd->add_option("--seed", seed, "Random seed; same seed and thread count give the same result")
      ->default_val(defaults::kSeed);
}

void add_reference_options(CLI::App* cmd, ReferenceOptions& ref, bool required) {
  auto* r = cmd->add_option("--reference,-r", ref.path,
                            "Single-cell reference of raw counts: .h5ad, 10x directory or matrix.mtx[.gz]");
  if (required) r->required();
  cmd->add_option("--labels", ref.labels_path,
                  "CSV/TSV of cell labels (barcode column + label column); required for 10x input");
  cmd->add_option("--label-key", ref.label_key,
                  "obs column (h5ad) or column of --labels that holds the cell type")
      ->required(required);
  cmd->add_option("--barcode-column", ref.barcode_column, "Column of --labels with barcodes (default: first)");
  cmd->add_option("--layer", ref.layer, "h5ad matrix holding raw counts: X (default), raw, or a layers/ name");
  cmd->add_option("--gene-column", ref.gene_column, "h5ad var column with gene names (default: var index)");
  cmd->add_option("--donor-key", ref.donor_key,
                  "obs column (h5ad) or column of --labels naming each cell's donor (patient, sample); simulate and "
                  "train then draw every pseudobulk sample from one donor's cells");
  cmd->add_option("--donors", ref.donors, "Keep only the cells of these donors (comma-separated or repeated; needs "
                                          "--donor-key), e.g. to hold patients out of training")
      ->delimiter(',');
}

void commit_outputs(StagedOutputs& out, const Provenance& provenance, const std::string& provenance_path,
                    const char* stage) {
  out.write_text(provenance_path, provenance.to_json().dump(2) + "\n");
  out.commit();
  for (const auto& path : out.final_paths()) log::info(stage, "wrote {}", path);
}

void add_bulk_scale_option(CLI::App* cmd, std::string& scale) {
  cmd->add_option("--bulk-scale", scale,
                  "auto: refuse bulk that looks log-transformed (negative values, or a maximum below 50 with "
                  "fractions); linear: use as given; log2: convert log2(x + 1) back with 2^x - 1")
      ->check(CLI::IsMember({"auto", "linear", "log2"}))
      ->default_val("auto");
}

void add_mrna_content_options(CLI::App* cmd, std::string& content, std::string& map, const std::string& effect,
                              const std::string& types) {
  cmd->add_option("--mrna-content", content,
                  "Per-type bulk mRNA contents: TSV with a first column of cell types and a column mrna_content "
                  "(e.g. data/mrna_content_immune.tsv); " + effect)
      ->check(CLI::ExistingFile);
  cmd->add_option("--mrna-map", map,
                  "Map the " + types + "'s cell types onto rows of --mrna-content: TSV with columns cell_type, "
                  "content_type (e.g. data/mrna_map_pbmc3k.tsv); without it types are matched by name")
      ->check(CLI::ExistingFile);
}

std::string mrna_content_problem(const std::string& content, const std::string& map) {
  return !map.empty() && content.empty()
             ? "--mrna-map maps cell types onto the rows of --mrna-content: give --mrna-content too"
             : "";
}

}  // namespace blue::cli

#include "cli/common.h"

#include <fmt/format.h>

#include <thread>

#include "defaults.h"
#include "util/error.h"
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

namespace {

// The options that describe how to read one reference, shared by the single- and multi-reference forms.
struct ReferenceField {
  const char* name;
  const char* help;
  std::string ReferenceOptions::*field;
};
const ReferenceField kReferenceFields[] = {
    {"--labels", "CSV/TSV of cell labels (barcode column + label column); required for 10x input",
     &ReferenceOptions::labels_path},
    {"--label-key", "obs column (h5ad) or column of --labels that holds the cell type", &ReferenceOptions::label_key},
    {"--barcode-column", "Column of --labels with barcodes (default: first)", &ReferenceOptions::barcode_column},
    {"--layer", "h5ad matrix holding raw counts: X (default), raw, or a layers/ name", &ReferenceOptions::layer},
    {"--gene-column", "h5ad var column with gene names (default: var index)", &ReferenceOptions::gene_column},
    {"--donor-key",
     "obs column (h5ad) or column of --labels naming each cell's donor (patient, sample); simulate and train then "
     "draw every pseudobulk sample from one donor's cells",
     &ReferenceOptions::donor_key},
};
const char* kReferenceHelp =
    "Single-cell reference of raw counts: .h5ad, 10x directory, matrix.mtx[.gz] or Cell Ranger .h5 (with --labels)";
const char* kDonorsHelp =
    "Keep only the cells of these donors (comma-separated or repeated; needs --donor-key), e.g. to hold patients "
    "out of training";

}  // namespace

void add_reference_options(CLI::App* cmd, ReferenceOptions& ref, bool required) {
  cmd->add_option("--reference,-r", ref.path, kReferenceHelp)->required(required);
  for (const auto& f : kReferenceFields) {
    auto* o = cmd->add_option(f.name, ref.*f.field, f.help);
    if (f.field == &ReferenceOptions::label_key) o->required(required);
  }
  cmd->add_option("--donors", ref.donors, kDonorsHelp)->delimiter(',');
}

void add_reference_list_options(CLI::App* cmd, ReferenceListArgs& refs) {
  cmd->add_option("--reference,-r", refs.paths,
                  std::string(kReferenceHelp) +
                      ". Repeat for several references: each training sample is drawn "
                      "from one of them, over the genes they share")
      ->required();
  for (const auto& f : kReferenceFields) {
    auto* o = cmd->add_option(f.name, refs.per_reference[f.name],
                              std::string(f.help) +
                                  " (with several references: once for all, or once per "
                                  "--reference in their order, - for none)");
    if (f.field == &ReferenceOptions::label_key) o->required();
  }
  cmd->add_option("--donors", refs.donors, std::string(kDonorsHelp) + " (one reference only)")->delimiter(',');
  cmd->add_option("--label-map", refs.label_map,
                  "TSV reference<TAB>label<TAB>type mapping each reference's labels onto one vocabulary (reference: "
                  "its file name or *; type - drops the label's cells); every label must be mapped")
      ->check(CLI::ExistingFile);
}

std::vector<ReferenceOptions> expand_references(const ReferenceListArgs& refs) {
  const std::size_t n = refs.paths.size();
  std::vector<ReferenceOptions> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i].path = refs.paths[i];
  for (const auto& f : kReferenceFields) {
    const auto it = refs.per_reference.find(f.name);
    if (it == refs.per_reference.end() || it->second.empty()) continue;
    const std::vector<std::string>& v = it->second;
    if (v.size() != 1 && v.size() != n) {
      throw UsageError(
          fmt::format("{} is given {} times for {} references: give it once (for every reference) or "
                      "once per --reference, in the same order ('-' for none)",
                      f.name, v.size(), n));
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::string& value = v.size() == 1 ? v[0] : v[i];
      out[i].*f.field = value == "-" ? "" : value;
    }
  }
  if (!refs.donors.empty()) {
    if (n > 1) {
      throw UsageError(
          "--donors selects the donors of one reference; with several references, keep the wanted "
          "donors' cells in the files themselves");
    }
    out[0].donors = refs.donors;
  }
  return out;
}

void commit_outputs(StagedOutputs& out, const Provenance& provenance, const std::string& provenance_path,
                    const char* stage) {
  out.write_text(provenance_path, provenance.to_json().dump(2) + "\n");
  out.commit();
  for (const auto& path : out.final_paths()) log::info(stage, "wrote {}", path);
}

void add_bulk_input_options(CLI::App* cmd, BulkInputOptions& o) {
  cmd->add_option("--bulk-scale", o.scale,
                  "auto: refuse bulk that looks log-transformed (negative values, or a maximum below 50 with "
                  "fractions); linear: use as given; log2: convert log2(x + 1) back with 2^x - 1")
      ->check(CLI::IsMember({"auto", "linear", "log2"}))
      ->default_val("auto");
  cmd->add_option("--gene-lengths", o.gene_lengths,
                  "Bulk holds raw counts of full-length RNA-seq (TruSeq-like): divide each gene by its length "
                  "(TSV gene, length_bp; e.g. data/gene_lengths_hg19.tsv.gz) to TPM first. Not for TPM/FPKM bulk "
                  "or 3' counts")
      ->check(CLI::ExistingFile);
  cmd->add_option("--gene-map", o.gene_map,
                  "Bulk genes are Ensembl IDs and the model/signature's symbols, or the reverse: rename them "
                  "through this table (TSV ensembl_id, symbol; e.g. data/gene_ids_hs.tsv.gz); versions "
                  "(.12) ignored, several IDs of one gene summed")
      ->check(CLI::ExistingFile);
}

void add_mrna_content_options(CLI::App* cmd, std::string& content, std::string& map, const std::string& effect,
                              const std::string& types) {
  cmd->add_option("--mrna-content", content,
                  "Per-type bulk mRNA contents: TSV with a first column of cell types and a column mrna_content "
                  "(e.g. data/mrna_content_immune.tsv); " +
                      effect)
      ->check(CLI::ExistingFile);
  cmd->add_option("--mrna-map", map,
                  "Map the " + types +
                      "'s cell types onto rows of --mrna-content: TSV with columns cell_type, "
                      "content_type (e.g. data/mrna_map_pbmc3k.tsv); without it types are matched by name")
      ->check(CLI::ExistingFile);
}

}  // namespace blue::cli

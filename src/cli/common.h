// Options and steps shared by the subcommands: threads, verbosity, --force, reference options, and the
// final commit of staged outputs with their provenance JSON.
#pragma once
#include <CLI/CLI.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "io/bulk_input.h"
#include "io/reference.h"
#include "util/output.h"
#include "util/provenance.h"

namespace blue::cli {

struct RunOptions {
  int threads = 0;  // 0 = all hardware threads
  bool quiet = false;
  bool verbose = false;
  bool force = false;
};

// --threads, --quiet, --verbose, --force.
void add_run_options(CLI::App* cmd, RunOptions& run);
// Applies verbosity and the thread count; call first in every callback.
void apply_run_options(const RunOptions& run);

// --seed S.
void add_seed_option(CLI::App* cmd, std::uint64_t& seed);

// --reference, --labels, --label-key, --barcode-column, --layer, --gene-column, --donor-key, --donors.
void add_reference_options(CLI::App* cmd, ReferenceOptions& ref, bool required = true);

// train's references: --reference/-r repeatable; --labels, --label-key, --barcode-column, --layer,
// --gene-column and --donor-key each once (for all) or once per reference ("-" = none); --donors (one
// reference only); --label-map.
struct ReferenceListArgs {
  std::vector<std::string> paths;
  std::map<std::string, std::vector<std::string>> per_reference;  // option name -> values
  std::vector<std::string> donors;
  std::string label_map;
};
void add_reference_list_options(CLI::App* cmd, ReferenceListArgs& refs);
// One ReferenceOptions per --reference; UsageError when an option's count is neither 1 nor the references'.
std::vector<ReferenceOptions> expand_references(const ReferenceListArgs& refs);

// --bulk-scale auto|linear|log2, --gene-lengths FILE, --gene-map FILE (io/bulk_input.h: how they are applied).
void add_bulk_input_options(CLI::App* cmd, BulkInputOptions& options);

// --mrna-content TABLE and --mrna-map MAP (analysis/mrna_content.h), both existing files. `effect`: what the
// contents do in this subcommand; `types`: whose cell types the map names ("model", "signature", ...).
void add_mrna_content_options(CLI::App* cmd, std::string& content, std::string& map, const std::string& effect,
                              const std::string& types);

// Writes `provenance` as JSON to `provenance_path` (staged), commits every staged output and logs where
// the results are.
void commit_outputs(StagedOutputs& out, const Provenance& provenance, const std::string& provenance_path,
                    const char* stage);

}  // namespace blue::cli

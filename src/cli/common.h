// Options and steps shared by the subcommands: threads, verbosity, --force, reference options, and the
// final commit of staged outputs with their provenance JSON.
#pragma once
#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

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

// --reference, --labels, --label-key, --barcode-column, --layer, --gene-column.
void add_reference_options(CLI::App* cmd, ReferenceOptions& ref, bool required = true);

// --bulk-scale auto|linear|log2 (io/bulk_scale.h), default auto.
void add_bulk_scale_option(CLI::App* cmd, std::string& scale);

// Writes `provenance` as JSON to `provenance_path` (staged), commits every staged output and logs where
// the results are.
void commit_outputs(StagedOutputs& out, const Provenance& provenance, const std::string& provenance_path,
                    const char* stage);

}  // namespace blue::cli

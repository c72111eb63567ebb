// Shared by the subcommands that read a labelled reference (markers, simulate, train): the cell-type edit
// options and the reading + editing + minimum-size check in one call.
#pragma once
#include <CLI/CLI.hpp>

#include "io/reference.h"
#include "simulate/cell_types.h"
#include "util/provenance.h"

namespace blue::cli {

// --exclude-types "a,b" (repeatable) and --merge-types "new=a,b" (repeatable).
void add_cell_type_options(CLI::App* cmd, CellTypeEdits& edits);

// Reads the reference, applies the edits, requires >= defaults::kMinCellsPerType cells per type, logs the
// type sizes and records the inputs and edits in `provenance`.
Reference load_reference(const ReferenceOptions& options, const CellTypeEdits& edits, Provenance& provenance);

// The same for several references (train -r A -r B): each read, relabelled through the label map
// (simulate/reference_set.h) when one is given, then combined over their shared genes with each reference
// as a donor; the edits and the size check apply to the combined reference. One reference without a label
// map is exactly load_reference.
Reference load_references(const std::vector<ReferenceOptions>& list, const std::string& label_map,
                          const CellTypeEdits& edits, Provenance& provenance);

// Before a long computation: OutputError if one of `paths` exists and `force` is false (the same rule as
// StagedOutputs, checked early so that a run does not fail only at the end).
void require_new_outputs(const std::vector<std::string>& paths, bool force);

}  // namespace blue::cli

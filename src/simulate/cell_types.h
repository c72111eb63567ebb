// Editing the cell-type labels of a reference before markers/simulate/train: dropping types
// (--exclude-types) or merging several into one (--merge-types "new=a,b"), and the minimum-size check.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "defaults.h"
#include "io/types.h"

namespace blue {

struct CellTypeEdits {
  std::vector<std::string> exclude;  // cell types whose cells are removed
  std::vector<std::string> merges;   // each "new=a,b[,c...]": types a, b, ... relabelled `new`
};

// Applies the merges first, then the exclusions (so a merged name may be excluded). Rebuilds
// `cell_types` (sorted) and `cell_type_of`, and removes the rows of excluded cells from `counts` and
// `cells`. A malformed merge spec is a UsageError; an unknown type name an InputError listing the types.
void apply_cell_type_edits(Reference& ref, const CellTypeEdits& edits);

// Relabels every cell: label_of maps each of ref.cell_types (all must be keys) to its new label, "" =
// drop the cells. Rebuilds cell_types (sorted) and cell_type_of; returns the number of cells dropped.
// UsageError when nothing is left.
std::size_t relabel_cell_types(Reference& ref, const std::map<std::string, std::string>& label_of);

// Number of cells of each type (order of ref.cell_types).
std::vector<std::int64_t> cells_per_type(const Reference& ref);

// InputError naming every type with fewer than `min_cells` cells (and its count), suggesting
// --exclude-types or --merge-types.
void require_min_cells_per_type(const Reference& ref, int min_cells = defaults::kMinCellsPerType);

// What markers, simulate and train (CLI and Python) do to a reference once read: apply the edits, log the
// types and their sizes, and require_min_cells_per_type.
void prepare_reference(Reference& ref, const CellTypeEdits& edits);

}  // namespace blue

// METHOD 1: a signature matrix built from a labelled single-cell reference: per cell type, the mean CPM
// profile of its cells over a gene panel.
#pragma once
#include <string>
#include <vector>

#include "defaults.h"
#include "io/types.h"

namespace blue {

// Each cell is scaled to 1e6 total counts over ALL its genes (not only the panel), then the scaled
// values are averaged over the cells of each type. Accumulates the sparse rows (never densifies).
// Panel genes are matched in the reference with map_genes (missing fraction above
// max_missing_fraction: InputError; below: warning, the missing genes are left out). Cells with zero
// total counts add nothing but count in their type's mean. Returns genes x cell types (ref.cell_types).
ExpressionTable build_signature(const Reference& ref, const std::vector<std::string>& panel,
                                double max_missing_fraction = defaults::kMaxMissingGeneFraction);

// The panel of a signature: the genes of `genes_path` when given (read_gene_list), otherwise the marker
// panel of find_markers() with default options (METHOD 2.2). With `measured` (e.g. the genes of the bulk
// the signature is for), marker genes absent from it are left out (logged): they could not be used anyway,
// and a marker panel is the tool's choice, not the user's.
std::vector<std::string> signature_panel(const Reference& ref, const std::string& genes_path,
                                         const std::vector<std::string>* measured = nullptr);

}  // namespace blue

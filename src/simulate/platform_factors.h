// Per-gene platform factors between a single-cell reference and bulk RNA-seq of sorted cells (CIBERSORTx's
// S-mode in spirit). A gene's counts in 3' UMI single cells and in bulk of the same cell type differ by a
// factor that depends on the gene (capture, 3' bias, length, dropout) far more than on the type. Given bulk
// profiles of sorted types (e.g. ABIS/Monaco 2019 in ../shared/data/signatures) mapped onto the reference's
// types, train --sorted-profiles estimates that factor per panel gene and multiplies the training
// pseudobulk by it, so that the network reads bulk-like inputs.
#pragma once
#include <string>
#include <vector>

#include "io/types.h"
#include "simulate/type_profiles.h"

namespace blue {

struct PlatformFactors {
  std::vector<double> factor;             // per panel gene: bulk / single-cell, 1 where not estimable
  std::size_t estimated = 0;              // panel genes with a factor
  std::vector<std::string> mapped_types;  // reference types with sorted profiles
  std::vector<std::string> unmapped;      // reference types without (they do not vote)
  double median_abs_log2 = 0;             // median |log2 factor| over the estimated genes
};

// `sorted`: genes x sorted types, linear (TPM-like). `map_path`: TSV "cell_type<TAB>profile" (a reference
// type may take several columns, averaged); "" = reference types matched to columns by name. Over the
// panel genes the table has, both the reference's mean profile and the sorted profile of each mapped type
// are scaled to sum 1e6; gene g's log2 factor is the median over the mapped types expressing it (either
// side >= 10% of an average gene) of log2((bulk + c) / (single cell + c)), c = 1% of an average gene; the
// factors are centred on their median and clipped to [1/16, 16]. InputError when the map names an unknown
// type or column, when no type is mapped, or when fewer than 100 panel genes are in the table.
PlatformFactors platform_factors(const TypeProfiles& reference, const std::vector<std::string>& panel_genes,
                                 const ExpressionTable& sorted, const std::string& map_path);

}  // namespace blue

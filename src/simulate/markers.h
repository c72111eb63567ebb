// METHOD 2.2: marker genes per cell type by one-vs-rest Wilcoxon rank-sum on log-normalised expression.
#pragma once
#include <string>
#include <vector>

#include "defaults.h"
#include "io/types.h"

namespace blue {

struct MarkerOptions {
  int per_type = defaults::kMarkersPerType;
  double fdr = defaults::kMarkerFdr;
};

struct MarkerStat {
  std::string gene;
  std::string cell_type;
  double log_fc;   // natural-log fold change of mean log-normalised expression, type vs rest (documented)
  double p;        // two-sided, tie-corrected normal approximation
  double p_adj;    // Benjamini-Hochberg within the cell type
  bool selected;   // in the panel
};

struct MarkerResult {
  std::vector<std::string> panel;  // the union, in selection order
  std::vector<MarkerStat> stats;   // every significant (p_adj < fdr, log_fc > 0) gene per type
};

// Never densifies the reference: ranks come from the non-zeros of each gene plus its count of zeros.
MarkerResult find_markers(const Reference& ref, const MarkerOptions& options);

}  // namespace blue

// METHOD 2.2: marker genes per cell type by one-vs-rest Wilcoxon rank-sum on log-normalised expression.
#pragma once
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "defaults.h"
#include "io/types.h"

namespace blue {

struct MarkerOptions {
  int per_type = defaults::kMarkersPerType;
  double fdr = defaults::kMarkerFdr;
  // Per reference gene, 1 = may enter the panel (train --bulk-genes: the genes a cohort measured); empty = all.
  std::vector<char> allowed;
};

struct MarkerStat {
  std::string gene;
  std::string cell_type;
  double log_fc;  // mean_in - mean_rest of log1p(count / cell_total * 1e4) over the type's cells and over all
                  // other cells: a natural-log fold change with no pseudo-count (scanpy's expm1-based
                  // log2 ratio with +1e-9 ranks genes absent outside the type first, however rare)
  double p;       // two-sided Mann-Whitney U, tie-corrected normal approximation with continuity
                  // correction 0.5 (as scipy.stats.mannwhitneyu(method="asymptotic"))
  double p_adj;   // Benjamini-Hochberg within the cell type
  bool selected;  // in the panel
};

struct MarkerResult {
  std::vector<std::string> panel;  // the union, in selection order
  std::vector<MarkerStat> stats;   // every significant (p_adj < fdr, log_fc > 0) gene per type
};

// One-vs-rest tests of every gene for every type (rows = ref.cell_types, columns = ref.genes).
// Genes with no variance (e.g. zero in every cell) get p = 1.
struct OneVsRest {
  Eigen::MatrixXd log_fc;
  Eigen::MatrixXd p;
  Eigen::MatrixXd p_adj;  // Benjamini-Hochberg over all genes, per type (row)
};
OneVsRest one_vs_rest_wilcoxon(const Reference& ref);

// Benjamini-Hochberg adjusted p-values (step-up, monotone, capped at 1), in the order of `p`.
std::vector<double> benjamini_hochberg(const std::vector<double>& p);

// The panel rule of METHOD 2.2 applied to `tests`: significant = p_adj < fdr and log_fc > 0; types with
// fewer significant genes choose first (ties: order of ref.cell_types); each takes, by decreasing log_fc
// (ties: gene order), up to per_type genes not already taken.
MarkerResult select_panel(const Reference& ref, const OneVsRest& tests, const MarkerOptions& options);

// one_vs_rest_wilcoxon + select_panel.
// Never densifies the reference: ranks come from the non-zeros of each gene plus its count of zeros.
MarkerResult find_markers(const Reference& ref, const MarkerOptions& options);

}  // namespace blue

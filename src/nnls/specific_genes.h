// A signature of cell-type-specific genes, chosen as CIBERSORT chose LM22's: per type the genes highest in
// it and a fold change above the other types, ranked by that fold change, and the number of genes per type
// that gives the signature the smallest condition number.
#pragma once
#include <Eigen/Dense>

#include <string>
#include <vector>

#include "defaults.h"
#include "io/types.h"

namespace blue {

// Per cell type mean CPM over every gene, from cells or from a table of per-type profiles.
struct MeanProfiles {
  std::string source;
  std::vector<std::string> genes;
  std::vector<std::string> cell_types;
  Eigen::MatrixXd cpm;       // genes x types: mean CPM (cells scaled to 1e6 over all their genes)
  Eigen::MatrixXd detected;  // genes x types: fraction of the type's cells with a count > 0; empty for a table
};

// One pass over the sparse reference (never densified): each cell scaled to 1e6 total counts, then averaged
// over its type; the same numbers build_signature() gives on any panel. InputError for a type without cells.
MeanProfiles mean_profiles(const Reference& ref);

// A table of per-type mean profiles (genes x types, linear units, e.g. a study's published averages): each
// column rescaled to 1e6 over the table's genes. InputError for a negative value or a column of zeros.
MeanProfiles mean_profiles(const ExpressionTable& table);

struct SpecificGeneOptions {
  double min_fold_change = defaults::kSignatureMinFoldChange;  // over the other types' mean, > 1
  double min_cpm = defaults::kSignatureMinCpm;                 // mean CPM of the type itself
  double min_detected = defaults::kSignatureMinDetected;       // fraction of its cells (ignored for tables)
  int min_per_type = defaults::kSignatureMinPerType;           // the range searched for the number of genes
  int max_per_type = defaults::kSignatureMaxPerType;           // per type (CIBERSORT: 50..200)
};

struct SpecificGeneSelection {
  std::vector<std::string> genes;         // the signature's genes, type by type, best first
  std::vector<std::string> type_of_gene;  // the type each gene is specific to
  std::vector<std::size_t> candidates;    // per type: genes passing the thresholds
  int per_type = 0;                       // the chosen number of genes per type (fewer where fewer passed)
  double condition_number = 0;            // of the chosen signature (genes x types, CPM)
};

// Candidates of type k: k has the strictly highest mean of the gene, cpm(g,k) >= min_cpm, detected(g,k) >=
// min_detected (when known) and log2(cpm(g,k) + 1) - mean_{j != k} log2(cpm(g,j) + 1) > log2(min_fold_change);
// ranked by that difference (ties by gene order). The fold change over the mean rather than over the
// closest type keeps genes for sibling types (naive and memory CD4 T share nearly every gene that sets
// them apart from the rest): over the closest type pbmc3k's CD4 T types kept one gene each and Kang
// pseudobulk scored 0.32 instead of 0.66. For n = min_per_type..max_per_type the top n of every type form a signature; the n
// with the smallest condition number (ties: the smaller n) is kept. `measured` (optional): genes outside it
// are not candidates (the bulk the signature is for). A type without candidates is named in a warning (its
// fraction then rests on the other types' genes); InputError when fewer candidates than types in all, or
// options out of range.
SpecificGeneSelection select_specific_genes(const MeanProfiles& profiles, const SpecificGeneOptions& options,
                                            const std::vector<std::string>* measured = nullptr);

// The rows of `profiles` for `genes` (all present): a signature in mean CPM, genes x types.
ExpressionTable signature_rows(const MeanProfiles& profiles, const std::vector<std::string>& genes);

// Ratio of the largest to the smallest singular value of `m` (rows >= columns); infinity when singular.
double condition_number(const Eigen::MatrixXd& m);

}  // namespace blue

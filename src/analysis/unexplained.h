// Genes that no reference cell type explains. A bulk sample that expresses a gene far above the highest
// mean level any single reference type has for it cannot be a mixture of the reference's types: the gene
// points to a cell type missing from the reference (CD79A and MS4A1 when B cells are missing), a
// contaminant (HBB: red cells; DEFA1: neutrophils) or a gene the reference's platform captures poorly. The
// test does not use the predicted proportions, so it does not depend on the network being right.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "defaults.h"
#include "io/types.h"

namespace blue {

// Per gene shared by the reference profiles and a bulk table: the highest CPM any type's mean profile
// reaches (each profile renormalised over the shared genes), and which type reaches it.
struct ExpressionCeiling {
  std::vector<std::string> genes;       // shared genes, in reference order
  std::vector<std::int32_t> bulk_rows;  // row of each in the bulk's gene list
  Eigen::VectorXd ceiling_cpm;
  std::vector<std::int32_t> top_type;  // index into the profiles' cell types
};

// `mean_counts`: types x reference genes (mean counts per cell). InputError when no gene is shared.
ExpressionCeiling expression_ceiling(const std::vector<std::string>& reference_genes, const MatrixF& mean_counts,
                                     const std::vector<std::string>& bulk_genes, const std::string& bulk_name);

struct UnexplainedOptions {
  double fold = defaults::kUnexplainedFold;
  double floor_cpm = defaults::kUnexplainedFloorCpm;
  std::size_t listed = defaults::kUnexplainedGenesListed;
};

struct UnexplainedGene {
  std::int32_t gene;  // index into ExpressionCeiling::genes
  double bulk_cpm;
};

struct Unexplained {
  std::vector<int> count;        // per sample: genes above fold x max(ceiling, floor)
  std::vector<double> fraction;  // per sample: their share of the sample's CPM over the shared genes, [0, 1]
  std::vector<std::vector<UnexplainedGene>> genes;  // per sample, largest excess first, at most `listed`
};

// `values`: genes x samples in linear units (counts, CPM, TPM: each sample is rescaled to CPM over the
// shared genes). A sample without expression in the shared genes has no unexplained gene.
Unexplained find_unexplained(const ExpressionCeiling& ceiling, const Eigen::MatrixXd& values,
                             const UnexplainedOptions& options = {});

// Genes by the number of lists (samples) that hold them, most frequent first, then by name.
std::vector<std::pair<std::string, int>> genes_by_frequency(const std::vector<std::vector<std::string>>& lists);

}  // namespace blue

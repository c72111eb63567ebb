// Deconvolution-time tools that use the reference profiles kept in the model (torch-free): the per-sample
// reconstruction residual, and the gene-wise bias of a cohort relative to the reference (cohort
// adaptation). Profiles are rows (samples) x panel genes; "normalised" means log2(CPM + 1) over the panel.
#pragma once
#include <vector>

#include "io/types.h"

namespace blue::model {

struct Reconstruction {
  // Per sample: total-variation distance between the bulk's panel CPM and the reconstruction's, in [0, 1]
  // (the fraction of the bulk's panel expression that the reconstruction puts elsewhere).
  std::vector<double> distance;
  std::vector<double> pearson;  // per sample: Pearson r of the two normalised profiles
  // Per sample: the same distance to the reference's expectation for the predicted proportions
  // (expected_bulk): the network's GEPs can absorb a missing type's expression, the reference cannot.
  std::vector<double> reference_distance;
};

// Reconstruction of each normalised bulk row from its predicted proportions (n x K) and normalised GEPs
// (K matrices n x G): sum_k p_k * s_k * CPM_k, s_k = mean panel counts per cell of type k (panel_size).
// `mean_counts` (K x G) are the reference's per-type mean profiles (reference_distance).
Reconstruction reconstruct(const MatrixF& bulk, const MatrixF& proportions, const std::vector<MatrixF>& gep,
                           const std::vector<double>& panel_size, const MatrixF& mean_counts);

// The normalised bulk the reference predicts for given proportions: log2(CPM(p * mean_counts) + 1).
MatrixF expected_bulk(const MatrixF& proportions, const MatrixF& mean_counts);

// Gene-wise log2 bias of a cohort: per gene, the median over samples of bulk - expected (normalised).
Eigen::VectorXd gene_bias(const MatrixF& bulk, const MatrixF& expected);

// Divides every sample's linear CPM by 2^bias gene by gene and renormalises (in place, normalised scale).
void remove_gene_bias(MatrixF& bulk, const Eigen::VectorXd& bias);

// Genes whose |bias| exceeds `limit` (log2) take the expected values in every sample; the bulk is then
// renormalised. Returns how many genes were replaced; `bias` of the others is set to 0.
int impute_biased_genes(MatrixF& bulk, const MatrixF& expected, Eigen::VectorXd& bias, double limit);

}  // namespace blue::model

// Reconstruction-consistent GEPs: each sample's bulk signal of every gene divided among the cell types in
// proportion to their expected contribution (the posterior mean that BayesPrism and InstaPrism compute
// for fixed proportions and priors). Torch-free; rows are samples, columns panel genes, and "normalised"
// means log2(CPM + 1) over the panel (METHOD 2.3).
#pragma once
#include <string>
#include <vector>

#include "io/types.h"

namespace blue::model {

// What the per-sample GEPs of `blue deconvolve` are (--gep-mode).
enum class GepMode {
  kNetwork,    // the network's GEP branch as it is
  kPosterior,  // the bulk allocated among the types with the network's GEPs as the prior
  kReference,  // the bulk allocated with the reference's mean profiles as the prior (no network GEPs)
};
GepMode parse_gep_mode(const std::string& name);  // "network" | "posterior" | "reference"; else UsageError
const char* gep_mode_name(GepMode mode);

struct Allocation {
  // Per type: samples x genes, normalised. A type with no weight in a sample keeps its prior there.
  std::vector<MatrixF> gep;
  // Per type: samples x genes, the share of the sample's signal of the gene that the type accounts for,
  // a_k G_kg / sum_j a_j G_jg in [0, 1]; the shares of a gene sum to 1 over the types. Where no type's
  // prior expresses the gene, the signal is shared by the weights a_k alone.
  std::vector<MatrixF> share;
  // samples x types: the fraction of the sample's panel RNA allocated to each type (rows sum to 1), so that
  // bulk CPM_g = sum_k rna(i, k) * CPM(gep_k)_g holds exactly for every gene.
  MatrixF rna;
};

// `bulk`: samples x G normalised. `proportions`: samples x K cell fractions. `panel_size`: K mean panel
// counts per cell of each type (the RNA a cell of the type brings to the panel), so that type k's weight in
// a sample is a_k = p_k * panel_size_k. `prior`: K matrices, normalised, each samples x G (the network's
// GEPs) or 1 x G for the same prior in every sample (reference_prior()). InternalError if the shapes
// disagree.
Allocation allocate(const MatrixF& bulk, const MatrixF& proportions, const std::vector<double>& panel_size,
                    const std::vector<MatrixF>& prior);

// The reference's mean profiles (K x G mean counts per cell) as a prior: per type its normalised profile,
// 1 x G (the same for every sample).
std::vector<MatrixF> reference_prior(const MatrixF& mean_counts);

}  // namespace blue::model

// Per-cell-type mean profiles of a labelled reference: what the model file keeps of the reference so that
// deconvolution can reconstruct a bulk sample from its predicted proportions and GEPs, convert cell
// fractions to RNA fractions, and estimate a cohort's gene-wise platform bias.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "io/types.h"

namespace blue {

struct TypeProfiles {
  std::vector<std::string> cell_types;
  MatrixF mean_counts;               // K x G: mean raw counts per cell of each type over the panel genes
  std::vector<double> library_size;  // K: mean total counts per cell (all genes): the mRNA content proxy

  // Mean panel counts per cell of each type (row sums of mean_counts).
  std::vector<double> panel_size() const;
  nlohmann::json to_json() const;
  // InputError naming `where` when fields are missing or the shapes disagree with `genes`.
  static TypeProfiles from_json(const nlohmann::json& j, std::size_t genes, const std::string& where);
};

// From the cells of `pools` (per type, row indices of `ref`) over the reference columns `gene_columns`.
TypeProfiles type_profiles(const Reference& ref, const std::vector<std::int32_t>& gene_columns,
                           const std::vector<std::vector<std::int64_t>>& pools);

// The same means over every gene the reference expresses (not only the panel), kept in the model as a
// float32 blob so that deconvolve can find genes that no reference type explains (analysis/unexplained.h).
struct TranscriptomeProfiles {
  std::vector<std::string> genes;  // reference genes with a non-zero count in some cell
  MatrixF mean_counts;             // types x genes: mean raw counts per cell
  std::string to_blob() const;     // float32, native byte order, row-major
  // InputError naming `where` when the blob's size disagrees with the gene and type counts.
  static TranscriptomeProfiles from_blob(std::vector<std::string> genes, std::size_t types, const std::string& blob,
                                         const std::string& where);
};
TranscriptomeProfiles transcriptome_profiles(const Reference& ref, const std::vector<std::vector<std::int64_t>>& pools);

// RNA fractions from cell fractions: r_k = p_k L_k / sum_j p_j L_j (L = library_size), per row of
// `cell_fractions` (n x K). A row of zeros stays zero.
MatrixF rna_fractions(const MatrixF& cell_fractions, const std::vector<double>& library_size);

}  // namespace blue

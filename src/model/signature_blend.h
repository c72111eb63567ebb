// The signature-matrix estimate a model carries beside its network (`deconvolve --nnls-weight W`): at
// training, the reference's candidate specific genes (nnls/specific_genes.h) are kept in the model; at
// deconvolution, the signature is chosen among those the bulk measures, NNLS gives each sample's RNA
// fractions, and these become cell fractions to be averaged with the network's. The two estimators err
// differently (the network learns the reference's platform, NNLS is a linear model of the bulk).
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "io/types.h"

namespace blue::model {

// Every type's candidate genes (at most 2 x defaults::kSignatureMaxPerType, best first) with their mean CPM
// in every type, as JSON for the model's metadata.
nlohmann::json signature_candidates(const Reference& ref);

struct NnlsEstimate {
  MatrixF cell_fractions;  // samples x types, rows sum to 1 (a row of zeros when nothing fits)
  std::size_t genes = 0;   // signature genes used
  double condition_number = 0;
};

// `candidates`: signature_candidates() of the model (InputError naming `where` when malformed).
// `rna_per_cell`: per type, the relative RNA content of one cell (the reference's library sizes, or
// bulk mRNA contents): cell fraction = RNA fraction / rna_per_cell, renormalised.
NnlsEstimate nnls_estimate(const nlohmann::json& candidates, const std::vector<std::string>& cell_types,
                           const ExpressionTable& bulk, const std::vector<double>& rna_per_cell,
                           const std::string& where);

}  // namespace blue::model

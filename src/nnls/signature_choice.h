// A signature from a labelled reference or a table of per-type profiles, its genes chosen one of three ways:
// listed, the specific genes (nnls/specific_genes.h, CIBERSORT's selection) or the marker panel (METHOD
// 2.2). Shared by `blue signature`, `blue nnls` and the Python module.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "defaults.h"
#include "io/types.h"
#include "nnls/specific_genes.h"

namespace blue {

struct SignatureChoice {
  std::vector<std::string> genes;                 // the signature's genes; empty: chosen by `panel`
  std::string genes_source = "gene list";         // where `genes` came from, for messages
  std::string panel = defaults::kSignaturePanel;  // "specific" or "markers" (references only)
  SpecificGeneOptions specific;
  double max_missing_genes = defaults::kMaxMissingGeneFraction;  // of `genes` absent from the data
};

// Mean CPM of each type (genes x types). `measured` (optional, e.g. the bulk's genes): chosen genes outside
// it are left out (they could not be used). `selection` (optional) receives the specific-gene selection's
// thresholds and results, or null when the genes were listed or are the marker panel.
ExpressionTable reference_signature(const Reference& ref, const SignatureChoice& choice,
                                    const std::vector<std::string>* measured = nullptr,
                                    nlohmann::json* selection = nullptr);

// The same from per-type mean profiles (genes x types, linear units; a table that looks log-transformed is an
// InputError); panel "markers" needs single cells (UsageError).
ExpressionTable profiles_signature(const ExpressionTable& profiles, const SignatureChoice& choice,
                                   const std::vector<std::string>* measured = nullptr,
                                   nlohmann::json* selection = nullptr);

}  // namespace blue

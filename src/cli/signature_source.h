// Shared by `blue signature` and `blue nnls`: where a signature comes from (a labelled reference or a table
// of per-type mean profiles), how its genes are chosen (--panel, --genes), and the signature they produce.
#pragma once
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "io/reference.h"
#include "io/types.h"
#include "nnls/specific_genes.h"
#include "util/provenance.h"

namespace blue::cli {

struct SignatureSource {
  ReferenceOptions reference;
  std::string profiles_path;       // a genes x types table of mean profiles instead of a reference
  std::string genes_path;          // the signature's genes; empty: chosen by `panel`
  std::string panel = "specific";  // specific (select_specific_genes) or markers (METHOD 2.2, references only)
  std::string genes_per_type;      // "MIN:MAX" or "N"; empty: the defaults
  SpecificGeneOptions specific;
  double max_missing_genes = 0;

  bool given() const { return !reference.path.empty() || !profiles_path.empty(); }
};

// Adds the reference options (none required), --profiles, --genes, --panel and the selection thresholds.
void add_signature_source_options(CLI::App* cmd, SignatureSource& src);

// Problems with the options (empty when fine), for the one-pass validation of the caller.
std::vector<std::string> check_signature_source(SignatureSource& src);  // also parses --genes-per-type

// Reads the reference or the profiles, picks the genes and builds the mean-CPM signature; records the inputs
// and the selection in `provenance`. `measured` (the bulk's genes): selected genes outside it are not
// candidates.
ExpressionTable signature_from_source(const SignatureSource& src, Provenance& provenance,
                                      const std::vector<std::string>* measured = nullptr);

// Throws one UsageError listing every problem (nothing when `problems` is empty).
void throw_if_problems(const std::vector<std::string>& problems);

}  // namespace blue::cli

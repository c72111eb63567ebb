// Shared by `blue signature` and `blue nnls --reference`: the reference options plus --genes, and the
// signature they produce.
#pragma once
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "io/reference.h"
#include "io/types.h"
#include "util/provenance.h"

namespace blue::cli {

struct SignatureSource {
  ReferenceOptions reference;
  std::string genes_path;  // empty: the marker panel
  double max_missing_genes = 0;
};

// Adds the reference options (not required when `required` is false) and --genes.
void add_signature_source_options(CLI::App* cmd, SignatureSource& src, bool required);

// Problems with the options (empty when fine), for the one-pass validation of the caller.
std::vector<std::string> check_signature_source(const SignatureSource& src);

// Reads the reference, picks the panel and builds the mean-CPM signature; records the inputs. `measured`:
// see signature_panel().
ExpressionTable signature_from_reference(const SignatureSource& src, Provenance& provenance,
                                         const std::vector<std::string>* measured = nullptr);

// Throws one UsageError listing every problem (nothing when `problems` is empty).
void throw_if_problems(const std::vector<std::string>& problems);

}  // namespace blue::cli

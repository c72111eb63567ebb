#include "nnls/signature_choice.h"

#include <fmt/format.h>

#include "io/bulk_scale.h"
#include "io/genes.h"
#include "nnls/signature.h"
#include "simulate/markers.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {
namespace {

ExpressionTable specific_signature(const MeanProfiles& profiles, const SignatureChoice& c,
                                   const std::vector<std::string>* measured, nlohmann::json* selection) {
  const SpecificGeneSelection s = select_specific_genes(profiles, c.specific, measured);
  if (selection) {
    *selection = {{"min_fold_change", c.specific.min_fold_change},
                  {"min_cpm", c.specific.min_cpm},
                  {"min_detected",
                   profiles.detected.size() ? nlohmann::json(c.specific.min_detected) : nlohmann::json(nullptr)},
                  {"genes_per_type_searched", {c.specific.min_per_type, c.specific.max_per_type}},
                  {"genes_per_type", s.per_type},
                  {"candidates_per_type", s.candidates},
                  {"condition_number", s.condition_number}};
  }
  return signature_rows(profiles, s.genes);
}

void check_panel(const SignatureChoice& c) {
  if (c.panel != "specific" && c.panel != "markers")
    throw UsageError("--panel must be specific or markers, got '" + c.panel + "'");
}

}  // namespace

ExpressionTable reference_signature(const Reference& ref, const SignatureChoice& c,
                                    const std::vector<std::string>* measured, nlohmann::json* selection) {
  check_panel(c);
  if (selection) *selection = nullptr;
  if (c.genes.empty() && c.panel == "specific") return specific_signature(mean_profiles(ref), c, measured, selection);
  std::vector<std::string> genes = c.genes;
  if (genes.empty()) {
    genes = signature_panel(ref, "", measured);
  } else {
    log::info("signature", "{} genes from {}", genes.size(), c.genes_source);
  }
  return build_signature(ref, genes, c.max_missing_genes);
}

ExpressionTable profiles_signature(const ExpressionTable& table, const SignatureChoice& c,
                                   const std::vector<std::string>* measured, nlohmann::json* selection) {
  check_panel(c);
  if (selection) *selection = nullptr;
  if (c.genes.empty() && c.panel == "markers")
    throw UsageError("--panel markers needs single cells (a reference); with per-type profiles use --panel specific");
  if (const ScaleCheck check = inspect_scale(table.values); check.looks_log)
    throw InputError(
        fmt::format("{} looks log-transformed ({}); a signature needs mean profiles in linear units "
                    "(counts, CPM, TPM): convert them with 2^x - 1 first",
                    table.source, check.reason));
  const MeanProfiles profiles = mean_profiles(table);
  if (c.genes.empty()) return specific_signature(profiles, c, measured, selection);
  // The rows of the listed genes (the missing ones checked against max_missing_genes).
  const GeneMapping m = map_genes(c.genes, profiles.genes, c.genes_source, profiles.source, c.max_missing_genes,
                                  "--max-missing-genes");
  std::vector<std::string> rows;
  for (std::size_t g = 0; g < c.genes.size(); ++g)
    if (m.index[g] >= 0) rows.push_back(profiles.genes[m.index[g]]);
  return signature_rows(profiles, rows);
}

}  // namespace blue

#include "nnls/signature.h"

#include <fmt/format.h>

#include <unordered_set>

#include "io/genes.h"
#include "io/tables.h"
#include "nnls/specific_genes.h"
#include "simulate/markers.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {

ExpressionTable build_signature(const Reference& ref, const std::vector<std::string>& panel,
                                double max_missing_fraction) {
  const GeneMapping mapping = map_genes(panel, ref.genes, "gene panel", "reference " + ref.source, max_missing_fraction,
                                        "--max-missing-genes");
  std::vector<std::string> found;
  for (std::size_t g = 0; g < panel.size(); ++g)
    if (mapping.index[g] >= 0) found.push_back(panel[g]);
  if (found.empty()) throw InputError(fmt::format("no panel gene is a gene of the reference {}", ref.source));
  ExpressionTable sig = signature_rows(mean_profiles(ref), found);
  log::info("signature", "mean CPM of {} cell types over {} genes ({} cells)", ref.n_types(), sig.genes.size(),
            ref.n_cells());
  return sig;
}

std::vector<std::string> signature_panel(const Reference& ref, const std::string& genes_path,
                                         const std::vector<std::string>* measured) {
  if (!genes_path.empty()) {
    auto genes = read_gene_list(genes_path);
    log::info("signature", "{} genes from {}", genes.size(), genes_path);
    return genes;
  }
  MarkerResult markers = find_markers(ref, MarkerOptions{});
  log::info("signature", "marker panel: {} genes (docs/method.md §2.2)", markers.panel.size());
  if (!measured) return markers.panel;
  const std::unordered_set<std::string> have(measured->begin(), measured->end());
  std::vector<std::string> kept;
  for (const auto& g : markers.panel)
    if (have.count(g)) kept.push_back(g);
  log::info("signature", "{} marker genes measured in the bulk kept, {} left out", kept.size(),
            markers.panel.size() - kept.size());
  return kept;
}

}  // namespace blue

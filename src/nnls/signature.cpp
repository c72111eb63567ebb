#include "nnls/signature.h"

#include <fmt/format.h>

#include <unordered_set>

#include "io/genes.h"
#include "io/tables.h"
#include "simulate/markers.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {

ExpressionTable build_signature(const Reference& ref, const std::vector<std::string>& panel,
                                double max_missing_fraction) {
  const GeneMapping mapping = map_genes(panel, ref.genes, "gene panel", "reference " + ref.source,
                                        max_missing_fraction);
  // Reference column -> signature row (-1 when not in the panel).
  std::vector<std::int64_t> row_of(ref.n_genes(), -1);
  ExpressionTable sig;
  sig.source = ref.source;
  sig.columns = ref.cell_types;
  for (std::size_t g = 0; g < panel.size(); ++g) {
    if (mapping.index[g] < 0) continue;
    row_of[mapping.index[g]] = static_cast<std::int64_t>(sig.genes.size());
    sig.genes.push_back(panel[g]);
  }
  if (sig.genes.empty())
    throw InputError(fmt::format("no panel gene is a gene of the reference {}", ref.source));
  sig.values = Eigen::MatrixXd::Zero(sig.genes.size(), ref.n_types());
  std::vector<std::size_t> cells_of_type(ref.n_types(), 0);
  const CsrMatrix& m = ref.counts;
  for (std::int64_t c = 0; c < m.rows; ++c) {
    const int type = ref.cell_type_of[c];
    ++cells_of_type[type];
    double total = 0;
    for (std::int64_t k = m.indptr[c]; k < m.indptr[c + 1]; ++k) total += m.data[k];
    if (!(total > 0)) continue;
    const double scale = defaults::kCpmScale / total;
    for (std::int64_t k = m.indptr[c]; k < m.indptr[c + 1]; ++k) {
      const std::int64_t r = row_of[m.indices[k]];
      if (r >= 0) sig.values(r, type) += scale * m.data[k];
    }
  }
  for (std::size_t t = 0; t < ref.n_types(); ++t) {
    if (cells_of_type[t] == 0)
      throw InputError(fmt::format("cell type '{}' of {} has no cells", ref.cell_types[t], ref.source));
    sig.values.col(t) /= static_cast<double>(cells_of_type[t]);
  }
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
  log::info("signature", "marker panel: {} genes (METHOD 2.2)", markers.panel.size());
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

#include "model/signature_blend.h"

#include <fmt/format.h>

#include "nnls/deconvolve.h"
#include "nnls/specific_genes.h"
#include "util/error.h"
#include "util/log.h"

namespace blue::model {

nlohmann::json signature_candidates(const Reference& ref) {
  const MeanProfiles profiles = mean_profiles(ref);
  SpecificGeneOptions o;
  // Twice the most the selection takes, so that the bulk's missing genes rarely leave a type short.
  o.min_per_type = o.max_per_type = 2 * defaults::kSignatureMaxPerType;
  const SpecificGeneSelection s = select_specific_genes(profiles, o);
  const ExpressionTable rows = signature_rows(profiles, s.genes);
  nlohmann::json cpm = nlohmann::json::array();
  for (Eigen::Index g = 0; g < rows.values.rows(); ++g) {
    nlohmann::json row = nlohmann::json::array();
    for (Eigen::Index t = 0; t < rows.values.cols(); ++t) row.push_back(rows.values(g, t));
    cpm.push_back(std::move(row));
  }
  return {{"genes", s.genes},
          {"type_of_gene", s.type_of_gene},
          {"cell_types", profiles.cell_types},
          {"cpm", cpm},
          {"units", "mean CPM per type (cells scaled to 1e6), candidate genes specific to one type, best first"}};
}

NnlsEstimate nnls_estimate(const nlohmann::json& candidates, const std::vector<std::string>& cell_types,
                           const ExpressionTable& bulk, const std::vector<double>& rna_per_cell,
                           const std::string& where) {
  MeanProfiles p;
  try {
    p.genes = candidates.at("genes").get<std::vector<std::string>>();
    p.cell_types = candidates.at("cell_types").get<std::vector<std::string>>();
    const auto& cpm = candidates.at("cpm");
    p.cpm.resize(static_cast<Eigen::Index>(p.genes.size()), static_cast<Eigen::Index>(p.cell_types.size()));
    for (std::size_t g = 0; g < p.genes.size(); ++g)
      for (std::size_t t = 0; t < p.cell_types.size(); ++t) p.cpm(g, t) = cpm.at(g).at(t).get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: the signature candidates are malformed ({}); train the model again", where,
                                 e.what()));
  }
  if (p.cell_types != cell_types)
    throw InputError(fmt::format("{}: the signature's cell types differ from the network's; train the model again",
                                 where));
  p.source = where + " (signature candidates)";
  // The thresholds of training again (the candidates passed them: nothing is lost), now among the genes the
  // bulk measures, and the condition-number search over the number per type.
  const SpecificGeneSelection s = select_specific_genes(p, SpecificGeneOptions{}, &bulk.genes);
  NnlsDeconvolutionOptions nnls;
  nnls.bulk_scale = BulkScale::kLinear;  // checked by the caller
  const NnlsDeconvolution r = deconvolve_nnls(signature_rows(p, s.genes), bulk, nnls);
  NnlsEstimate out;
  out.genes = r.genes_used.size();
  out.condition_number = r.condition_number;
  out.cell_fractions = r.proportions.values.cast<float>();
  for (Eigen::Index i = 0; i < out.cell_fractions.rows(); ++i) {
    for (Eigen::Index t = 0; t < out.cell_fractions.cols(); ++t)
      out.cell_fractions(i, t) /= static_cast<float>(rna_per_cell[static_cast<std::size_t>(t)]);
    const float total = out.cell_fractions.row(i).sum();
    if (total > 0) out.cell_fractions.row(i) /= total;
  }
  return out;
}

}  // namespace blue::model

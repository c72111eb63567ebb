#include "report/gep_share_section.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "report/html.h"

namespace blue::report {

std::vector<ShareSummary> summarise_shares(const DenseAnnData& a,
                                           const std::vector<std::pair<std::string, std::string>>& types) {
  std::vector<ShareSummary> out;
  for (const auto& [type, layer] : types) {
    const auto it = a.layers.find(layer + "_share");
    if (it == a.layers.end()) continue;
    const MatrixF& share = it->second;
    ShareSummary s;
    s.type = type;
    std::vector<double> median(static_cast<std::size_t>(share.cols()));
    std::vector<float> column(static_cast<std::size_t>(share.rows()));
    for (Eigen::Index g = 0; g < share.cols(); ++g) {
      for (Eigen::Index i = 0; i < share.rows(); ++i) column[static_cast<std::size_t>(i)] = share(i, g);
      double m = 0.0;
      if (!column.empty()) {
        auto mid = column.begin() + static_cast<std::ptrdiff_t>(column.size() / 2);
        std::nth_element(column.begin(), mid, column.end());
        m = *mid;
        if (column.size() % 2 == 0) m = 0.5 * (m + *std::max_element(column.begin(), mid));
      }
      median[static_cast<std::size_t>(g)] = m;
      s.identifiable += m >= kIdentifiableShare;
      s.prior_only += m < kPriorOnlyShare;
    }
    std::vector<std::size_t> order(median.size());
    std::iota(order.begin(), order.end(), 0);
    const std::size_t n_top = std::min<std::size_t>(5, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_top), order.end(),
                      [&](std::size_t x, std::size_t y) { return median[x] > median[y]; });
    for (std::size_t j = 0; j < n_top; ++j) {
      s.top.push_back(fmt::format("{} ({:.2f})", a.var_names[order[j]], median[order[j]]));
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string share_section(const std::vector<ShareSummary>& s, std::size_t genes) {
  if (s.empty()) return "";
  Table t{{"cell type", fmt::format("genes it accounts for >= {:.0f}% of", 100 * kIdentifiableShare),
           fmt::format("genes below {:.0f}% (mostly the prior)", 100 * kPriorOnlyShare), "largest shares (median)"},
          {}};
  for (const auto& x : s) {
    std::string top;
    for (const auto& g : x.top) top += (top.empty() ? "" : ", ") + g;
    t.rows.push_back({x.type, std::to_string(x.identifiable), std::to_string(x.prior_only), top});
  }
  return html_table(t, "gep-share-table") +
         html_note(fmt::format(
             "Share = the part of a gene's bulk signal that the type accounts for in a sample (layer <type>_share of "
             "gep.h5ad; median over samples, {} panel genes). Where a type accounts for a few percent of a gene, "
             "its value there comes mostly from the prior (the network's or the reference's profile), not from "
             "this sample's measurement.",
             genes));
}

}  // namespace blue::report

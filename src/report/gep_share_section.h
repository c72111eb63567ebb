// The report's view of how far each predicted GEP value is a measurement of the sample: the `<type>_share`
// layers of gep.h5ad (the share of a gene's bulk signal the type accounts for in each sample).
#pragma once
#include <string>
#include <vector>

#include "io/types.h"

namespace blue::report {

struct ShareSummary {
  std::string type;
  std::size_t identifiable = 0;  // panel genes whose median share over samples is >= kIdentifiableShare
  std::size_t prior_only = 0;    // panel genes whose median share is < kPriorOnlyShare
  std::vector<std::string> top;  // the genes with the largest median share, at most 5
};

inline constexpr double kIdentifiableShare = 0.5;
inline constexpr double kPriorOnlyShare = 0.05;

// One summary per (type, layer) of `types` that has a `<layer>_share` layer in `a`; empty when none has.
std::vector<ShareSummary> summarise_shares(const DenseAnnData& a,
                                           const std::vector<std::pair<std::string, std::string>>& types);

// A table of the summaries and a note saying what the shares mean; "" when `s` is empty.
std::string share_section(const std::vector<ShareSummary>& s, std::size_t genes);

}  // namespace blue::report

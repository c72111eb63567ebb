// map_genes: exact, then case-insensitive matching of gene names, with an error that explains a mismatch
// of identifier types (Ensembl IDs vs symbols) when too few genes are shared.
#include "io/genes.h"

#include <fmt/format.h>

#include <cmath>
#include <unordered_map>

#include "io/gene_ids.h"
#include "io/text_reader.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {
namespace {

std::vector<std::string> head(const std::vector<std::string>& v, std::size_t n) {
  return std::vector<std::string>(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(std::min(n, v.size())));
}

}  // namespace

GeneMapping map_genes(const std::vector<std::string>& wanted, const std::vector<std::string>& available,
                      const std::string& wanted_what, const std::string& available_what, double max_missing_fraction,
                      const std::string& relax_option) {
  std::unordered_map<std::string, std::int64_t> exact, folded;
  std::unordered_map<std::string, int> folded_count;
  for (std::size_t i = 0; i < available.size(); ++i) {
    exact.emplace(available[i], static_cast<std::int64_t>(i));
    std::string l = to_lower(available[i]);
    folded.emplace(l, static_cast<std::int64_t>(i));
    ++folded_count[l];
  }
  GeneMapping m;
  m.index.assign(wanted.size(), -1);
  std::vector<std::string> folded_examples;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (auto it = exact.find(wanted[i]); it != exact.end()) {
      m.index[i] = it->second;
      continue;
    }
    std::string l = to_lower(wanted[i]);
    if (auto it = folded.find(l); it != folded.end() && folded_count[l] == 1) {
      m.index[i] = it->second;
      ++m.case_insensitive;
      folded_examples.push_back(wanted[i] + "=" + available[it->second]);
      continue;
    }
    m.missing.push_back(wanted[i]);
  }
  if (m.case_insensitive > 0)
    log::warn("io", "{} {} genes matched {} genes only when ignoring case: {}", m.case_insensitive, wanted_what,
              available_what, log::preview(folded_examples));
  double missing_fraction = wanted.empty() ? 0.0 : static_cast<double>(m.missing.size()) / wanted.size();
  if (missing_fraction > max_missing_fraction) {
    bool ens_wanted = looks_like_ensembl(wanted), ens_available = looks_like_ensembl(available);
    std::string hint = ens_wanted != ens_available ? " One side looks like Ensembl IDs and the other like gene "
                                                     "symbols (Ensembl IDs vs symbols?): for bulk, pass --gene-map "
                                                     "data/gene_ids_hs.tsv.gz (deconvolve, nnls); else convert one "
                                                     "of them."
                                                   : "";
    if (!relax_option.empty())
      hint += fmt::format(
          " If the identifiers match and the genes are simply not measured, {} {:.2f} accepts "
          "this many missing genes (they are left out).",
          relax_option, std::ceil(100.0 * missing_fraction) / 100.0);
    throw InputError(fmt::format(
        "only {} of {} {} genes are found in {} ({:.1f}% missing, at most {:.1f}% allowed). Examples of {}: {}. "
        "Examples of {}: {}.{}",
        m.found(), wanted.size(), wanted_what, available_what, 100.0 * missing_fraction, 100.0 * max_missing_fraction,
        wanted_what, log::preview(head(wanted, 5), 5), available_what, log::preview(head(available, 5), 5), hint));
  }
  if (!m.missing.empty())
    log::warn("io", "{} of {} {} genes are missing from {} (treated as absent): {}", m.missing.size(), wanted.size(),
              wanted_what, available_what, log::preview(m.missing, 20));
  return m;
}

}  // namespace blue

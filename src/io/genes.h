// Matching gene names between two lists (a panel/model/signature and a bulk table or reference).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace blue {

struct GeneMapping {
  std::vector<std::int64_t> index;   // per wanted gene: its row in `available`, or -1 when missing
  std::vector<std::string> missing;  // wanted genes not found
  std::size_t case_insensitive = 0;  // matches found only ignoring case (each warned about)
  std::size_t found() const { return index.size() - missing.size(); }
};

// Exact match first, then case-insensitive with a warning. If more than `max_missing_fraction` of
// `wanted` is missing: InputError showing examples of both sides (e.g. Ensembl IDs vs symbols); if any is
// missing below that: a warning listing them. `wanted_what`/`available_what` name the lists in messages;
// `relax_option` (e.g. "--max-missing-genes"), when the caller has one, is named in the error as the way to
// accept more missing genes.
GeneMapping map_genes(const std::vector<std::string>& wanted, const std::vector<std::string>& available,
                      const std::string& wanted_what, const std::string& available_what, double max_missing_fraction,
                      const std::string& relax_option = "");

}  // namespace blue

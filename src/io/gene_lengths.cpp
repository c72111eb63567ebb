#include "io/gene_lengths.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "io/text_reader.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {

GeneLengths read_gene_lengths(const std::string& path) {
  const DelimitedTable t = read_delimited(path, "gene lengths");
  if (t.header.size() < 2 || to_lower(t.header[0]) != "gene" || to_lower(t.header[1]) != "length_bp") {
    throw InputError(
        fmt::format("{}: line {}: expected the header 'gene<TAB>length_bp' (a gene name and its "
                    "transcript length in bases)",
                    path, t.header_line));
  }
  GeneLengths out{path, {}};
  for (const auto& row : t.rows) {
    const auto& f = row.fields;
    double bp = 0;
    if (f.size() < 2 || f[0].empty() || !parse_double(f[1], bp) || !std::isfinite(bp) || bp <= 0) {
      throw InputError(fmt::format("{}: line {}: expected a gene and a positive length in bases, got '{}'", path,
                                   row.line, fmt::join(f, " ")));
    }
    if (!out.bp.emplace(f[0], bp).second)
      throw InputError(fmt::format("{}: line {}: gene '{}' is listed twice", path, row.line, f[0]));
  }
  if (out.bp.empty()) throw InputError(path + ": no gene lengths (expected lines 'gene<TAB>length_bp')");
  return out;
}

LengthConversion counts_to_tpm(ExpressionTable& bulk, const GeneLengths& lengths, const char* stage) {
  LengthConversion c;
  std::vector<double> kb(bulk.genes.size(), 0.0), found;
  for (std::size_t g = 0; g < bulk.genes.size(); ++g) {
    if (auto it = lengths.bp.find(bulk.genes[g]); it != lengths.bp.end()) {
      kb[g] = it->second / 1000.0;
      found.push_back(kb[g]);
    } else {
      c.missing.push_back(bulk.genes[g]);
    }
  }
  c.matched = found.size();
  if (c.matched * 4 < bulk.genes.size()) {
    throw InputError(fmt::format(
        "{}: only {} of the {} genes of bulk '{}' have a length in '{}' (e.g. {} lacks one): the gene identifiers "
        "or the species differ; give a table of the bulk's genes, or leave out --gene-lengths if the bulk is "
        "already TPM or 3' counts",
        stage, c.matched, bulk.genes.size(), bulk.source, lengths.source, c.missing.front()));
  }
  std::nth_element(found.begin(), found.begin() + found.size() / 2, found.end());
  c.fill_bp = found[found.size() / 2] * 1000.0;
  for (double& k : kb) {
    if (k == 0.0) k = c.fill_bp / 1000.0;
  }
  for (Eigen::Index s = 0; s < bulk.values.cols(); ++s) {
    auto col = bulk.values.col(s);
    for (Eigen::Index g = 0; g < col.size(); ++g) col(g) /= kb[static_cast<std::size_t>(g)];
    const double total = col.sum();
    if (total > 0) col *= 1e6 / total;
  }
  log::info(stage, "counts divided by gene length ({}): {} of {} genes have a length", lengths.source, c.matched,
            bulk.genes.size());
  if (!c.missing.empty()) {
    log::warn(stage, "{} of {} bulk genes have no length in {} and were given the median length, {:.0f} bp: {}",
              c.missing.size(), bulk.genes.size(), lengths.source, c.fill_bp, log::preview(c.missing, 20));
  }
  return c;
}

}  // namespace blue

#include "io/gene_ids.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "io/text_reader.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {

bool looks_like_ensembl(const std::vector<std::string>& names) {
  std::size_t hits = 0;
  const std::size_t n = std::min<std::size_t>(names.size(), 200);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& s = names[i];
    const auto g = s.find('G', 3);
    hits += s.rfind("ENS", 0) == 0 && g != std::string::npos && g + 1 < s.size() &&
            std::isdigit(static_cast<unsigned char>(s[g + 1]));
  }
  return n > 0 && hits * 2 > n;
}

std::string strip_ensembl_version(const std::string& id) {
  if (id.rfind("ENS", 0) != 0) return id;
  const auto dot = id.find('.');
  return dot == std::string::npos ? id : id.substr(0, dot);
}

GeneIdMap read_gene_id_map(const std::string& path) {
  const DelimitedTable t = read_delimited(path, "gene map");
  if (t.header.size() < 2 || to_lower(t.header[0]) != "ensembl_id" || to_lower(t.header[1]) != "symbol") {
    throw InputError(fmt::format("{}: line {}: expected the header 'ensembl_id<TAB>symbol'", path, t.header_line));
  }
  GeneIdMap map{path, {}, {}};
  for (const auto& row : t.rows) {
    if (row.fields.size() < 2 || row.fields[0].empty() || row.fields[1].empty())
      throw InputError(fmt::format("{}: line {}: expected an Ensembl ID and a symbol", path, row.line));
    const std::string id = strip_ensembl_version(row.fields[0]);
    map.symbols_of[id].push_back(row.fields[1]);
    map.ids_of[row.fields[1]].push_back(id);
  }
  if (map.symbols_of.empty()) throw InputError(path + ": the gene map has no rows (ensembl_id, symbol)");
  return map;
}

IdTranslation translate_gene_ids(ExpressionTable& bulk, const std::vector<std::string>& target, const GeneIdMap& map,
                                 const char* stage) {
  IdTranslation r;
  const bool bulk_ids = looks_like_ensembl(bulk.genes), target_ids = looks_like_ensembl(target);
  if (bulk_ids == target_ids) {
    log::info(stage, "bulk and model/signature genes are both {}: --gene-map not applied",
              bulk_ids ? "Ensembl IDs" : "gene symbols");
    return r;
  }
  r.translated = true;
  // The target's names by their matching key (Ensembl IDs without version), to answer in its spelling.
  std::unordered_map<std::string, std::string> target_name;
  for (const auto& g : target) target_name.emplace(target_ids ? strip_ensembl_version(g) : g, g);
  std::unordered_map<std::string, std::size_t> row_of;
  std::vector<std::string> names;
  std::vector<std::vector<std::size_t>> sources;
  std::vector<std::string> unmapped, ambiguous;
  for (std::size_t g = 0; g < bulk.genes.size(); ++g) {
    const auto& table = bulk_ids ? map.symbols_of : map.ids_of;
    const auto it = table.find(bulk_ids ? strip_ensembl_version(bulk.genes[g]) : bulk.genes[g]);
    if (it == table.end()) {
      unmapped.push_back(bulk.genes[g]);
      continue;
    }
    std::string name;
    if (it->second.size() == 1) {
      name = it->second.front();
    } else {
      std::vector<std::string> in_target;
      for (const auto& c : it->second)
        if (target_name.count(c)) in_target.push_back(c);
      if (in_target.size() != 1) {
        ambiguous.push_back(bulk.genes[g]);
        continue;
      }
      name = in_target.front();
    }
    if (auto t = target_name.find(name); t != target_name.end()) name = t->second;
    auto [pos, fresh] = row_of.emplace(name, names.size());
    if (fresh) {
      names.push_back(name);
      sources.emplace_back();
    } else {
      ++r.merged;
    }
    sources[pos->second].push_back(g);
    ++r.mapped;
  }
  Eigen::MatrixXd values = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(names.size()), bulk.values.cols());
  for (std::size_t i = 0; i < names.size(); ++i)
    for (std::size_t g : sources[i])
      values.row(static_cast<Eigen::Index>(i)) += bulk.values.row(static_cast<Eigen::Index>(g));
  r.unmapped = unmapped.size();
  r.ambiguous = ambiguous.size();
  log::info(stage,
            "bulk genes renamed from {} to {} with {}: {} mapped ({} summed into a name another also took), "
            "{} unmapped, {} ambiguous",
            bulk_ids ? "Ensembl IDs" : "symbols", bulk_ids ? "symbols" : "Ensembl IDs", map.source, r.mapped, r.merged,
            r.unmapped, r.ambiguous);
  if (!unmapped.empty() || !ambiguous.empty()) {
    std::string parts;
    if (!unmapped.empty())
      parts = fmt::format("{} not in {} (e.g. {})", r.unmapped, map.source, log::preview(unmapped, 5));
    if (!ambiguous.empty())
      parts += fmt::format("{}{} with several names (e.g. {})", parts.empty() ? "" : ", ", r.ambiguous,
                           log::preview(ambiguous, 5));
    log::warn(stage, "{} bulk genes left out: {}", r.unmapped + r.ambiguous, parts);
  }
  if (names.empty()) throw InputError(fmt::format("{}: no gene of bulk '{}' is in {}", stage, bulk.source, map.source));
  bulk.genes = std::move(names);
  bulk.values = std::move(values);
  return r;
}

}  // namespace blue

#include "simulate/reference_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <unordered_map>
#include <utility>

#include "io/text_reader.h"
#include "simulate/cell_types.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {
namespace {

// Index of `value` in the sorted `names`.
std::int32_t index_in(const std::vector<std::string>& names, const std::string& value) {
  return static_cast<std::int32_t>(std::lower_bound(names.begin(), names.end(), value) - names.begin());
}

}  // namespace

LabelMap read_label_map(const std::string& path) {
  const DelimitedTable t = read_delimited(path, "label map");
  std::vector<std::string> header = t.header;
  for (auto& h : header) h = to_lower(h);
  if (header != std::vector<std::string>{"reference", "label", "type"}) {
    throw InputError(
        fmt::format("{}: line {}: expected the header 'reference<TAB>label<TAB>type' (a reference "
                    "name or *, a label of that reference, the shared cell type or - to drop)",
                    path, t.header_line));
  }
  LabelMap map{path, {}};
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& row : t.rows) {
    const auto& f = row.fields;
    if (f.size() != 3 || f[0].empty() || f[1].empty() || f[2].empty()) {
      throw InputError(fmt::format("{}: line {}: expected 3 non-empty fields (reference, label, type), got '{}'", path,
                                   row.line, fmt::join(f, " | ")));
    }
    if (!seen.emplace(f[0], f[1]).second) {
      throw InputError(fmt::format("{}: line {}: reference '{}', label '{}' is mapped twice", path, row.line, f[0],
                                   f[1]));
    }
    map.rows.push_back({f[0], f[1], f[2], row.line});
  }
  if (map.rows.empty()) throw InputError(path + ": the label map has no rows (reference, label, type)");
  return map;
}

std::vector<std::string> reference_names(const std::vector<std::string>& paths) {
  std::vector<std::string> names;
  for (const auto& p : paths) {
    std::filesystem::path fs(p);
    if (!fs.has_filename()) fs = fs.parent_path();  // "dir/" -> "dir"
    names.push_back(fs.filename().string());
  }
  std::set<std::string> unique(names.begin(), names.end());
  if (unique.size() != names.size()) return paths;
  return names;
}

void apply_label_map(Reference& ref, const std::string& name, const std::string& path, const LabelMap& map) {
  std::map<std::string, std::string> specific, any;
  std::vector<std::string> unused;
  for (const auto& row : map.rows) {
    const bool mine = row.reference == name || row.reference == path;
    if (!mine && row.reference != "*") continue;
    (mine ? specific : any)[row.label] = row.type == "-" ? "" : row.type;
    if (mine && !std::binary_search(ref.cell_types.begin(), ref.cell_types.end(), row.label))
      unused.push_back(fmt::format("'{}' (line {})", row.label, row.line));
  }
  if (!unused.empty()) {
    log::warn("reference", "{}: the label map names label(s) that reference '{}' does not have: {}", map.path, name,
              log::preview(unused, 20));
  }
  std::map<std::string, std::string> label_of;
  std::vector<std::string> unmapped;
  for (const auto& t : ref.cell_types) {
    if (auto it = specific.find(t); it != specific.end())
      label_of[t] = it->second;
    else if (auto a = any.find(t); a != any.end())
      label_of[t] = a->second;
    else
      unmapped.push_back(t);
  }
  if (!unmapped.empty()) {
    throw InputError(fmt::format(
        "{}: reference '{}' has {} label(s) that the label map does not map: {}. Add a line per label "
        "('{}<TAB>{}<TAB>TYPE', or type - to drop its cells); a reference's labels are never dropped silently",
        map.path, name, unmapped.size(), log::preview(unmapped, 40), name, unmapped.front()));
  }
  const std::size_t dropped = relabel_cell_types(ref, label_of);
  std::vector<std::string> summary;
  for (const auto& [from, to] : label_of) {
    if (from != to) summary.push_back(from + " -> " + (to.empty() ? "(dropped)" : to));
  }
  log::info("reference", "{}: label map applied ({} cells dropped){}{}", name, dropped, summary.empty() ? "" : ": ",
            log::preview(summary, 40));
}

Reference combine_references(std::vector<Reference> refs, const std::vector<std::string>& names,
                             std::size_t min_shared_genes) {
  if (refs.empty() || refs.size() != names.size()) throw InternalError("combine_references: one name per reference");
  if (refs.size() == 1) return std::move(refs.front());
  // Genes every reference measures, in the first reference's order.
  std::unordered_map<std::string, int> seen_in;
  for (const auto& r : refs) {
    for (const auto& g : r.genes) ++seen_in[g];
  }
  Reference out;
  for (const auto& g : refs.front().genes) {
    if (seen_in[g] == static_cast<int>(refs.size())) out.genes.push_back(g);
  }
  std::vector<std::string> kept;
  for (std::size_t i = 0; i < refs.size(); ++i)
    kept.push_back(fmt::format("{} {} of {}", names[i], out.genes.size(), refs[i].n_genes()));
  if (out.genes.size() < min_shared_genes) {
    throw InputError(fmt::format(
        "the references share only {} gene(s) ({}), fewer than {}: their gene names do not match (gene symbols "
        "on one side and Ensembl IDs on the other, or a --gene-column to choose for an .h5ad)",
        out.genes.size(), log::preview(kept, 10), min_shared_genes));
  }
  log::info("reference", "{} genes measured by all {} references (kept: {})", out.genes.size(), refs.size(),
            log::preview(kept, 10));
  std::unordered_map<std::string, std::int32_t> column_of;
  for (std::size_t j = 0; j < out.genes.size(); ++j) column_of[out.genes[j]] = static_cast<std::int32_t>(j);

  std::set<std::string> types, donors;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    types.insert(refs[i].cell_types.begin(), refs[i].cell_types.end());
    if (refs[i].donor_of.empty()) donors.insert(names[i]);
    for (const auto& d : refs[i].donors) donors.insert(names[i] + ":" + d);
  }
  out.cell_types.assign(types.begin(), types.end());
  out.donors.assign(donors.begin(), donors.end());
  out.counts.cols = static_cast<std::int64_t>(out.genes.size());
  out.counts.indptr.push_back(0);
  std::vector<std::pair<std::int32_t, float>> row;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    Reference& r = refs[i];
    std::vector<std::int32_t> target(r.n_genes(), -1);
    for (std::size_t g = 0; g < r.n_genes(); ++g) {
      if (auto it = column_of.find(r.genes[g]); it != column_of.end()) target[g] = it->second;
    }
    std::vector<std::int32_t> type_index(r.n_types()), donor_index(r.donors.size());
    for (std::size_t k = 0; k < r.n_types(); ++k) type_index[k] = index_in(out.cell_types, r.cell_types[k]);
    for (std::size_t d = 0; d < r.donors.size(); ++d)
      donor_index[d] = index_in(out.donors, names[i] + ":" + r.donors[d]);
    const std::int32_t own_donor = r.donor_of.empty() ? index_in(out.donors, names[i]) : -1;
    for (std::int64_t c = 0; c < r.counts.rows; ++c) {
      row.clear();
      for (std::int64_t j = r.counts.indptr[c]; j < r.counts.indptr[c + 1]; ++j) {
        if (const std::int32_t t = target[r.counts.indices[j]]; t >= 0) row.emplace_back(t, r.counts.data[j]);
      }
      std::sort(row.begin(), row.end());
      for (const auto& [col, v] : row) {
        out.counts.indices.push_back(col);
        out.counts.data.push_back(v);
      }
      out.counts.indptr.push_back(static_cast<std::int64_t>(out.counts.data.size()));
      out.cells.push_back(names[i] + ":" + r.cells[c]);
      out.cell_type_of.push_back(type_index[r.cell_type_of[c]]);
      out.donor_of.push_back(own_donor >= 0 ? own_donor : donor_index[r.donor_of[c]]);
    }
    r.counts = CsrMatrix{};  // free each reference's matrix once copied
  }
  out.counts.rows = static_cast<std::int64_t>(out.cells.size());
  std::vector<std::string> sources;
  for (std::size_t i = 0; i < refs.size(); ++i) sources.push_back(refs[i].source);
  out.source = fmt::format("{}", fmt::join(sources, " + "));
  std::vector<std::string> coverage;
  for (const auto& t : out.cell_types) {
    std::vector<std::string> in;
    for (std::size_t i = 0; i < refs.size(); ++i) {
      if (std::binary_search(refs[i].cell_types.begin(), refs[i].cell_types.end(), t)) in.push_back(names[i]);
    }
    if (in.size() < refs.size()) coverage.push_back(fmt::format("{} ({})", t, fmt::join(in, ", ")));
  }
  if (!coverage.empty()) {
    log::info("reference",
              "cell types that only some references have (absent from the pseudobulk drawn from the "
              "others): {}",
              log::preview(coverage, 40));
  }
  return out;
}

}  // namespace blue

#include "simulate/cell_types.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "util/error.h"
#include "util/log.h"

namespace blue {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

struct MergeSpec {
  std::string target;
  std::vector<std::string> sources;
};

MergeSpec parse_merge(const std::string& spec) {
  const auto eq = spec.find('=');
  MergeSpec m;
  if (eq != std::string::npos) {
    m.target = trim(spec.substr(0, eq));
    std::string rest = spec.substr(eq + 1);
    std::size_t start = 0;
    while (start <= rest.size()) {
      const auto comma = rest.find(',', start);
      const std::string item = trim(rest.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (!item.empty()) m.sources.push_back(item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (m.target.empty() || m.sources.empty()) {
    throw UsageError(
        fmt::format("--merge-types '{}': expected \"new=a,b\" (a new name, '=', then the cell "
                    "types to merge separated by commas)",
                    spec));
  }
  return m;
}

[[noreturn]] void unknown_type(const std::string& name, const std::map<std::string, std::string>& label_of,
                               const char* option) {
  std::vector<std::string> known;
  for (const auto& [old_name, label] : label_of) {
    if (!label.empty() && std::find(known.begin(), known.end(), label) == known.end()) known.push_back(label);
  }
  throw InputError(
      fmt::format("{} names cell type '{}', which the reference does not have; its cell types "
                  "are: {}",
                  option, name, log::preview(known, 40)));
}

// Keeps the rows of `ref` whose `keep` flag is set.
void keep_rows(Reference& ref, const std::vector<char>& keep, std::vector<std::int32_t>& type_of) {
  CsrMatrix out;
  out.cols = ref.counts.cols;
  out.indptr.push_back(0);
  std::vector<std::string> cells;
  std::vector<std::int32_t> types, donors;
  for (std::int64_t r = 0; r < ref.counts.rows; ++r) {
    if (!keep[r]) continue;
    if (!ref.donor_of.empty()) donors.push_back(ref.donor_of[r]);
    for (std::int64_t j = ref.counts.indptr[r]; j < ref.counts.indptr[r + 1]; ++j) {
      out.indices.push_back(ref.counts.indices[j]);
      out.data.push_back(ref.counts.data[j]);
    }
    out.indptr.push_back(static_cast<std::int64_t>(out.data.size()));
    cells.push_back(std::move(ref.cells[r]));
    types.push_back(type_of[r]);
  }
  out.rows = static_cast<std::int64_t>(cells.size());
  ref.counts = std::move(out);
  ref.cells = std::move(cells);
  if (!ref.donor_of.empty()) ref.donor_of = std::move(donors);
  type_of = std::move(types);
}

}  // namespace

void apply_cell_type_edits(Reference& ref, const CellTypeEdits& edits) {
  if (edits.exclude.empty() && edits.merges.empty()) return;
  // label_of: original type name -> new label ("" = excluded)
  std::map<std::string, std::string> label_of;
  for (const auto& t : ref.cell_types) label_of[t] = t;
  for (const auto& spec : edits.merges) {
    const MergeSpec m = parse_merge(spec);
    for (const auto& src : m.sources) {
      bool found = false;
      for (auto& [old_name, label] : label_of) {
        if (label == src) label = m.target, found = true;
      }
      if (!found) unknown_type(src, label_of, "--merge-types");
    }
    log::info("reference", "merged {} into '{}'", log::preview(m.sources), m.target);
  }
  for (const auto& name : edits.exclude) {
    bool found = false;
    for (auto& [old_name, label] : label_of) {
      if (label == name) label.clear(), found = true;
    }
    if (!found) unknown_type(name, label_of, "--exclude-types");
  }
  const std::size_t dropped = relabel_cell_types(ref, label_of);
  if (dropped > 0) log::info("reference", "excluded {} cell(s) of {}", dropped, log::preview(edits.exclude));
}

std::size_t relabel_cell_types(Reference& ref, const std::map<std::string, std::string>& label_of) {
  std::vector<std::string> new_types;
  for (const auto& [old_name, label] : label_of) {
    if (!label.empty()) new_types.push_back(label);
  }
  std::sort(new_types.begin(), new_types.end());
  new_types.erase(std::unique(new_types.begin(), new_types.end()), new_types.end());
  if (new_types.empty()) throw UsageError("the edits remove every cell type of the reference");

  std::vector<std::int32_t> remap(ref.cell_types.size(), -1);
  for (std::size_t t = 0; t < ref.cell_types.size(); ++t) {
    const auto it = label_of.find(ref.cell_types[t]);
    if (it == label_of.end()) throw InternalError("relabel_cell_types: no label for '" + ref.cell_types[t] + "'");
    const std::string& label = it->second;
    if (label.empty()) continue;
    remap[t] = static_cast<std::int32_t>(std::lower_bound(new_types.begin(), new_types.end(), label) -
                                         new_types.begin());
  }
  std::vector<char> keep(ref.n_cells());
  std::vector<std::int32_t> type_of(ref.n_cells());
  std::size_t dropped = 0;
  for (std::size_t i = 0; i < ref.n_cells(); ++i) {
    type_of[i] = remap[ref.cell_type_of[i]];
    keep[i] = type_of[i] >= 0;
    dropped += keep[i] ? 0 : 1;
  }
  if (dropped > 0) keep_rows(ref, keep, type_of);
  ref.cell_types = std::move(new_types);
  ref.cell_type_of = std::move(type_of);
  return dropped;
}

std::vector<std::int64_t> cells_per_type(const Reference& ref) {
  std::vector<std::int64_t> n(ref.n_types(), 0);
  for (auto t : ref.cell_type_of) ++n[t];
  return n;
}

void require_min_cells_per_type(const Reference& ref, int min_cells) {
  const auto n = cells_per_type(ref);
  std::vector<std::string> small;
  for (std::size_t t = 0; t < n.size(); ++t) {
    if (n[t] < min_cells)
      small.push_back(fmt::format("'{}' ({} cell{})", ref.cell_types[t], n[t], n[t] == 1 ? "" : "s"));
  }
  if (small.empty()) return;
  throw InputError(fmt::format(
      "{}: cell type(s) with fewer than {} labelled cells: {}. Every type needs at least {} cells so that the "
      "train, validation and test splits each get one. Drop them with --exclude-types \"name\" or merge them "
      "into a related type with --merge-types \"new=a,b\".",
      ref.source.empty() ? "reference" : ref.source, min_cells, log::preview(small, 20), min_cells));
}

void prepare_reference(Reference& ref, const CellTypeEdits& edits) {
  apply_cell_type_edits(ref, edits);
  const auto sizes = cells_per_type(ref);
  std::vector<std::string> summary;
  for (std::size_t k = 0; k < sizes.size(); ++k) summary.push_back(fmt::format("{} {}", ref.cell_types[k], sizes[k]));
  log::info("reference", "{} cells x {} genes, {} cell types: {}", ref.n_cells(), ref.n_genes(), ref.n_types(),
            log::preview(summary, 40));
  require_min_cells_per_type(ref);
}

}  // namespace blue

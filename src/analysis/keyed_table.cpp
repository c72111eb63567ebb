#include "analysis/keyed_table.h"

#include <cmath>

#include "io/text_reader.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {
namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

}  // namespace

KeyedTable KeyedTable::read(const std::string& path, const std::string& what) {
  KeyedTable t;
  t.path_ = path;
  t.what_ = what;
  require_readable_file(path, what);
  LineReader reader(path);
  char sep = 0;
  bool have_header = false;
  for (std::string raw; reader.next(raw);) {
    const std::size_t line_no = reader.line_number();
    const auto first = raw.find_first_not_of(" \t\r");
    if (first == std::string::npos || raw[first] == '#') continue;
    if (!sep) sep = detect_delimiter(path, raw);
    const std::string where = what + " table '" + path + "', line " + std::to_string(line_no);
    auto cells = split_fields(raw, sep);
    for (auto& c : cells) c = trim(c);
    if (!have_header) {
      have_header = true;
      for (std::size_t c = 0; c < cells.size(); ++c)
        for (std::size_t d = 0; d < c; ++d)
          if (cells[c] == cells[d] && !cells[c].empty())
            throw InputError(where + ": column name '" + cells[c] + "' appears twice; column names must be unique");
      t.columns_ = std::move(cells);
      continue;
    }
    if (cells.size() != t.columns_.size())
      throw InputError(where + ": " + std::to_string(cells.size()) + " fields, but the header has " +
                       std::to_string(t.columns_.size()) + (sep == '\t' ? " (tab-separated expected)" : ""));
    if (cells[0].empty()) throw InputError(where + ": empty id in the first column");
    if (!t.index_.emplace(cells[0], t.keys_.size()).second)
      throw InputError(where + ": id '" + cells[0] + "' appears twice; the first column must be unique");
    t.keys_.push_back(cells[0]);
    t.cells_.push_back(std::move(cells));
    t.lines_.push_back(static_cast<int>(line_no));
  }
  if (!have_header || t.keys_.empty())
    throw InputError("the " + what + " table '" + path +
                     "' has no data rows (a header line and one row per id expected)");
  return t;
}

std::size_t KeyedTable::column(const std::string& name) const {
  for (std::size_t c = 0; c < columns_.size(); ++c)
    if (columns_[c] == name) return c;
  throw InputError("the " + what_ + " table '" + path_ + "' has no column '" + name +
                   "'; its columns are: " + log::preview(columns_, 20));
}

bool KeyedTable::has_column(const std::string& name) const {
  for (const auto& c : columns_)
    if (c == name) return true;
  return false;
}

std::optional<std::size_t> KeyedTable::find(const std::string& key) const {
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

bool is_missing_value(const std::string& s) {
  if (is_missing_label(s) || s == "." || s == "-") return true;
  return s.size() > 2 && s.front() == '[' && s.back() == ']';  // TCGA: [Not Available], [Not Applicable]
}

std::optional<double> parse_number(const std::string& s) {
  double v = 0;
  if (!parse_double(s, v) || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  for (const auto& item : split_fields(s, ','))
    if (!trim(item).empty()) out.push_back(trim(item));
  return out;
}

}  // namespace blue

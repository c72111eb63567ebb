#include "analysis/text_table.h"

#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <memory>

#include "util/error.h"
#include "util/log.h"

namespace blue {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto pos = line.find(sep, start);
    std::string cell = trim(line.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') cell = cell.substr(1, cell.size() - 2);
    out.push_back(cell);
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

// Reads all lines of a plain or gzip file (zlib reads both transparently).
std::vector<std::string> read_lines(const std::string& path, const std::string& what) {
  std::unique_ptr<gzFile_s, int (*)(gzFile)> f(gzopen(path.c_str(), "rb"), gzclose);
  if (!f) throw InputError("cannot open the " + what + " table '" + path + "': check the path and permissions");
  std::vector<std::string> lines;
  std::string current;
  char buf[65536];
  int got;
  while ((got = gzread(f.get(), buf, sizeof buf)) > 0) {
    for (int i = 0; i < got; ++i) {
      if (buf[i] == '\n') {
        lines.push_back(std::move(current));
        current.clear();
      } else {
        current += buf[i];
      }
    }
  }
  if (got < 0) throw InputError("the " + what + " table '" + path + "' is not readable (corrupt gzip?)");
  if (!current.empty()) lines.push_back(std::move(current));
  return lines;
}

}  // namespace

TextTable TextTable::read(const std::string& path, const std::string& what) {
  TextTable t;
  t.path_ = path;
  t.what_ = what;
  const char sep = (ends_with(path, ".csv") || ends_with(path, ".csv.gz")) ? ',' : '\t';
  const auto lines = read_lines(path, what);
  bool have_header = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string line = trim(lines[i]);
    if (line.empty() || line[0] == '#') continue;
    const std::string where = what + " table '" + path + "', line " + std::to_string(i + 1);
    auto cells = split(lines[i], sep);
    if (!have_header) {
      have_header = true;
      t.columns_ = cells;
      for (std::size_t c = 0; c < cells.size(); ++c)
        for (std::size_t d = 0; d < c; ++d)
          if (cells[c] == cells[d] && !cells[c].empty())
            throw InputError(where + ": column name '" + cells[c] + "' appears twice; column names must be unique");
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
    t.lines_.push_back(static_cast<int>(i + 1));
  }
  if (!have_header || t.keys_.empty())
    throw InputError("the " + what + " table '" + path + "' has no data rows (a header line and one row per id expected)");
  return t;
}

std::size_t TextTable::column(const std::string& name) const {
  for (std::size_t c = 0; c < columns_.size(); ++c)
    if (columns_[c] == name) return c;
  throw InputError("the " + what_ + " table '" + path_ + "' has no column '" + name +
                   "'; its columns are: " + log::preview(columns_, 20));
}

bool TextTable::has_column(const std::string& name) const {
  for (const auto& c : columns_)
    if (c == name) return true;
  return false;
}

std::optional<std::size_t> TextTable::find(const std::string& key) const {
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

bool is_missing_value(const std::string& s) {
  if (s.empty() || s == "NA" || s == "NaN" || s == "nan" || s == "null" || s == "NULL" || s == "." || s == "-")
    return true;
  return s.size() > 2 && s.front() == '[' && s.back() == ']';  // TCGA: [Not Available], [Not Applicable]
}

std::optional<double> parse_number(const std::string& s) {
  const std::string t = trim(s);
  if (t.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace blue

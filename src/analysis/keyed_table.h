// A keyed delimited text table with text cells (clinical tables: ids, numbers, categories, "NA"). TSV or
// CSV as io/text_reader.h reads them (delimiter from the extension or the first line, quoted fields, gzip
// or plain). The first line is the header; the first column is the row key (patient or sample id), unique. Blank lines and lines starting with '#' are
// skipped. Ragged rows, duplicated keys or column names and empty keys are InputErrors naming file and line.
#pragma once
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace blue {

class KeyedTable {
 public:
  // `what` names the table's role in messages ("clinical", "groups").
  static KeyedTable read(const std::string& path, const std::string& what);

  const std::string& path() const { return path_; }
  const std::string& what() const { return what_; }
  const std::vector<std::string>& columns() const { return columns_; }  // header, including the key column
  const std::vector<std::string>& keys() const { return keys_; }
  std::size_t rows() const { return keys_.size(); }

  // Index of column `name`; InputError listing the available columns when absent.
  std::size_t column(const std::string& name) const;
  bool has_column(const std::string& name) const;
  const std::string& cell(std::size_t row, std::size_t col) const { return cells_[row][col]; }
  int line_of(std::size_t row) const { return lines_[row]; }  // 1-based line in the file, for messages
  std::optional<std::size_t> find(const std::string& key) const;

 private:
  std::string path_, what_;
  std::vector<std::string> columns_, keys_;
  std::vector<std::vector<std::string>> cells_;
  std::vector<int> lines_;
  std::unordered_map<std::string, std::size_t> index_;
};

// Missing-value spellings in clinical tables: "", NA, NaN, null, and TCGA's "[Not Available]" style.
bool is_missing_value(const std::string& s);

// Strict number parse of a whole cell (surrounding spaces allowed); nullopt when not a finite number.
std::optional<double> parse_number(const std::string& s);

// "a,b,,c" -> {a, b, c}: a comma-separated option value, empty items dropped.
std::vector<std::string> split_list(const std::string& s);

}  // namespace blue

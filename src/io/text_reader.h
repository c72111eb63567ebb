// Line-by-line reading of plain or gzip-compressed text files, delimited-field splitting and strict
// number parsing: the building blocks of every text reader in src/io.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace blue {

// Reads `path` line by line, transparently decompressing gzip (detected from the content, not the name).
// A missing file, a truncated or corrupt gzip stream are InputErrors naming the file.
class LineReader {
 public:
  explicit LineReader(const std::string& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Next line without its "\n" / "\r\n"; false at the end of the file.
  bool next(std::string& line);
  std::size_t line_number() const { return line_number_; }  // 1-based number of the last line returned
  const std::string& path() const { return path_; }

 private:
  bool fill();
  std::string path_;
  void* file_ = nullptr;  // gzFile
  std::vector<char> buffer_;
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  std::size_t line_number_ = 0;
};

// '\t' or ',': from the extension (.csv / .tsv / .txt, before an optional .gz), else from the first line
// (a tab wins over a comma).
char detect_delimiter(const std::string& path, const std::string& first_line);

// Splits a line on `delim`. Fields may be double-quoted ("a,b", with "" for a quote); quotes are removed.
std::vector<std::string> split_fields(std::string_view line, char delim);

// Strict number parsing of a whole field (surrounding spaces allowed, nothing else): false when the field
// is not a number. NaN and Inf parse (check std::isfinite where they are not allowed).
bool parse_double(std::string_view text, double& value);

// "ABC" -> "abc" (ASCII).
std::string to_lower(std::string_view text);
bool ends_with(std::string_view text, std::string_view suffix);

// Labels meaning "no label": empty, NA, NaN, None, null (any case).
bool is_missing_label(std::string_view label);

// Throws InputError "<path>: file not found" (or not readable / is a directory) unless `path` is a
// readable regular file. `what` names the role ("reference", "bulk").
void require_readable_file(const std::string& path, const std::string& what);

// A small delimited table read whole (label maps, gene lengths): blank lines and lines starting with '#'
// skipped, the first other line is the header; fields split as split_fields does, surrounding spaces
// trimmed. Line numbers are 1-based, for messages. A missing file is an InputError naming `what`.
struct DelimitedTable {
  struct Row {
    std::vector<std::string> fields;
    int line = 0;
  };
  std::vector<std::string> header;
  int header_line = 0;
  std::vector<Row> rows;
};
DelimitedTable read_delimited(const std::string& path, const std::string& what);

}  // namespace blue

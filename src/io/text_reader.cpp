#include "io/text_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "util/error.h"

namespace blue {
namespace fs = std::filesystem;

namespace {
constexpr std::size_t kBufferBytes = 1 << 20;

std::string strip_gz(const std::string& path) {
  return ends_with(to_lower(path), ".gz") ? path.substr(0, path.size() - 3) : path;
}
}  // namespace

void require_readable_file(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (path.empty()) throw InputError("no " + what + " file given");
  if (!fs::exists(path, ec)) throw InputError(path + ": " + what + " file not found");
  if (fs::is_directory(path, ec)) throw InputError(path + ": " + what + " is a directory, expected a file");
  std::ifstream probe(path, std::ios::binary);
  if (!probe) throw InputError(path + ": " + what + " file cannot be opened (permissions?)");
}

LineReader::LineReader(const std::string& path) : path_(path), buffer_(kBufferBytes) {
  require_readable_file(path, "input");
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw InputError(path + ": cannot open: " + std::strerror(errno));
  gzbuffer(f, 256 * 1024);
  file_ = f;
}

LineReader::~LineReader() {
  if (file_) gzclose(static_cast<gzFile>(file_));
}

// Moves the unread tail to the front and reads more bytes; false when nothing more could be read.
bool LineReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);  // a line longer than the buffer
  auto f = static_cast<gzFile>(file_);
  int n = gzread(f, buffer_.data() + end_, static_cast<unsigned>(buffer_.size() - end_));
  int err = Z_OK;
  const char* msg = gzerror(f, &err);
  if (n < 0 || (err != Z_OK && err != Z_STREAM_END)) {
    throw InputError(path_ + ": truncated or corrupt gzip file after line " + std::to_string(line_number_) + " (" +
                     (msg ? msg : "read error") + "); download or compress it again");
  }
  if (n == 0) {
    eof_ = true;
    return false;
  }
  end_ += static_cast<std::size_t>(n);
  return true;
}

bool LineReader::next(std::string& line) {
  std::size_t scanned = begin_;
  for (;;) {
    const char* start = buffer_.data() + scanned;
    const void* nl = std::memchr(start, '\n', end_ - scanned);
    if (nl) {
      std::size_t stop = static_cast<const char*>(nl) - buffer_.data();
      line.assign(buffer_.data() + begin_, stop - begin_);
      begin_ = stop + 1;
      break;
    }
    std::size_t consumed = end_ - begin_;
    if (!fill()) {
      if (end_ == begin_) return false;
      line.assign(buffer_.data() + begin_, end_ - begin_);  // last line without a newline
      begin_ = end_;
      break;
    }
    scanned = begin_ + consumed;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  ++line_number_;
  return true;
}

char detect_delimiter(const std::string& path, const std::string& first_line) {
  std::string base = to_lower(strip_gz(path));
  if (ends_with(base, ".csv")) return ',';
  if (ends_with(base, ".tsv") || ends_with(base, ".tab")) return '\t';
  if (first_line.find('\t') != std::string::npos) return '\t';
  if (first_line.find(',') != std::string::npos) return ',';
  return '\t';
}

std::vector<std::string> split_fields(std::string_view line, char delim) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && (field.empty() && !was_quoted)) {
      quoted = was_quoted = true;
    } else if (c == delim) {
      fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else {
      field += c;
    }
  }
  fields.push_back(std::move(field));
  return fields;
}

bool parse_double(std::string_view text, double& value) {
  while (!text.empty() && (text.front() == ' ')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ')) text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool is_missing_label(std::string_view label) {
  std::string l = to_lower(label);
  return l.empty() || l == "na" || l == "nan" || l == "none" || l == "null" || l == "<na>";
}

DelimitedTable read_delimited(const std::string& path, const std::string& what) {
  require_readable_file(path, what);
  LineReader reader(path);
  DelimitedTable table;
  std::string line;
  char delim = 0;
  auto trim = [](std::string& f) {
    const auto b = f.find_first_not_of(" \t\r");
    f = b == std::string::npos ? "" : f.substr(b, f.find_last_not_of(" \t\r") - b + 1);
  };
  while (reader.next(line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos || line[0] == '#') continue;
    if (delim == 0) delim = detect_delimiter(path, line);
    std::vector<std::string> fields = split_fields(line, delim);
    for (auto& f : fields) trim(f);
    if (table.header_line == 0) {
      table.header = std::move(fields);
      table.header_line = static_cast<int>(reader.line_number());
    } else {
      table.rows.push_back({std::move(fields), static_cast<int>(reader.line_number())});
    }
  }
  return table;
}

}  // namespace blue

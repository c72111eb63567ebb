#include "io/tenx_reader.h"

#include <fmt/format.h>

#include <charconv>
#include <filesystem>
#include <limits>
#include <unordered_map>

#include "io/csr.h"
#include "io/text_reader.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {
namespace fs = std::filesystem;
namespace {

// The first existing file among `names` (each tried as is and with .gz) inside `dir`.
std::string find_beside(const fs::path& dir, const std::vector<std::string>& names, const std::string& role) {
  for (const auto& n : names)
    for (const char* ext : {"", ".gz"}) {
      fs::path p = dir / (n + ext);
      if (fs::is_regular_file(p)) return p.string();
    }
  throw InputError(
      fmt::format("{}: no {} file found (looked for {}[.gz]); 10x input needs matrix.mtx, "
                  "genes.tsv or features.tsv, and barcodes.tsv in one directory",
                  dir.string(), role, log::preview(names)));
}

std::vector<std::string> read_column(const std::string& path, std::size_t preferred_column) {
  LineReader reader(path);
  std::vector<std::string> out;
  std::string line;
  while (reader.next(line)) {
    if (line.empty()) continue;
    std::vector<std::string> fields = split_fields(line, '\t');
    out.push_back(fields.size() > preferred_column ? fields[preferred_column] : fields[0]);
  }
  return out;
}

template <typename T>
bool parse_int(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Splits on runs of spaces/tabs into at most `max` views.
std::size_t tokenize(std::string_view line, std::string_view* out, std::size_t max) {
  std::size_t n = 0, i = 0;
  while (i < line.size() && n < max + 1) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (n < max) out[n] = line.substr(start, i - start);
    ++n;
  }
  return n;
}

struct MtxHeader {
  bool pattern = false;
  std::int64_t genes = 0, cells = 0, nnz = 0;
};

MtxHeader read_mtx_header(LineReader& reader) {
  const std::string& path = reader.path();
  std::string line;
  if (!reader.next(line) || to_lower(line).rfind("%%matrixmarket", 0) != 0)
    throw InputError(path + ": line 1: expected a Matrix Market header '%%MatrixMarket matrix coordinate ...'");
  std::string h = to_lower(line);
  MtxHeader header;
  if (h.find("coordinate") == std::string::npos)
    throw InputError(path + ": line 1: only the sparse 'coordinate' Matrix Market format is supported, got: " + line);
  if (h.find("complex") != std::string::npos || h.find("symmetric") != std::string::npos ||
      h.find("hermitian") != std::string::npos)
    throw InputError(path + ": line 1: expected a general integer/real matrix, got: " + line);
  header.pattern = h.find("pattern") != std::string::npos;
  while (reader.next(line) && (line.empty() || line[0] == '%')) {
  }
  std::string_view f[3];
  if (tokenize(line, f, 3) != 3 || !parse_int(f[0], header.genes) || !parse_int(f[1], header.cells) ||
      !parse_int(f[2], header.nnz) || header.genes < 0 || header.cells < 0 || header.nnz < 0)
    throw InputError(fmt::format("{}: line {}: expected the size line 'genes cells entries', got '{}'", path,
                                 reader.line_number(), line));
  if (header.genes > std::numeric_limits<std::int32_t>::max() ||
      header.cells > std::numeric_limits<std::int32_t>::max())
    throw InputError(path + ": matrix dimensions exceed what blue supports (2^31 genes or cells)");
  return header;
}

}  // namespace

CsrMatrix read_matrix_market(const std::string& path) {
  LineReader reader(path);
  MtxHeader h = read_mtx_header(reader);
  std::vector<std::int32_t> cell_of, gene_of;
  std::vector<float> values;
  cell_of.reserve(h.nnz);
  gene_of.reserve(h.nnz);
  values.reserve(h.nnz);
  std::string line;
  std::string_view f[3];
  std::size_t want = h.pattern ? 2 : 3;
  while (reader.next(line)) {
    if (line.empty() || line[0] == '%') continue;
    std::int64_t gene = 0, cell = 0;
    double v = 1.0;
    std::size_t n = tokenize(line, f, 3);
    if (n != want || !parse_int(f[0], gene) || !parse_int(f[1], cell) || (!h.pattern && !parse_double(f[2], v)))
      throw InputError(fmt::format("{}: line {}: expected '{}' (1-based integers{}), got '{}'", path,
                                   reader.line_number(), h.pattern ? "gene cell" : "gene cell value",
                                   h.pattern ? "" : " and a number", line));
    if (gene < 1 || gene > h.genes || cell < 1 || cell > h.cells)
      throw InputError(fmt::format("{}: line {}: entry ({}, {}) is outside the declared {} genes x {} cells", path,
                                   reader.line_number(), gene, cell, h.genes, h.cells));
    if (static_cast<std::int64_t>(values.size()) == h.nnz)
      throw InputError(fmt::format("{}: line {}: more entries than the {} declared on the size line", path,
                                   reader.line_number(), h.nnz));
    cell_of.push_back(static_cast<std::int32_t>(cell - 1));
    gene_of.push_back(static_cast<std::int32_t>(gene - 1));
    values.push_back(static_cast<float>(v));
  }
  if (static_cast<std::int64_t>(values.size()) != h.nnz)
    throw InputError(fmt::format("{}: {} entries found but the size line declares {} (truncated file?)", path,
                                 values.size(), h.nnz));
  return csr_from_coordinates(h.cells, h.genes, cell_of, gene_of, values);
}

TenxFiles locate_10x(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw InputError(path +
                     ": reference not found (expected an .h5ad file, a 10x directory "
                     "or a matrix.mtx[.gz] file)");
  bool is_dir = fs::is_directory(path, ec);
  fs::path dir = is_dir ? fs::path(path) : fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  TenxFiles files;
  files.matrix = is_dir ? find_beside(dir, {"matrix.mtx"}, "matrix") : path;
  files.genes = find_beside(dir, {"features.tsv", "genes.tsv"}, "genes/features");
  files.barcodes = find_beside(dir, {"barcodes.tsv"}, "barcodes");
  return files;
}

std::vector<std::string> read_barcodes(const TenxFiles& files) { return read_column(files.barcodes, 0); }

TenxMatrix read_10x(const TenxFiles& files) {
  TenxMatrix out;
  out.matrix_path = files.matrix;
  out.counts = read_matrix_market(files.matrix);
  out.genes = read_column(files.genes, 1);
  out.barcodes = read_barcodes(files);
  if (static_cast<std::int64_t>(out.genes.size()) != out.counts.cols)
    throw InputError(fmt::format("{}: {} genes listed but {} declares {} rows (genes)", files.genes, out.genes.size(),
                                 files.matrix, out.counts.cols));
  if (static_cast<std::int64_t>(out.barcodes.size()) != out.counts.rows)
    throw InputError(fmt::format("{}: {} barcodes listed but {} declares {} columns (cells)", files.barcodes,
                                 out.barcodes.size(), files.matrix, out.counts.rows));
  return out;
}

std::vector<std::string> read_label_table(const std::string& path, const std::string& barcode_column,
                                          const std::string& label_key, const std::vector<std::string>& barcodes) {
  require_readable_file(path, "labels");
  LineReader reader(path);
  std::string line;
  if (!reader.next(line)) throw InputError(path + ": labels file is empty (expected a header line)");
  char delim = detect_delimiter(path, line);
  std::vector<std::string> header = split_fields(line, delim);
  auto find = [&](const std::string& name, const char* option) -> std::size_t {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    throw InputError(fmt::format("{}: line 1: no column '{}' (given by {}); columns: {}", path, name, option,
                                 log::preview(header, 30)));
  };
  std::size_t bcol = barcode_column.empty() ? 0 : find(barcode_column, "--barcode-column");
  std::size_t lcol = find(label_key, "--label-key");
  std::unordered_map<std::string, std::size_t> cell_index;
  for (std::size_t i = 0; i < barcodes.size(); ++i) cell_index.emplace(barcodes[i], i);
  std::vector<std::string> labels(barcodes.size());
  std::vector<char> seen(barcodes.size(), 0);
  std::size_t unknown = 0;
  while (reader.next(line)) {
    if (line.empty()) continue;
    std::vector<std::string> fields = split_fields(line, delim);
    if (fields.size() == header.size() + 1) fields.erase(fields.begin());  // R row names without a header cell
    if (fields.size() <= std::max(bcol, lcol))
      throw InputError(fmt::format("{}: line {} has {} fields, expected {} like the header", path, reader.line_number(),
                                   fields.size(), header.size()));
    auto it = cell_index.find(fields[bcol]);
    if (it == cell_index.end()) {
      ++unknown;
      continue;
    }
    if (seen[it->second] && labels[it->second] != fields[lcol]) {
      throw InputError(fmt::format("{}: line {}: barcode '{}' appears again with a different label ('{}' vs '{}')",
                                   path, reader.line_number(), fields[bcol], labels[it->second], fields[lcol]));
    }
    seen[it->second] = 1;
    labels[it->second] = fields[lcol];
  }
  std::vector<std::string> unlabelled;
  for (std::size_t i = 0; i < barcodes.size(); ++i)
    if (!seen[i]) unlabelled.push_back(barcodes[i]);
  if (!unlabelled.empty())
    log::warn("io", "{}: {} of {} barcodes of the matrix have no row in the labels file and are dropped: {}", path,
              unlabelled.size(), barcodes.size(), log::preview(unlabelled, 5));
  if (unknown > 0)
    log::warn("io", "{}: {} label rows name barcodes that are not in the matrix (ignored)", path, unknown);
  if (unlabelled.size() == barcodes.size())
    throw InputError(
        fmt::format("{}: none of the {} matrix barcodes (e.g. {}) appear in column '{}' of the labels "
                    "file; check --barcode-column",
                    path, barcodes.size(), log::preview(barcodes, 3), header[bcol]));
  return labels;
}

}  // namespace blue

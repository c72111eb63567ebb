// Delimited text tables: expression matrices (genes x samples), sample tables, gene lists, and writers.
#include "io/tables.h"

#include <fmt/format.h>

#include <cmath>
#include <unordered_map>

#include "io/csr.h"
#include "io/h5ad_reader.h"
#include "io/text_reader.h"
#include "util/error.h"
#include "util/log.h"
#include "util/output.h"

namespace blue {
namespace {

// A numeric table as read from text: named rows, named columns, values row-major.
struct TextTable {
  std::vector<std::string> rows;
  std::vector<std::string> columns;
  std::vector<double> values;
};

std::string quote(const std::string& s) { return "'" + s + "'"; }

void check_unique_columns(const std::string& path, const std::vector<std::string>& columns) {
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    auto [it, fresh] = seen.emplace(columns[c], c);
    if (!fresh) {
      throw InputError(fmt::format("{}: line 1: column name {} appears twice (columns {} and {}); column names "
                                   "must be unique", path, quote(columns[c]), it->second + 2, c + 2));
    }
  }
}

// Parses one data line into `table`. `expected` = number of fields per line.
void parse_row(const LineReader& reader, const std::vector<std::string>& fields, std::size_t expected,
               const char* row_kind, TextTable& table) {
  const std::string& path = reader.path();
  std::size_t line = reader.line_number();
  if (fields.size() != expected) {
    throw InputError(fmt::format("{}: line {} has {} fields, expected {} like the header (ragged rows; check "
                                 "the delimiter and for missing cells)", path, line, fields.size(), expected));
  }
  if (fields[0].empty()) throw InputError(fmt::format("{}: line {}, column 1: empty {} name", path, line, row_kind));
  table.rows.push_back(fields[0]);
  for (std::size_t c = 1; c < fields.size(); ++c) {
    double v = 0;
    if (!parse_double(fields[c], v)) {
      throw InputError(fmt::format("{}: line {}, column {} ({}): {} is not a number (expected a numeric value; "
                                   "missing values such as NA are not allowed)",
                                   path, line, c + 1, quote(table.columns[c - 1]), quote(fields[c])));
    }
    if (!std::isfinite(v)) {
      throw InputError(fmt::format("{}: line {}, column {} ({}): {} is not a finite number (NaN/Inf are not "
                                   "allowed)", path, line, c + 1, quote(table.columns[c - 1]), quote(fields[c])));
    }
    table.values.push_back(v);
  }
}

bool next_content_line(LineReader& reader, std::string& line) {
  while (reader.next(line)) {
    if (line.find_first_not_of(" \t") != std::string::npos) return true;
  }
  return false;
}

// Header = first non-blank line; its first field is the corner (a header one field short, as R writes
// tables with row names, is accepted).
TextTable read_text_table(const std::string& path, const std::string& what, const char* row_kind) {
  require_readable_file(path, what);
  LineReader reader(path);
  std::string line;
  if (!next_content_line(reader, line)) throw InputError(path + ": empty " + what + " table (no header line)");
  char delim = detect_delimiter(path, line);
  std::vector<std::string> header = split_fields(line, delim);
  TextTable table;
  std::vector<std::string> fields;
  bool first = true;
  while (next_content_line(reader, line)) {
    fields = split_fields(line, delim);
    if (first) {
      if (fields.size() == header.size() + 1) header.insert(header.begin(), "");
      table.columns.assign(header.begin() + 1, header.end());
      check_unique_columns(path, table.columns);
      first = false;
    }
    parse_row(reader, fields, header.size(), row_kind, table);
  }
  if (table.rows.empty()) throw InputError(path + ": empty " + what + " table: a header but no data rows");
  if (table.columns.empty()) {
    throw InputError(path + ": " + what + " table has no value columns (expected the " + row_kind +
                     " in column 1, then one numeric column per sample; is the delimiter tab or comma?)");
  }
  return table;
}

// Sums rows that share a gene name (warning once), keeping the first occurrence's position.
ExpressionTable merge_gene_rows(const std::string& path, const std::string& what, TextTable&& table) {
  std::vector<std::int32_t> target;
  std::vector<std::string> duplicated;
  ExpressionTable out;
  out.source = path;
  out.genes = unique_names(table.rows, target, duplicated);
  std::size_t n_cols = table.columns.size();
  out.columns = std::move(table.columns);
  out.values = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(out.genes.size()), static_cast<Eigen::Index>(n_cols));
  for (std::size_t r = 0; r < target.size(); ++r)
    for (std::size_t c = 0; c < n_cols; ++c) out.values(target[r], c) += table.values[r * n_cols + c];
  if (!duplicated.empty()) {
    log::warn("io", "{} ({}): {} rows repeat a gene name and were summed into its first row: {}", path, what,
              duplicated.size(), log::preview(duplicated));
  }
  return out;
}

ExpressionTable expression_from_h5ad(const std::string& path, const std::string& what) {
  H5adFile file(path);
  H5adMatrix m = file.matrix("", "");
  log::info("io", "{} ({}): {} samples x {} genes from .h5ad (obs = samples, var = genes)", path, what,
            m.counts.rows, m.counts.cols);
  TextTable table;
  table.rows = std::move(m.var_names);
  table.columns = std::move(m.obs_names);
  check_unique_columns(path + " (obs names)", table.columns);
  std::size_t n_cols = table.columns.size();
  table.values.assign(table.rows.size() * n_cols, 0.0);
  const CsrMatrix& x = m.counts;
  for (std::int64_t s = 0; s < x.rows; ++s)
    for (std::int64_t k = x.indptr[s]; k < x.indptr[s + 1]; ++k)
      table.values[static_cast<std::size_t>(x.indices[k]) * n_cols + s] = x.data[k];
  return merge_gene_rows(path, what, std::move(table));
}

template <typename Row>
std::string format_table(const std::string& corner, const std::vector<std::string>& columns,
                         std::size_t n_rows, Row&& row) {
  fmt::memory_buffer buf;
  fmt::format_to(std::back_inserter(buf), "{}", corner);
  for (const auto& c : columns) fmt::format_to(std::back_inserter(buf), "\t{}", c);
  buf.push_back('\n');
  for (std::size_t r = 0; r < n_rows; ++r) {
    row(r, buf);
    buf.push_back('\n');
  }
  return fmt::to_string(buf);
}

}  // namespace

ExpressionTable read_expression_table(const std::string& path, const std::string& what) {
  if (ends_with(to_lower(path), ".h5ad")) return expression_from_h5ad(path, what);
  ExpressionTable out = merge_gene_rows(path, what, read_text_table(path, what, "gene"));
  log::info("io", "{} ({}): {} genes x {} samples", path, what, out.genes.size(), out.columns.size());
  return out;
}

SampleTable read_sample_table(const std::string& path, const std::string& what) {
  TextTable table = read_text_table(path, what, "sample");
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    if (!seen.emplace(table.rows[r], r).second) {
      throw InputError(fmt::format("{}: sample {} appears in more than one row; sample names must be unique",
                                   path, quote(table.rows[r])));
    }
  }
  SampleTable out;
  out.source = path;
  out.samples = std::move(table.rows);
  out.columns = std::move(table.columns);
  out.values.resize(static_cast<Eigen::Index>(out.samples.size()), static_cast<Eigen::Index>(out.columns.size()));
  for (std::size_t r = 0; r < out.samples.size(); ++r)
    for (std::size_t c = 0; c < out.columns.size(); ++c) out.values(r, c) = table.values[r * out.columns.size() + c];
  return out;
}

std::vector<std::string> read_gene_list(const std::string& path) {
  require_readable_file(path, "gene list");
  LineReader reader(path);
  std::vector<std::string> genes;
  std::unordered_map<std::string, std::size_t> seen;
  std::vector<std::string> repeated;
  std::string line;
  while (reader.next(line)) {
    std::string gene = split_fields(line, '\t').front();
    gene.erase(0, gene.find_first_not_of(' '));
    gene.erase(gene.find_last_not_of(' ') + 1);
    if (gene.empty() || gene[0] == '#') continue;
    if (seen.emplace(gene, genes.size()).second) genes.push_back(gene);
    else repeated.push_back(gene);
  }
  if (genes.empty()) throw InputError(path + ": gene list is empty (expected one gene name per line)");
  if (!repeated.empty()) log::warn("io", "{}: {} repeated genes ignored: {}", path, repeated.size(), log::preview(repeated));
  return genes;
}

void write_sample_table(StagedOutputs& out, const std::string& path, const SampleTable& table,
                        const std::string& corner) {
  out.write_text(path, format_table(corner, table.columns, table.samples.size(), [&](std::size_t r, auto& buf) {
    fmt::format_to(std::back_inserter(buf), "{}", table.samples[r]);
    for (Eigen::Index c = 0; c < table.values.cols(); ++c) fmt::format_to(std::back_inserter(buf), "\t{}", table.values(r, c));
  }));
}

void write_expression_table(StagedOutputs& out, const std::string& path, const ExpressionTable& table,
                            const std::string& corner) {
  out.write_text(path, format_table(corner, table.columns, table.genes.size(), [&](std::size_t r, auto& buf) {
    fmt::format_to(std::back_inserter(buf), "{}", table.genes[r]);
    for (Eigen::Index c = 0; c < table.values.cols(); ++c) fmt::format_to(std::back_inserter(buf), "\t{}", table.values(r, c));
  }));
}

}  // namespace blue

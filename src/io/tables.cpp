// Delimited text tables: expression matrices (genes x samples), sample tables, gene lists, and writers.
#include "io/tables.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "io/csr.h"
#include "io/detail/text_table.h"
#include "io/h5ad_reader.h"
#include "io/text_reader.h"
#include "util/error.h"
#include "util/log.h"
#include "util/output.h"

namespace blue {
using detail::check_unique_columns;
using detail::TextTable;
namespace {

std::string quote(const std::string& s) { return "'" + s + "'"; }

std::string trim_spaces(const std::string& s) {
  const auto b = s.find_first_not_of(" \r");
  return b == std::string::npos ? "" : s.substr(b, s.find_last_not_of(" \r") - b + 1);
}

// Column names that make the first line of a gene list a header ("Gene Symbol" and "gene.symbol" count as
// gene_symbol).
bool is_gene_column_name(std::string name) {
  static const std::unordered_set<std::string> kNames = {"gene",        "genes",        "symbol",     "symbols",
                                                         "gene_symbol", "gene_symbols", "gene_id",    "gene_ids",
                                                         "gene_name",   "gene_names",   "genename",   "genesymbol",
                                                         "feature",     "features",     "feature_id", "ensembl",
                                                         "ensembl_id",  "hgnc_symbol",  "id"};
  name = to_lower(trim_spaces(name));
  std::replace_if(
      name.begin(), name.end(), [](char c) { return c == ' ' || c == '.' || c == '-'; }, '_');
  return kNames.count(name) > 0;
}

// How to read a gene list, from its first non-comment line: the delimiter, whether that line is a header
// (a field named like a gene column), the gene column (the one so named, else the first) and the
// `selected` column of a `blue markers --stats` table.
struct GeneListLayout {
  char delimiter = '\t';
  bool header = false;
  std::size_t gene_column = 0;
  std::optional<std::size_t> selected_column;
};

GeneListLayout gene_list_layout(const std::string& path, const std::string& first_line, std::size_t line_number) {
  GeneListLayout layout;
  layout.delimiter = detect_delimiter(path, first_line);
  const auto fields = split_fields(first_line, layout.delimiter);
  for (std::size_t c = 0; c < fields.size() && !layout.header; ++c) {
    if (!is_gene_column_name(fields[c])) continue;
    layout.header = true;
    layout.gene_column = c;
  }
  if (!layout.header) return layout;
  for (std::size_t c = 0; c < fields.size(); ++c)
    if (to_lower(trim_spaces(fields[c])) == "selected") layout.selected_column = c;
  log::info("io", "{}: line {} is a header; genes from its column '{}'{}", path, line_number,
            fields[layout.gene_column], layout.selected_column ? ", rows with selected = 1 only" : "");
  return layout;
}

// Whether a data row of a gene list is kept (its `selected` cell, when there is that column, is 1, true or
// yes). A row without the gene or selected column, or another selected value, is an InputError.
bool gene_row_selected(const LineReader& reader, const std::vector<std::string>& fields, const GeneListLayout& layout) {
  const std::size_t needed = std::max(layout.gene_column, layout.selected_column.value_or(0)) + 1;
  if (fields.size() < needed)
    throw InputError(fmt::format("{}: line {} has {} field(s); the header names {} columns (gene column {}){}",
                                 reader.path(), reader.line_number(), fields.size(), needed, layout.gene_column + 1,
                                 layout.selected_column
                                     ? fmt::format(", selected column {}", *layout.selected_column + 1)
                                     : ""));
  if (!layout.selected_column) return true;
  const std::string v = to_lower(trim_spaces(fields[*layout.selected_column]));
  if (v == "1" || v == "true" || v == "yes") return true;
  if (v == "0" || v == "false" || v == "no") return false;
  throw InputError(fmt::format("{}: line {}: selected = '{}'; expected 1 or 0 (true/false, yes/no)", reader.path(),
                               reader.line_number(), fields[*layout.selected_column]));
}

// Parses one data line: its row name and values (`columns` names the value columns in messages).
// `expected` = number of fields per line.
void parse_row(const LineReader& reader, const std::vector<std::string>& fields, std::size_t expected,
               const char* row_kind, const std::vector<std::string>& columns, std::vector<double>& values) {
  const std::string& path = reader.path();
  std::size_t line = reader.line_number();
  if (fields.size() != expected) {
    throw InputError(
        fmt::format("{}: line {} has {} fields, expected {} like the header (ragged rows; check "
                    "the delimiter and for missing cells)",
                    path, line, fields.size(), expected));
  }
  if (fields[0].empty()) throw InputError(fmt::format("{}: line {}, column 1: empty {} name", path, line, row_kind));
  values.clear();
  for (std::size_t c = 1; c < fields.size(); ++c) {
    double v = 0;
    if (!parse_double(fields[c], v)) {
      throw InputError(
          fmt::format("{}: line {}, column {} ({}): {} is not a number (expected a numeric value; "
                      "missing values such as NA are not allowed)",
                      path, line, c + 1, quote(columns[c - 1]), quote(fields[c])));
    }
    if (!std::isfinite(v)) {
      throw InputError(
          fmt::format("{}: line {}, column {} ({}): {} is not a finite number (NaN/Inf are not "
                      "allowed)",
                      path, line, c + 1, quote(columns[c - 1]), quote(fields[c])));
    }
    values.push_back(v);
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
  TextTable table;
  detail::scan_text_table(path, what, row_kind, table.columns,
                          [&](const std::string& name, const std::vector<double>& v) {
                            table.rows.push_back(name);
                            table.values.insert(table.values.end(), v.begin(), v.end());
                          });
  return table;
}

// Sums rows that share a gene name (warning once), keeping the first occurrence's position.
void sum_repeated_genes(ExpressionTable& t, const std::string& what) {
  std::vector<std::int32_t> target;
  std::vector<std::string> duplicated;
  std::vector<std::string> genes = unique_names(t.genes, target, duplicated);
  if (duplicated.empty()) return;
  Eigen::MatrixXd values = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(genes.size()), t.values.cols());
  for (std::size_t r = 0; r < target.size(); ++r) values.row(target[r]) += t.values.row(static_cast<Eigen::Index>(r));
  t.genes = std::move(genes);
  t.values = std::move(values);
  log::warn("io", "{} ({}): {} rows repeat a gene name and were summed into its first row: {}", t.source, what,
            duplicated.size(), log::preview(duplicated));
}

}  // namespace

void detail::check_unique_columns(const std::string& where, const std::vector<std::string>& columns,
                                  std::size_t first) {
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    auto [it, fresh] = seen.emplace(columns[c], c);
    if (!fresh) {
      throw InputError(
          fmt::format("{}: column name {} appears twice (columns {} and {}); column names "
                      "must be unique",
                      where, quote(columns[c]), it->second + first, c + first));
    }
  }
}

void detail::scan_text_table(const std::string& path, const std::string& what, const char* row_kind,
                             std::vector<std::string>& columns, const RowCallback& on_row) {
  require_readable_file(path, what);
  LineReader reader(path);
  std::string line;
  if (!next_content_line(reader, line)) throw InputError(path + ": empty " + what + " table (no header line)");
  char delim = detect_delimiter(path, line);
  std::vector<std::string> header = split_fields(line, delim);
  std::vector<std::string> fields;
  std::vector<double> values;
  bool first = true;
  std::size_t rows = 0;
  while (next_content_line(reader, line)) {
    fields = split_fields(line, delim);
    if (first) {
      if (fields.size() == header.size() + 1) header.insert(header.begin(), "");
      columns.assign(header.begin() + 1, header.end());
      check_unique_columns(path + ": line 1", columns);
      first = false;
    }
    parse_row(reader, fields, header.size(), row_kind, columns, values);
    on_row(fields[0], values);
    ++rows;
  }
  if (rows == 0) throw InputError(path + ": empty " + what + " table: a header but no data rows");
  if (columns.empty()) {
    throw InputError(path + ": " + what + " table has no value columns (expected the " + row_kind +
                     " in column 1, then one numeric column per sample; is the delimiter tab or comma?)");
  }
}

ExpressionTable detail::merge_gene_rows(const std::string& path, const std::string& what, TextTable&& table) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  ExpressionTable out;
  out.source = path;
  out.values = Eigen::Map<const RowMajor>(table.values.data(), static_cast<Eigen::Index>(table.rows.size()),
                                          static_cast<Eigen::Index>(table.columns.size()));
  out.genes = std::move(table.rows);
  out.columns = std::move(table.columns);
  sum_repeated_genes(out, what);
  return out;
}

ExpressionTable detail::expression_from_csr(const std::string& path, const std::string& what,
                                            std::vector<std::string> genes, std::vector<std::string> samples,
                                            const CsrMatrix& x) {
  TextTable table;
  table.rows = std::move(genes);
  table.columns = std::move(samples);
  check_unique_columns(path + " (obs names): line 1", table.columns);
  std::size_t n_cols = table.columns.size();
  table.values.assign(table.rows.size() * n_cols, 0.0);
  for (std::int64_t s = 0; s < x.rows; ++s)
    for (std::int64_t k = x.indptr[s]; k < x.indptr[s + 1]; ++k)
      table.values[static_cast<std::size_t>(x.indices[k]) * n_cols + s] = x.data[k];
  return merge_gene_rows(path, what, std::move(table));
}

namespace {

ExpressionTable expression_from_h5ad(const std::string& path, const std::string& what) {
  H5adFile file(path);
  H5adMatrix m = file.matrix("", "");
  log::info("io", "{} ({}): {} samples x {} genes from .h5ad (obs = samples, var = genes)", path, what, m.counts.rows,
            m.counts.cols);
  return detail::expression_from_csr(path, what, std::move(m.var_names), std::move(m.obs_names), m.counts);
}

template <typename Row>
std::string format_table(const std::string& corner, const std::vector<std::string>& columns, std::size_t n_rows,
                         Row&& row) {
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

ExpressionTable checked_expression_table(ExpressionTable t, const std::string& what) {
  if (t.values.rows() != static_cast<Eigen::Index>(t.genes.size()) ||
      t.values.cols() != static_cast<Eigen::Index>(t.columns.size()))
    throw InputError(fmt::format("{} ({}): {} gene names and {} column names for {} x {} values", t.source, what,
                                 t.genes.size(), t.columns.size(), t.values.rows(), t.values.cols()));
  if (t.values.size() == 0)
    throw InputError(fmt::format("{} ({}): empty table ({} genes x {} columns)", t.source, what, t.genes.size(),
                                 t.columns.size()));
  check_unique_columns(t.source + " (" + what + ")", t.columns, 1);
  for (std::size_t g = 0; g < t.genes.size(); ++g) {
    if (t.genes[g].empty()) throw InputError(fmt::format("{} ({}): gene {} has an empty name", t.source, what, g + 1));
    for (Eigen::Index c = 0; c < t.values.cols(); ++c) {
      if (!std::isfinite(t.values(static_cast<Eigen::Index>(g), c)))
        throw InputError(
            fmt::format("{} ({}): gene {}, column {}: {} is not a finite number (NaN/Inf are not "
                        "allowed)",
                        t.source, what, quote(t.genes[g]), quote(t.columns[static_cast<std::size_t>(c)]),
                        t.values(static_cast<Eigen::Index>(g), c)));
    }
  }
  sum_repeated_genes(t, what);
  return t;
}

SampleTable checked_sample_table(SampleTable t, const std::string& what) {
  if (t.values.rows() != static_cast<Eigen::Index>(t.samples.size()) ||
      t.values.cols() != static_cast<Eigen::Index>(t.columns.size()))
    throw InputError(fmt::format("{} ({}): {} sample names and {} column names for {} x {} values", t.source, what,
                                 t.samples.size(), t.columns.size(), t.values.rows(), t.values.cols()));
  check_unique_columns(t.source + " (" + what + ")", t.columns, 1);
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t r = 0; r < t.samples.size(); ++r) {
    if (!seen.emplace(t.samples[r], r).second)
      throw InputError(fmt::format("{} ({}): sample {} appears in more than one row; sample names must be unique",
                                   t.source, what, quote(t.samples[r])));
    for (Eigen::Index c = 0; c < t.values.cols(); ++c) {
      if (!std::isfinite(t.values(static_cast<Eigen::Index>(r), c)))
        throw InputError(fmt::format("{} ({}): sample {}, column {}: not a finite number (NaN/Inf are not allowed)",
                                     t.source, what, quote(t.samples[r]),
                                     quote(t.columns[static_cast<std::size_t>(c)])));
    }
  }
  return t;
}

SampleTable read_sample_table(const std::string& path, const std::string& what) {
  TextTable table = read_text_table(path, what, "sample");
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    if (!seen.emplace(table.rows[r], r).second) {
      throw InputError(fmt::format("{}: sample {} appears in more than one row; sample names must be unique", path,
                                   quote(table.rows[r])));
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
  std::vector<std::string> genes, repeated;
  std::unordered_map<std::string, std::size_t> seen;
  std::optional<GeneListLayout> layout;
  std::size_t unselected = 0;
  std::string line;
  while (reader.next(line)) {
    if (trim_spaces(line).empty() || trim_spaces(line)[0] == '#') continue;
    if (!layout) {
      layout = gene_list_layout(path, line, reader.line_number());
      if (layout->header) continue;
    }
    const auto fields = split_fields(line, layout->delimiter);
    if (!gene_row_selected(reader, fields, *layout)) {
      ++unselected;
      continue;
    }
    std::string gene = trim_spaces(fields[layout->gene_column]);
    if (gene.empty()) continue;
    if (seen.emplace(gene, genes.size()).second)
      genes.push_back(gene);
    else
      repeated.push_back(gene);
  }
  if (genes.empty())
    throw InputError(path + ": gene list is empty (expected one gene name per line, or a table with a 'gene' column)");
  if (unselected > 0)
    log::info("io",
              "{}: {} rows with selected = 0 left out (a `blue markers --stats` table: its selected genes form "
              "the panel)",
              path, unselected);
  if (!repeated.empty())
    log::warn("io", "{}: {} repeated genes ignored: {}", path, repeated.size(), log::preview(repeated));
  return genes;
}

std::string format_sample_table(const SampleTable& table, bool header, const std::string& corner) {
  std::string text = format_table(corner, table.columns, table.samples.size(), [&](std::size_t r, auto& buf) {
    fmt::format_to(std::back_inserter(buf), "{}", table.samples[r]);
    for (Eigen::Index c = 0; c < table.values.cols(); ++c)
      fmt::format_to(std::back_inserter(buf), "\t{}", table.values(r, c));
  });
  return header ? text : text.substr(text.find('\n') + 1);
}

void write_sample_table(StagedOutputs& out, const std::string& path, const SampleTable& table,
                        const std::string& corner) {
  out.write_text(path, format_sample_table(table, true, corner));
}

std::string format_expression_table(const ExpressionTable& table, bool single_precision, const std::string& corner) {
  return format_table(corner, table.columns, table.genes.size(), [&](std::size_t r, auto& buf) {
    fmt::format_to(std::back_inserter(buf), "{}", table.genes[r]);
    for (Eigen::Index c = 0; c < table.values.cols(); ++c) {
      const double v = table.values(static_cast<Eigen::Index>(r), c);
      if (single_precision) {
        fmt::format_to(std::back_inserter(buf), "\t{}", static_cast<float>(v));
      } else {
        fmt::format_to(std::back_inserter(buf), "\t{}", v);
      }
    }
  });
}

void write_expression_table(StagedOutputs& out, const std::string& path, const ExpressionTable& table,
                            const std::string& corner) {
  out.write_text(path, format_expression_table(table, false, corner));
}

}  // namespace blue

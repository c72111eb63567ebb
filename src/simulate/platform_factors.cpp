#include "simulate/platform_factors.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "io/text_reader.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {
namespace {

constexpr std::size_t kMinGenes = 100;
constexpr double kMaxAbsLog2 = 4.0;

double median(std::vector<double> v) {
  const std::size_t n = v.size();
  std::sort(v.begin(), v.end());
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Reference type -> sorted-profile columns.
std::vector<std::vector<std::size_t>> read_map(const std::string& path, const std::vector<std::string>& types,
                                               const ExpressionTable& sorted) {
  std::vector<std::vector<std::size_t>> columns(types.size());
  auto column_of = [&](const std::string& name) -> std::ptrdiff_t {
    const auto it = std::find(sorted.columns.begin(), sorted.columns.end(), name);
    return it == sorted.columns.end() ? -1 : it - sorted.columns.begin();
  };
  if (path.empty()) {
    for (std::size_t k = 0; k < types.size(); ++k)
      if (const auto c = column_of(types[k]); c >= 0) columns[k].push_back(static_cast<std::size_t>(c));
    return columns;
  }
  const DelimitedTable t = read_delimited(path, "sorted-profile map");
  if (t.header.size() < 2 || to_lower(t.header[0]) != "cell_type" || to_lower(t.header[1]) != "profile") {
    throw InputError(
        fmt::format("{}: line {}: expected the header 'cell_type<TAB>profile' (a reference cell type "
                    "and a column of the sorted profiles; several rows per type are averaged)",
                    path, t.header_line));
  }
  for (const auto& row : t.rows) {
    if (row.fields.size() < 2) throw InputError(fmt::format("{}: line {}: expected 2 fields", path, row.line));
    const auto k = std::find(types.begin(), types.end(), row.fields[0]);
    if (k == types.end()) {
      throw InputError(fmt::format("{}: line {}: '{}' is not a cell type of the reference; its types are: {}", path,
                                   row.line, row.fields[0], log::preview(types, 40)));
    }
    const auto c = column_of(row.fields[1]);
    if (c < 0) {
      throw InputError(fmt::format("{}: line {}: '{}' is not a column of {}; its columns are: {}", path, row.line,
                                   row.fields[1], sorted.source, log::preview(sorted.columns, 40)));
    }
    columns[static_cast<std::size_t>(k - types.begin())].push_back(static_cast<std::size_t>(c));
  }
  return columns;
}

}  // namespace

PlatformFactors platform_factors(const TypeProfiles& reference, const std::vector<std::string>& panel_genes,
                                 const ExpressionTable& sorted, const std::string& map_path) {
  const std::vector<std::string>& types = reference.cell_types;
  const auto columns = read_map(map_path, types, sorted);
  PlatformFactors out;
  out.factor.assign(panel_genes.size(), 1.0);
  std::vector<std::size_t> mapped;
  for (std::size_t k = 0; k < types.size(); ++k) {
    (columns[k].empty() ? out.unmapped : out.mapped_types).push_back(types[k]);
    if (!columns[k].empty()) mapped.push_back(k);
  }
  if (mapped.empty()) {
    throw InputError(
        fmt::format("{}: none of the reference's cell types ({}) is a column of the sorted profiles "
                    "({}); give --sorted-map",
                    sorted.source, log::preview(types, 20), log::preview(sorted.columns, 20)));
  }
  std::unordered_map<std::string, std::size_t> row_of;
  for (std::size_t g = 0; g < sorted.genes.size(); ++g) row_of.emplace(sorted.genes[g], g);
  std::vector<std::size_t> panel_index, table_row;
  for (std::size_t g = 0; g < panel_genes.size(); ++g) {
    if (auto it = row_of.find(panel_genes[g]); it != row_of.end()) {
      panel_index.push_back(g);
      table_row.push_back(it->second);
    }
  }
  const std::size_t n = panel_index.size();
  if (n < kMinGenes) {
    throw InputError(
        fmt::format("{}: only {} of the {} panel genes are in the sorted profiles (at least {} are "
                    "needed for per-gene factors); check that both use gene symbols",
                    sorted.source, n, panel_genes.size(), kMinGenes));
  }
  // Per mapped type, both profiles over the shared genes, each scaled to sum 1e6.
  const double average = 1e6 / static_cast<double>(n), pseudo = 0.01 * average, expressed = 0.1 * average;
  std::vector<std::vector<double>> bulk(mapped.size(), std::vector<double>(n)), cells = bulk;
  for (std::size_t m = 0; m < mapped.size(); ++m) {
    const std::size_t k = mapped[m];
    double bsum = 0, csum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      double b = 0;
      for (std::size_t c : columns[k])
        b += sorted.values(static_cast<Eigen::Index>(table_row[i]), static_cast<Eigen::Index>(c));
      bulk[m][i] = std::max(0.0, b / static_cast<double>(columns[k].size()));
      cells[m][i] = reference.mean_counts(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(panel_index[i]));
      bsum += bulk[m][i];
      csum += cells[m][i];
    }
    if (!(bsum > 0) || !(csum > 0))
      throw InputError(fmt::format("{}: cell type '{}' has no expression on the shared genes", sorted.source,
                                   types[k]));
    for (std::size_t i = 0; i < n; ++i) {
      bulk[m][i] *= 1e6 / bsum;
      cells[m][i] *= 1e6 / csum;
    }
  }
  std::vector<double> log_factor(n, std::nan("")), estimated;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<double> votes;
    for (std::size_t m = 0; m < mapped.size(); ++m) {
      if (std::max(bulk[m][i], cells[m][i]) >= expressed)
        votes.push_back(std::log2((bulk[m][i] + pseudo) / (cells[m][i] + pseudo)));
    }
    if (votes.empty()) continue;
    log_factor[i] = median(votes);
    estimated.push_back(log_factor[i]);
  }
  if (estimated.empty()) throw InputError(sorted.source + ": no shared gene is expressed in a mapped type");
  const double centre = median(estimated);
  std::vector<double> magnitude;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(log_factor[i])) continue;
    const double l = std::clamp(log_factor[i] - centre, -kMaxAbsLog2, kMaxAbsLog2);
    out.factor[panel_index[i]] = std::exp2(l);
    magnitude.push_back(std::abs(l));
  }
  out.estimated = magnitude.size();
  out.median_abs_log2 = median(magnitude);
  return out;
}

}  // namespace blue

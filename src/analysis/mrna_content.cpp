#include "analysis/mrna_content.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "analysis/keyed_table.h"
#include "io/text_reader.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {
namespace {

std::map<std::string, double> read_contents(const std::string& path) {
  const KeyedTable t = KeyedTable::read(path, "mRNA content");
  const std::size_t col = t.column("mrna_content");
  std::map<std::string, double> out;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    double v = 0;
    if (!parse_double(t.cell(r, col), v) || !std::isfinite(v) || v <= 0) {
      throw InputError(
          fmt::format("{}: line {}: mrna_content '{}' of '{}': expected a positive number (relative "
                      "mRNA per cell)",
                      path, t.line_of(r), t.cell(r, col), t.keys()[r]));
    }
    out[t.keys()[r]] = v;
  }
  return out;
}

}  // namespace

MrnaCalibration mrna_calibration(const std::string& table, const std::string& map,
                                 const std::vector<std::string>& types, const std::vector<double>& library_size) {
  if (library_size.size() != types.size()) throw InternalError("mrna_calibration: one library size per type");
  const std::map<std::string, double> content = read_contents(table);
  MrnaCalibration c;
  c.row.assign(types.size(), "");
  if (map.empty()) {
    for (std::size_t k = 0; k < types.size(); ++k) {
      if (content.count(types[k])) c.row[k] = types[k];
    }
  } else {
    const KeyedTable m = KeyedTable::read(map, "mRNA content map");
    const std::size_t col = m.column("content_type");
    for (std::size_t r = 0; r < m.rows(); ++r) {
      const auto k = std::find(types.begin(), types.end(), m.keys()[r]);
      if (k == types.end()) {
        throw InputError(fmt::format("{}: line {}: '{}' is not a cell type of the model; its types are: {}", map,
                                     m.line_of(r), m.keys()[r], log::preview(types, 40)));
      }
      if (!content.count(m.cell(r, col))) {
        throw InputError(fmt::format("{}: line {}: content_type '{}' is not a row of {}", map, m.line_of(r),
                                     m.cell(r, col), table));
      }
      c.row[static_cast<std::size_t>(k - types.begin())] = m.cell(r, col);
    }
  }
  std::vector<double> mapped;
  c.factor.assign(types.size(), 0.0);
  for (std::size_t k = 0; k < types.size(); ++k) {
    if (c.row[k].empty()) {
      c.unmapped.push_back(types[k]);
      continue;
    }
    c.factor[k] = library_size[k] / content.at(c.row[k]);
    mapped.push_back(c.factor[k]);
  }
  if (mapped.empty()) {
    throw InputError(
        fmt::format("{}: none of the model's cell types ({}) is a row of the mRNA content table; give "
                    "--mrna-map (columns cell_type, content_type) to map them",
                    table, log::preview(types, 40)));
  }
  std::nth_element(mapped.begin(), mapped.begin() + static_cast<std::ptrdiff_t>(mapped.size() / 2), mapped.end());
  const double median = mapped[mapped.size() / 2];
  for (std::size_t k = 0; k < types.size(); ++k) c.factor[k] = c.row[k].empty() ? 1.0 : c.factor[k] / median;
  return c;
}

MatrixF calibrate_fractions(const MatrixF& fractions, const std::vector<double>& factor) {
  if (static_cast<std::size_t>(fractions.cols()) != factor.size()) {
    throw InternalError("calibrate_fractions: one factor per type");
  }
  MatrixF out = fractions;
  for (Eigen::Index i = 0; i < out.rows(); ++i) {
    double sum = 0;
    for (Eigen::Index k = 0; k < out.cols(); ++k) {
      out(i, k) = static_cast<float>(fractions(i, k) * factor[static_cast<std::size_t>(k)]);
      sum += out(i, k);
    }
    if (sum > 0) out.row(i) /= static_cast<float>(sum);
  }
  return out;
}

void log_mrna_calibration(const MrnaCalibration& c, const std::vector<std::string>& types, const std::string& table,
                          const char* tag) {
  std::vector<std::string> used;
  for (std::size_t k = 0; k < types.size(); ++k)
    if (!c.row[k].empty()) used.push_back(fmt::format("{} x{:.2f}", types[k], c.factor[k]));
  log::info(tag, "mRNA content factors L_k / C_k (reference library size over bulk mRNA content, {}): {}", table,
            log::preview(used, 40));
  if (!c.unmapped.empty())
    log::warn(tag,
              "{} cell type(s) have no mRNA content in {} and keep the median factor: {}; map them with "
              "--mrna-map (columns cell_type, content_type)",
              c.unmapped.size(), table, log::preview(c.unmapped, 40));
}

std::string mrna_content_problem(const std::string& table, const std::string& map) {
  return !map.empty() && table.empty()
             ? "--mrna-map maps cell types onto the rows of --mrna-content: give --mrna-content too"
             : "";
}

MrnaCalibration rna_shares_to_cell_fractions(SampleTable& shares, const std::string& table, const std::string& map,
                                             const char* tag) {
  const std::vector<double> per_unit_rna(shares.columns.size(), 1.0);
  MrnaCalibration c = mrna_calibration(table, map, shares.columns, per_unit_rna);
  log_mrna_calibration(c, shares.columns, table, tag);
  shares.values = calibrate_fractions(shares.values.cast<float>(), c.factor).cast<double>();
  return c;
}

}  // namespace blue

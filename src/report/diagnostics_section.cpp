// The diagnostics section of the report (see diagnostics_section.h).
#include "report/diagnostics_section.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "analysis/unexplained.h"
#include "io/tables.h"
#include "io/text_reader.h"
#include "report/html.h"
#include "util/error.h"

namespace blue::report {
namespace {

constexpr std::size_t kGenesShown = 6;  // per sample in the table
constexpr std::size_t kCommonShown = 10;

// The value of `column` for sample row i, NaN when the table lacks the column.
double value(const SampleTable& t, std::size_t i, const std::string& column) {
  const auto it = std::find(t.columns.begin(), t.columns.end(), column);
  return it == t.columns.end() ? NAN : t.values(static_cast<Eigen::Index>(i), it - t.columns.begin());
}

std::string number(double v, const char* format) { return std::isnan(v) ? "NA" : fmt::format(fmt::runtime(format), v); }

}  // namespace

Diagnostics read_diagnostics(const std::string& dir) {
  namespace fs = std::filesystem;
  Diagnostics d;
  d.table = read_sample_table((fs::path(dir) / "diagnostics.tsv").string(), "diagnostics");
  const std::string path = (fs::path(dir) / "unexplained_genes.tsv").string();
  if (!fs::exists(path)) return d;
  LineReader in(path);
  std::string line;
  in.next(line);  // header
  while (in.next(line)) {
    if (line.empty()) continue;
    const std::vector<std::string> f = split_fields(line, '\t');
    if (f.size() != 7) {
      throw InputError(
          fmt::format("{}, line {}: {} fields, expected 7 (sample, rank, gene, bulk_cpm, "
                      "reference_max_cpm, reference_max_type, fold) as blue deconvolve writes",
                      path, in.line_number(), f.size()));
    }
    d.unexplained[f[0]].push_back(f[2]);
  }
  return d;
}

std::string diagnostics_section(const Diagnostics& d, std::size_t max_samples) {
  const SampleTable& t = d.table;
  const std::size_t n = t.samples.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  const auto flagged = [&](std::size_t i) { return value(t, i, "flagged") > 0.5; };
  const auto count = [&](std::size_t i) { return value(t, i, "unexplained_genes"); };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (flagged(a) != flagged(b)) return flagged(a);
    return count(a) > count(b);  // NaN (older models) compares false: order kept
  });
  std::vector<std::vector<std::string>> lists;
  for (const auto& [sample, genes] : d.unexplained) lists.push_back(genes);
  const auto common = genes_by_frequency(lists);
  std::string listed;
  for (std::size_t i = 0; i < std::min(kCommonShown, common.size()); ++i) {
    listed += fmt::format("{}{} ({})", i ? ", " : "", common[i].first, common[i].second);
  }
  const auto n_flagged = static_cast<std::size_t>(std::count_if(order.begin(), order.end(), flagged));
  std::string body =
      html_note(fmt::format("{} of {} samples flagged.{}", n_flagged, n,
                            listed.empty() ? "" : " Genes unexplained most often (samples): " + listed + "."));
  Table table{{"sample", "flagged", "unexplained genes", "unexplained share of CPM", "reference distance",
               "reconstruction r", "first unexplained genes"},
              {}};
  for (std::size_t r = 0; r < std::min(max_samples, n); ++r) {
    const std::size_t i = order[r];
    const auto it = d.unexplained.find(t.samples[i]);
    std::vector<std::string> genes;
    if (it != d.unexplained.end())
      genes.assign(it->second.begin(),
                   it->second.begin() + static_cast<std::ptrdiff_t>(std::min(kGenesShown, it->second.size())));
    std::string gene_text;
    for (const auto& g : genes) gene_text += (gene_text.empty() ? "" : ", ") + g;
    table.rows.push_back({t.samples[i], flagged(i) ? "yes" : "no", number(count(i), "{:.0f}"),
                          number(value(t, i, "unexplained_fraction"), "{:.4f}"),
                          number(value(t, i, "reference_distance"), "{:.3f}"),
                          number(value(t, i, "reconstruction_r"), "{:.3f}"), gene_text});
  }
  body += html_table(table, "diagnostics-table");
  if (n > max_samples) body += html_note(fmt::format("Showing {} of {} samples (flagged first).", max_samples, n));
  body += html_note(
      "Unexplained genes: CPM above 8x the highest mean level of any reference cell type (floor 10 CPM); no mixture "
      "of the reference's types reaches them. They name what the reference lacks: a cell type or state, a "
      "contaminant (haemoglobin: red cells), or genes the single-cell platform captures poorly. Reference distance: "
      "total-variation distance (0-1) over the panel between the bulk and the reference's profiles mixed by the "
      "predicted fractions. A sample is flagged with 5 or more unexplained genes or a reference distance beyond 2x "
      "the model's held-out 90th percentile. Details: diagnostics.tsv, unexplained_genes.tsv.");
  return body;
}

}  // namespace blue::report

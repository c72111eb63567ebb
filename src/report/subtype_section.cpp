#include "report/subtype_section.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "io/text_reader.h"
#include "report/svg.h"
#include "util/error.h"
#include "util/log.h"

namespace blue::report {
namespace {

namespace fs = std::filesystem;

struct PanelSpec {
  const char* id;
  const char* title;
};
// The survival folders `blue subtype` writes (survival_<id>), in the order they are shown.
constexpr PanelSpec kPanels[] = {
    {"profiles", "Subtypes from cell-type expression profiles"},
    {"proportions", "Subtypes from cell-type proportions alone"},
    {"signature", "Prognostic signature: above vs below the median score"},
    {"validation", "Validation cohort: transferred subtypes"},
};

// Provenance fields of `blue subtype` worth a line in the report, with their labels.
constexpr std::pair<const char*, const char*> kFacts[] = {
    {"patients", "patients"},
    {"k", "subtypes chosen (k, cell-type profiles)"},
    {"features", "features"},
    {"signature_genes", "signature genes"},
    {"cv_accuracy", "transfer: cross-validated accuracy"},
    {"seed", "seed"},
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot be read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<double> logrank_p(const std::string& path) {
  if (!fs::exists(path)) return std::nullopt;
  const Table t = read_tsv_cells(path);
  for (std::size_t c = 0; c < t.header.size(); ++c) {
    double p = 0;
    if (t.header[c] == "p" && !t.rows.empty() && parse_double(t.rows[0][c], p)) return p;
  }
  throw InputError(path +
                   ": no numeric column 'p' in its second line; expected the logrank.tsv of `blue subtype` "
                   "(chisq, df, p, observed, expected)");
}

std::vector<std::pair<std::string, std::string>> read_facts(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> facts;
  if (!fs::exists(path)) return facts;
  const auto j = nlohmann::json::parse(slurp(path), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    log::warn("report", "{}: not valid JSON; the subtyping facts (patients, k) are not shown", path);
    return facts;
  }
  for (const auto& [key, label] : kFacts)
    if (j.contains(key) && j[key].is_primitive())
      facts.emplace_back(label, j[key].is_number_float() ? fmt::format("{:.4g}", j[key].get<double>()) : j[key].dump());
  return facts;
}

std::string format_p(double p) { return p < 1e-4 ? fmt::format("{:.2e}", p) : fmt::format("{:.4f}", p); }

std::string panel_html(const KmPanel& k) {
  std::string caption = xml_escape(k.title);
  if (k.logrank_p) caption += fmt::format(" &#8212; log-rank p = {}", format_p(*k.logrank_p));
  return fmt::format(
      "<figure class=\"km-panel\" data-panel=\"{}\"><figcaption>{}<br><span class=\"file\">{}</span>"
      "</figcaption>\n{}</figure>\n",
      xml_escape(k.id), caption, xml_escape(k.path), k.svg);
}

}  // namespace

Table read_tsv_cells(const std::string& path) {
  require_readable_file(path, "table");
  LineReader reader(path);
  Table t;
  std::string line;
  while (reader.next(line)) {
    if (line.empty() || line[0] == '#') continue;
    auto fields = split_fields(line, '\t');
    if (t.header.empty()) {
      t.header = std::move(fields);
    } else if (fields.size() != t.header.size()) {
      throw InputError(fmt::format("{}: line {} has {} fields but the header has {}", path, reader.line_number(),
                                   fields.size(), t.header.size()));
    } else {
      t.rows.push_back(std::move(fields));
    }
  }
  if (t.header.empty()) throw InputError(path + ": empty file (expected a header line and rows)");
  return t;
}

std::string inline_svg(const std::string& text, const std::string& path, const std::string& id) {
  const auto begin = text.find("<svg");
  const auto end = text.rfind("</svg>");
  const bool scripted = to_lower(text).find("<script") != std::string::npos;
  if (begin == std::string::npos || end == std::string::npos || end < begin || scripted)
    throw InputError(path + (scripted ? ": contains a script; " : ": not an SVG image (no <svg> ... </svg>); ") +
                     "expected the km.svg plot written by `blue subtype` or `blue survival`");
  std::string out = text.substr(begin, end + 6 - begin);
  out.insert(4, fmt::format(" class=\"plot km-plot\" id=\"plot-km-{}\"", xml_escape(id)));
  return out + "\n";
}

SubtypeRun read_subtype_run(const std::string& dir) {
  const fs::path d(dir);
  std::vector<std::string> missing;
  for (const char* f : {"stability.tsv", "comparison.tsv", "survival_profiles/km.svg"})
    if (!fs::is_regular_file(d / f)) missing.push_back((d / f).string());
  if (!missing.empty())
    throw InputError(
        fmt::format("--subtype {}: missing {}; expected the output directory of `blue subtype` "
                    "(stability.tsv, comparison.tsv, survival_profiles/km.svg, ...)",
                    dir, fmt::join(missing, ", ")));
  SubtypeRun run;
  run.dir = dir;
  for (const auto& spec : kPanels) {
    const fs::path folder = d / (std::string("survival_") + spec.id);
    const std::string svg_path = (folder / "km.svg").string();
    if (!fs::is_regular_file(svg_path)) continue;
    run.km.push_back({spec.id, spec.title, svg_path, inline_svg(slurp(svg_path), svg_path, spec.id),
                      logrank_p((folder / "logrank.tsv").string())});
  }
  run.comparison = read_tsv_cells((d / "comparison.tsv").string());
  run.stability = read_tsv_cells((d / "stability.tsv").string());
  if (fs::exists(d / "transfer.tsv")) run.transfer = read_tsv_cells((d / "transfer.tsv").string());
  run.facts = read_facts((d / "provenance.json").string());
  return run;
}

std::string subtype_section(const SubtypeRun& run) {
  std::string body;
  if (!run.facts.empty()) {
    Table t{{"subtyping run", "value"}, {}};
    for (const auto& [k, v] : run.facts) t.rows.push_back({k, v});
    body += html_table(t, "subtype-facts-table");
  }
  body += "<div class=\"km-row\">\n";
  for (std::size_t i = 0; i < run.km.size(); ++i) {
    if (i == 2) body += "</div>\n<div class=\"km-row\">\n";  // profiles | proportions, then the others
    body += panel_html(run.km[i]);
  }
  body += "</div>\n";
  body += html_note(
      "Kaplan-Meier survival per subtype, as written by `blue subtype` (censored patients are ticks; "
      "numbers at risk under the axis). The method's claim is that subtypes from cell-type profiles "
      "separate outcomes better than subtypes from proportions alone: compare the two log-rank p.");
  body += "<h3>Profiles vs proportions (comparison.tsv)</h3>\n" +
          html_table(run.comparison, "subtype-comparison-table");
  body += "<h3>Consensus clustering stability (stability.tsv)</h3>\n" +
          html_table(run.stability, "subtype-stability-table");
  body += html_note(
      "PAC: proportion of ambiguous clustering (share of patient pairs whose consensus, the fraction "
      "of subsamples clustering them together, lies strictly between 0.1 and 0.9; lower = more stable). "
      "'chosen' marks the k used: the lowest PAC.");
  if (run.transfer)
    body += "<h3>Transfer to the validation cohort (transfer.tsv)</h3>\n" +
            html_table(*run.transfer, "subtype-transfer-table");
  return body;
}

}  // namespace blue::report

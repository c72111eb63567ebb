#include "report/html.h"

#include <fmt/format.h>

#include <cstdlib>

#include "report/svg.h"

namespace blue::report {
namespace {

constexpr const char* kStyle = R"(
body { font-family: Helvetica, Arial, sans-serif; margin: 24px 40px; color: #222; background: #fafafa; }
h1 { font-size: 24px; margin-bottom: 4px; }
h2 { font-size: 18px; border-bottom: 1px solid #ccc; padding-bottom: 4px; margin-top: 32px; }
.subtitle { color: #666; margin-top: 0; }
section { background: white; padding: 8px 20px 16px; margin-bottom: 20px; border: 1px solid #e3e3e3; border-radius: 6px; }
.figure { overflow-x: auto; }
svg.plot { display: block; max-width: none; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 3px 8px; }
th { background: #f0f0f0; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: #555; font-style: italic; }
.table-wrap { max-height: 420px; overflow: auto; display: inline-block; }
.km-row { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.km-panel { flex: 1 1 520px; min-width: 0; margin: 8px 0; }
.km-panel figcaption { font-weight: bold; margin-bottom: 4px; }
.km-panel .file { font-weight: normal; color: #777; font-size: 12px; }
svg.km-plot { width: 100%; height: auto; }
)";

// Marks the page as rendered (data-report-ready) and counts its plots; the browser test reads both.
constexpr const char* kScript = R"(
document.addEventListener('DOMContentLoaded', function () {
  document.body.setAttribute('data-plots', String(document.querySelectorAll('svg.plot').length));
  document.body.setAttribute('data-report-ready', '1');
});
)";

bool looks_numeric(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end && *end == '\0';
}

}  // namespace

std::string html_table(const Table& t, const std::string& id) {
  std::string out = fmt::format("<div class=\"table-wrap\"><table id=\"{}\">\n<thead><tr>", xml_escape(id));
  for (const auto& h : t.header) out += "<th>" + xml_escape(h) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (const auto& cell : row)
      out += (looks_numeric(cell) ? "<td class=\"num\">" : "<td>") + xml_escape(cell) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody></table></div>\n";
}

std::string html_note(const std::string& text) { return "<p class=\"note\">" + xml_escape(text) + "</p>\n"; }

HtmlPage::HtmlPage(std::string title, std::string subtitle)
    : title_(std::move(title)), subtitle_(std::move(subtitle)) {}

void HtmlPage::section(const std::string& id, const std::string& heading, const std::string& body_html) {
  body_ += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n<div class=\"figure\">\n{}</div>\n</section>\n",
                       xml_escape(id), xml_escape(heading), body_html);
}

std::string HtmlPage::str() const {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{0}</title>\n"
      "<style>{2}</style>\n</head>\n<body>\n<h1>{0}</h1>\n<p class=\"subtitle\">{1}</p>\n{3}"
      "<script>{4}</script>\n</body>\n</html>\n",
      xml_escape(title_), xml_escape(subtitle_), kStyle, body_, kScript);
}

}  // namespace blue::report

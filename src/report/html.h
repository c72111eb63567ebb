// A self-contained HTML page (inline CSS, inline SVG, one tiny inline script; nothing fetched): a title,
// sections with headings, notes and tables. Every piece of text is escaped here; figure bodies (SVG) are
// inserted as given.
#pragma once
#include <string>
#include <vector>

namespace blue::report {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// <table id=...> with escaped cells; numeric-looking cells are right-aligned by CSS class.
std::string html_table(const Table& t, const std::string& id);
// <p class="note"> with escaped text.
std::string html_note(const std::string& text);

class HtmlPage {
 public:
  HtmlPage(std::string title, std::string subtitle);
  // `body_html` is trusted markup built by this library (svg::Svg::str(), html_table(), html_note()).
  void section(const std::string& id, const std::string& heading, const std::string& body_html);
  std::string str() const;

 private:
  std::string title_, subtitle_, body_;
};

}  // namespace blue::report

#include "report/km_svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace blue {
namespace {

constexpr double kWidth = 900, kLeft = 130, kRight = 600, kTop = 50, kBottom = 370;  // plot area
constexpr double kRowHeight = 18;
const char* const kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};

const char* colour(std::size_t g) { return kPalette[g % (sizeof kPalette / sizeof *kPalette)]; }

struct Scale {
  double tmax;
  double x(double t) const { return kLeft + (kRight - kLeft) * (tmax > 0 ? t / tmax : 0); }
  static double y(double s) { return kBottom - (kBottom - kTop) * s; }
};

int n_at_risk(const survival::KmCurve& c, double t) {
  for (const auto& s : c.steps)
    if (s.time >= t) return s.n_risk;
  return 0;
}

std::string curve_path(const survival::KmCurve& c, const Scale& sc, std::size_t g) {
  std::string d = fmt::format("M{:.2f},{:.2f}", sc.x(0), Scale::y(1));
  double last = 0;
  for (const auto& s : c.steps) {
    if (s.n_event > 0) d += fmt::format(" H{:.2f} V{:.2f}", sc.x(s.time), Scale::y(s.survival));
    last = s.time;
  }
  d += fmt::format(" H{:.2f}", sc.x(last));
  std::string out = fmt::format("<path class=\"km-curve\" d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n",
                                d, colour(g));
  for (const auto& s : c.steps)
    if (s.n_censor > 0)
      out += fmt::format(
          "<line class=\"censor\" x1=\"{0:.2f}\" x2=\"{0:.2f}\" y1=\"{1:.2f}\" y2=\"{2:.2f}\" "
          "stroke=\"{3}\" stroke-width=\"1.5\"/>\n",
          sc.x(s.time), Scale::y(s.survival) - 5, Scale::y(s.survival) + 5, colour(g));
  return out;
}

std::string axes(const Scale& sc, double step, const KmPlotOptions& o) {
  std::string out = fmt::format(
      "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"black\"/>\n"
      "<line x1=\"{0}\" y1=\"{3}\" x2=\"{0}\" y2=\"{1}\" stroke=\"black\"/>\n",
      kLeft, kBottom, kRight, kTop);
  for (double t = 0; t <= sc.tmax + 1e-9 * step; t += step)
    out += fmt::format(
        "<line x1=\"{0:.2f}\" y1=\"{1}\" x2=\"{0:.2f}\" y2=\"{2}\" stroke=\"black\"/>"
        "<text x=\"{0:.2f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
        sc.x(t), kBottom, kBottom + 5, kBottom + 20, fmt::format("{:g}", t));
  for (int i = 0; i <= 4; ++i)
    out += fmt::format(
        "<line x1=\"{0}\" y1=\"{1:.2f}\" x2=\"{2}\" y2=\"{1:.2f}\" stroke=\"black\"/>"
        "<text x=\"{3}\" y=\"{4:.2f}\" text-anchor=\"end\">{5:g}</text>\n",
        kLeft - 5, Scale::y(i / 4.0), kLeft, kLeft - 8, Scale::y(i / 4.0) + 4, i / 4.0);
  out += fmt::format("<text class=\"xlabel\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                     (kLeft + kRight) / 2, kBottom + 40, xml_escape(o.time_label));
  out += fmt::format(
      "<text class=\"ylabel\" x=\"{0}\" y=\"{1}\" text-anchor=\"middle\" "
      "transform=\"rotate(-90 {0} {1})\">Survival probability</text>\n",
      kLeft - 50, (kTop + kBottom) / 2);
  return out;
}

std::string legend(const std::vector<survival::KmCurve>& curves, const KmPlotOptions& o) {
  std::string out;
  const double x = kRight + 20;
  for (std::size_t g = 0; g < curves.size(); ++g) {
    const auto& c = curves[g];
    double y = kTop + 10 + g * 34.0;
    std::string median = std::isnan(c.median) ? "not reached" : fmt::format("{:g}", c.median);
    out += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" stroke-width=\"3\"/>"
        "<text class=\"legend\" x=\"{4}\" y=\"{5}\">{6}</text>"
        "<text x=\"{4}\" y=\"{7}\" font-size=\"11\">n={8}, events={9}, median {10}</text>\n",
        x, y, x + 20, colour(g), x + 26, y + 4, xml_escape(c.group), y + 18, c.n, c.events, median);
  }
  if (o.logrank_p >= 0)
    out += fmt::format("<text class=\"pvalue\" x=\"{}\" y=\"{}\">Log-rank p = {}</text>\n", x,
                       kTop + 10 + curves.size() * 34.0 + 10,
                       o.logrank_p < 1e-4 ? fmt::format("{:.2e}", o.logrank_p) : fmt::format("{:.4f}", o.logrank_p));
  return out;
}

std::string risk_table(const std::vector<survival::KmCurve>& curves, const Scale& sc, double step) {
  double y = kBottom + 70;
  std::string out =
      fmt::format("<text class=\"risk-title\" x=\"{}\" y=\"{}\" font-weight=\"bold\">Number at risk</text>\n", 10, y);
  for (std::size_t g = 0; g < curves.size(); ++g) {
    y += kRowHeight;
    out += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"{}\" text-anchor=\"end\">{}</text>", kLeft - 25, y, colour(g),
                       xml_escape(curves[g].group));
    for (double t = 0; t <= sc.tmax + 1e-9 * step; t += step)
      out += fmt::format("<text class=\"at-risk\" x=\"{:.2f}\" y=\"{}\" text-anchor=\"middle\">{}</text>", sc.x(t), y,
                         n_at_risk(curves[g], t));
    out += "\n";
  }
  return out;
}

}  // namespace

std::string km_svg(const std::vector<survival::KmCurve>& curves, const KmPlotOptions& o) {
  double tmax = 0;
  for (const auto& c : curves)
    if (!c.steps.empty()) tmax = std::max(tmax, c.steps.back().time);
  const double step = svg::nice_step(tmax, 6);
  const Scale sc{std::ceil(tmax / step) * step};
  const double height = kBottom + 95 + kRowHeight * curves.size();
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text class=\"title\" x=\"{2}\" y=\"25\" font-size=\"15\" font-weight=\"bold\">{3}</text>\n",
      kWidth, height, kLeft, xml_escape(o.title));
  out += axes(sc, step, o);
  for (std::size_t g = 0; g < curves.size(); ++g) out += curve_path(curves[g], sc, g);
  out += legend(curves, o);
  out += risk_table(curves, sc, step);
  out += "</svg>\n";
  return out;
}

}  // namespace blue

#include "report/svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace blue {

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace svg {
namespace {

// Tableau 10, then its lighter twins (tab20's second set).
constexpr std::array<const char*, 20> kPalette = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                                  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
                                                  "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5",
                                                  "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5"};
// Viridis at t = 0, 0.25, 0.5, 0.75, 1.
constexpr double kRamp[5][3] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};

}  // namespace

double nice_step(double span, int target) {
  if (!(span > 0) || target < 1) return 1;
  const double raw = span / target, mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

std::vector<double> ticks(double lo, double hi, int target) {
  const double step = nice_step(hi - lo, target);
  std::vector<double> out;
  for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step; ++k) {
    const double v = k * step;
    out.push_back(std::abs(v) < 1e-12 * step ? 0.0 : v);
  }
  return out;
}

std::string num(double v) { return fmt::format("{:.2f}", v); }
std::string label(double v) { return fmt::format("{:g}", v); }

double Scale::operator()(double v) const {
  if (d1 == d0) return (r0 + r1) / 2;
  return r0 + (v - d0) / (d1 - d0) * (r1 - r0);
}

std::string palette(std::size_t i) { return kPalette[i % kPalette.size()]; }

std::string ramp(double t) {
  t = std::clamp(std::isnan(t) ? 0.0 : t, 0.0, 1.0) * 4;
  const int i = std::min(3, static_cast<int>(t));
  const double f = t - i;
  int c[3];
  for (int j = 0; j < 3; ++j) c[j] = static_cast<int>(std::lround(kRamp[i][j] + f * (kRamp[i + 1][j] - kRamp[i][j])));
  return fmt::format("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
}

Svg::Svg(double width, double height, const std::string& id) : width_(width), height_(height), id_(id) {}

void Svg::text(double x, double y, const std::string& s, const std::string& attrs) {
  body_ += fmt::format("<text x=\"{}\" y=\"{}\"{}{}>{}</text>\n", num(x), num(y), attrs.empty() ? "" : " ", attrs,
                       xml_escape(s));
}

void Svg::line(double x1, double y1, double x2, double y2, const std::string& stroke, const std::string& attrs) {
  body_ += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\"{}{}/>\n", num(x1), num(y1), num(x2),
                       num(y2), stroke, attrs.empty() ? "" : " ", attrs);
}

void Svg::rect(double x, double y, double w, double h, const std::string& fill, const std::string& attrs,
               const std::string& tooltip) {
  body_ += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{}{}", num(x), num(y),
                       num(std::max(0.0, w)), num(std::max(0.0, h)), fill, attrs.empty() ? "" : " ", attrs);
  body_ += tooltip.empty() ? "/>\n" : ("><title>" + xml_escape(tooltip) + "</title></rect>\n");
}

void Svg::circle(double cx, double cy, double r, const std::string& fill, const std::string& attrs) {
  body_ += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"{}{}/>\n", num(cx), num(cy), num(r), fill,
                       attrs.empty() ? "" : " ", attrs);
}

void Svg::polyline(const std::vector<double>& xs, const std::vector<double>& ys, const std::string& stroke,
                   const std::string& attrs) {
  std::string points;
  for (std::size_t i = 0; i < std::min(xs.size(), ys.size()); ++i)
    if (std::isfinite(xs[i]) && std::isfinite(ys[i]))
      points += (points.empty() ? "" : " ") + num(xs[i]) + "," + num(ys[i]);
  body_ += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\"{}{}/>\n", points, stroke,
                       attrs.empty() ? "" : " ", attrs);
}

void Svg::title(double x, double y, const std::string& s) {
  text(x, y, s, "class=\"plot-title\" font-size=\"14\" font-weight=\"bold\"");
}

void Svg::axes(const Scale& x, const Scale& y, const std::string& xlabel, const std::string& ylabel, int xticks,
               int yticks) {
  const double left = std::min(x.r0, x.r1), right = std::max(x.r0, x.r1);
  const double top = std::min(y.r0, y.r1), bottom = std::max(y.r0, y.r1);
  line(left, bottom, right, bottom, "#333");
  line(left, top, left, bottom, "#333");
  for (double v : xticks > 0 ? ticks(std::min(x.d0, x.d1), std::max(x.d0, x.d1), xticks) : std::vector<double>{}) {
    line(x(v), bottom, x(v), bottom + 5, "#333");
    text(x(v), bottom + 18, label(v), "text-anchor=\"middle\" class=\"tick\"");
  }
  for (double v : ticks(std::min(y.d0, y.d1), std::max(y.d0, y.d1), yticks)) {
    line(left - 5, y(v), left, y(v), "#333");
    line(left, y(v), right, y(v), "#e5e5e5");
    text(left - 8, y(v) + 4, label(v), "text-anchor=\"end\" class=\"tick\"");
  }
  if (!xlabel.empty()) text((left + right) / 2, bottom + 38, xlabel, "text-anchor=\"middle\" class=\"xlabel\"");
  const double cx = left - 48, cy = (top + bottom) / 2;
  if (!ylabel.empty())
    text(cx, cy, ylabel,
         fmt::format("text-anchor=\"middle\" class=\"ylabel\" transform=\"rotate(-90 {} {})\"", num(cx), num(cy)));
}

void Svg::legend(double x, double y, const std::vector<LegendEntry>& entries) {
  body_ += "<g class=\"legend\">\n";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    const double cy = y + 18.0 * i;
    switch (e.shape) {
      case LegendEntry::Shape::kBox: rect(x, cy - 6, 12, 12, e.colour); break;
      case LegendEntry::Shape::kLine: line(x - 2, cy, x + 14, cy, e.colour, "stroke-width=\"2.5\""); break;
      case LegendEntry::Shape::kDashed:
        line(x - 2, cy, x + 14, cy, e.colour, "stroke-width=\"1.5\" stroke-dasharray=\"4 3\"");
        break;
      case LegendEntry::Shape::kDot: circle(x + 6, cy, 4, e.colour); break;
    }
    text(x + 20, cy + 4, e.text, "class=\"legend-text\"");
  }
  body_ += "</g>\n";
}

void Svg::colour_bar(double x, double y, double w, double h, double lo, double hi, const std::string& label_text) {
  constexpr int kSteps = 64;
  body_ += "<g class=\"colour-bar\">\n";
  for (int i = 0; i < kSteps; ++i)  // top = hi
    rect(x, y + h * i / kSteps, w, h / kSteps + 0.5, ramp(1.0 - (i + 0.5) / kSteps));
  rect(x, y, w, h, "none", "stroke=\"#333\"");
  const Scale s{lo, hi, y + h, y};
  for (double v : ticks(lo, hi, 4)) {
    line(x + w, s(v), x + w + 4, s(v), "#333");
    text(x + w + 7, s(v) + 4, label(v), "class=\"tick\"");
  }
  const double cx = x + w + 42, cy = y + h / 2;
  text(cx, cy, label_text, fmt::format("text-anchor=\"middle\" transform=\"rotate(-90 {} {})\"", num(cx), num(cy)));
  body_ += "</g>\n";
}

std::string Svg::str() const {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{0}\" class=\"plot\" width=\"{1}\" height=\"{2}\" "
      "viewBox=\"0 0 {1} {2}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{3}</svg>\n",
      xml_escape(id_), num(width_), num(height_), body_);
}

}  // namespace svg
}  // namespace blue

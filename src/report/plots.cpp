#include "report/plots.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/svg.h"

namespace blue::report {
namespace {

using svg::LegendEntry;
using Shape = svg::LegendEntry::Shape;

// Sample names under a categorical axis are written only up to this many samples.
constexpr std::size_t kMaxSampleLabels = 60;

// The smallest multiple of a round step at or above `v` (at least `floor`).
double nice_ceil(double v, double floor) {
  v = std::max(v, floor);
  const double step = svg::nice_step(v, 5);
  return std::ceil(v / step - 1e-9) * step;
}

double max_of(const std::vector<double>& v) {
  double m = 0;
  for (double x : v)
    if (std::isfinite(x)) m = std::max(m, x);
  return m;
}

// About 6.5 px per character at font size 12.
double text_width(const std::string& s) { return 6.5 * static_cast<double>(s.size()); }

double longest(const std::vector<std::string>& names) {
  double w = 0;
  for (const auto& n : names) w = std::max(w, text_width(n));
  return w;
}

// Sample names rotated under a categorical axis at centres x(i); nothing when there are too many.
void sample_labels(svg::Svg& s, const std::vector<std::string>& samples, double x0, double step, double y) {
  if (samples.size() > kMaxSampleLabels) return;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const double x = x0 + step * (static_cast<double>(i) + 0.5);
    s.text(x, y, samples[i],
           fmt::format("text-anchor=\"end\" class=\"sample-label\" font-size=\"10\" transform=\"rotate(-55 {} {})\"",
                       svg::num(x), svg::num(y)));
  }
}

double sample_label_height(const std::vector<std::string>& samples) {
  return samples.size() > kMaxSampleLabels ? 0 : std::min(160.0, 0.85 * longest(samples) * 10 / 12) + 10;
}

std::string samples_axis_label(std::size_t n) {
  return n > kMaxSampleLabels ? fmt::format("Samples (n = {}; names omitted, hover for values)", n)
                              : fmt::format("Samples (n = {})", n);
}

}  // namespace

std::string accuracy_svg(const std::vector<ScatterPanel>& panels) {
  constexpr double kPanel = 330, kPlot = 220;
  const std::size_t cols = std::min<std::size_t>(3, std::max<std::size_t>(1, panels.size()));
  const std::size_t rows = (panels.size() + cols - 1) / cols;
  svg::Svg s(20 + cols * kPanel, 50 + rows * kPanel, "plot-accuracy");
  s.legend(30, 20, {{"one sample", svg::palette(0), Shape::kDot}});
  s.legend(160, 20, {{"identity (predicted = true)", "#777", Shape::kDashed}});
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const auto& p = panels[i];
    const double ox = 20 + (i % cols) * kPanel, oy = 50 + (i / cols) * kPanel;
    const double top = oy + 40, left = ox + 70;
    const double hi = nice_ceil(std::max(max_of(p.truth), max_of(p.predicted)), 0.05);
    const svg::Scale x{0, hi, left, left + kPlot}, y{0, hi, top + kPlot, top};
    s.raw(fmt::format("<g class=\"scatter-panel\" data-type=\"{}\">\n", xml_escape(p.type)));
    s.title(ox + 10, oy + 16, p.type);
    s.text(ox + 10, oy + 32, fmt::format("CCC = {:.3f}, r = {:.3f}, n = {}", p.ccc, p.pearson, p.truth.size()),
           "class=\"panel-stats\" font-size=\"12\"");
    s.axes(x, y, "True fraction of cells (0-1)", "Predicted fraction (0-1)", 4, 4);
    s.line(x(0), y(0), x(hi), y(hi), "#777", "stroke-dasharray=\"4 3\" class=\"identity\"");
    for (std::size_t j = 0; j < std::min(p.truth.size(), p.predicted.size()); ++j)
      if (std::isfinite(p.truth[j]) && std::isfinite(p.predicted[j]))
        s.circle(x(p.truth[j]), y(p.predicted[j]), 3.5, svg::palette(i), "fill-opacity=\"0.75\" class=\"point\"");
    s.raw("</g>\n");
  }
  return s.str();
}

std::string proportions_svg(const SampleTable& p, const SampleTable* sd) {
  const std::size_t n = p.samples.size(), K = p.columns.size();
  const double left = 80, top = 30, height = 300;
  const double width = std::clamp(18.0 * static_cast<double>(n), 320.0, 1000.0);
  const double labels = sample_label_height(p.samples);
  svg::Svg s(left + width + 50 + longest(p.columns), top + height + labels + 50, "plot-proportions");
  const double step = n ? width / static_cast<double>(n) : width;
  const double gap = step > 5 ? 0.15 * step : 0;
  const svg::Scale x{0, static_cast<double>(n), left, left + width}, y{0, 1, top + height, top};
  for (std::size_t i = 0; i < n; ++i) {
    double acc = 0;
    for (std::size_t k = 0; k < K; ++k) {
      const double v = std::max(0.0, p.values(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)));
      if (!std::isfinite(v)) continue;
      const bool spread = sd && sd->values.rows() == static_cast<Eigen::Index>(n) &&
                          sd->values.cols() == static_cast<Eigen::Index>(K);
      s.rect(x(static_cast<double>(i)) + gap / 2, y(acc + v), step - gap, y(acc) - y(acc + v), svg::palette(k),
             "class=\"bar\"",
             spread ? fmt::format("{}: {} {:.3f} (SD over the ensemble {:.3f})", p.samples[i], p.columns[k], v,
                                  sd->values(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)))
                    : fmt::format("{}: {} {:.3f}", p.samples[i], p.columns[k], v));
      acc += v;
    }
  }
  s.axes(x, y, "", "Fraction of cells (0-1)", 0, 5);
  sample_labels(s, p.samples, left, step, top + height + 10);
  s.text(left + width / 2, top + height + labels + 30, samples_axis_label(n),
         "text-anchor=\"middle\" class=\"xlabel\"");
  std::vector<LegendEntry> legend;
  for (std::size_t k = 0; k < K; ++k) legend.push_back({p.columns[k], svg::palette(k), Shape::kBox});
  s.legend(left + width + 20, top + 10, legend);
  return s.str();
}

std::string gep_heatmap_svg(const std::vector<GepBlock>& blocks, const std::vector<std::string>& samples) {
  constexpr double kRow = 13, kHeader = 22, kGap = 10;
  const std::size_t n = samples.size();
  double gene_w = 40, hi = 0, rows_h = 0;
  for (const auto& b : blocks) {
    gene_w = std::max(gene_w, longest(b.genes) * 10 / 12);
    if (b.values.size()) hi = std::max(hi, b.values.maxCoeff());
    rows_h += kHeader + kRow * static_cast<double>(b.genes.size()) + kGap;
  }
  hi = nice_ceil(hi, 1);
  const double left = gene_w + 20, top = 20;
  const double cell = n ? std::clamp(900.0 / static_cast<double>(n), 1.0, 40.0) : 40.0;
  const double width = cell * static_cast<double>(n), labels = sample_label_height(samples);
  double title_w = 0;
  for (const auto& b : blocks) title_w = std::max(title_w, text_width(b.type + ": top 00 marker genes"));
  const double bar_x = left + std::max(width, title_w) + 25, bar_h = std::clamp(rows_h - 40, 170.0, 260.0);
  svg::Svg s(bar_x + 90, std::max(top + rows_h + labels + 40, top + bar_h + 60), "plot-gep-heatmap");
  double y = top;
  for (const auto& b : blocks) {
    s.raw(fmt::format("<g class=\"heatmap-block\" data-type=\"{}\">\n", xml_escape(b.type)));
    s.text(left, y + 15, fmt::format("{}: top {} marker genes", b.type, b.genes.size()),
           "class=\"block-title\" font-weight=\"bold\"");
    y += kHeader;
    for (std::size_t g = 0; g < b.genes.size(); ++g, y += kRow) {
      s.text(left - 5, y + kRow - 3, b.genes[g], "text-anchor=\"end\" font-size=\"10\" class=\"gene-label\"");
      for (std::size_t j = 0; j < n; ++j) {
        const double v = b.values(static_cast<Eigen::Index>(g), static_cast<Eigen::Index>(j));
        s.rect(left + cell * static_cast<double>(j), y, cell + 0.3, kRow + 0.3, svg::ramp(v / hi), "class=\"cell\"",
               fmt::format("{} in {}, {}: {:.2f}", b.genes[g], b.type, samples[j], v));
      }
    }
    y += kGap;
    s.raw("</g>\n");
  }
  sample_labels(s, samples, left, cell, y + 2);
  s.text(left + width / 2, y + labels + 20, samples_axis_label(n), "text-anchor=\"middle\" class=\"xlabel\"");
  s.colour_bar(bar_x, top + 20, 14, bar_h, 0, hi, "Expression, log2(CPM + 1)");
  return s.str();
}

std::string training_svg(const TrainingCurve& c) {
  const double left = 90, top = 30, width = 520, height = 300;
  const double emax = std::max(1.0, c.epoch.empty() ? 1.0 : c.epoch.back());
  const double hi = nice_ceil(std::max(max_of(c.train_loss), max_of(c.val_loss)), 1e-6);
  svg::Svg s(left + width + 210, top + height + 60, "plot-training");
  const svg::Scale x{std::min(1.0, emax), emax, left, left + width}, y{0, hi, top + height, top};
  s.axes(x, y, "Epoch", "Loss (GEP MSE + 100 x proportion MSE)", 6, 5);
  std::vector<double> xs, ys_train, ys_val;
  for (std::size_t i = 0; i < c.epoch.size(); ++i) {
    xs.push_back(x(c.epoch[i]));
    ys_train.push_back(i < c.train_loss.size() ? y(c.train_loss[i]) : NAN);
    ys_val.push_back(i < c.val_loss.size() ? y(c.val_loss[i]) : NAN);
  }
  std::vector<LegendEntry> legend = {{"training loss", svg::palette(0), Shape::kLine},
                                     {"validation loss", svg::palette(1), Shape::kLine}};
  if (c.best_epoch > 0) {
    s.line(x(c.best_epoch), top, x(c.best_epoch), top + height, "#555",
           "stroke-dasharray=\"4 3\" class=\"best-epoch\"");
    legend.push_back({fmt::format("best epoch ({})", c.best_epoch), "#555", Shape::kDashed});
  }
  s.polyline(xs, ys_train, svg::palette(0), "stroke-width=\"2\" class=\"loss-train\"");
  s.polyline(xs, ys_val, svg::palette(1), "stroke-width=\"2\" class=\"loss-val\"");
  if (c.epoch.size() <= 60)
    for (std::size_t i = 0; i < xs.size(); ++i) {
      if (std::isfinite(ys_train[i])) s.circle(xs[i], ys_train[i], 2.5, svg::palette(0));
      if (std::isfinite(ys_val[i])) s.circle(xs[i], ys_val[i], 2.5, svg::palette(1));
    }
  s.legend(left + width + 25, top + 10, legend);
  return s.str();
}

}  // namespace blue::report

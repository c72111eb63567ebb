// A small hand-written SVG builder shared by the report's plots and the Kaplan-Meier plot: linear scales,
// round ticks, axes with labels, legends, a colour ramp with its bar. Every piece of text is escaped.
#pragma once
#include <string>
#include <vector>

namespace blue {

// Escapes &, <, >, " (and ') for SVG/HTML text and attributes.
std::string xml_escape(const std::string& s);

namespace svg {

// Round tick spacing (1, 2 or 5 x 10^k) giving about `target` intervals over `span` (1 when span <= 0).
double nice_step(double span, int target);
// Multiples of nice_step(hi - lo, target) within [lo, hi].
std::vector<double> ticks(double lo, double hi, int target);
// A coordinate as written into the SVG: two decimals.
std::string num(double v);
// A tick label: the shortest form ("0.2", "1000", "1e-05").
std::string label(double v);

// Maps the data interval [d0, d1] linearly onto the pixel interval [r0, r1] (a zero-width domain maps
// everything onto the middle).
struct Scale {
  double d0, d1, r0, r1;
  double operator()(double v) const;
};

// The categorical colour of series `i` (20 distinct colours, then repeats).
std::string palette(std::size_t i);
// Sequential colour ramp (viridis-like) for t in [0, 1] (clamped), as "#rrggbb".
std::string ramp(double t);

struct LegendEntry {
  enum class Shape { kBox, kLine, kDashed, kDot };
  std::string text, colour;
  Shape shape = Shape::kBox;
};

class Svg {
 public:
  // `id` becomes the id attribute of the <svg> element (unescaped ids are not allowed: it is escaped).
  Svg(double width, double height, const std::string& id);

  void raw(const std::string& element) { body_ += element; }
  // `attrs` are extra attributes written as given (callers build them from numbers and constants).
  void text(double x, double y, const std::string& s, const std::string& attrs = "");
  void line(double x1, double y1, double x2, double y2, const std::string& stroke, const std::string& attrs = "");
  // A non-empty `tooltip` becomes a <title> child (shown on hover).
  void rect(double x, double y, double w, double h, const std::string& fill, const std::string& attrs = "",
            const std::string& tooltip = "");
  void circle(double cx, double cy, double r, const std::string& fill, const std::string& attrs = "");
  void polyline(const std::vector<double>& xs, const std::vector<double>& ys, const std::string& stroke,
                const std::string& attrs = "");

  void title(double x, double y, const std::string& s);
  // Axis lines, ticks with labels and the two axis labels around the plot area given by the scales.
  // xticks <= 0: no x ticks (categorical axis); an empty label is not drawn.
  void axes(const Scale& x, const Scale& y, const std::string& xlabel, const std::string& ylabel, int xticks = 5,
            int yticks = 5);
  // Entries stacked downwards from (x, y), 18 px apart.
  void legend(double x, double y, const std::vector<LegendEntry>& entries);
  // A vertical colour bar for values lo..hi with ticks and a label on its right.
  void colour_bar(double x, double y, double w, double h, double lo, double hi, const std::string& label);

  double width() const { return width_; }
  double height() const { return height_; }
  std::string str() const;

 private:
  double width_, height_;
  std::string id_, body_;
};

}  // namespace svg
}  // namespace blue

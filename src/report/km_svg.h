// Kaplan-Meier plot as a standalone SVG written by hand: step curves per group, censoring ticks, axes with
// labels, legend (n, events, median), log-rank p, and the numbers at risk under the time axis.
#pragma once
#include <string>
#include <vector>

#include "analysis/survival/km.h"

namespace blue {

struct KmPlotOptions {
  std::string title = "Kaplan-Meier estimate";
  std::string time_label = "Time (days)";
  double logrank_p = -1;  // < 0: not shown
};

std::string km_svg(const std::vector<survival::KmCurve>& curves, const KmPlotOptions& options = {});

// Escapes &, <, >, " for SVG text and attributes.
std::string xml_escape(const std::string& s);

}  // namespace blue

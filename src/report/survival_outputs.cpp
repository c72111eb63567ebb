#include "report/survival_outputs.h"

#include "util/output.h"

namespace blue {

void write_survival_outputs(StagedOutputs& out, const std::string& dir, const survival::SurvivalAnalysis& a,
                            KmPlotOptions plot) {
  const std::string d = dir + "/";
  out.write_text(d + "km.tsv", survival::km_table(a));
  out.write_text(d + "median.tsv", survival::median_table(a));
  if (a.logrank) {
    out.write_text(d + "logrank.tsv", survival::logrank_table(*a.logrank, a.curves));
    plot.logrank_p = a.logrank->p;
  }
  if (a.cox) {
    out.write_text(d + "cox.tsv", survival::cox_table(*a.cox));
    out.write_text(d + "cox_model.tsv", survival::cox_model_table(*a.cox));
  }
  out.write_text(d + "km.svg", km_svg(a.curves, plot));
}

}  // namespace blue

// Writes one survival analysis as the file set of `blue survival` into a directory (staged): km.tsv,
// median.tsv, logrank.tsv (with groups), cox.tsv + cox_model.tsv (with a Cox model), km.svg.
#pragma once
#include <string>

#include "analysis/survival/analysis.h"
#include "report/km_svg.h"

namespace blue {

class StagedOutputs;

void write_survival_outputs(StagedOutputs& out, const std::string& dir, const survival::SurvivalAnalysis& analysis,
                            KmPlotOptions plot);

}  // namespace blue

// The report's plots, each a self-contained inline <svg> with axis labels, units and a legend. Inputs are
// plain data (no file formats here); report.h builds them from a deconvolution directory.
#pragma once
#include <Eigen/Dense>

#include <string>
#include <vector>

#include "io/types.h"

namespace blue::report {

// One truth type: the true and predicted fraction of each sample, with its CCC and Pearson r.
struct ScatterPanel {
  std::string type;
  std::vector<double> truth, predicted;
  double ccc = 0, pearson = 0;
};
// A grid of predicted-vs-truth panels (id "plot-accuracy"), identity line in each.
std::string accuracy_svg(const std::vector<ScatterPanel>& panels);

// Stacked bars of each sample's fractions (id "plot-proportions"); rows of `p` are samples.
std::string proportions_svg(const SampleTable& p, const SampleTable* sd = nullptr);

// The top marker genes of one cell type: their values in that type's predicted GEP, genes x samples.
struct GepBlock {
  std::string type;
  std::vector<std::string> genes;
  Eigen::MatrixXd values;  // genes x samples, log2(CPM + 1)
};
// Heatmap blocks stacked vertically, one per type, with a shared log2(CPM + 1) colour bar
// (id "plot-gep-heatmap").
std::string gep_heatmap_svg(const std::vector<GepBlock>& blocks, const std::vector<std::string>& samples);

// Training and validation loss per epoch, best epoch marked (id "plot-training").
struct TrainingCurve {
  std::vector<double> epoch, train_loss, val_loss;
  int best_epoch = 0;  // 0 = unknown
};
std::string training_svg(const TrainingCurve& curve);

}  // namespace blue::report

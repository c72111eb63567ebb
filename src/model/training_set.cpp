// Pseudobulk (raw mean counts) -> normalised network inputs and targets (torch-free).
#include "model/trainer.h"
#include "simulate/normalize.h"
#include "simulate/simulate.h"

namespace blue::model {

TrainingSet make_training_set(Pseudobulk pb) {
  const auto n = static_cast<Eigen::Index>(pb.n_samples());
  const auto g = static_cast<Eigen::Index>(pb.genes.size());
  const auto k = static_cast<Eigen::Index>(pb.cell_types.size());
  TrainingSet s;
  normalize_profiles(pb.bulk, "pseudobulk");
  s.x = std::move(pb.bulk);
  s.proportions = std::move(pb.proportions);
  s.present = (s.proportions.array() > 0.0f).cast<float>();
  s.gep.resize(n, k * g);
  for (Eigen::Index t = 0; t < k; ++t) {
    normalize_profiles(pb.gep[t], "GEP of " + pb.cell_types[t]);
    s.gep.middleCols(t * g, g) = pb.gep[t];
    pb.gep[t].resize(0, 0);  // free as we go: the GEPs are the bulk of the memory
  }
  return s;
}

}  // namespace blue::model

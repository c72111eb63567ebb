// Training the BLUE network (METHOD 2.5) on simulated pseudobulk held in memory.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "defaults.h"
#include "io/types.h"
#include "model/network.h"

namespace blue {
struct Pseudobulk;
}

namespace blue::model {

// Network inputs and targets, all normalised (METHOD 2.3).
struct TrainingSet {
  MatrixF x;            // n x G: normalised pseudobulk
  MatrixF proportions;  // n x K
  MatrixF gep;          // n x (K * G): per sample the K normalised GEPs one after the other
  MatrixF present;      // n x K: 1 where the type was drawn in the sample, else 0
  std::int64_t n() const { return x.rows(); }
};

// Normalises the pseudobulk and its GEPs (normalize_profiles). A type absent from a sample has an all-zero
// GEP: its `present` flag is 0 and the GEP loss ignores it (there is nothing to learn about it there).
TrainingSet make_training_set(Pseudobulk pb);

struct TrainOptions {
  int epochs = defaults::kEpochs;
  int batch_size = defaults::kBatchSize;
  double learning_rate = defaults::kLearningRate;
  int lr_step_epochs = defaults::kLrStepEpochs;
  double lr_gamma = defaults::kLrGamma;
  double proportion_weight = defaults::kProportionLossWeight;
  std::uint64_t seed = defaults::kSeed;
  std::string device = "cpu";
  std::string checkpoint_path;  // "" = no checkpoints (tests)
  bool resume = false;          // continue from checkpoint_path when it exists
  // Which validation loss picks the best epoch: the total (METHOD 2.5) or the proportion term alone.
  bool select_by_proportion = false;
  // Augmentation of every training batch (validation is left as simulated): sigma of the per-sample,
  // per-gene log-normal platform factor (0 = off), and the typical sequencing depth over the panel at which
  // the bulk is resampled as Poisson counts (0 = off).
  double platform_noise = 0.0;
  double depth = 0.0;
  bool progress = true;  // progress bar on stderr (when it is a terminal) and one line per epoch
};

struct EpochRecord {
  int epoch = 0;  // 1-based
  double learning_rate = 0;
  double train_loss = 0, train_gep_loss = 0, train_proportion_loss = 0;  // means over batches
  double val_loss = 0, val_gep_loss = 0, val_proportion_loss = 0;        // over the whole validation set
  double val_proportion_ccc = 0;  // CCC of all validation proportions (samples x types, flattened)
  double seconds = 0, samples_per_second = 0;
  nlohmann::json to_json() const;
};

struct TrainResult {
  Network best;  // weights of the epoch with the lowest validation loss
  std::vector<EpochRecord> log;
  int best_epoch = 0;
  bool interrupted = false;  // stopped by Ctrl-C (SIGINT) after a batch
};

// Loss of METHOD 2.5 on a whole set, without gradients: {total, gep, proportion}.
struct Losses {
  double total = 0, gep = 0, proportion = 0, proportion_ccc = 0;
};
Losses evaluate_losses(const Network& net, const TrainingSet& set, double proportion_weight);

// What a training step at (epoch, batch) sees of `set` after the augmentation of `options` (platform
// noise, depth; docs/benchmarks.md: the platform gap): the bulk and GEP targets rescaled, proportions unchanged. The same
// arguments give the same draws. `types` = K (the GEP block count). For tests and inspection.
TrainingSet augmented(const TrainingSet& set, int types, const TrainOptions& options, int epoch, std::int64_t batch);

// Trains from scratch (weights from `options.seed`) or resumes. `identity` (panel, types, data and
// architecture options) is stored in checkpoints; resuming from one with another identity is a UsageError.
// Throws ComputeError when the loss becomes NaN or infinite.
TrainResult train_network(const Architecture& arch, const TrainingSet& train, const TrainingSet& val,
                          const TrainOptions& options, const nlohmann::json& identity);

}  // namespace blue::model

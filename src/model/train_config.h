// The options of a training run that both front ends (`blue train` and the Python module) share: the
// defaults, the fast preset, the checks, and the training of an ensemble.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "model/pipeline.h"

namespace blue::model {

// The defaults of `blue train`: the library structs' (METHOD's) except the inputs rescaled by one mean/sd
// (defaults::kInputScaling) and the platform-noise augmentation (defaults::kPlatformNoise).
TrainConfig train_defaults();

// c.preset "fast": a smaller network, fewer samples and epochs, a higher learning rate, the best epoch picked
// by the validation proportion loss. An option for which given(name) is true keeps its value; names are the
// CLI's without dashes: projection, base-channels, samples, val-samples, epochs, batch-size, lr, lr-step,
// select-by. "full" changes nothing; another preset is a UsageError.
void apply_preset(TrainConfig& c, const std::function<bool(const std::string&)>& given);

// One UsageError listing every option out of range (the message starts with `what`, e.g. "blue train").
void check_train_config(const TrainConfig& c, const std::string& what);

// `members` networks trained one after the other with seeds seed, seed + kEnsembleSeedStride, ...; member i
// > 0 checkpoints (when checkpointing) to the checkpoint path with ".ckpt" replaced by ".member<i+1>.ckpt". Stops after a member that
// was interrupted (Ctrl-C). With more than one member, the first one's meta gets "ensemble" (members, seeds
// and test-split metrics).
std::vector<TrainedModel> train_ensemble(const Reference& ref, const TrainConfig& config, int members);

// The members' networks after the first, as save_model takes them (`more`).
std::vector<const Network*> more_members(const std::vector<TrainedModel>& members);

}  // namespace blue::model

#include "model/train_config.h"

#include <fmt/format.h>

#include "analysis/mrna_content.h"
#include "model/runtime.h"
#include "util/error.h"
#include "util/log.h"

namespace blue::model {

TrainConfig train_defaults() {
  TrainConfig c;
  c.arch.input_scaling = defaults::kInputScaling;
  c.train.platform_noise = defaults::kPlatformNoise;
  return c;
}

void apply_preset(TrainConfig& c, const std::function<bool(const std::string&)>& given) {
  if (c.preset == "full") return;
  if (c.preset != "fast") throw UsageError("--preset must be fast or full, got '" + c.preset + "'");
  auto unset = [&given](const char* name) { return !given(name); };
  if (unset("projection")) c.arch.projection = defaults::kFastProjection;
  if (unset("base-channels")) c.arch.base_channels = defaults::kFastBaseChannels;
  if (unset("samples")) c.simulation.samples = defaults::kFastSamples;
  if (unset("val-samples")) c.validation_samples = defaults::kFastValidationSamples;
  if (unset("epochs")) c.train.epochs = defaults::kFastEpochs;
  if (unset("batch-size")) c.train.batch_size = defaults::kFastBatchSize;
  if (unset("lr")) c.train.learning_rate = defaults::kFastLearningRate;
  if (unset("lr-step")) c.train.lr_step_epochs = defaults::kFastLrStepEpochs;
  if (unset("select-by")) c.train.select_by_proportion = true;
}

void check_train_config(const TrainConfig& c, const std::string& what) {
  std::vector<std::string> problems;
  if (c.train.device == "cuda" && !cuda_available()) {
    problems.push_back("--device cuda: this LibTorch " + torch_version() +
                       " has no CUDA support or no GPU is visible; use --device cpu");
  }
  if (c.simulation.sparse_fraction < 0 || c.simulation.sparse_fraction > 1) {
    problems.push_back("--sparse-fraction must be in [0, 1], got " + std::to_string(c.simulation.sparse_fraction));
  }
  if (c.train.learning_rate <= 0) problems.push_back("--lr must be > 0");
  if (std::string p = mrna_content_problem(c.mrna_content, c.mrna_map); !p.empty()) problems.push_back(std::move(p));
  if (!c.sorted_map.empty() && c.sorted_profiles.empty()) problems.push_back("--sorted-map needs --sorted-profiles");
  if (c.arch.projection < 16 || c.arch.projection % 16 != 0) {
    problems.push_back("--projection must be a positive multiple of 16, got " + std::to_string(c.arch.projection));
  }
  // Ranges that the CLI's option parser also enforces, checked here for every caller.
  const std::pair<const char*, int> at_least_one[] = {{"--epochs", c.train.epochs},
                                                      {"--samples", c.simulation.samples},
                                                      {"--val-samples", c.validation_samples},
                                                      {"--cells-per-sample", c.simulation.cells_per_sample},
                                                      {"--lr-step", c.train.lr_step_epochs},
                                                      {"--base-channels", c.arch.base_channels}};
  for (const auto& [name, value] : at_least_one)
    if (value < 1) problems.push_back(fmt::format("{} must be at least 1, got {}", name, value));
  if (c.train.batch_size < 2)
    problems.push_back(fmt::format("--batch-size must be at least 2, got {}", c.train.batch_size));
  if (!(c.train.platform_noise >= 0 && c.train.platform_noise <= 3))
    problems.push_back(fmt::format("--platform-noise must be in [0, 3], got {}", c.train.platform_noise));
  if (!(c.train.depth >= 0)) problems.push_back(fmt::format("--depth must be >= 0, got {}", c.train.depth));
  if (c.donor_sampling != "one" && c.donor_sampling != "mixed")
    problems.push_back("--donor-sampling must be one or mixed, got '" + c.donor_sampling + "'");
  if (c.arch.input_scaling != "none" && c.arch.input_scaling != "gene" && c.arch.input_scaling != "global")
    problems.push_back("--input-scaling must be none, gene or global, got '" + c.arch.input_scaling + "'");
  if (c.train.device != "cpu" && c.train.device != "cuda")
    problems.push_back("--device must be cpu or cuda, got '" + c.train.device + "'");
  if (problems.empty()) return;
  std::string msg = what + ": invalid options:";
  for (const auto& p : problems) msg += "\n  - " + p;
  throw UsageError(msg);
}

std::vector<TrainedModel> train_ensemble(const Reference& ref, const TrainConfig& config, int members) {
  if (members < 1) throw UsageError(fmt::format("--ensemble must be at least 1, got {}", members));
  std::vector<TrainedModel> trained;
  nlohmann::json seeds = nlohmann::json::array(), tests = nlohmann::json::array();
  for (int i = 0; i < members; ++i) {
    TrainConfig member = config;
    member.train.seed += static_cast<std::uint64_t>(i) * defaults::kEnsembleSeedStride;
    std::string& ckpt = member.train.checkpoint_path;
    if (i > 0 && !ckpt.empty()) {
      const std::string suffix = ".ckpt";
      const bool has_suffix = ckpt.size() >= suffix.size() &&
                              ckpt.compare(ckpt.size() - suffix.size(), suffix.size(), suffix) == 0;
      ckpt = (has_suffix ? ckpt.substr(0, ckpt.size() - suffix.size()) : ckpt) + ".member" + std::to_string(i + 1) +
             suffix;
    }
    if (members > 1) log::info("train", "ensemble member {} of {} (seed {})", i + 1, members, member.train.seed);
    trained.push_back(train_from_reference(ref, member));
    seeds.push_back(member.train.seed);
    tests.push_back(trained.back().info.meta["test_split"]);
    if (trained.back().interrupted) break;
  }
  if (members > 1)
    trained.front().info.meta["ensemble"] = {{"members", trained.size()}, {"seeds", seeds}, {"test_split", tests}};
  return trained;
}

std::vector<const Network*> more_members(const std::vector<TrainedModel>& members) {
  std::vector<const Network*> more;
  for (std::size_t i = 1; i < members.size(); ++i) more.push_back(&members[i].network);
  return more;
}

}  // namespace blue::model

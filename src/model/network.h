// The BLUE network (METHOD 2.4) behind a torch-free interface: the CLI and the tests see plain matrices.
// The torch modules live in model/detail/modules.h, included only by src/model/*.cpp.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "defaults.h"
#include "io/types.h"

namespace blue::model {

// Hyperparameters that fix the shapes of every weight.
struct Architecture {
  int genes = 0;                                // G: panel genes (input and GEP length)
  int types = 0;                                // K: cell types
  int projection = defaults::kProjection;       // U-Net signal length and MLP width (multiple of 16)
  int base_channels = defaults::kBaseChannels;  // U-Net channels c, 2c, 4c, 8c, 16c
  // Upsampling of the U-Net decoder: false = ConvTranspose1d(k=2, s=2) computed as one matrix product
  // plus a reshape (same weights, same result, faster on CPU); true = torch's ConvTranspose1d.
  bool native_upsample = false;
  // Input scaling: "none" = METHOD's raw log2 CPM; "gene" = per-gene z-scores (x - mean_g) / sd_g;
  // "global" = one mean and sd for all genes (a rescaling that keeps the genes' relative weights). The
  // statistics of the training inputs are stored as buffers beside the weights (set_input_statistics).
  std::string input_scaling = "none";
  bool scales_input() const { return input_scaling != "none"; }

  // Widths of the proportion MLP layers: the projection P, then P, P/4, P/16, P/64 (each >= 16), then K.
  // With P = 4096 this is METHOD's 4096-4096-1024-256-64-K.
  std::vector<int> mlp_widths() const;
  // UsageError naming the option when a value is out of range.
  void validate() const;
  nlohmann::json to_json() const;
  static Architecture from_json(const nlohmann::json& j);  // InputError on missing fields
};

// Network output for n samples.
struct Prediction {
  MatrixF proportions;       // n x K, rows sum to 1
  std::vector<MatrixF> gep;  // K matrices, each n x G, normalised log2(CPM + 1) (METHOD 2.3)
};

class Network {
 public:
  // Weights initialised from torch's generator seeded with `seed`; CPU unless `device` is "cuda".
  Network(const Architecture& arch, std::uint64_t seed, const std::string& device = "cpu");
  ~Network();
  Network(Network&&) noexcept;
  Network& operator=(Network&&) noexcept;

  const Architecture& architecture() const;
  std::int64_t parameter_count() const;

  // Mean and standard deviation of the training inputs (n x G), per gene or over all values as the
  // architecture's input_scaling says; an sd below 1e-3 (a constant gene) is replaced by 1.
  void set_input_statistics(const MatrixF& x);

  // `x`: n x G normalised profiles. Inference mode (eval, no gradients), in batches of `batch_size`.
  Prediction predict(const MatrixF& x, int batch_size = defaults::kPredictBatch) const;

  // Weights (parameters and BatchNorm buffers) as torch's serialised bytes, and back. load_weights
  // throws InputError when the bytes do not fit this architecture.
  std::string save_weights() const;
  void load_weights(const std::string& bytes);

  struct Impl;  // the torch side, defined in model/detail/modules.h
  Impl& impl() { return *impl_; }
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace blue::model

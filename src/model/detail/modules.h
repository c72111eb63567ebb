// The torch modules of the BLUE network (METHOD 2.4). Includes torch: include ONLY from src/model/*.cpp,
// never from a header that the CLI or the tests see (they use model/network.h).
#pragma once
#include <torch/torch.h>

#include "model/network.h"

namespace blue::model {

// (Conv1d k=3 pad=1 no bias, BatchNorm, ReLU) twice.
struct DoubleConvImpl : torch::nn::Module {
  DoubleConvImpl(int in, int out);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Sequential body{nullptr};
};
TORCH_MODULE(DoubleConv);

// ConvTranspose1d(in, out, kernel 2, stride 2) with the same parameters (weight [in, out, 2], bias [out])
// computed as one matrix product: y[b, o, 2t + j] = sum_i x[b, i, t] * w[i, o, j] + bias[o].
struct UpsampleMatmulImpl : torch::nn::Module {
  UpsampleMatmulImpl(int in, int out);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight, bias;
};
TORCH_MODULE(UpsampleMatmul);

// Upsample (halving the channels), concatenate the skip connection, double convolution.
struct UpStepImpl : torch::nn::Module {
  UpStepImpl(int in, int out, bool native_upsample);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& skip);
  torch::nn::ConvTranspose1d native{nullptr};
  UpsampleMatmul matmul{nullptr};
  DoubleConv conv{nullptr};
};
TORCH_MODULE(UpStep);

// GEP branch: Linear G -> P, U-Net on the 1-channel signal of length P, shared Linear(P -> G) + ReLU.
struct GepBranchImpl : torch::nn::Module {
  explicit GepBranchImpl(const Architecture& a);
  torch::Tensor forward(const torch::Tensor& x);  // [B, G] -> [B, K, G]
  torch::nn::Linear project{nullptr}, head{nullptr};
  DoubleConv inc{nullptr}, down1{nullptr}, down2{nullptr}, down3{nullptr}, down4{nullptr};
  UpStep up1{nullptr}, up2{nullptr}, up3{nullptr}, up4{nullptr};
};
TORCH_MODULE(GepBranch);

// Proportion branch: Linear G -> P, then the MLP with SiLU between layers, softmax.
struct ProportionBranchImpl : torch::nn::Module {
  explicit ProportionBranchImpl(const Architecture& a);
  torch::Tensor forward(const torch::Tensor& x);  // [B, G] -> [B, K]
  torch::nn::Sequential body{nullptr};
};
TORCH_MODULE(ProportionBranch);

struct BlueNetImpl : torch::nn::Module {
  explicit BlueNetImpl(const Architecture& a);
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x);  // (proportions, gep)
  GepBranch gep{nullptr};
  ProportionBranch proportions{nullptr};
  torch::Tensor input_mean, input_scale;  // [G] buffers; undefined unless standardize_input
};
TORCH_MODULE(BlueNet);

struct Network::Impl {
  Architecture arch;
  torch::Device device{torch::kCPU};
  BlueNet net{nullptr};
};

// Row-major float matrix <-> tensor (copies).
torch::Tensor to_tensor(const MatrixF& m);
MatrixF to_matrix(const torch::Tensor& t);  // 2-D

}  // namespace blue::model

// The BLUE network (METHOD 2.4): torch modules and the torch-free Network wrapper.
#include <cmath>
#include <cstring>
#include <sstream>

#include "model/detail/modules.h"
#include "util/error.h"

namespace blue::model {

// ---- Architecture ----

std::vector<int> Architecture::mlp_widths() const {
  std::vector<int> w;
  for (int div : {1, 1, 4, 16, 64}) w.push_back(std::max(projection / div, 16));
  return w;
}

void Architecture::validate() const {
  std::vector<std::string> problems;
  if (genes < 1) problems.push_back("the gene panel is empty");
  if (types < 2) problems.push_back("at least 2 cell types are needed, got " + std::to_string(types));
  if (projection < 16 || projection % 16 != 0) {
    problems.push_back("--projection must be a positive multiple of 16 (the U-Net halves it 4 times), got " +
                       std::to_string(projection));
  }
  if (base_channels < 1) problems.push_back("--base-channels must be >= 1, got " + std::to_string(base_channels));
  if (input_scaling != "none" && input_scaling != "gene" && input_scaling != "global") {
    problems.push_back("--input-scaling must be none, gene or global, got '" + input_scaling + "'");
  }
  if (problems.empty()) return;
  std::string msg = "invalid network architecture:";
  for (const auto& p : problems) msg += "\n  - " + p;
  throw UsageError(msg);
}

nlohmann::json Architecture::to_json() const {
  return {{"genes", genes},
          {"types", types},
          {"projection", projection},
          {"base_channels", base_channels},
          {"mlp_widths", mlp_widths()},
          {"native_upsample", native_upsample},
          {"input_scaling", input_scaling}};
}

Architecture Architecture::from_json(const nlohmann::json& j) {
  Architecture a;
  try {
    a.genes = j.at("genes").get<int>();
    a.types = j.at("types").get<int>();
    a.projection = j.at("projection").get<int>();
    a.base_channels = j.at("base_channels").get<int>();
    a.native_upsample = j.value("native_upsample", false);
    a.input_scaling = j.value("input_scaling", "none");  // absent in models of blue 0.1.0
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("model architecture record is incomplete: ") + e.what());
  }
  return a;
}

// ---- Modules ----

DoubleConvImpl::DoubleConvImpl(int in, int out) {
  auto conv = [](int i, int o) { return torch::nn::Conv1d(torch::nn::Conv1dOptions(i, o, 3).padding(1).bias(false)); };
  body = register_module("body", torch::nn::Sequential(conv(in, out), torch::nn::BatchNorm1d(out), torch::nn::ReLU(),
                                                       conv(out, out), torch::nn::BatchNorm1d(out), torch::nn::ReLU()));
}

torch::Tensor DoubleConvImpl::forward(const torch::Tensor& x) { return body->forward(x); }

UpsampleMatmulImpl::UpsampleMatmulImpl(int in, int out) {
  weight = register_parameter("weight", torch::empty({in, out, 2}));
  bias = register_parameter("bias", torch::empty({out}));
  // The initialisation of torch's ConvTranspose1d: bound 1 / sqrt(fan_in), fan_in = out * kernel.
  torch::NoGradGuard no_grad;
  torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
  double bound = 1.0 / std::sqrt(static_cast<double>(out) * 2.0);
  torch::nn::init::uniform_(bias, -bound, bound);
}

torch::Tensor UpsampleMatmulImpl::forward(const torch::Tensor& x) {
  const auto b = x.size(0), in = x.size(1), len = x.size(2), out = weight.size(1);
  torch::Tensor y = x.transpose(1, 2).matmul(weight.reshape({in, out * 2}));  // [B, L, out * 2]
  y = y.view({b, len, out, 2}).permute({0, 2, 1, 3}).reshape({b, out, len * 2});
  return y + bias.view({1, out, 1});
}

UpStepImpl::UpStepImpl(int in, int out, bool native_upsample) {
  if (native_upsample) {
    native = register_module("up",
                             torch::nn::ConvTranspose1d(torch::nn::ConvTranspose1dOptions(in, in / 2, 2).stride(2)));
  } else {
    matmul = register_module("up", UpsampleMatmul(in, in / 2));
  }
  conv = register_module("conv", DoubleConv(in, out));
}

torch::Tensor UpStepImpl::forward(const torch::Tensor& x, const torch::Tensor& skip) {
  torch::Tensor up = native ? native->forward(x) : matmul->forward(x);
  return conv->forward(torch::cat({skip, up}, 1));
}

GepBranchImpl::GepBranchImpl(const Architecture& a) {
  const int c = a.base_channels;
  project = register_module("project", torch::nn::Linear(a.genes, a.projection));
  inc = register_module("inc", DoubleConv(1, c));
  down1 = register_module("down1", DoubleConv(c, 2 * c));
  down2 = register_module("down2", DoubleConv(2 * c, 4 * c));
  down3 = register_module("down3", DoubleConv(4 * c, 8 * c));
  down4 = register_module("down4", DoubleConv(8 * c, 16 * c));
  up1 = register_module("up1", UpStep(16 * c, 8 * c, a.native_upsample));
  up2 = register_module("up2", UpStep(8 * c, 4 * c, a.native_upsample));
  up3 = register_module("up3", UpStep(4 * c, 2 * c, a.native_upsample));
  up4 = register_module("up4", UpStep(2 * c, a.types, a.native_upsample));
  head = register_module("head", torch::nn::Linear(a.projection, a.genes));
}

torch::Tensor GepBranchImpl::forward(const torch::Tensor& x) {
  torch::Tensor x1 = inc->forward(project->forward(x).unsqueeze(1));  // [B, c, P]
  torch::Tensor x2 = down1->forward(torch::max_pool1d(x1, 2));
  torch::Tensor x3 = down2->forward(torch::max_pool1d(x2, 2));
  torch::Tensor x4 = down3->forward(torch::max_pool1d(x3, 2));
  torch::Tensor x5 = down4->forward(torch::max_pool1d(x4, 2));                                   // [B, 16c, P / 16]
  torch::Tensor y = up4->forward(up3->forward(up2->forward(up1->forward(x5, x4), x3), x2), x1);  // [B, K, P]
  return torch::relu(head->forward(y));                                                          // [B, K, G]
}

ProportionBranchImpl::ProportionBranchImpl(const Architecture& a) {
  torch::nn::Sequential s;
  int width = a.genes;
  for (int w : a.mlp_widths()) {
    s->push_back(torch::nn::Linear(width, w));
    s->push_back(torch::nn::SiLU());
    width = w;
  }
  s->push_back(torch::nn::Linear(width, a.types));
  s->push_back(torch::nn::Softmax(1));
  body = register_module("body", s);
}

torch::Tensor ProportionBranchImpl::forward(const torch::Tensor& x) { return body->forward(x); }

BlueNetImpl::BlueNetImpl(const Architecture& a) {
  gep = register_module("gep", GepBranch(a));
  proportions = register_module("proportions", ProportionBranch(a));
  if (a.scales_input()) {
    input_mean = register_buffer("input_mean", torch::zeros({a.genes}));
    input_scale = register_buffer("input_scale", torch::ones({a.genes}));
  }
}

std::pair<torch::Tensor, torch::Tensor> BlueNetImpl::forward(const torch::Tensor& x) {
  const torch::Tensor z = input_mean.defined() ? (x - input_mean) / input_scale : x;
  return {proportions->forward(z), gep->forward(z)};
}

// ---- Conversions ----

torch::Tensor to_tensor(const MatrixF& m) {
  return torch::from_blob(const_cast<float*>(m.data()), {m.rows(), m.cols()}, torch::kFloat32).clone();
}

MatrixF to_matrix(const torch::Tensor& t) {
  torch::Tensor c = t.to(torch::kCPU, torch::kFloat32).contiguous();
  MatrixF m(c.size(0), c.size(1));
  std::memcpy(m.data(), c.data_ptr<float>(), sizeof(float) * static_cast<std::size_t>(c.numel()));
  return m;
}

// ---- Network ----

Network::Network(const Architecture& arch, std::uint64_t seed, const std::string& device)
    : impl_(std::make_unique<Impl>()) {
  arch.validate();
  impl_->arch = arch;
  torch::manual_seed(seed);
  impl_->net = BlueNet(arch);
  impl_->device = device == "cuda" ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  impl_->net->to(impl_->device);
}

Network::~Network() = default;
Network::Network(Network&&) noexcept = default;
Network& Network::operator=(Network&&) noexcept = default;

const Architecture& Network::architecture() const { return impl_->arch; }

std::int64_t Network::parameter_count() const {
  std::int64_t n = 0;
  for (const auto& p : impl_->net->parameters()) n += p.numel();
  return n;
}

void Network::set_input_statistics(const MatrixF& x) {
  if (!impl_->arch.scales_input()) return;
  if (x.rows() == 0 || x.cols() != impl_->arch.genes) throw InternalError("set_input_statistics: wrong shape");
  Eigen::RowVectorXd mean = x.cast<double>().colwise().mean();
  Eigen::RowVectorXd sd =
      ((x.cast<double>().rowwise() - mean).array().square().colwise().sum() / static_cast<double>(x.rows())).sqrt();
  if (impl_->arch.input_scaling == "global") {
    const double m = mean.mean();
    sd.setConstant(std::sqrt((x.cast<double>().array() - m).square().mean()));
    mean.setConstant(m);
  }
  for (Eigen::Index g = 0; g < sd.size(); ++g) {
    if (!(sd[g] >= 1e-3)) sd[g] = 1.0;
  }
  torch::NoGradGuard no_grad;
  auto& net = impl_->net;
  net->input_mean.copy_(to_tensor(MatrixF(mean.cast<float>())).view({-1}).to(impl_->device));
  net->input_scale.copy_(to_tensor(MatrixF(sd.cast<float>())).view({-1}).to(impl_->device));
}

Prediction Network::predict(const MatrixF& x, int batch_size) const {
  const Architecture& a = impl_->arch;
  if (x.cols() != a.genes) {
    throw InternalError("predict: input has " + std::to_string(x.cols()) + " genes, the network " +
                        std::to_string(a.genes));
  }
  torch::NoGradGuard no_grad;
  impl_->net->eval();
  const std::int64_t n = x.rows();
  Prediction out;
  out.proportions.resize(n, a.types);
  out.gep.assign(a.types, MatrixF(n, a.genes));
  const std::int64_t step = std::max(batch_size, 1);
  for (std::int64_t start = 0; start < n; start += step) {
    const std::int64_t len = std::min(step, n - start);
    MatrixF block = x.middleRows(start, len);
    auto [prop, gep] = impl_->net->forward(to_tensor(block).to(impl_->device));
    out.proportions.middleRows(start, len) = to_matrix(prop);
    gep = gep.to(torch::kCPU).contiguous();  // [len, K, G]
    for (int k = 0; k < a.types; ++k) out.gep[k].middleRows(start, len) = to_matrix(gep.select(1, k));
  }
  return out;
}

std::string Network::save_weights() const {
  std::ostringstream os;
  torch::save(impl_->net, os);
  return os.str();
}

void Network::load_weights(const std::string& bytes) {
  std::istringstream is(bytes);
  try {
    torch::load(impl_->net, is, impl_->device);
  } catch (const c10::Error& e) {
    throw InputError(std::string("the stored weights do not fit the recorded architecture: ") +
                     e.what_without_backtrace());
  }
}

}  // namespace blue::model

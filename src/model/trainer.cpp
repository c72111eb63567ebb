// The training loop of METHOD 2.5: joint loss, Adam with step decay, validation every epoch, best
// checkpoint kept, atomic per-epoch checkpoints for --resume, Ctrl-C stops after the current batch.
#include "model/trainer.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <numeric>
#include <sstream>

#include "analysis/metrics.h"
#include "model/detail/modules.h"
#include "model/model_file.h"
#include "util/error.h"
#include "util/log.h"
#include "util/output.h"
#include "util/random.h"

namespace blue::model {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_sigint(int) {
  g_stop = true;
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
}

// Installs the Ctrl-C handler for the lifetime of the training loop.
class SigintScope {
 public:
  SigintScope() : previous_(std::signal(SIGINT, on_sigint)) { g_stop = false; }
  ~SigintScope() { std::signal(SIGINT, previous_); }

 private:
  void (*previous_)(int);
};

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Tensors {
  torch::Tensor x, p, gep, present;  // [n, G], [n, K], [n, K, G], [n, K]
};

Tensors to_tensors(const TrainingSet& s, const Architecture& a, torch::Device device) {
  return {to_tensor(s.x).to(device), to_tensor(s.proportions).to(device),
          to_tensor(s.gep).view({s.n(), a.types, a.genes}).to(device), to_tensor(s.present).to(device)};
}

// Per-type sums of the squared GEP error (masked) and of the mask, and the proportion squared error sum.
struct LossSums {
  torch::Tensor gep_se, gep_count, prop_se;
};

LossSums loss_sums(BlueNet& net, const Tensors& batch, torch::Tensor* prop_out = nullptr) {
  auto [p, g] = net->forward(batch.x);
  const torch::Tensor& m = batch.present;
  torch::Tensor se = (g - batch.gep).pow(2).mean(2);  // [B, K]
  if (prop_out) *prop_out = p;
  return {(se * m).sum(0), m.sum(0), (p - batch.p).pow(2).sum()};
}

Tensors select(const Tensors& t, const torch::Tensor& idx) {
  return {t.x.index_select(0, idx), t.p.index_select(0, idx), t.gep.index_select(0, idx),
          t.present.index_select(0, idx)};
}

// log2(CPM + 1) profiles along the last dimension -> linear, times `factor`, renormalised to CPM, log2 again.
torch::Tensor rescale_log2_cpm(const torch::Tensor& x, const torch::Tensor& factor) {
  torch::Tensor lin = (torch::exp2(x) - 1.0).clamp_min(0.0) * factor;
  lin = lin / lin.sum(-1, true).clamp_min(1e-12) * defaults::kCpmScale;
  return torch::log2(lin + 1.0);
}

// Training-time augmentation (docs/benchmarks.md: the platform gap). Platform noise: every sample gets its own gene-wise
// log-normal factor exp(sigma * z_g), applied to the bulk and to each of its GEPs alike (they stay
// consistent). Depth: the bulk is resampled as Poisson counts at a depth drawn log-uniformly in
// [depth / 10, depth * 10] reads over the panel (GEP targets are left exact). Draws come from a generator
// seeded by (seed, epoch, batch) so that resuming reproduces them.
Tensors augment(Tensors b, const TrainOptions& o, int epoch, std::int64_t batch) {
  if (o.platform_noise <= 0 && o.depth <= 0) return b;
  torch::NoGradGuard no_grad;
  const auto device = b.x.device();
  auto gen = at::make_generator<at::CPUGeneratorImpl>(o.seed * 1000003ull +
                                                      static_cast<std::uint64_t>(epoch) * 65537ull +
                                                      static_cast<std::uint64_t>(batch));
  const auto cpu = torch::TensorOptions(torch::kFloat32);
  const std::int64_t n = b.x.size(0), genes = b.x.size(1);
  if (o.platform_noise > 0) {
    torch::Tensor factor = torch::exp(o.platform_noise * torch::randn({n, genes}, gen, cpu)).to(device);
    b.x = rescale_log2_cpm(b.x, factor);
    b.gep = rescale_log2_cpm(b.gep, factor.unsqueeze(1));
  }
  if (o.depth > 0) {
    torch::Tensor log_depth = std::log(o.depth) + std::log(10.0) * (2.0 * torch::rand({n, 1}, gen, cpu) - 1.0);
    torch::Tensor rate = ((torch::exp2(b.x) - 1.0).clamp_min(0.0).cpu() / defaults::kCpmScale) * torch::exp(log_depth);
    torch::Tensor counts = at::poisson(rate, gen).to(device);
    b.x = torch::log2(counts / counts.sum(-1, true).clamp_min(1e-12) * defaults::kCpmScale + 1.0);
  }
  return b;
}

}  // namespace

TrainingSet augmented(const TrainingSet& set, int types, const TrainOptions& options, int epoch, std::int64_t batch) {
  const auto genes = set.x.cols();
  Tensors t{to_tensor(set.x), to_tensor(set.proportions), to_tensor(set.gep).view({set.n(), types, genes}),
            to_tensor(set.present)};
  t = augment(std::move(t), options, epoch, batch);
  TrainingSet out = set;
  out.x = to_matrix(t.x);
  out.gep = to_matrix(t.gep.reshape({set.n(), types * genes}));
  return out;
}

namespace {

// Sum over types of the per-type masked mean, and the proportion MSE.
std::pair<torch::Tensor, torch::Tensor> losses_from(const LossSums& s, std::int64_t n_values) {
  return {(s.gep_se / s.gep_count.clamp_min(1.0)).sum(), s.prop_se / static_cast<double>(n_values)};
}

void check_finite(double loss, int epoch, std::int64_t batch) {
  if (!std::isfinite(loss)) {
    throw ComputeError("the training loss became " + std::to_string(loss) + " at epoch " + std::to_string(epoch) +
                       ", batch " + std::to_string(batch) +
                       "; lower --lr, check the reference for extreme counts, or use another --seed");
  }
}

std::string format_duration(double s) {
  int t = static_cast<int>(s + 0.5);
  return t >= 3600 ? fmt::format("{}h{:02d}m", t / 3600, t / 60 % 60) : fmt::format("{}m{:02d}s", t / 60, t % 60);
}

// Progress bar on stderr when it is a terminal, redrawn at most 4 times a second.
class Progress {
 public:
  Progress(bool enabled, int epochs)
      : enabled_(enabled && ::isatty(2) && spdlog::should_log(spdlog::level::info)), epochs_(epochs) {}
  void update(int epoch, std::int64_t batch, std::int64_t batches, double samples_per_s, double eta_s, double loss,
              double last_val) {
    if (!enabled_ || seconds_since(last_) < 0.25) return;
    last_ = Clock::now();
    int filled = static_cast<int>(20.0 * batch / std::max<std::int64_t>(batches, 1));
    std::fprintf(stderr, "\r[train] epoch %d/%d [%-20s] batch %lld/%lld %.0f samples/s ETA %s loss %.4f val %.4f   ",
                 epoch, epochs_, std::string(filled, '#').c_str(), static_cast<long long>(batch),
                 static_cast<long long>(batches), samples_per_s, format_duration(eta_s).c_str(), loss, last_val);
    std::fflush(stderr);
  }
  void clear() {
    if (enabled_) std::fprintf(stderr, "\r%100s\r", "");
  }

 private:
  bool enabled_;
  int epochs_;
  Clock::time_point last_ = Clock::now() - std::chrono::seconds(1);
};

std::string save_optimizer(torch::optim::Adam& opt) {
  torch::serialize::OutputArchive ar;
  opt.save(ar);
  std::ostringstream os;
  ar.save_to(os);
  return os.str();
}

void load_optimizer(torch::optim::Adam& opt, const std::string& bytes) {
  std::istringstream is(bytes);
  torch::serialize::InputArchive ar;
  ar.load_from(is);
  opt.load(ar);
}

// Everything that survives between epochs, and its checkpoint.
struct State {
  int epochs_done = 0;
  std::vector<EpochRecord> log;
  int best_epoch = 0;
  double best_loss = INFINITY;
  std::string best_weights;
};

void write_checkpoint(const TrainOptions& o, const nlohmann::json& identity, const State& s, const Network& net,
                      torch::optim::Adam& opt) {
  Container c;
  c.meta = {{"kind", "checkpoint"},       {"identity", identity},     {"epochs_done", s.epochs_done},
            {"best_epoch", s.best_epoch}, {"best_loss", s.best_loss}, {"log", nlohmann::json::array()}};
  for (const auto& r : s.log) c.meta["log"].push_back(r.to_json());
  c.blobs = {{"weights", net.save_weights()}, {"best_weights", s.best_weights}, {"optimizer", save_optimizer(opt)}};
  StagedOutputs out(true);
  write_container(out, o.checkpoint_path, c);
  out.commit();
}

EpochRecord record_from_json(const nlohmann::json& j) {
  EpochRecord r;
  r.epoch = j.at("epoch");
  r.learning_rate = j.at("learning_rate");
  r.train_loss = j.at("train_loss");
  r.train_gep_loss = j.at("train_gep_loss");
  r.train_proportion_loss = j.at("train_proportion_loss");
  r.val_loss = j.at("val_loss");
  r.val_gep_loss = j.at("val_gep_loss");
  r.val_proportion_loss = j.at("val_proportion_loss");
  r.val_proportion_ccc = j.at("val_proportion_ccc");
  r.seconds = j.at("seconds");
  r.samples_per_second = j.at("samples_per_second");
  return r;
}

State resume_from(const TrainOptions& o, const nlohmann::json& identity, Network& net, torch::optim::Adam& opt) {
  Container c = read_container(o.checkpoint_path);
  if (c.meta.value("kind", "") != "checkpoint") {
    throw InputError("'" + o.checkpoint_path + "' is not a training checkpoint");
  }
  if (c.meta.at("identity") != identity) {
    throw UsageError("checkpoint '" + o.checkpoint_path +
                     "' was made from other data or options (reference, panel, seed, samples or architecture); "
                     "rerun with the same options, or drop --resume to start again");
  }
  State s;
  s.epochs_done = c.meta.at("epochs_done");
  s.best_epoch = c.meta.at("best_epoch");
  s.best_loss = c.meta.at("best_loss");
  for (const auto& r : c.meta.at("log")) s.log.push_back(record_from_json(r));
  s.best_weights = c.blobs.at("best_weights");
  net.load_weights(c.blobs.at("weights"));
  load_optimizer(opt, c.blobs.at("optimizer"));
  log::info("train", "resuming from '{}' after epoch {} (best so far: epoch {})", o.checkpoint_path, s.epochs_done,
            s.best_epoch);
  return s;
}

struct EpochTotals {
  double loss = 0, gep = 0, prop = 0;
  std::int64_t batches = 0;
};

// One pass over the shuffled training set. Returns early (batches < total) when Ctrl-C was pressed.
EpochTotals train_epoch(Network& net, torch::optim::Adam& opt, const Tensors& t, const TrainOptions& o, int epoch,
                        Progress& progress, double last_val) {
  BlueNet& module = net.impl().net;
  module->train();
  const std::int64_t n = t.x.size(0);
  std::vector<std::int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  Rng rng(o.seed, 0x7261696e00000000ull + static_cast<std::uint64_t>(epoch));
  shuffle(rng, order);
  torch::Tensor order_t = torch::tensor(order, torch::kInt64).to(net.impl().device);
  const std::int64_t batches = (n + o.batch_size - 1) / o.batch_size;
  const std::int64_t K = t.p.size(1);
  EpochTotals tot;
  auto start = Clock::now();
  for (std::int64_t b = 0; b < batches && !g_stop; ++b) {
    torch::Tensor idx = order_t.slice(0, b * o.batch_size, std::min(n, (b + 1) * o.batch_size));
    opt.zero_grad();
    Tensors batch = augment(select(t, idx), o, epoch, b);
    auto [gep, prop] = losses_from(loss_sums(module, batch), idx.size(0) * K);
    torch::Tensor loss = gep + o.proportion_weight * prop;
    double value = loss.item<double>();
    check_finite(value, epoch, b + 1);
    loss.backward();
    opt.step();
    tot.loss += value;
    tot.gep += gep.item<double>();
    tot.prop += prop.item<double>();
    ++tot.batches;
    double rate = static_cast<double>(std::min(n, (b + 1) * o.batch_size)) / seconds_since(start);
    double eta = (static_cast<double>(n) * (o.epochs - epoch + 1) - static_cast<double>((b + 1) * o.batch_size)) / rate;
    progress.update(epoch, b + 1, batches, rate, eta, tot.loss / tot.batches, last_val);
  }
  return tot;
}

}  // namespace

nlohmann::json EpochRecord::to_json() const {
  return {{"epoch", epoch},
          {"learning_rate", learning_rate},
          {"train_loss", train_loss},
          {"train_gep_loss", train_gep_loss},
          {"train_proportion_loss", train_proportion_loss},
          {"val_loss", val_loss},
          {"val_gep_loss", val_gep_loss},
          {"val_proportion_loss", val_proportion_loss},
          {"val_proportion_ccc", val_proportion_ccc},
          {"seconds", seconds},
          {"samples_per_second", samples_per_second}};
}

Losses evaluate_losses(const Network& net, const TrainingSet& set, double proportion_weight) {
  const Architecture& a = net.architecture();
  Network::Impl& impl = const_cast<Network&>(net).impl();
  torch::NoGradGuard no_grad;
  impl.net->eval();
  Tensors t = to_tensors(set, a, impl.device);
  const std::int64_t n = set.n(), step = defaults::kPredictBatch;
  LossSums sums{torch::zeros({a.types}, impl.device), torch::zeros({a.types}, impl.device),
                torch::zeros({}, impl.device)};
  std::vector<torch::Tensor> props;
  for (std::int64_t s = 0; s < n; s += step) {
    torch::Tensor idx = torch::arange(s, std::min(n, s + step),
                                      torch::TensorOptions(torch::kInt64).device(impl.device));
    torch::Tensor p;
    LossSums b = loss_sums(impl.net, select(t, idx), &p);
    sums = {sums.gep_se + b.gep_se, sums.gep_count + b.gep_count, sums.prop_se + b.prop_se};
    props.push_back(p.to(torch::kCPU).to(torch::kFloat64).contiguous());
  }
  auto [gep, prop] = losses_from(sums, n * a.types);
  Losses l{0, gep.item<double>(), prop.item<double>(), 0};
  l.total = l.gep + proportion_weight * l.proportion;
  torch::Tensor all = torch::cat(props, 0).contiguous();
  Eigen::VectorXd truth =
      Eigen::Map<const Eigen::VectorXf>(set.proportions.data(), set.proportions.size()).cast<double>();
  l.proportion_ccc = lin_ccc(Eigen::Map<const Eigen::VectorXd>(all.data_ptr<double>(), all.numel()), truth);
  return l;
}

TrainResult train_network(const Architecture& arch, const TrainingSet& train, const TrainingSet& val,
                          const TrainOptions& o, const nlohmann::json& identity) {
  if (train.n() == 0 || val.n() == 0) throw ComputeError("no training or validation samples to train on");
  Network net(arch, o.seed, o.device);
  net.set_input_statistics(train.x);  // restored with the weights when resuming
  torch::optim::Adam opt(net.impl().net->parameters(), torch::optim::AdamOptions(o.learning_rate));
  State s;
  if (o.resume && !o.checkpoint_path.empty() && std::filesystem::exists(o.checkpoint_path)) {
    s = resume_from(o, identity, net, opt);
  } else if (o.resume) {
    log::warn("train", "--resume: no checkpoint '{}' yet; starting from scratch", o.checkpoint_path);
  }
  Tensors t = to_tensors(train, arch, net.impl().device);
  Progress progress(o.progress, o.epochs);
  SigintScope sigint;
  bool interrupted = false;
  for (int epoch = s.epochs_done + 1; epoch <= o.epochs; ++epoch) {
    auto start = Clock::now();
    double lr = o.learning_rate * std::pow(o.lr_gamma, (epoch - 1) / std::max(o.lr_step_epochs, 1));
    for (auto& group : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    EpochTotals tot = train_epoch(net, opt, t, o, epoch, progress, s.log.empty() ? NAN : s.log.back().val_loss);
    progress.clear();
    if (g_stop) {
      interrupted = true;
      log::warn("train", "interrupted during epoch {}: keeping the best model of the {} finished epoch(s)", epoch,
                s.epochs_done);
      break;
    }
    Losses v = evaluate_losses(net, val, o.proportion_weight);
    EpochRecord r{epoch,   lr,    tot.loss / tot.batches, tot.gep / tot.batches, tot.prop / tot.batches,
                  v.total, v.gep, v.proportion,           v.proportion_ccc,      seconds_since(start),
                  0};
    r.samples_per_second = static_cast<double>(train.n()) / r.seconds;
    s.log.push_back(r);
    s.epochs_done = epoch;
    const double score = o.select_by_proportion ? v.proportion : v.total;
    bool best = std::isfinite(score) && score < s.best_loss;
    if (best) {
      s.best_loss = score;
      s.best_epoch = epoch;
      s.best_weights = net.save_weights();
    }
    if (o.progress) {
      log::info("train",
                "epoch {}/{}: train loss {:.4f} (GEP {:.4f}, prop {:.5f}) | val loss {:.4f} (GEP {:.4f}, prop "
                "{:.5f}) prop CCC {:.4f}{} | {:.0f} samples/s, ETA {}",
                epoch, o.epochs, r.train_loss, r.train_gep_loss, r.train_proportion_loss, r.val_loss, r.val_gep_loss,
                r.val_proportion_loss, r.val_proportion_ccc, best ? " *" : "", r.samples_per_second,
                format_duration(r.seconds * (o.epochs - epoch)));
    }
    if (!o.checkpoint_path.empty()) write_checkpoint(o, identity, s, net, opt);
  }
  if (s.best_weights.empty()) s.best_weights = net.save_weights();  // interrupted in the first epoch
  TrainResult result{Network(arch, o.seed, o.device), std::move(s.log), s.best_epoch, interrupted};
  result.best.load_weights(s.best_weights);
  return result;
}

}  // namespace blue::model

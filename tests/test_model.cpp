// Unit tests of src/model on small synthetic data: shapes, the upsampling equivalence, the model file,
// determinism and the training loop.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "model/model_file.h"
#include "model/network.h"
#include "model/pipeline.h"
#include "model/runtime.h"
#include "model/trainer.h"
#include "simulate/normalize.h"
#include "util/error.h"
#include "util/output.h"
#include "util/random.h"

namespace fs = std::filesystem;
using namespace blue;
using namespace blue::model;

namespace {

Architecture tiny_arch(int genes = 24, int types = 3) {
  Architecture a;
  a.genes = genes;
  a.types = types;
  a.projection = 32;
  a.base_channels = 2;
  return a;
}

MatrixF random_input(int n, int genes, std::uint64_t seed) {
  Rng rng(seed);
  MatrixF x(n, genes);
  for (int i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(8.0 * rng.uniform());
  return x;
}

// Synthetic mixtures with an exactly known answer: K fixed "cell type" profiles (normalised scale, each
// type high on its own block of genes), mixed with Dirichlet proportions in linear space, then log2(x+1).
TrainingSet synthetic_set(int n, int genes, int types, std::uint64_t seed) {
  Rng rng(seed);
  MatrixF profiles(types, genes);
  for (int k = 0; k < types; ++k)
    for (int g = 0; g < genes; ++g)
      profiles(k, g) = (g % types == k ? 2000.0f : 100.0f) * (1.0f + 0.5f * static_cast<float>(rng.uniform()));
  TrainingSet s;
  s.x.resize(n, genes);
  s.proportions.resize(n, types);
  s.gep.resize(n, types * genes);
  s.present = MatrixF::Ones(n, types);
  for (int i = 0; i < n; ++i) {
    auto p = dirichlet(rng, std::vector<double>(types, 1.0));
    for (int g = 0; g < genes; ++g) {
      double mix = 0;
      for (int k = 0; k < types; ++k) {
        double v = profiles(k, g) * (1.0 + 0.1 * rng.normal());
        mix += p[k] * v;
        s.gep(i, k * genes + g) = static_cast<float>(std::log2(std::max(v, 0.0) + 1.0));
      }
      s.x(i, g) = static_cast<float>(std::log2(mix + 1.0));
    }
    for (int k = 0; k < types; ++k) s.proportions(i, k) = static_cast<float>(p[k]);
  }
  return s;
}

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("blue_test_model_" + std::to_string(::getpid()) + "_" + name)).string();
}

}  // namespace

TEST(ModelNetwork, ForwardShapesAndSimplex) {
  set_torch_threads(1);
  Network net(tiny_arch(), 1);
  Prediction p = net.predict(random_input(5, 24, 2), 2);  // batches of 2, 2, 1
  ASSERT_EQ(p.proportions.rows(), 5);
  ASSERT_EQ(p.proportions.cols(), 3);
  ASSERT_EQ(p.gep.size(), 3u);
  for (const auto& g : p.gep) {
    ASSERT_EQ(g.rows(), 5);
    ASSERT_EQ(g.cols(), 24);
    EXPECT_GE(g.minCoeff(), 0.0f);  // ReLU head
  }
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(p.proportions.row(i).sum(), 1.0f, 1e-5);
  EXPECT_GT(p.proportions.minCoeff(), 0.0f);
}

TEST(ModelNetwork, DefaultArchitectureIsMethods) {
  Architecture a;
  a.genes = 2000;
  a.types = 9;
  EXPECT_EQ(a.projection, 4096);
  EXPECT_EQ(a.base_channels, 16);
  EXPECT_EQ(a.mlp_widths(), (std::vector<int>{4096, 4096, 1024, 256, 64}));
  Network net(a, 1);
  // Hand count: GEP projection and head, MLP (its projection first), U-Net convolutions and BatchNorms.
  std::int64_t mlp = 2000LL * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 1024 + 1024 + 1024 * 256 + 256 + 256 * 64 + 64 +
                     64 * 9 + 9;
  std::int64_t lin = (2000LL * 4096 + 4096) + 4096LL * 2000 + 2000;
  auto dc = [](std::int64_t i, std::int64_t o) { return 3 * i * o + 3 * o * o + 4 * o; };  // convs + 2 BN
  std::int64_t unet = dc(1, 16) + dc(16, 32) + dc(32, 64) + dc(64, 128) + dc(128, 256);
  auto up = [](std::int64_t i) { return i * (i / 2) * 2 + i / 2; };
  unet += up(256) + dc(256, 128) + up(128) + dc(128, 64) + up(64) + dc(64, 32) + up(32) + dc(32, 9);
  EXPECT_EQ(net.parameter_count(), mlp + lin + unet);
}

TEST(ModelNetwork, RejectsBadArchitecture) {
  Architecture a = tiny_arch();
  a.projection = 40;  // not a multiple of 16
  EXPECT_THROW(Network(a, 1), UsageError);
}

// The matmul upsampling holds the same parameters as ConvTranspose1d(k=2, s=2): weights saved from one
// network load into the other, and both give the same output.
TEST(ModelNetwork, MatmulUpsamplingEqualsConvTranspose) {
  Architecture a = tiny_arch(30, 4);
  a.base_channels = 3;
  a.native_upsample = true;
  Network native(a, 5);
  a.native_upsample = false;
  Network matmul(a, 6);
  MatrixF x = random_input(7, 30, 3);
  Prediction before = matmul.predict(x);
  matmul.load_weights(native.save_weights());
  Prediction pn = native.predict(x), pm = matmul.predict(x);
  double moved = 0;
  for (int k = 0; k < 4; ++k) {
    moved += (before.gep[k] - pm.gep[k]).cwiseAbs().maxCoeff();
    for (int i = 0; i < pn.gep[k].size(); ++i) ASSERT_NEAR(pn.gep[k].data()[i], pm.gep[k].data()[i], 1e-5);
  }
  EXPECT_GT(moved, 1e-3);  // the weights really were replaced
  for (int i = 0; i < pn.proportions.size(); ++i) ASSERT_NEAR(pn.proportions.data()[i], pm.proportions.data()[i], 1e-6);
}

TEST(ModelNetwork, StandardisedInputUsesTheTrainingStatistics) {
  Architecture a = tiny_arch();
  a.input_scaling = "gene";
  MatrixF train = random_input(50, 24, 21);
  train.col(5).setConstant(3.0f);  // a constant gene: sd 0 must not divide by zero
  Network standardised(a, 3), unset(a, 3);
  standardised.set_input_statistics(train);
  MatrixF x = random_input(4, 24, 22);
  Prediction p = standardised.predict(x), q = unset.predict(x);
  for (int i = 0; i < p.proportions.size(); ++i) ASSERT_TRUE(std::isfinite(p.proportions.data()[i]));
  EXPECT_GT((p.proportions - q.proportions).cwiseAbs().maxCoeff(), 1e-4);  // the statistics changed the input
  // Shifting the training inputs and the sample by the same amount per gene leaves the prediction unchanged.
  MatrixF shift = MatrixF::Constant(1, 24, 0.0f);
  for (int g = 0; g < 24; ++g) shift(0, g) = 0.25f * static_cast<float>(g);
  Network shifted(a, 3);
  shifted.set_input_statistics(train.rowwise() + shift.row(0));
  Prediction r = shifted.predict(x.rowwise() + shift.row(0));
  for (int i = 0; i < p.proportions.size(); ++i) ASSERT_NEAR(p.proportions.data()[i], r.proportions.data()[i], 1e-5);
  // Global scaling: an affine change of all values (same for every gene) leaves the prediction unchanged,
  // a gene-specific shift does not.
  a.input_scaling = "global";
  Network global(a, 3), global_affine(a, 3), global_shifted(a, 3);
  global.set_input_statistics(train);
  global_affine.set_input_statistics((train.array() * 2.0f + 1.0f).matrix());
  global_shifted.set_input_statistics(train.rowwise() + shift.row(0));
  Prediction g = global.predict(x), h = global_affine.predict((x.array() * 2.0f + 1.0f).matrix());
  Prediction k = global_shifted.predict(x.rowwise() + shift.row(0));
  for (int i = 0; i < g.proportions.size(); ++i) ASSERT_NEAR(g.proportions.data()[i], h.proportions.data()[i], 1e-5);
  EXPECT_GT((g.proportions - k.proportions).cwiseAbs().maxCoeff(), 1e-4);
}

TEST(ModelFile, SaveLoadRoundTripGivesIdenticalPredictions) {
  for (std::string scaling : {"none", "gene", "global"}) {
    SCOPED_TRACE("input scaling " + scaling);
    Architecture a = tiny_arch();
    a.input_scaling = scaling;
    Network net(a, 3);
    net.set_input_statistics(random_input(20, 24, 8));
    ModelInfo info;
    for (int g = 0; g < 24; ++g) info.genes.push_back("G" + std::to_string(g));
    info.cell_types = {"A", "B cell", "C/D"};
    info.meta["training"] = {{"epochs", 1}};
    std::string path = temp_path("roundtrip.blue");
    {
      StagedOutputs out(true);
      save_model(out, path, info, net);
      out.commit();
    }
    LoadedModel m = load_model(path);
    fs::remove(path);
    EXPECT_EQ(m.info.genes, info.genes);
    EXPECT_EQ(m.info.cell_types, info.cell_types);
    EXPECT_EQ(m.info.meta.at("training").at("epochs"), 1);
    EXPECT_EQ(m.info.meta.at("blue_version"), BLUE_VERSION);
    MatrixF x = random_input(4, 24, 9);
    Prediction p = net.predict(x), q = m.network.predict(x);
    EXPECT_EQ(m.network.architecture().input_scaling, scaling);
    EXPECT_EQ(p.proportions, q.proportions);
    for (int k = 0; k < 3; ++k) EXPECT_EQ(p.gep[k], q.gep[k]);
  }
}

// The test-split metrics stored in the model: a perfect prediction scores 1, and GEP targets that are
// already log2(CPM + 1) are not normalised a second time (a bug of blue 0.1.0).
TEST(ModelTrain, TestSplitMetricsOfAPerfectPrediction) {
  TrainingSet set = synthetic_set(40, 24, 3, 11);
  std::vector<std::string> genes, types = {"A", "B", "C"};
  for (int g = 0; g < 24; ++g) genes.push_back("G" + std::to_string(g));
  Prediction perfect{set.proportions, {}};
  for (int k = 0; k < 3; ++k) perfect.gep.push_back(set.gep.middleCols(k * 24, 24));
  // The synthetic GEPs are log2(v + 1) of unnormalised values: normalise them as the simulator's are.
  for (auto& g : perfect.gep) {
    denormalize_profiles(g);
    normalize_profiles(g, "test");
  }
  for (int k = 0; k < 3; ++k) set.gep.middleCols(k * 24, 24) = perfect.gep[k];
  nlohmann::json j = evaluate_on_split(perfect, set, genes, types);
  for (const auto& m : j.at("proportions").at("metrics")) EXPECT_NEAR(m.at("ccc").get<double>(), 1.0, 1e-6);
  for (const auto& m : j.at("gep").at("metrics")) EXPECT_NEAR(m.at("ccc_mean_profile").get<double>(), 1.0, 1e-6);
  Prediction off = perfect;
  off.gep[1] = perfect.gep[2];  // another type's profiles
  j = evaluate_on_split(off, set, genes, types);
  EXPECT_LT(j.at("gep").at("metrics")[1].at("ccc_mean_profile").get<double>(), 0.99);
}

TEST(ModelFile, CorruptTruncatedAndForeignFilesAreInputErrors) {
  Container c;
  c.meta = {{"kind", "model"}};
  c.blobs["weights"] = std::string(100, 'w');
  std::string good = encode_container(c);
  EXPECT_EQ(decode_container(good, "x").blobs.at("weights"), c.blobs["weights"]);

  auto expect_error = [](const std::string& bytes, const std::string& needle) {
    try {
      decode_container(bytes, "m.blue");
      ADD_FAILURE() << "no error for " << needle;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  std::string flipped = good;
  flipped[40] ^= 0x01;
  expect_error(flipped, "checksum");
  expect_error(good.substr(0, good.size() - 7), "checksum");
  expect_error(good.substr(0, 10), "truncated");
  expect_error("hello world, not a model", "magic");
  std::string other_version = good;
  other_version[8] = 2;
  expect_error(other_version, "format version 2");

  std::string path = temp_path("missing.blue");
  EXPECT_THROW(load_model(path), InputError);
  std::ofstream(path, std::ios::binary) << good;  // valid container, but junk weights
  EXPECT_THROW(load_model(path), InputError);
  fs::remove(path);
}

TEST(ModelTrain, LossFallsAndProportionsAreLearnt) {
  set_torch_threads(2);
  TrainingSet train = synthetic_set(256, 24, 3, 1), val = synthetic_set(128, 24, 3, 2);
  TrainOptions o;
  o.epochs = 8;
  o.batch_size = 32;
  o.learning_rate = 3e-3;
  o.progress = false;
  Architecture a = tiny_arch();
  TrainResult r = train_network(a, train, val, o, {});
  ASSERT_EQ(r.log.size(), 8u);
  EXPECT_LT(r.log.back().train_loss, 0.5 * r.log.front().train_loss);
  EXPECT_LT(r.log.back().val_loss, r.log.front().val_loss);
  Losses v = evaluate_losses(r.best, val, o.proportion_weight);
  EXPECT_NEAR(v.total, r.log[r.best_epoch - 1].val_loss, 1e-4 * v.total);  // best weights were kept
  EXPECT_GT(v.proportion_ccc, 0.9);
}

TEST(ModelTrain, SameSeedSameThreadsGiveIdenticalWeights) {
  set_torch_threads(2);
  TrainingSet train = synthetic_set(96, 24, 3, 3), val = synthetic_set(32, 24, 3, 4);
  TrainOptions o;
  o.epochs = 2;
  o.batch_size = 16;
  o.progress = false;
  std::string w1 = train_network(tiny_arch(), train, val, o, {}).best.save_weights();
  std::string w2 = train_network(tiny_arch(), train, val, o, {}).best.save_weights();
  EXPECT_EQ(w1, w2);
  o.seed += 1;
  EXPECT_NE(w1, train_network(tiny_arch(), train, val, o, {}).best.save_weights());
}

TEST(ModelTrain, ResumeContinuesFromTheCheckpoint) {
  set_torch_threads(1);
  TrainingSet train = synthetic_set(64, 24, 3, 5), val = synthetic_set(32, 24, 3, 6);
  TrainOptions o;
  o.batch_size = 16;
  o.progress = false;
  o.checkpoint_path = temp_path("resume.ckpt");
  nlohmann::json id = {{"data", 1}};
  o.epochs = 4;
  TrainResult straight = train_network(tiny_arch(), train, val, o, id);
  fs::remove(o.checkpoint_path);
  o.epochs = 2;
  train_network(tiny_arch(), train, val, o, id);
  o.epochs = 4;
  o.resume = true;
  TrainResult resumed = train_network(tiny_arch(), train, val, o, id);
  ASSERT_EQ(resumed.log.size(), 4u);
  for (int e = 0; e < 4; ++e) EXPECT_NEAR(resumed.log[e].val_loss, straight.log[e].val_loss, 1e-9);
  EXPECT_EQ(resumed.best.save_weights(), straight.best.save_weights());
  EXPECT_THROW(train_network(tiny_arch(), train, val, o, {{"data", 2}}), UsageError);
  fs::remove(o.checkpoint_path);
}

TEST(ModelTrain, NanInputIsAComputeError) {
  set_torch_threads(1);
  TrainingSet train = synthetic_set(32, 24, 3, 7), val = synthetic_set(16, 24, 3, 8);
  train.x(3, 5) = NAN;
  TrainOptions o;
  o.epochs = 1;
  o.batch_size = 64;
  o.progress = false;
  EXPECT_THROW(train_network(tiny_arch(), train, val, o, {}), ComputeError);
}

namespace {

// n samples x G genes, K GEPs per sample, deterministic counts normalised to log2(CPM + 1).
model::TrainingSet augmentation_set(int n, int types, int genes) {
  model::TrainingSet s;
  s.x.resize(n, genes);
  s.gep.resize(n, types * genes);
  s.proportions = MatrixF::Constant(n, types, 1.0f / static_cast<float>(types));
  s.present = MatrixF::Ones(n, types);
  for (int i = 0; i < n; ++i) {
    for (int g = 0; g < genes; ++g) {
      s.x(i, g) = static_cast<float>(1 + (g * 7 + i * 3) % 11);
      for (int k = 0; k < types; ++k) s.gep(i, k * genes + g) = static_cast<float>(1 + (g * 5 + k * 13 + i) % 17);
    }
  }
  normalize_profiles(s.x, "test");
  for (int k = 0; k < types; ++k) {
    MatrixF block = s.gep.middleCols(k * genes, genes);
    normalize_profiles(block, "test");
    s.gep.middleCols(k * genes, genes) = block;
  }
  return s;
}

Eigen::ArrayXXd linear(const MatrixF& log2_cpm) {
  return (log2_cpm.cast<double>().array() * std::log(2.0)).exp() - 1.0;
}

class Augmentation : public ::testing::Test {
 protected:
  static constexpr int n = 8, K = 2, G = 400;
  const model::TrainingSet s = augmentation_set(n, K, G);
  model::TrainOptions o;  // augmentation off until a test turns it on
};

}  // namespace

// Platform noise multiplies each sample's genes by one log-normal factor, the same for the bulk and its
// GEPs, and keeps every profile in CPM; the draws depend only on (seed, epoch, batch).
TEST_F(Augmentation, PlatformNoiseScalesBulkAndGepsByTheSameGeneFactors) {
  o.platform_noise = 0.5;
  const model::TrainingSet a = model::augmented(s, K, o, 3, 7);
  EXPECT_EQ(a.proportions, s.proportions);
  const Eigen::ArrayXXd bulk = linear(a.x) / linear(s.x);
  std::vector<double> centred;
  for (int i = 0; i < n; ++i) {
    EXPECT_NEAR(linear(a.x.row(i)).sum(), 1e6, 1.0);
    const Eigen::ArrayXd log_factor = bulk.row(i).log().transpose();
    for (int g = 0; g < G; ++g) centred.push_back(log_factor[g] - log_factor.mean());
    for (int k = 0; k < K; ++k) {
      const MatrixF before = s.gep.block(i, k * G, 1, G), after = a.gep.block(i, k * G, 1, G);
      EXPECT_NEAR(linear(after).sum(), 1e6, 1.0);
      // Same factor up to the renormalisation constant of each profile.
      const Eigen::ArrayXd ratio = (linear(after) / linear(before)).row(0).transpose() / bulk.row(i).transpose();
      EXPECT_LT((ratio / ratio.mean() - 1.0).abs().maxCoeff(), 1e-3) << "sample " << i << " type " << k;
    }
  }
  double var = 0;
  for (double c : centred) var += c * c;
  EXPECT_NEAR(std::sqrt(var / static_cast<double>(centred.size())), 0.5, 0.03);  // sigma of the factors
  EXPECT_EQ(model::augmented(s, K, o, 3, 7).x, a.x);                             // reproducible
  EXPECT_NE(model::augmented(s, K, o, 3, 8).x, a.x);                             // another batch, other draws
  o.platform_noise = 0;
  EXPECT_EQ(model::augmented(s, K, o, 3, 7).x, s.x);  // off: untouched
}

// Depth resampling turns each bulk into Poisson counts at 1/10 to 10x the asked depth, as CPM; the GEP
// targets stay exact.
TEST_F(Augmentation, DepthResamplingGivesCountsAtAboutTheAskedDepth) {
  o.depth = 5000;
  const model::TrainingSet a = model::augmented(s, K, o, 1, 0);
  EXPECT_EQ(a.gep, s.gep);
  for (int i = 0; i < n; ++i) {
    const Eigen::ArrayXd v = linear(a.x.row(i)).row(0).transpose();
    EXPECT_NEAR(v.sum(), 1e6, 1.0);
    // The CPM of one read: the smallest value divided by the smallest m that makes every value a whole
    // multiple of it (the rarest gene may have drawn more than one read).
    const double smallest = (v > 0).select(v, 1e9).minCoeff();
    double unit = 0;
    for (int m = 1; m <= 10 && unit == 0; ++m) {
      const Eigen::ArrayXd reads = v / (smallest / m);
      if (((reads - reads.round()).abs() < 1e-2).all()) unit = smallest / m;
    }
    ASSERT_GT(unit, 0) << "sample " << i << " is not made of whole reads";
    EXPECT_GT(1e6 / unit, 5000 / 10 * 0.8);
    EXPECT_LT(1e6 / unit, 5000 * 10 * 1.2);
  }
}

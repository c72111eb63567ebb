// Reliability of whole runs through the real `blue` (docs/reliability.md "Reliability"):
// - determinism: simulate, train (a tiny network) and deconvolve, run twice with the same seed and thread
//   count into two directories, write the same bytes. Only fields that measure the run itself differ: wall
//   and CPU seconds, peak memory, finish time, the command line (it names the output directory) and each
//   epoch's seconds and samples per second in the training log (kept in the provenance, not in the model
//   file, so model.blue is byte-identical). Checkpoints hold Adam's state, which LibTorch serialises keyed by
//   memory addresses: they are compared blob by blob (weights byte for byte), metadata without timings;
// - interrupted training: Ctrl-C (SIGINT) in the middle of epoch 2, then the same command with --resume,
//   gives the same weights, byte for byte, as an uninterrupted run with the same seed.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "cli_run.h"
#include "io_test_util.h"
#include "model/model_file.h"
#include "sim_cli.h"

extern char** environ;

using blue::sim_test::slurp;
using blue::test::blue_run;
using blue::test::RunResult;
using blue::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kReference = std::string(BLUE_SOURCE_DIR) + "/examples/pbmc3k_example.h5ad";
const std::string kBulk = std::string(BLUE_SOURCE_DIR) + "/examples/finotello_bulk.tsv.gz";

// A tiny network on the pbmc3k example (2154 marker genes, 9 types): 740 training samples of which 540
// dominated by one type, 280 validation samples, epochs of ~0.4 s on one thread. One torch thread: two
// threads are deterministic too (ModelTrain.SameSeedSameThreadsGiveIdenticalWeights) but spin badly when
// the machine's cores are busy.
std::vector<std::string> train_args(const std::string& out, int epochs) {
  return {"train",           "--quiet",   "-r",           kReference,
          "--label-key",     "cell_type", "--projection", "16",
          "--base-channels", "1",         "--samples",    "200",
          "--val-samples",   "10",        "--epochs",     std::to_string(epochs),
          "--batch-size",    "16",        "--threads",    "1",
          "--out",           out};
}

std::string joined(const std::vector<std::string>& args) {
  std::string s;
  for (const auto& a : args) s += " '" + a + "'";
  return s;
}

// Fields that measure the run, not its result (see the file comment).
const std::set<std::string> kVolatile = {"seconds",      "samples_per_second", "wall_seconds", "cpu_seconds",
                                         "peak_rss_mib", "finished_utc",       "command_line"};

// JSON flattened to "/pointer" -> value, without the volatile fields, with `dir` replaced by "<run>" in text.
std::map<std::string, nlohmann::json> comparable(const nlohmann::json& j, const std::string& dir,
                                                 const std::set<std::string>& also_ignore = {}) {
  std::map<std::string, nlohmann::json> out;
  const nlohmann::json flat = j.flatten();  // kept alive: items() refers to it
  for (const auto& [pointer, value] : flat.items()) {
    const std::string last = pointer.substr(pointer.rfind('/') + 1);
    if (kVolatile.count(last) || also_ignore.count(pointer)) continue;
    nlohmann::json v = value;
    if (v.is_string()) {
      std::string s = v.get<std::string>();
      for (auto at = s.find(dir); at != std::string::npos; at = s.find(dir)) s.replace(at, dir.size(), "<run>");
      v = s;
    }
    out[pointer] = v;
  }
  return out;
}

void expect_same_json(const nlohmann::json& a, const std::string& dir_a, const nlohmann::json& b,
                      const std::string& dir_b, const std::string& what,
                      const std::set<std::string>& also_ignore = {}) {
  const auto ca = comparable(a, dir_a, also_ignore), cb = comparable(b, dir_b, also_ignore);
  EXPECT_GT(ca.size(), 5u) << what;
  for (const auto& [pointer, value] : ca) {
    auto other = cb.find(pointer);
    EXPECT_TRUE(other != cb.end() && other->second == value)
        << what << pointer << ": " << value.dump() << " vs " << (other == cb.end() ? "absent" : other->second.dump());
  }
  EXPECT_EQ(ca.size(), cb.size()) << what;
}

// Model files and checkpoints: every blob byte for byte except the optimizer state, whose bytes name each
// parameter's state by its tensor's memory address (LibTorch's Adam serialisation; restored by position, see
// the resume test), and the metadata without the volatile fields.
void expect_same_container(const std::string& a, const std::string& dir_a, const std::string& b,
                           const std::string& dir_b) {
  const auto ca = blue::model::read_container(a), cb = blue::model::read_container(b);
  ASSERT_EQ(ca.blobs.size(), cb.blobs.size()) << a;
  for (const auto& [name, bytes] : ca.blobs) {
    ASSERT_TRUE(cb.blobs.count(name)) << b << " has no blob " << name;
    if (name != "optimizer") EXPECT_TRUE(bytes == cb.blobs.at(name)) << a << ": blob '" << name << "' differs";
  }
  expect_same_json(ca.meta, dir_a, cb.meta, dir_b, a);
}

std::vector<std::string> files_under(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(fs::relative(e.path(), dir).string());
  std::sort(files.begin(), files.end());
  return files;
}

// simulate -> train -> deconvolve into `dir`.
void pipeline(const std::string& dir, const std::string& seed) {
  RunResult r = blue_run("simulate --quiet -r '" + kReference +
                         "' --label-key cell_type -n 40 --cells 100 --split test "
                         "--threads 2 --seed " +
                         seed + " --out " + dir + "/sim.h5ad");
  ASSERT_EQ(r.code, 0) << r.output;
  auto train = train_args(dir + "/model.blue", 2);
  train.insert(train.end(), {"--seed", seed});
  r = blue_run(joined(train));
  ASSERT_EQ(r.code, 0) << r.output;
  r = blue_run("deconvolve --quiet --threads 1 -m " + dir + "/model.blue -b '" + kBulk + "' --out " + dir + "/dec");
  ASSERT_EQ(r.code, 0) << r.output;
}

// Starts `blue args...` with stdout and stderr into `log`; returns its pid.
pid_t spawn_blue(const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> argv_s{BLUE_EXE};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, BLUE_EXE, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

}  // namespace

TEST(Reliability, SameSeedAndThreadsGiveIdenticalOutputs) {
  TempDir tmp;
  const std::string a = tmp.file("a"), b = tmp.file("b");
  fs::create_directories(a);
  fs::create_directories(b);
  pipeline(a, "42");
  pipeline(b, "42");
  if (HasFatalFailure()) return;
  const auto files = files_under(a);
  ASSERT_EQ(files, files_under(b));
  // sim.h5ad, its provenance, model.blue (+ .ckpt, provenance), dec/ proportions.tsv, rna_fractions.tsv,
  // diagnostics.tsv, unexplained_genes.tsv, gep.h5ad, provenance.json and one gep/<type>.tsv per type.
  ASSERT_EQ(files.size(), 5u + 6u + 9u);
  for (const auto& f : files) {
    const std::string fa = a + "/" + f, fb = b + "/" + f;
    if (f.size() > 5 && f.substr(f.size() - 5) == ".json") {
      expect_same_json(nlohmann::json::parse(slurp(fa)), a, nlohmann::json::parse(slurp(fb)), b, f);
    } else if (f == "model.blue.ckpt") {
      expect_same_container(fa, a, fb, b);
    } else {
      EXPECT_TRUE(slurp(fa) == slurp(fb)) << f << " differs between two runs with the same seed";
    }
  }
  // The comparison can fail: another seed gives other pseudobulk.
  RunResult r = blue_run("simulate --quiet -r '" + kReference +
                         "' --label-key cell_type -n 40 --cells 100 --split test "
                         "--threads 2 --seed 43 --out " +
                         tmp.file("sim43.h5ad"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_FALSE(slurp(tmp.file("sim43.h5ad")) == slurp(a + "/sim.h5ad"));
}

TEST(Reliability, InterruptedTrainingResumesToTheSameWeights) {
  TempDir tmp;
  fs::create_directories(tmp.file("straight"));
  fs::create_directories(tmp.file("stopped"));
  constexpr int kEpochs = 4;
  RunResult straight = blue_run(joined(train_args(tmp.file("straight/model.blue"), kEpochs)));
  ASSERT_EQ(straight.code, 0) << straight.output;

  // Ctrl-C once epoch 1's checkpoint is there: 100 ms into epoch 2 (of ~400 ms).
  const std::string model = tmp.file("stopped/model.blue");
  const pid_t pid = spawn_blue(train_args(model, kEpochs), tmp.file("stopped.log"));
  ASSERT_GT(pid, 0);
  int status = 0;
  bool exited = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!fs::exists(model + ".ckpt") && !exited && std::chrono::steady_clock::now() < deadline) {
    exited = ::waitpid(pid, &status, WNOHANG) == pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (!exited) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ::kill(pid, SIGINT);
    ::waitpid(pid, &status, 0);
  }
  const std::string log = slurp(tmp.file("stopped.log"));
  ASSERT_FALSE(exited) << "training ended before the first checkpoint appeared:\n" << log;
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status << "\n" << log;
  EXPECT_NE(log.find("interrupted during epoch"), std::string::npos) << log;
  const auto stopped = blue::model::read_container(model);
  EXPECT_EQ(stopped.meta.at("interrupted"), true);
  const int done = blue::model::read_container(model + ".ckpt").meta.at("epochs_done");
  EXPECT_GE(done, 1);
  EXPECT_LT(done, kEpochs) << "SIGINT came too late to interrupt training:\n" << log;
  EXPECT_EQ(stopped.meta.at("training_log").size(), static_cast<std::size_t>(done));
  // The comparison below can fail: the model kept at the interruption is not the final one.
  EXPECT_FALSE(stopped.blobs.at("weights") ==
               blue::model::read_container(tmp.file("straight/model.blue")).blobs.at("weights"));

  auto resume = train_args(model, kEpochs);
  resume.erase(std::find(resume.begin(), resume.end(), "--quiet"));  // to see "resuming from"
  resume.push_back("--resume");
  RunResult resumed = blue_run(joined(resume));
  ASSERT_EQ(resumed.code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resuming from"), std::string::npos) << resumed.output;
  // Same final weights and checkpoint weights, byte for byte; same losses at every epoch and best epoch.
  expect_same_container(model, tmp.file("stopped"), tmp.file("straight/model.blue"), tmp.file("straight"));
  expect_same_container(model + ".ckpt", tmp.file("stopped"), tmp.file("straight/model.blue.ckpt"),
                        tmp.file("straight"));
  EXPECT_EQ(blue::model::read_container(model).meta.at("training_log").size(), static_cast<std::size_t>(kEpochs));
}

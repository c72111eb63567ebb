// The model file container (torch-free: weights are opaque bytes here).
#include "model/model_file.h"

#include <fmt/format.h>

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <fstream>
#include <sstream>

#include "io/text_reader.h"
#include "util/error.h"
#include "util/output.h"

namespace blue::model {
namespace {

constexpr char kMagic[8] = {'\x89', 'B', 'L', 'U', 'E', 'M', 'D', 'L'};

template <typename T>
void put(std::string& s, T v) {
  for (std::size_t i = 0; i < sizeof(T); ++i)
    s.push_back(static_cast<char>((static_cast<std::uint64_t>(v) >> (8 * i)) & 0xff));
}

std::uint32_t crc_of(const char* data, std::size_t n) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (n > 0) {
    uInt chunk = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data), chunk);
    data += chunk;
    n -= chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

// Bounds-checked sequential reader over the file bytes.
class Reader {
 public:
  Reader(const std::string& bytes, std::size_t end, const std::string& path) : b_(bytes), end_(end), path_(path) {}
  template <typename T>
  T get(const char* what) {
    need(sizeof(T), what);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(b_[pos_ + i])) << (8 * i);
    pos_ += sizeof(T);
    return static_cast<T>(v);
  }
  std::string bytes(std::uint64_t n, const char* what) {
    need(n, what);
    std::string s = b_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::size_t pos() const { return pos_; }

 private:
  void need(std::uint64_t n, const char* what) {
    if (n > end_ - pos_) {
      throw InputError("model file '" + path_ + "' is truncated or corrupt (" + what + " runs past the end); " +
                       "train it again or copy it again");
    }
  }
  const std::string& b_;
  std::size_t end_;
  const std::string& path_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string encode_container(const Container& c) {
  std::string s(kMagic, sizeof kMagic);
  put<std::uint32_t>(s, kModelFormatVersion);
  std::string meta = c.meta.dump();
  put<std::uint64_t>(s, meta.size());
  s += meta;
  put<std::uint32_t>(s, static_cast<std::uint32_t>(c.blobs.size()));
  for (const auto& [name, data] : c.blobs) {
    put<std::uint32_t>(s, static_cast<std::uint32_t>(name.size()));
    s += name;
    put<std::uint64_t>(s, data.size());
    s += data;
  }
  put<std::uint32_t>(s, crc_of(s.data(), s.size()));
  return s;
}

Container decode_container(const std::string& bytes, const std::string& path) {
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    throw InputError("'" + path + "' is not a blue model file (wrong magic bytes); give the model.blue " +
                     "written by 'blue train'");
  }
  if (bytes.size() < sizeof kMagic + 4 + 4) throw InputError("model file '" + path + "' is truncated");
  Reader r(bytes, bytes.size() - 4, path);
  r.bytes(sizeof kMagic, "magic");
  auto version = r.get<std::uint32_t>("format version");
  if (version != kModelFormatVersion) {
    throw InputError("model file '" + path + "' has format version " + std::to_string(version) +
                     ", this blue reads version " + std::to_string(kModelFormatVersion) +
                     "; train the model again with this blue");
  }
  Reader tail(bytes, bytes.size(), path);
  tail.bytes(bytes.size() - 4, "body");
  std::uint32_t stored = tail.get<std::uint32_t>("checksum");
  if (stored != crc_of(bytes.data(), bytes.size() - 4)) {
    throw InputError("model file '" + path + "' is corrupt or truncated (checksum mismatch); train it again or " +
                     "copy it again");
  }
  Container c;
  std::string meta = r.bytes(r.get<std::uint64_t>("metadata length"), "metadata");
  try {
    c.meta = nlohmann::json::parse(meta);
  } catch (const nlohmann::json::exception& e) {
    throw InputError("model file '" + path + "': metadata is not valid JSON (" + e.what() + ")");
  }
  auto n = r.get<std::uint32_t>("blob count");
  for (std::uint32_t i = 0; i < n; ++i) {
    std::string name = r.bytes(r.get<std::uint32_t>("blob name length"), "blob name");
    c.blobs[name] = r.bytes(r.get<std::uint64_t>("blob length"), "blob");
  }
  return c;
}

void write_container(StagedOutputs& out, const std::string& path, const Container& c) {
  std::string temp = out.stage(path);
  std::ofstream f(temp, std::ios::binary);
  std::string bytes = encode_container(c);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) throw OutputError("cannot write '" + temp + "' (disk full or no permission?)");
}

Container read_container(const std::string& path) {
  require_readable_file(path, "model");  // missing file, or a directory given where model.blue is expected
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError("cannot open model file '" + path + "'; check the path given to --model");
  std::ostringstream ss;
  ss << f.rdbuf();
  return decode_container(ss.str(), path);
}

void save_model(StagedOutputs& out, const std::string& path, const ModelInfo& info, const Network& net,
                const std::vector<const Network*>& more) {
  Container c;
  c.meta = info.meta;
  c.meta["kind"] = "model";
  c.meta["blue_version"] = BLUE_VERSION;
  c.meta["genes"] = info.genes;
  c.meta["cell_types"] = info.cell_types;
  c.meta["architecture"] = net.architecture().to_json();
  c.meta["normalisation"] = "panel genes, CPM over the panel (sum 1e6), log2(x + 1) (METHOD 2.3)";
  c.blobs = info.blobs;
  c.blobs["weights"] = net.save_weights();
  c.meta["ensemble_members"] = 1 + more.size();
  for (std::size_t i = 0; i < more.size(); ++i) c.blobs["weights." + std::to_string(i + 1)] = more[i]->save_weights();
  write_container(out, path, c);
}

namespace {

// The first `most` members of the model file (all when it holds fewer).
std::vector<LoadedModel> load_members(const std::string& path, const std::string& device, std::size_t most) {
  Container c = read_container(path);
  if (c.meta.value("kind", "") != "model" || !c.blobs.count("weights")) {
    throw InputError("'" + path + "' is a blue " + c.meta.value("kind", std::string("?")) +
                     " file, not a trained model; give the model.blue written by 'blue train'");
  }
  ModelInfo info;
  try {
    info.genes = c.meta.at("genes").get<std::vector<std::string>>();
    info.cell_types = c.meta.at("cell_types").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError("model file '" + path + "': metadata lacks genes or cell types (" + e.what() + ")");
  }
  Architecture arch = Architecture::from_json(c.meta.at("architecture"));
  if (arch.genes != static_cast<int>(info.genes.size()) || arch.types != static_cast<int>(info.cell_types.size())) {
    throw InputError("model file '" + path + "': the architecture does not match its gene/cell-type lists");
  }
  const std::size_t members = c.meta.value("ensemble_members", 1);
  std::vector<std::string> weights;
  for (std::size_t i = 0; i < std::min(members, most); ++i) {
    const std::string name = i == 0 ? "weights" : "weights." + std::to_string(i);
    auto it = c.blobs.find(name);
    if (it == c.blobs.end())
      throw InputError(fmt::format("model file '{}': ensemble member {} of {} has no weights; train it again", path,
                                   i + 1, members));
    weights.push_back(std::move(it->second));
    c.blobs.erase(it);
  }
  info.meta = std::move(c.meta);
  info.blobs = std::move(c.blobs);
  std::vector<LoadedModel> out;
  for (const auto& w : weights) {
    Network net(arch, 0, device);
    net.load_weights(w);
    out.push_back({info, std::move(net)});
  }
  return out;
}

}  // namespace

std::vector<LoadedModel> load_model_members(const std::string& path, const std::string& device) {
  return load_members(path, device, std::numeric_limits<std::size_t>::max());
}

LoadedModel load_model(const std::string& path, const std::string& device) {
  return std::move(load_members(path, device, 1).front());
}

}  // namespace blue::model

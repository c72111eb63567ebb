// The model file (model.blue) and training checkpoints: one binary container holding JSON metadata and
// named binary blobs (torch weights, optimizer state), protected by a checksum.
//
// Layout (little-endian):
//   8 bytes  magic "\x89BLUEMDL"
//   u32      format version (kModelFormatVersion)
//   u64      metadata length, then that many bytes of UTF-8 JSON
//   u32      number of blobs; per blob: u32 name length, name, u64 length, bytes
//   u32      CRC-32 (zlib) of every byte before it
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/network.h"

namespace blue {
class StagedOutputs;
}

namespace blue::model {

inline constexpr std::uint32_t kModelFormatVersion = 1;

struct Container {
  nlohmann::json meta;                       // "kind": "model" | "checkpoint", and the rest
  std::map<std::string, std::string> blobs;  // name -> bytes
};

std::string encode_container(const Container& c);
// InputError (naming `path`) on a wrong magic, another format version, truncation or a checksum mismatch.
Container decode_container(const std::string& bytes, const std::string& path);

// Whole-file helpers. write_container stages `path` in `out` (atomic at commit).
void write_container(StagedOutputs& out, const std::string& path, const Container& c);
Container read_container(const std::string& path);

// A trained model: the network plus everything needed to use it.
struct ModelInfo {
  std::vector<std::string> genes;            // the panel, input order
  std::vector<std::string> cell_types;       // output order
  nlohmann::json meta;                       // normalisation, training options, reference, log, versions...
  std::map<std::string, std::string> blobs;  // binary records besides the weights (e.g. "transcriptome_profiles")
};

struct LoadedModel {
  ModelInfo info;
  Network network;
};

// meta gets "kind", "blue_version", "genes", "cell_types", "architecture" and "normalisation" filled in.
// `more`: further members of an ensemble (`blue train --ensemble N`), the same architecture, stored as
// blobs "weights.1", "weights.2", ... with meta "ensemble_members" = their total count.
void save_model(StagedOutputs& out, const std::string& path, const ModelInfo& info, const Network& net,
                const std::vector<const Network*>& more = {});
// The first member (all there is for a single model).
LoadedModel load_model(const std::string& path, const std::string& device = "cpu");
// Every member of the model file, in order (one for a single model); each carries the same info.
std::vector<LoadedModel> load_model_members(const std::string& path, const std::string& device = "cpu");

}  // namespace blue::model

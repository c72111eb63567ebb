// The provenance JSON written beside every result: command line, versions, seed, threads, input
// checksums, parameters, wall and CPU time, peak memory.
#pragma once
#include <nlohmann/json.hpp>

#include <string>

namespace blue {

class Provenance {
 public:
  explicit Provenance(std::string subcommand);

  // Captured once by main() and shared by every Provenance.
  static void set_command_line(int argc, char** argv);
  static const std::string& command_line();

  // Records an input file (or every file of an input directory) with its size and CRC-32.
  void add_input(const std::string& role, const std::string& path);
  // Records a parameter or a result summary under `key`.
  void set(const std::string& key, nlohmann::json value) { extra_[key] = std::move(value); }

  nlohmann::json to_json() const;

 private:
  std::string subcommand_;
  nlohmann::json inputs_ = nlohmann::json::object();
  nlohmann::json extra_ = nlohmann::json::object();
};

// CRC-32 of a file's bytes as 8 hex digits (zlib's crc32).
std::string file_crc32(const std::string& path);

// Resource use of this process so far.
struct ResourceUsage {
  double wall_seconds;
  double cpu_seconds;
  double peak_rss_mib;
};
ResourceUsage resource_usage();

}  // namespace blue

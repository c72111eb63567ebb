#include "util/provenance.h"

#include <sys/resource.h>
#include <zlib.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <vector>

#include "util/error.h"
#include "util/log.h"
#include "util/parallel.h"

namespace fs = std::filesystem;

namespace blue {
namespace {

std::string g_command_line;
const auto g_start = std::chrono::steady_clock::now();

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace

Provenance::Provenance(std::string subcommand) : subcommand_(std::move(subcommand)) {}

void Provenance::set_command_line(int argc, char** argv) {
  g_command_line.clear();
  for (int i = 0; i < argc; ++i) {
    if (i) g_command_line += ' ';
    g_command_line += argv[i];
  }
}

const std::string& Provenance::command_line() { return g_command_line; }

std::string file_crc32(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open '" + path + "' to checksum it");
  std::vector<char> buf(1 << 20);
  uLong crc = crc32(0L, Z_NULL, 0);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(buf.data()), static_cast<uInt>(in.gcount()));
  }
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08lx", crc);
  return hex;
}

void Provenance::add_input(const std::string& role, const std::string& path) {
  auto describe = [](const fs::path& p) {
    return nlohmann::json{{"path", p.string()}, {"bytes", fs::file_size(p)}, {"crc32", file_crc32(p)}};
  };
  if (fs::is_directory(path)) {
    nlohmann::json files = nlohmann::json::array();
    std::vector<fs::path> entries;
    for (const auto& e : fs::directory_iterator(path))
      if (e.is_regular_file()) entries.push_back(e.path());
    std::sort(entries.begin(), entries.end());
    for (const auto& e : entries) files.push_back(describe(e));
    inputs_[role] = {{"path", path}, {"files", files}};
  } else if (fs::is_regular_file(path)) {
    inputs_[role] = describe(path);
  } else {
    inputs_[role] = {{"path", path}};
  }
}

ResourceUsage resource_usage() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - g_start).count();
  return {wall, cpu, ru.ru_maxrss / 1024.0};
}

nlohmann::json Provenance::to_json() const {
  ResourceUsage ru = resource_usage();
  nlohmann::json j;
  j["tool"] = "blue";
  j["version"] = BLUE_VERSION;
  j["subcommand"] = subcommand_;
  j["command_line"] = g_command_line;
  j["finished_utc"] = utc_now();
  j["threads"] = threads();
  j["inputs"] = inputs_;
  j["warnings"] = log::warning_count();
  j["wall_seconds"] = ru.wall_seconds;
  j["cpu_seconds"] = ru.cpu_seconds;
  j["peak_rss_mib"] = ru.peak_rss_mib;
  for (const auto& [k, v] : extra_.items()) j[k] = v;
  return j;
}

}  // namespace blue

// Shared by the libFuzzer targets: writes the fuzzer's bytes to a per-process temporary file (the readers
// take paths), silences logging, and runs a reader treating blue's typed errors as the expected outcome.
// Anything else (another exception, a crash, a sanitizer report) is a finding.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "util/error.h"
#include "util/log.h"

namespace blue::fuzz {

// A path under $TMPDIR (or /tmp) unique to this process, ending in `suffix`.
inline std::string temp_path(const std::string& stem_and_suffix) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/blue_fuzz_" + std::to_string(getpid()) + "_" + stem_and_suffix;
}

inline void write_file(const std::string& path, const std::uint8_t* data, std::size_t size) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (size) std::fwrite(data, 1, size, f);
  std::fclose(f);
}

// Runs `read` (a callable taking no arguments); blue::Error is the documented rejection of a bad file.
template <typename F>
void run_reader(F&& read) {
  static const bool quiet = [] {
    log::set_verbosity(log::Verbosity::kQuiet);
    spdlog::set_level(spdlog::level::off);
    return true;
  }();
  (void)quiet;
  try {
    read();
  } catch (const blue::Error&) {
  }
}

}  // namespace blue::fuzz

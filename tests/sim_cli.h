// Running the built `blue` from the simulate/markers CLI tests: exit code and stderr, in a scratch folder.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "io_test_util.h"
#include "util/error.h"

namespace blue::sim_test {

struct CliResult {
  int code = -1;
  std::string err;
};

// A fresh scratch directory, removed when the object goes away.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string operator/(const std::string& file) const { return (path_ / file).string(); }

 private:
  std::filesystem::path path_;
};

using blue::test::slurp;

// Runs `blue <args>` (args already shell-quoted), stderr captured into `err_file`.
inline CliResult run_blue(const std::string& args, const std::string& err_file) {
  const std::string cmd = std::string(BLUE_EXE) + " " + args + " 2> '" + err_file + "'";
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = slurp(err_file);
  return r;
}

inline std::string quote(const std::string& s) { return "'" + s + "'"; }

// Writes `text` to `dir`/`name` and returns the path.
inline std::string write_file(const ScratchDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir / name;
  std::ofstream(path) << text;
  return path;
}

// The message of the InputError that `read(path)` throws for a file holding `text`, or "no error".
template <typename Reader>
std::string input_error_for(const ScratchDir& dir, const std::string& text, Reader read) {
  try {
    read(write_file(dir, "bad_input.tsv", text));
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

inline std::string shared(const std::string& rel) { return std::string(BLUE_SHARED_DATA) + "/" + rel; }

}  // namespace blue::sim_test

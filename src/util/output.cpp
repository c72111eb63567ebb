#include "util/output.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "util/error.h"

namespace fs = std::filesystem;

namespace blue {

TempFolder::TempFolder(const std::string& prefix, const std::string& purpose) {
  std::error_code ec;
  const fs::path base = fs::temp_directory_path(ec);
  std::string pattern = ((ec ? fs::path("/tmp") : base) / (prefix + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data()))
    throw OutputError("cannot create a temporary folder in " + fs::path(pattern).parent_path().string() + " " +
                      purpose + " (set TMPDIR to a writable folder with space)");
  path_ = pattern;
}

TempFolder::~TempFolder() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

StagedOutputs::~StagedOutputs() {
  if (committed_) return;
  std::error_code ec;
  for (const auto& t : temps_) fs::remove(t, ec);
  for (auto it = created_dirs_.rbegin(); it != created_dirs_.rend(); ++it) {
    if (fs::is_empty(*it, ec)) fs::remove(*it, ec);
  }
}

void StagedOutputs::make_parents(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) return;
  std::vector<fs::path> missing;
  for (fs::path p = parent; !p.empty() && !fs::exists(p); p = p.parent_path()) missing.push_back(p);
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    std::error_code ec;
    if (!fs::create_directory(*it, ec) && ec) {
      throw OutputError("cannot create output directory '" + it->string() + "': " + ec.message());
    }
    created_dirs_.push_back(it->string());
  }
  if (!fs::is_directory(parent)) {
    throw OutputError("output location '" + parent.string() + "' exists but is not a directory");
  }
}

std::string StagedOutputs::stage(const std::string& final_path) {
  if (fs::is_directory(final_path)) {
    throw OutputError("output '" + final_path + "' is a directory; expected a file path");
  }
  if (fs::exists(final_path) && !force_) {
    throw OutputError("output '" + final_path + "' already exists; choose another path or pass --force to replace it");
  }
  make_parents(final_path);
  std::string temp = final_path + ".blue-tmp-" + std::to_string(::getpid());
  finals_.push_back(final_path);
  temps_.push_back(temp);
  return temp;
}

void StagedOutputs::write_text(const std::string& final_path, const std::string& content) {
  std::string temp = stage(final_path);
  std::ofstream out(temp, std::ios::binary);
  out << content;
  out.close();
  if (!out) throw OutputError("cannot write '" + temp + "' (disk full or no permission?)");
}

void StagedOutputs::commit() {
  for (std::size_t i = 0; i < temps_.size(); ++i) {
    std::error_code ec;
    fs::rename(temps_[i], finals_[i], ec);
    if (ec) throw OutputError("cannot move '" + temps_[i] + "' to '" + finals_[i] + "': " + ec.message());
  }
  committed_ = true;
}

}  // namespace blue

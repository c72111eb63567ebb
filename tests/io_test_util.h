// Helpers for the src/io tests: a temporary directory removed at the end of the test, file writing,
// gzip writing, and a check that a callable throws a given error type whose message contains a fragment.
#pragma once
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <algorithm>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>

namespace blue::test {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("blue_io_test_" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& content) const {
    std::ofstream(file(name), std::ios::binary) << content;
    return file(name);
  }
  std::string write_gz(const std::string& name, const std::string& content) const {
    gzFile f = gzopen(file(name).c_str(), "wb");
    gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
    gzclose(f);
    return file(name);
  }
  // Writes `content` gzip-compressed to `name` with its last `cut` bytes removed (a truncated download).
  std::string write_truncated_gz(const std::string& name, const std::string& content, std::size_t cut) const {
    std::string full = write_gz(name + ".full", content);
    std::ifstream in(full, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return write(name, bytes.substr(0, bytes.size() - std::min(cut, bytes.size())));
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The whole file as bytes ("" when it cannot be read).
inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string shared_data(const std::string& relative) { return std::string(BLUE_SHARED_DATA) + "/" + relative; }

// Expects `fn` to throw `E` with a message containing every fragment.
template <typename E, typename F>
void expect_error(F&& fn, std::initializer_list<const char*> fragments) {
  try {
    fn();
    ADD_FAILURE() << "expected an exception";
  } catch (const E& e) {
    std::string msg = e.what();
    for (const char* f : fragments) EXPECT_NE(msg.find(f), std::string::npos) << "'" << f << "' not in: " << msg;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception type: " << e.what();
  }
}

}  // namespace blue::test

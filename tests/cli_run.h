// Running a shell command or the built `blue` from CLI tests: exit code and the merged stdout + stderr.
#pragma once
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace blue::test {

struct RunResult {
  int code;
  std::string output;  // stdout + stderr
};

inline RunResult shell(const std::string& cmd) {
  FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

inline RunResult blue_run(const std::string& args) { return shell(std::string(BLUE_EXE) + " " + args); }

}  // namespace blue::test

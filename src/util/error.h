// Typed exceptions thrown by the library. Only cli/main.cpp turns them into exit codes.
#pragma once
#include <stdexcept>
#include <string>

namespace blue {

// Exit codes, documented in docs/reliability.md ("Exit codes").
enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 1,     // bad command line: unknown option, value out of range
  kExitInput = 2,     // an input file is missing, unreadable or malformed
  kExitCompute = 3,   // the computation cannot proceed (non-convergence, NaN loss)
  kExitOutput = 4,    // an output cannot be written (exists without --force, disk full, permissions)
  kExitInternal = 70  // a bug in blue: please report it
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
  virtual ExitCode code() const = 0;
};

// The user's options are inconsistent or out of range.
class UsageError : public Error {
 public:
  using Error::Error;
  ExitCode code() const override { return kExitUsage; }
};

// A file the user gave cannot be used. The message names the file, the location and what was expected.
class InputError : public Error {
 public:
  using Error::Error;
  ExitCode code() const override { return kExitInput; }
};

// Valid inputs, but the method cannot produce a trustworthy answer from them.
class ComputeError : public Error {
 public:
  using Error::Error;
  ExitCode code() const override { return kExitCompute; }
};

// Results cannot be written.
class OutputError : public Error {
 public:
  using Error::Error;
  ExitCode code() const override { return kExitOutput; }
};

// Internal invariant broken: never for user input.
class InternalError : public Error {
 public:
  using Error::Error;
  ExitCode code() const override { return kExitInternal; }
};

}  // namespace blue

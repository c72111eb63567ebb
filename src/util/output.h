// Atomic, all-or-nothing outputs: every result is written to a temporary name beside its final path and
// renamed into place only when the whole command succeeded. A failure leaves nothing behind.
#pragma once
#include <string>
#include <vector>

namespace blue {

// A private temporary folder under $TMPDIR (or /tmp), removed with everything in it when the object goes
// away: for intermediate files that are never results (a bulk spilled by chunk, pieces of a table).
// `purpose` completes the error message ("to read the bulk in chunks").
class TempFolder {
 public:
  TempFolder(const std::string& prefix, const std::string& purpose);
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  // The path of `name` inside the folder.
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class StagedOutputs {
 public:
  // `force`: allow replacing files that already exist (otherwise an existing target is an OutputError).
  explicit StagedOutputs(bool force) : force_(force) {}
  StagedOutputs(const StagedOutputs&) = delete;
  StagedOutputs& operator=(const StagedOutputs&) = delete;
  ~StagedOutputs();  // removes uncommitted temporaries and the directories this object created

  // Registers `final_path` and returns the temporary path to write it to. Creates missing parent
  // directories. Throws OutputError if the target exists and --force was not given.
  std::string stage(const std::string& final_path);

  // Writes `content` to the staged temporary of `final_path`.
  void write_text(const std::string& final_path, const std::string& content);

  // Renames every staged file into place, in the order staged.
  void commit();

  const std::vector<std::string>& final_paths() const { return finals_; }

 private:
  void make_parents(const std::string& path);
  bool force_;
  bool committed_ = false;
  std::vector<std::string> finals_;
  std::vector<std::string> temps_;
  std::vector<std::string> created_dirs_;
};

}  // namespace blue

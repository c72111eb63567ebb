// Writing and reading dense AnnData .h5ad files that Python's anndata opens.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/types.h"

namespace blue {

class StagedOutputs;

// Writes `adata` (X, obs/var names, layers, obsm, uns string arrays) to `path`, staged in `out`.
void write_h5ad(StagedOutputs& out, const std::string& path, const DenseAnnData& adata);

// A dense AnnData written a block of rows at a time, so that it never has to be whole in memory: the shape
// is fixed when the file is created (every matrix has one row per obs name).
struct H5adLayout {
  std::vector<std::string> obs_names, var_names;
  std::vector<std::string> layers;                              // each obs x var
  std::map<std::string, std::size_t> obsm;                      // name -> columns
  std::map<std::string, std::vector<std::string>> uns_strings;  // e.g. uns/proportions_columns
  std::map<std::string, std::vector<std::string>> obs_strings;  // string columns of obs, one value per obs
};

// The layout of `adata` (its names, layers, obsm widths, uns and obs columns).
H5adLayout h5ad_layout(const DenseAnnData& adata);

class H5adRowWriter {
 public:
  // Creates the file (staged in `out`) with its names and uns; the matrices are filled by append().
  H5adRowWriter(StagedOutputs& out, const std::string& path, const H5adLayout& layout);
  ~H5adRowWriter();
  H5adRowWriter(const H5adRowWriter&) = delete;
  H5adRowWriter& operator=(const H5adRowWriter&) = delete;
  // The next rows: X, every layer and every obsm matrix of the layout (names of `rows` are not used).
  void append(const DenseAnnData& rows);
  // Flushes and closes; InternalError unless every row was written.
  void close();

 private:
  struct State;
  std::string path_;
  std::unique_ptr<State> state_;
};

// Reads a dense (or sparse, densified: meant for result files, not references) .h5ad with its layers,
// obsm and uns string arrays.
DenseAnnData read_dense_h5ad(const std::string& path);

}  // namespace blue

// Reading the parts of an AnnData .h5ad file that blue needs: a matrix (X, raw/X or a layer) as CSR
// without densifying, obs/var names and obs columns (strings or categoricals, old and new encodings).
#pragma once
#include <string>
#include <vector>

#include "io/h5_util.h"
#include "io/types.h"

namespace blue {

struct H5adMatrix {
  CsrMatrix counts;  // obs x var
  std::vector<std::string> obs_names;
  std::vector<std::string> var_names;
};

enum class MatrixKind { kDense, kCsr, kCsc };

class H5adFile {
 public:
  explicit H5adFile(const std::string& path);

  // layer: "" or "X" = X, "raw" = raw/X (genes from raw/var), otherwise layers/<layer>.
  // gene_column: "" = the var index, otherwise a var column holding gene names.
  H5adMatrix matrix(const std::string& layer, const std::string& gene_column) const;

  // A column of the dataframe group `frame` ("obs", "var", "raw/var") as strings; missing values
  // (categorical code -1, NaN) are "". Throws InputError listing the available columns if absent.
  std::vector<std::string> column(const std::string& frame, const std::string& key) const;

  // The dataframe's index (the dataset named by its `_index` attribute).
  std::vector<std::string> index(const std::string& frame) const;

  // Reads the matrix stored at `where` (dense dataset, or csr_matrix / csc_matrix group) as CSR.
  CsrMatrix read_matrix(const std::string& where) const;
  // How the matrix at `where` is stored (InputError when there is none or it is another kind of group).
  MatrixKind matrix_kind(const std::string& where) const;
  // Rows [row0, row0 + nrows) of a dense or csr_matrix matrix (a csc_matrix cannot be read by rows:
  // InternalError), without reading the rest.
  CsrMatrix read_rows(const std::string& where, std::int64_t row0, std::int64_t nrows) const;

  bool has(const std::string& path) const { return h5::exists(file_.get(), path); }
  std::vector<std::string> children(const std::string& group) const;
  const std::string& path() const { return path_; }
  hid_t id() const { return file_.get(); }

 private:
  void require_frame(const std::string& frame) const;
  std::string matrix_path(const std::string& layer) const;
  CsrMatrix read_sparse(const std::string& where, bool csc) const;
  CsrMatrix read_dense(const std::string& where, std::int64_t row0, std::int64_t nrows) const;
  std::vector<std::string> categorical(const std::string& where) const;
  std::vector<std::string> dataset_column(const std::string& where) const;

  std::string path_;
  h5::Handle file_;
};

}  // namespace blue

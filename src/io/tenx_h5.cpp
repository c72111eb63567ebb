// Cell Ranger's HDF5 matrix (filtered_feature_bc_matrix.h5): version 3+ (/matrix with features/) and
// version 2 (one group per genome with genes/gene_names). The matrix is CSC of features x barcodes, i.e.
// CSR of cells x genes as stored: read without transposing.
#include <fmt/format.h>

#include <algorithm>

#include "io/csr.h"
#include "io/h5_util.h"
#include "io/tenx_reader.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {
namespace {

std::vector<std::string> strings_at(hid_t loc, const std::string& name, const std::string& path) {
  h5::Handle d = h5::open_dataset(loc, name, path);
  return h5::read_strings(d.get(), path, name);
}

template <typename T>
std::vector<T> numbers_at(hid_t loc, const std::string& name, const std::string& path) {
  h5::Handle d = h5::open_dataset(loc, name, path);
  return h5::read_numeric<T>(d.get(), path, name);
}

}  // namespace

TenxMatrix read_10x_h5(const std::string& path, const std::string& gene_column) {
  h5::init();
  h5::Handle file = h5::open_file(path);
  std::string group;
  bool v3 = h5::is_group(file.get(), "matrix");
  if (v3) {
    group = "matrix";
  } else {
    for (const auto& child : h5::list_children(file.get()))
      if (h5::is_group(file.get(), child) && h5::exists(file.get(), child + "/indptr")) group = child;
  }
  if (group.empty()) {
    throw InputError(path +
                     ": not a Cell Ranger HDF5 matrix (no 'matrix' group, nor a genome group with 'indptr'); "
                     "expected filtered_feature_bc_matrix.h5");
  }
  const std::string g = group + "/";
  TenxMatrix m;
  m.matrix_path = path;
  const std::vector<std::int64_t> shape = numbers_at<std::int64_t>(file.get(), g + "shape", path);
  if (shape.size() != 2 || shape[0] < 0 || shape[1] < 0)
    throw InputError(fmt::format("{}: '{}shape' must hold two dimensions (features, barcodes)", path, g));
  m.barcodes = strings_at(file.get(), g + "barcodes", path);
  std::vector<std::string> ids, names, types;
  if (v3) {
    ids = strings_at(file.get(), g + "features/id", path);
    names = strings_at(file.get(), g + "features/name", path);
    if (h5::exists(file.get(), g + "features/feature_type"))
      types = strings_at(file.get(), g + "features/feature_type", path);
  } else {
    ids = strings_at(file.get(), g + "genes", path);
    names = strings_at(file.get(), g + "gene_names", path);
  }
  if (gene_column != "" && gene_column != "name" && gene_column != "id")
    throw UsageError(
        fmt::format("{}: --gene-column for a 10x HDF5 file is 'name' (symbols, the default) or 'id' "
                    "(Ensembl IDs), got '{}'",
                    path, gene_column));
  std::vector<std::int64_t> indptr = numbers_at<std::int64_t>(file.get(), g + "indptr", path);
  std::vector<std::int32_t> indices = numbers_at<std::int32_t>(file.get(), g + "indices", path);
  std::vector<float> data = numbers_at<float>(file.get(), g + "data", path);
  validate_compressed(path + ": " + group, shape[1], shape[0], indptr, indices, data.size(), "barcodes", "features");
  if (static_cast<std::int64_t>(m.barcodes.size()) != shape[1] || static_cast<std::int64_t>(names.size()) != shape[0] ||
      ids.size() != names.size() || (!types.empty() && types.size() != names.size())) {
    throw InputError(fmt::format("{}: shape {} x {} (features x barcodes) but {} barcodes, {} feature names, {} ids",
                                 path, shape[0], shape[1], m.barcodes.size(), names.size(), ids.size()));
  }
  CsrMatrix counts = csr_from_arrays(shape[1], shape[0], std::move(indptr), std::move(indices), std::move(data));
  // Only gene expression features (Cell Ranger 3+ also stores antibody, CRISPR and custom features).
  std::vector<std::int32_t> column(names.size(), -1);
  std::size_t other = 0;
  for (std::size_t f = 0; f < names.size(); ++f) {
    if (!types.empty() && types[f] != "Gene Expression") {
      ++other;
      continue;
    }
    column[f] = static_cast<std::int32_t>(m.genes.size());
    m.genes.push_back(gene_column == "id" ? ids[f] : names[f]);
  }
  if (other > 0) {
    log::info("io", "{}: {} features that are not 'Gene Expression' left out", path, other);
    keep_columns(counts, column, static_cast<std::int64_t>(m.genes.size()));
  }
  m.counts = std::move(counts);
  return m;
}

}  // namespace blue

// read_dense_h5ad: result files (pseudobulk, predicted GEPs) read back whole, densified.
#include <fmt/format.h>

#include "io/h5ad.h"
#include "io/h5ad_reader.h"
#include "util/error.h"

namespace blue {
namespace {

MatrixF densify(const CsrMatrix& m) {
  MatrixF out = MatrixF::Zero(m.rows, m.cols);
  for (std::int64_t r = 0; r < m.rows; ++r)
    for (std::int64_t k = m.indptr[r]; k < m.indptr[r + 1]; ++k) out(r, m.indices[k]) = m.data[k];
  return out;
}

// An obsm entry: a 2-D numeric dataset (or sparse group) with one row per observation; 1-D becomes a column.
MatrixF read_obsm(const H5adFile& f, const std::string& where) {
  if (h5::is_group(f.id(), where)) return densify(f.read_matrix(where));
  h5::Handle d = h5::open_dataset(f.id(), where, f.path());
  std::vector<std::int64_t> dims = h5::shape(d.get());
  if (dims.empty() || dims.size() > 2)
    throw InputError(fmt::format("{}: '{}' has {} dimensions, expected 1 or 2", f.path(), where, dims.size()));
  std::vector<float> values = h5::read_numeric<float>(d.get(), f.path(), where);
  std::int64_t cols = dims.size() == 2 ? dims[1] : 1;
  return Eigen::Map<MatrixF>(values.data(), dims[0], cols);
}

}  // namespace

DenseAnnData read_dense_h5ad(const std::string& path) {
  H5adFile f(path);
  DenseAnnData a;
  a.obs_names = f.index("obs");
  a.var_names = f.index("var");
  auto expect_shape = [&](const std::string& where, const MatrixF& m, bool full) {
    if (m.rows() != static_cast<Eigen::Index>(a.obs_names.size()) ||
        (full && m.cols() != static_cast<Eigen::Index>(a.var_names.size())))
      throw InputError(fmt::format("{}: '{}' is {} x {}, expected {} obs{}", path, where, m.rows(), m.cols(),
                                   a.obs_names.size(), full ? fmt::format(" x {} var", a.var_names.size()) : ""));
  };
  a.X = densify(f.read_matrix("X"));
  expect_shape("X", a.X, true);
  for (const auto& name : f.children("layers")) {
    a.layers[name] = densify(f.read_matrix("layers/" + name));
    expect_shape("layers/" + name, a.layers[name], true);
  }
  for (const auto& name : f.children("obsm")) {
    a.obsm[name] = read_obsm(f, "obsm/" + name);
    expect_shape("obsm/" + name, a.obsm[name], false);
  }
  for (const auto& name : f.children("uns")) {
    std::string where = "uns/" + name;
    if (h5::is_group(f.id(), where)) continue;
    h5::Handle d = h5::open_dataset(f.id(), where, path);
    if (h5::is_string_type(d.get()) && h5::shape(d.get()).size() == 1)
      a.uns_strings[name] = h5::read_strings(d.get(), path, where);
  }
  return a;
}

}  // namespace blue

#include "io/h5ad_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "io/csr.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {
namespace {

constexpr std::size_t kDenseBlockValues = 1 << 22;  // values per row block when reading a dense matrix

std::string number_label(double v) { return std::isnan(v) ? std::string() : fmt::format("{}", v); }

// Category labels: strings, or numbers formatted as text.
std::vector<std::string> read_labels(hid_t dataset, const std::string& file, const std::string& name) {
  if (h5::is_string_type(dataset)) return h5::read_strings(dataset, file, name);
  std::vector<double> values = h5::read_numeric<double>(dataset, file, name);
  std::vector<std::string> out;
  out.reserve(values.size());
  for (double v : values) out.push_back(number_label(v));
  return out;
}

// Maps codes to categories; code -1 (or any out-of-range negative) means missing.
std::vector<std::string> decode(const std::vector<std::int64_t>& codes, const std::vector<std::string>& categories,
                                const std::string& file, const std::string& name) {
  std::vector<std::string> out(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (codes[i] < 0) continue;
    if (codes[i] >= static_cast<std::int64_t>(categories.size())) {
      throw InputError(fmt::format("{}: '{}' code {} at row {} has no category (only {} categories)", file, name,
                                   codes[i], i, categories.size()));
    }
    out[i] = categories[codes[i]];
  }
  return out;
}

bool is_reference_attr(hid_t obj, const char* name) {
  if (!h5::has_attr(obj, name)) return false;
  h5::Handle attr(H5Aopen(obj, name, H5P_DEFAULT));
  h5::Handle type(H5Aget_type(attr.get()));
  return H5Tget_class(type.get()) == H5T_REFERENCE;
}

}  // namespace

H5adFile::H5adFile(const std::string& path) : path_(path), file_(h5::open_file(path)) {}

std::vector<std::string> H5adFile::children(const std::string& group) const {
  if (!h5::is_group(id(), group)) return {};
  h5::Handle g = h5::open_group(id(), group, path_);
  return h5::list_children(g.get());
}

void H5adFile::require_frame(const std::string& frame) const {
  if (!has(frame))
    throw InputError(fmt::format("{}: no '{}' dataframe (is this an AnnData .h5ad file?)", path_, frame));
  if (!h5::is_group(id(), frame)) {
    throw InputError(
        fmt::format("{}: '{}' is stored in the pre-0.7 AnnData layout (a compound table), which blue "
                    "does not read; rewrite it with a current anndata in Python: "
                    "anndata.read_h5ad(path).write_h5ad(path2)",
                    path_, frame));
  }
}

std::vector<std::string> H5adFile::index(const std::string& frame) const {
  require_frame(frame);
  h5::Handle g = h5::open_group(id(), frame, path_);
  std::string name = h5::string_attr(g.get(), "_index");
  if (name.empty()) name = has(frame + "/_index") ? "_index" : "index";
  std::string where = frame + "/" + name;
  if (!has(where)) {
    throw InputError(
        fmt::format("{}: dataframe '{}' has no index dataset '{}' (expected the `_index` attribute to "
                    "name a string dataset)",
                    path_, frame, where));
  }
  h5::Handle d = h5::open_dataset(id(), where, path_);
  return read_labels(d.get(), path_, where);
}

std::vector<std::string> H5adFile::categorical(const std::string& where) const {
  for (const char* part : {"/codes", "/categories"}) {
    if (!has(where + part))
      throw InputError(fmt::format("{}: categorical '{}' has no '{}' dataset", path_, where, part + 1));
  }
  h5::Handle codes_ds = h5::open_dataset(id(), where + "/codes", path_);
  h5::Handle cats_ds = h5::open_dataset(id(), where + "/categories", path_);
  return decode(h5::read_numeric<std::int64_t>(codes_ds.get(), path_, where + "/codes"),
                read_labels(cats_ds.get(), path_, where + "/categories"), path_, where);
}

// A column stored as a dataset: strings, numbers, or (anndata 0.7) integer codes whose `categories`
// attribute is an object reference to the categories dataset (e.g. obs/__categories/<col>).
std::vector<std::string> H5adFile::dataset_column(const std::string& where) const {
  h5::Handle d = h5::open_dataset(id(), where, path_);
  if (!is_reference_attr(d.get(), "categories")) return read_labels(d.get(), path_, where);
  h5::Handle attr(H5Aopen(d.get(), "categories", H5P_DEFAULT));
  hobj_ref_t ref{};
  if (H5Aread(attr.get(), H5T_STD_REF_OBJ, &ref) < 0)
    throw InputError(fmt::format("{}: cannot read the 'categories' reference of '{}'", path_, where));
  h5::Handle cats(H5Rdereference2(d.get(), H5P_DEFAULT, H5R_OBJECT, &ref));
  if (!cats.valid()) throw InputError(fmt::format("{}: the 'categories' reference of '{}' is dangling", path_, where));
  return decode(h5::read_numeric<std::int64_t>(d.get(), path_, where),
                read_labels(cats.get(), path_, where + " categories"), path_, where);
}

std::vector<std::string> H5adFile::column(const std::string& frame, const std::string& key) const {
  require_frame(frame);
  std::string where = frame + "/" + key;
  if (key.empty() || key.find('/') != std::string::npos || !has(where)) {
    std::vector<std::string> names = children(frame);
    names.erase(std::remove(names.begin(), names.end(), "__categories"), names.end());
    throw InputError(fmt::format("{}: '{}' has no column '{}'; available columns: {}", path_, frame, key,
                                 names.empty() ? "(none)" : log::preview(names, 30)));
  }
  std::vector<std::string> values;
  if (h5::is_group(id(), where)) {
    h5::Handle g = h5::open_group(id(), where, path_);
    std::string type = h5::string_attr(g.get(), "encoding-type");
    if (type != "categorical" && !has(where + "/codes")) {
      throw InputError(
          fmt::format("{}: column '{}' is a group of encoding '{}', expected a categorical (codes + "
                      "categories) or a string/number dataset",
                      path_, where, type));
    }
    values = categorical(where);
  } else {
    values = dataset_column(where);
  }
  std::vector<std::string> names = index(frame);
  if (values.size() != names.size()) {
    throw InputError(fmt::format("{}: column '{}' has {} entries but the '{}' index has {}", path_, where,
                                 values.size(), frame, names.size()));
  }
  return values;
}

std::string H5adFile::matrix_path(const std::string& layer) const {
  if (layer.empty() || layer == "X") return "X";
  if (layer == "raw") {
    if (!has("raw/X")) throw InputError(fmt::format("{}: --layer raw given but the file has no 'raw/X'", path_));
    return "raw/X";
  }
  std::string where = "layers/" + layer;
  if (!has(where)) {
    std::vector<std::string> layers = children("layers");
    throw InputError(fmt::format("{}: no layer '{}' (looked for '{}'); available layers: {}{}", path_, layer, where,
                                 layers.empty() ? "(none)" : log::preview(layers, 30),
                                 has("raw/X") ? "; 'raw' selects raw/X" : ""));
  }
  return where;
}

CsrMatrix H5adFile::read_sparse(const std::string& where, bool csc) const {
  h5::Handle g = h5::open_group(id(), where, path_);
  std::vector<std::int64_t> shape = h5::int_attr(g.get(), "shape");
  if (shape.empty()) shape = h5::int_attr(g.get(), "h5sparse_shape");
  if (shape.size() != 2 || shape[0] < 0 || shape[1] < 0) {
    throw InputError(fmt::format("{}: sparse matrix '{}' has no valid 'shape' attribute (expected two dimensions)",
                                 path_, where));
  }
  if (shape[csc ? 0 : 1] > std::numeric_limits<std::int32_t>::max())
    throw InputError(fmt::format("{}: '{}' has {} minor dimension entries, more than blue supports", path_, where,
                                 shape[csc ? 0 : 1]));
  auto read = [&](const char* part, auto tag) {
    std::string name = where + "/" + part;
    h5::Handle d = h5::open_dataset(id(), name, path_);
    if (h5::shape(d.get()).size() != 1) throw InputError(fmt::format("{}: '{}' must be one-dimensional", path_, name));
    return h5::read_numeric<decltype(tag)>(d.get(), path_, name);
  };
  std::vector<std::int64_t> indptr = read("indptr", std::int64_t{});
  std::vector<std::int32_t> indices = read("indices", std::int32_t{});
  std::vector<float> data = read("data", float{});
  std::int64_t major = shape[csc ? 1 : 0], minor = shape[csc ? 0 : 1];
  validate_compressed(path_ + ": " + where, major, minor, indptr, indices, data.size(), csc ? "columns" : "rows",
                      csc ? "rows" : "columns");
  if (csc) return csr_from_csc(shape[0], shape[1], indptr, indices, data);
  return csr_from_arrays(shape[0], shape[1], std::move(indptr), std::move(indices), std::move(data));
}

namespace {

// Appends the rows of a dense row-major block to `m` (its zeros left out).
void append_dense_rows(CsrMatrix& m, const std::vector<float>& values, std::int64_t n) {
  for (std::int64_t r = 0; r < n; ++r) {
    for (std::int64_t c = 0; c < m.cols; ++c) {
      float v = values[r * m.cols + c];
      if (v != 0.0f) {
        m.indices.push_back(static_cast<std::int32_t>(c));
        m.data.push_back(v);
      }
    }
    m.indptr.push_back(static_cast<std::int64_t>(m.data.size()));
  }
}

}  // namespace

CsrMatrix H5adFile::read_dense(const std::string& where, std::int64_t row0, std::int64_t nrows) const {
  h5::Handle d = h5::open_dataset(id(), where, path_);
  std::vector<std::int64_t> dims = h5::shape(d.get());
  if (dims.size() != 2)
    throw InputError(fmt::format("{}: '{}' has {} dimensions, expected 2", path_, where, dims.size()));
  if (nrows < 0) nrows = dims[0] - row0;
  CsrMatrix m;
  m.rows = nrows;
  m.cols = dims[1];
  m.indptr.assign(1, 0);
  std::int64_t block = std::max<std::int64_t>(1, static_cast<std::int64_t>(kDenseBlockValues) /
                                                     std::max<std::int64_t>(1, m.cols));
  for (std::int64_t r0 = 0; r0 < m.rows; r0 += block) {
    std::int64_t n = std::min(block, m.rows - r0);
    append_dense_rows(m, h5::read_numeric<float>(d.get(), path_, where, row0 + r0, n), n);
  }
  return m;
}

MatrixKind H5adFile::matrix_kind(const std::string& where) const {
  if (!has(where)) {
    throw InputError(
        fmt::format("{}: no '{}' matrix (expected a dense dataset or a csr_matrix/csc_matrix group); "
                    "is this an AnnData .h5ad file?",
                    path_, where));
  }
  if (!h5::is_group(id(), where)) return MatrixKind::kDense;
  h5::Handle g = h5::open_group(id(), where, path_);
  std::string type = h5::string_attr(g.get(), "encoding-type");
  if (type.empty()) type = h5::string_attr(g.get(), "h5sparse_format") + "_matrix";
  if (type == "csr_matrix") return MatrixKind::kCsr;
  if (type == "csc_matrix") return MatrixKind::kCsc;
  throw InputError(fmt::format("{}: '{}' is a group with encoding-type '{}', expected csr_matrix or csc_matrix", path_,
                               where, type));
}

CsrMatrix H5adFile::read_rows(const std::string& where, std::int64_t row0, std::int64_t nrows) const {
  const MatrixKind kind = matrix_kind(where);
  if (kind == MatrixKind::kDense) return read_dense(where, row0, nrows);
  if (kind == MatrixKind::kCsc) throw InternalError(path_ + ": rows of a csc_matrix cannot be read alone");
  h5::Handle g = h5::open_group(id(), where, path_);
  const std::vector<std::int64_t> shape = h5::int_attr(g.get(), "shape");
  const std::string indptr_name = where + "/indptr";
  h5::Handle indptr_set = h5::open_dataset(id(), indptr_name, path_);
  std::vector<std::int64_t> indptr = h5::read_numeric<std::int64_t>(indptr_set.get(), path_, indptr_name, row0,
                                                                    nrows + 1);
  if (shape.size() != 2 || static_cast<std::int64_t>(indptr.size()) != nrows + 1 || indptr.front() < 0 ||
      indptr.back() < indptr.front())
    throw InputError(fmt::format("{}: '{}' has an invalid shape or indptr for rows {}-{}", path_, where, row0,
                                 row0 + nrows));
  const std::int64_t first = indptr.front(), n = indptr.back() - first;
  for (auto& p : indptr) p -= first;
  auto slice = [&](const char* part, auto tag) {
    const std::string name = where + "/" + part;
    h5::Handle d = h5::open_dataset(id(), name, path_);
    return h5::read_numeric<decltype(tag)>(d.get(), path_, name, first, n);
  };
  std::vector<std::int32_t> indices = slice("indices", std::int32_t{});
  std::vector<float> data = slice("data", float{});
  validate_compressed(path_ + ": " + where, nrows, shape[1], indptr, indices, data.size(), "rows", "columns");
  return csr_from_arrays(nrows, shape[1], std::move(indptr), std::move(indices), std::move(data));
}

CsrMatrix H5adFile::read_matrix(const std::string& where) const {
  switch (matrix_kind(where)) {
    case MatrixKind::kDense: return read_dense(where, 0, -1);
    case MatrixKind::kCsr: return read_sparse(where, false);
    case MatrixKind::kCsc: break;
  }
  return read_sparse(where, true);
}

H5adMatrix H5adFile::matrix(const std::string& layer, const std::string& gene_column) const {
  std::string where = matrix_path(layer);
  std::string var = where == "raw/X" ? "raw/var" : "var";
  H5adMatrix out;
  out.obs_names = index("obs");
  out.var_names = gene_column.empty() ? index(var) : column(var, gene_column);
  out.counts = read_matrix(where);
  if (out.counts.rows != static_cast<std::int64_t>(out.obs_names.size()) ||
      out.counts.cols != static_cast<std::int64_t>(out.var_names.size())) {
    throw InputError(fmt::format("{}: '{}' is {} x {} but obs has {} rows and '{}' has {} rows (expected equal)", path_,
                                 where, out.counts.rows, out.counts.cols, out.obs_names.size(), var,
                                 out.var_names.size()));
  }
  return out;
}

}  // namespace blue

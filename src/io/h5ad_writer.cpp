// write_h5ad: a dense AnnData file in the on-disk layout of anndata >= 0.8 (encoding attributes on every
// element, dataframes with an `_index` attribute, variable-length UTF-8 string arrays), gzip-compressed.
#include <fmt/format.h>

#include "io/h5_util.h"
#include "io/h5ad.h"
#include "util/error.h"
#include "util/output.h"

namespace blue {
namespace {

class Writer {
 public:
  Writer(const std::string& temp, const std::string& final_path) : final_(final_path) {
    h5::init();
    file_ = h5::Handle(H5Fcreate(temp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    if (!file_.valid()) fail("create the file");
  }
  hid_t root() const { return file_.get(); }
  void fail(const std::string& what) const {
    throw OutputError(fmt::format("{}: cannot {} (disk full or no permission?)", final_, what));
  }

  void close() {
    if (H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0) fail("flush");
    file_ = h5::Handle();
  }

  void string_attr(hid_t obj, const char* name, const std::string& value) const {
    h5::Handle type(H5Tcopy(H5T_C_S1));
    H5Tset_size(type.get(), H5T_VARIABLE);
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    h5::Handle space(H5Screate(H5S_SCALAR));
    h5::Handle attr(H5Acreate2(obj, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    const char* p = value.c_str();
    if (!attr.valid() || H5Awrite(attr.get(), type.get(), &p) < 0) fail(fmt::format("write attribute '{}'", name));
  }

  void encoding(hid_t obj, const char* type, const char* version) const {
    string_attr(obj, "encoding-type", type);
    string_attr(obj, "encoding-version", version);
  }

  h5::Handle group(hid_t loc, const std::string& name, const char* type = "dict", const char* version = "0.1.0") const {
    h5::Handle gcpl(H5Pcreate(H5P_GROUP_CREATE));
    H5Pset_obj_track_times(gcpl.get(), 0);  // no timestamps: same inputs give the same bytes
    h5::Handle g(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT));
    if (!g.valid()) fail("create group '" + name + "'");
    encoding(g.get(), type, version);
    return g;
  }

  // Creation properties: no timestamps, contiguous and uncompressed, as anndata writes by default. (gzip
  // bought 10-20% on float layers and cost 40-60 s for a 10,000-sample deconvolution.)
  h5::Handle create_props(const std::vector<hsize_t>& /*dims*/) const {
    h5::Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
    H5Pset_obj_track_times(dcpl.get(), 0);  // no timestamps: same inputs give the same bytes
    return dcpl;
  }

  void strings(hid_t loc, const std::string& name, const std::vector<std::string>& values) const {
    h5::Handle type(H5Tcopy(H5T_C_S1));
    H5Tset_size(type.get(), H5T_VARIABLE);
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    std::vector<hsize_t> dims{values.size()};
    h5::Handle space(H5Screate_simple(1, dims.data(), nullptr));
    h5::Handle dcpl = create_props(dims);
    h5::Handle d(H5Dcreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT));
    std::vector<const char*> ptrs;
    ptrs.reserve(values.size());
    for (const auto& v : values) ptrs.push_back(v.c_str());
    if (!d.valid() || (!ptrs.empty() && H5Dwrite(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0))
      fail("write dataset '" + name + "'");
    encoding(d.get(), "string-array", "0.2.0");
  }

  // A float32 matrix dataset of the given shape, written later by rows (write_rows).
  h5::Handle create_matrix(hid_t loc, const std::string& name, std::size_t rows, std::size_t cols) const {
    std::vector<hsize_t> dims{static_cast<hsize_t>(rows), static_cast<hsize_t>(cols)};
    h5::Handle space(H5Screate_simple(2, dims.data(), nullptr));
    h5::Handle dcpl = create_props(dims);
    h5::Handle d(H5Dcreate2(loc, name.c_str(), H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT));
    if (!d.valid()) fail("create dataset '" + name + "'");
    encoding(d.get(), "array", "0.2.0");
    return d;
  }

  // Rows [row0, row0 + m.rows()) of a dataset made by create_matrix.
  void write_rows(hid_t dataset, const std::string& name, std::size_t row0, const MatrixF& m) const {
    if (m.size() == 0) return;
    h5::Handle space(H5Dget_space(dataset));
    hsize_t start[2] = {static_cast<hsize_t>(row0), 0};
    hsize_t count[2] = {static_cast<hsize_t>(m.rows()), static_cast<hsize_t>(m.cols())};
    h5::Handle mem(H5Screate_simple(2, count, nullptr));
    if (H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
        H5Dwrite(dataset, H5T_NATIVE_FLOAT, mem.get(), space.get(), H5P_DEFAULT, m.data()) < 0)
      fail("write dataset '" + name + "'");
  }

  // A dataframe of an index and string columns; column-order lists the columns (an empty float array when
  // there are none, as anndata writes it).
  void dataframe(const std::string& name, const std::vector<std::string>& index,
                 const std::map<std::string, std::vector<std::string>>& columns = {}) const {
    h5::Handle g = group(root(), name, "dataframe", "0.2.0");
    string_attr(g.get(), "_index", "_index");
    if (columns.empty()) {
      hsize_t zero = 0;
      h5::Handle space(H5Screate_simple(1, &zero, nullptr));
      h5::Handle attr(H5Acreate2(g.get(), "column-order", H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT));
      if (!attr.valid()) fail("write attribute 'column-order'");
    } else {
      h5::Handle type(H5Tcopy(H5T_C_S1));
      H5Tset_size(type.get(), H5T_VARIABLE);
      H5Tset_cset(type.get(), H5T_CSET_UTF8);
      hsize_t n = columns.size();
      h5::Handle space(H5Screate_simple(1, &n, nullptr));
      std::vector<const char*> names;
      for (const auto& [column, values] : columns) names.push_back(column.c_str());
      h5::Handle attr(H5Acreate2(g.get(), "column-order", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
      if (!attr.valid() || H5Awrite(attr.get(), type.get(), names.data()) < 0) fail("write attribute 'column-order'");
    }
    strings(g.get(), "_index", index);
    for (const auto& [column, values] : columns) strings(g.get(), column, values);
  }

 private:
  std::string final_;
  h5::Handle file_;
};

void check_rows(const std::string& path, const std::string& what, const MatrixF& m, std::size_t rows,
                std::size_t cols) {
  if (m.rows() != static_cast<Eigen::Index>(rows) || m.cols() != static_cast<Eigen::Index>(cols))
    throw InternalError(fmt::format("{}: {} is {} x {}, expected {} x {}", path, what, m.rows(), m.cols(), rows, cols));
}

}  // namespace

struct H5adRowWriter::State {
  Writer writer;
  H5adLayout layout;
  h5::Handle x;
  std::map<std::string, h5::Handle> layers, obsm;
  std::size_t next_row = 0;
};

H5adRowWriter::H5adRowWriter(StagedOutputs& out, const std::string& path, const H5adLayout& layout) : path_(path) {
  for (const auto& [k, v] : layout.obs_strings) {
    if (v.size() != layout.obs_names.size())
      throw InternalError(fmt::format("{}: obs column {} has {} values for {} obs", path, k, v.size(),
                                      layout.obs_names.size()));
  }
  state_ = std::unique_ptr<State>(new State{Writer(out.stage(path), path), layout, {}, {}, {}, 0});
  const Writer& w = state_->writer;
  const std::size_t n = layout.obs_names.size(), g = layout.var_names.size();
  w.encoding(w.root(), "anndata", "0.1.0");
  state_->x = w.create_matrix(w.root(), "X", n, g);
  w.dataframe("obs", layout.obs_names, layout.obs_strings);
  w.dataframe("var", layout.var_names);
  h5::Handle layers = w.group(w.root(), "layers");
  for (const auto& name : layout.layers) state_->layers[name] = w.create_matrix(layers.get(), name, n, g);
  h5::Handle obsm = w.group(w.root(), "obsm");
  for (const auto& [name, cols] : layout.obsm) state_->obsm[name] = w.create_matrix(obsm.get(), name, n, cols);
  h5::Handle uns = w.group(w.root(), "uns");
  for (const auto& [name, values] : layout.uns_strings) w.strings(uns.get(), name, values);
  for (const char* empty : {"obsp", "varm", "varp"}) w.group(w.root(), empty);
}

H5adRowWriter::~H5adRowWriter() = default;

void H5adRowWriter::append(const DenseAnnData& rows) {
  State& s = *state_;
  const std::size_t n = static_cast<std::size_t>(rows.X.rows()), g = s.layout.var_names.size();
  if (s.next_row + n > s.layout.obs_names.size())
    throw InternalError(fmt::format("{}: {} rows appended after {} of {}", path_, n, s.next_row,
                                    s.layout.obs_names.size()));
  check_rows(path_, "X", rows.X, n, g);
  s.writer.write_rows(s.x.get(), "X", s.next_row, rows.X);
  // `width(name)`: the columns the layout gives the matrix.
  auto write_all = [&](std::map<std::string, h5::Handle>& datasets, const std::map<std::string, MatrixF>& given,
                       const char* kind, auto width) {
    if (given.size() != datasets.size())
      throw InternalError(fmt::format("{}: {} {} matrices appended, the layout has {}", path_, given.size(), kind,
                                      datasets.size()));
    for (auto& [name, dataset] : datasets) {
      const auto it = given.find(name);
      if (it == given.end())
        throw InternalError(fmt::format("{}: {} '{}' missing from the appended rows", path_, kind, name));
      check_rows(path_, std::string(kind) + " " + name, it->second, n, width(name));
      s.writer.write_rows(dataset.get(), name, s.next_row, it->second);
    }
  };
  write_all(s.layers, rows.layers, "layer", [&](const std::string&) { return g; });
  write_all(s.obsm, rows.obsm, "obsm", [&](const std::string& name) { return s.layout.obsm.at(name); });
  s.next_row += n;
}

void H5adRowWriter::close() {
  State& s = *state_;
  if (s.next_row != s.layout.obs_names.size())
    throw InternalError(fmt::format("{}: closed after {} of {} rows", path_, s.next_row, s.layout.obs_names.size()));
  s.x = h5::Handle();
  s.layers.clear();
  s.obsm.clear();
  s.writer.close();
}

H5adLayout h5ad_layout(const DenseAnnData& adata) {
  H5adLayout layout{adata.obs_names, adata.var_names, {}, {}, adata.uns_strings, adata.obs_strings};
  for (const auto& [name, m] : adata.layers) layout.layers.push_back(name);
  for (const auto& [name, m] : adata.obsm) layout.obsm[name] = static_cast<std::size_t>(m.cols());
  return layout;
}

void write_h5ad(StagedOutputs& out, const std::string& path, const DenseAnnData& adata) {
  H5adRowWriter w(out, path, h5ad_layout(adata));
  w.append(adata);
  w.close();
}

}  // namespace blue

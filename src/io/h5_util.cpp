#include "io/h5_util.h"

#include <fmt/format.h>

#include <cstring>
#include <filesystem>
#include <mutex>
#include <type_traits>

#include "io/lzf_filter.h"
#include "io/text_reader.h"
#include "util/error.h"

namespace blue::h5 {

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    this->~Handle();
    id_ = o.id_;
    o.id_ = -1;
  }
  return *this;
}

Handle::~Handle() {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE: H5Fclose(id_); break;
    case H5I_GROUP: H5Gclose(id_); break;
    case H5I_DATASET: H5Dclose(id_); break;
    case H5I_DATASPACE: H5Sclose(id_); break;
    case H5I_DATATYPE: H5Tclose(id_); break;
    case H5I_ATTR: H5Aclose(id_); break;
    case H5I_GENPROP_LST: H5Pclose(id_); break;
    default: break;
  }
  id_ = -1;
}

void init() {
  static std::once_flag once;
  std::call_once(once, [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    register_lzf_filter();
  });
}

Handle open_file(const std::string& path) {
  init();
  require_readable_file(path, "HDF5");
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw InputError(path + ": not an HDF5/.h5ad file (expected an AnnData .h5ad written by anndata or scanpy)");
  }
  Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!f.valid()) throw InputError(path + ": cannot open the HDF5 file (corrupt or truncated?)");
  return f;
}

bool exists(hid_t loc, const std::string& path) {
  std::size_t pos = 0;
  while (true) {
    std::size_t slash = path.find('/', pos);
    std::string prefix = path.substr(0, slash);
    if (H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  return H5Oexists_by_name(loc, path.c_str(), H5P_DEFAULT) > 0;
}

bool is_group(hid_t loc, const std::string& path) {
  if (!exists(loc, path)) return false;
  H5O_info_t info;
  if (H5Oget_info_by_name(loc, path.c_str(), &info, H5P_DEFAULT) < 0) return false;
  return info.type == H5O_TYPE_GROUP;
}

Handle open_group(hid_t loc, const std::string& path, const std::string& file) {
  if (!is_group(loc, path)) throw InputError(fmt::format("{}: group '{}' not found", file, path));
  Handle g(H5Gopen2(loc, path.c_str(), H5P_DEFAULT));
  if (!g.valid()) throw InputError(fmt::format("{}: cannot open group '{}'", file, path));
  return g;
}

Handle open_dataset(hid_t loc, const std::string& path, const std::string& file) {
  if (!exists(loc, path) || is_group(loc, path))
    throw InputError(fmt::format("{}: dataset '{}' not found", file, path));
  Handle d(H5Dopen2(loc, path.c_str(), H5P_DEFAULT));
  if (!d.valid()) throw InputError(fmt::format("{}: cannot open dataset '{}'", file, path));
  return d;
}

std::vector<std::string> list_children(hid_t group) {
  std::vector<std::string> names;
  H5Literate(
      group, H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
      },
      &names);
  return names;
}

std::vector<std::int64_t> shape(hid_t dataset) {
  Handle space(H5Dget_space(dataset));
  int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(rank > 0 ? rank : 0);
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return std::vector<std::int64_t>(dims.begin(), dims.end());
}

void check_filters(hid_t dataset, const std::string& file, const std::string& name) {
  Handle dcpl(H5Dget_create_plist(dataset));
  int n = H5Pget_nfilters(dcpl.get());
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0, config = 0;
    size_t nelmts = 0;
    char fname[256] = {0};
    H5Z_filter_t id = H5Pget_filter2(dcpl.get(), i, &flags, &nelmts, nullptr, sizeof fname, fname, &config);
    if (id >= 0 && H5Zfilter_avail(id) <= 0) {
      throw InputError(fmt::format(
          "{}: dataset '{}' is compressed with HDF5 filter {} ('{}'), which this build cannot decode; rewrite "
          "the file with gzip in Python: adata = anndata.read_h5ad(path); adata.write_h5ad(path2, "
          "compression=\"gzip\")",
          file, name, id, fname));
    }
  }
}

namespace {

template <typename T>
hid_t mem_type() {
  if constexpr (std::is_same_v<T, float>)
    return H5T_NATIVE_FLOAT;
  else if constexpr (std::is_same_v<T, double>)
    return H5T_NATIVE_DOUBLE;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, std::int8_t>)
    return H5T_NATIVE_INT8;
  else
    return H5T_NATIVE_INT64;
}

void require_class(hid_t dataset, const std::string& file, const std::string& name, bool numeric) {
  Handle type(H5Dget_type(dataset));
  H5T_class_t cls = H5Tget_class(type.get());
  bool ok = numeric ? (cls == H5T_INTEGER || cls == H5T_FLOAT || cls == H5T_ENUM) : cls == H5T_STRING;
  if (!ok) {
    throw InputError(fmt::format("{}: dataset '{}' has an unexpected type (expected {})", file, name,
                                 numeric ? "numbers (integer or float)" : "strings"));
  }
}

}  // namespace

template <typename T>
std::vector<T> read_numeric(hid_t dataset, const std::string& file, const std::string& name, std::int64_t row0,
                            std::int64_t nrows) {
  require_class(dataset, file, name, true);
  Handle space(H5Dget_space(dataset));
  std::vector<std::int64_t> dims = shape(dataset);
  std::size_t total = 1;
  Handle mem;
  if (nrows >= 0 && !dims.empty()) {
    std::vector<hsize_t> start(dims.size(), 0), count(dims.begin(), dims.end());
    start[0] = static_cast<hsize_t>(row0);
    count[0] = static_cast<hsize_t>(nrows);
    H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
    for (hsize_t c : count) total *= c;
    hsize_t n = total;
    mem = Handle(H5Screate_simple(1, &n, nullptr));
  } else {
    for (std::int64_t d : dims) total *= static_cast<std::size_t>(d);
  }
  std::vector<T> out(total);
  if (total == 0) return out;
  hid_t mem_space = mem.valid() ? mem.get() : H5S_ALL;
  hid_t file_space = mem.valid() ? space.get() : H5S_ALL;
  if (H5Dread(dataset, mem_type<T>(), mem_space, file_space, H5P_DEFAULT, out.data()) < 0) {
    check_filters(dataset, file, name);
    throw InputError(
        fmt::format("{}: cannot read dataset '{}' (corrupt file, or values that do not fit the "
                    "expected numeric type)",
                    file, name));
  }
  return out;
}

template std::vector<float> read_numeric<float>(hid_t, const std::string&, const std::string&, std::int64_t,
                                                std::int64_t);
template std::vector<double> read_numeric<double>(hid_t, const std::string&, const std::string&, std::int64_t,
                                                  std::int64_t);
template std::vector<std::int32_t> read_numeric<std::int32_t>(hid_t, const std::string&, const std::string&,
                                                              std::int64_t, std::int64_t);
template std::vector<std::int64_t> read_numeric<std::int64_t>(hid_t, const std::string&, const std::string&,
                                                              std::int64_t, std::int64_t);

bool is_string_type(hid_t dataset) {
  Handle type(H5Dget_type(dataset));
  return H5Tget_class(type.get()) == H5T_STRING;
}

std::vector<std::string> read_strings(hid_t dataset, const std::string& file, const std::string& name) {
  require_class(dataset, file, name, false);
  Handle ftype(H5Dget_type(dataset));
  Handle space(H5Dget_space(dataset));
  hssize_t n = H5Sget_simple_extent_npoints(space.get());
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(n));
  Handle mtype(H5Tcopy(ftype.get()));
  if (H5Tis_variable_str(ftype.get()) > 0) {
    std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
    if (n > 0 && H5Dread(dataset, mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0) {
      check_filters(dataset, file, name);
      throw InputError(fmt::format("{}: cannot read string dataset '{}'", file, name));
    }
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    if (n > 0) H5Dvlen_reclaim(mtype.get(), space.get(), H5P_DEFAULT, ptrs.data());
    return out;
  }
  std::size_t width = H5Tget_size(ftype.get());
  std::vector<char> buf(static_cast<std::size_t>(n) * width + 1, '\0');
  if (n > 0 && H5Dread(dataset, mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0) {
    check_filters(dataset, file, name);
    throw InputError(fmt::format("{}: cannot read string dataset '{}'", file, name));
  }
  for (hssize_t i = 0; i < n; ++i) {
    const char* p = buf.data() + i * width;
    out.emplace_back(p, strnlen(p, width));
  }
  return out;
}

bool has_attr(hid_t obj, const char* name) { return H5Aexists(obj, name) > 0; }

std::string string_attr(hid_t obj, const char* name) {
  if (!has_attr(obj, name)) return "";
  Handle attr(H5Aopen(obj, name, H5P_DEFAULT));
  Handle ftype(H5Aget_type(attr.get()));
  if (H5Tget_class(ftype.get()) != H5T_STRING) return "";
  Handle space(H5Aget_space(attr.get()));
  if (H5Sget_simple_extent_npoints(space.get()) != 1) return "";
  Handle mtype(H5Tcopy(ftype.get()));
  if (H5Tis_variable_str(ftype.get()) > 0) {
    char* p = nullptr;
    if (H5Aread(attr.get(), mtype.get(), &p) < 0) return "";
    std::string s = p ? p : "";
    H5Dvlen_reclaim(mtype.get(), space.get(), H5P_DEFAULT, &p);
    return s;
  }
  std::vector<char> buf(H5Tget_size(ftype.get()) + 1, '\0');
  if (H5Aread(attr.get(), mtype.get(), buf.data()) < 0) return "";
  return std::string(buf.data(), strnlen(buf.data(), buf.size()));
}

std::vector<std::int64_t> int_attr(hid_t obj, const char* name) {
  if (!has_attr(obj, name)) return {};
  Handle attr(H5Aopen(obj, name, H5P_DEFAULT));
  Handle ftype(H5Aget_type(attr.get()));
  if (H5Tget_class(ftype.get()) != H5T_INTEGER && H5Tget_class(ftype.get()) != H5T_FLOAT) return {};
  Handle space(H5Aget_space(attr.get()));
  std::vector<std::int64_t> out(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  if (!out.empty() && H5Aread(attr.get(), H5T_NATIVE_INT64, out.data()) < 0) return {};
  return out;
}

}  // namespace blue::h5

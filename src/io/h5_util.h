// Thin RAII and reading helpers over the HDF5 C API, shared by the .h5ad reader and writer.
// Every failure is an InputError naming the file and the dataset.
#pragma once
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace blue::h5 {

// Owns an HDF5 identifier and closes it with the matching H5?close.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(Handle&& o) noexcept : id_(o.id_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle();
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = -1;
};

// Silences HDF5's own error printing (we report errors ourselves) and registers the LZF filter.
void init();

// Opens an existing HDF5 file read-only; InputError if missing or not HDF5.
Handle open_file(const std::string& path);

// True if every component of `path` (e.g. "obs/__categories/x") exists below `loc`.
bool exists(hid_t loc, const std::string& path);
bool is_group(hid_t loc, const std::string& path);
Handle open_group(hid_t loc, const std::string& path, const std::string& file);
Handle open_dataset(hid_t loc, const std::string& path, const std::string& file);

// Names of the links directly below a group.
std::vector<std::string> list_children(hid_t group);

// Dimensions of a dataset.
std::vector<std::int64_t> shape(hid_t dataset);

// Throws InputError if a dataset's compression filters are unavailable (naming the filter and the fix).
// Called after a failed read, to explain it.
void check_filters(hid_t dataset, const std::string& file, const std::string& name);

// Reads a whole dataset (or the rows [row0, row0 + nrows) of a 2-D one when nrows >= 0) converted to the
// memory type of T (float, double, int32, int64).
template <typename T>
std::vector<T> read_numeric(hid_t dataset, const std::string& file, const std::string& name, std::int64_t row0 = 0,
                            std::int64_t nrows = -1);

// Reads a 1-D dataset of strings (variable or fixed length).
std::vector<std::string> read_strings(hid_t dataset, const std::string& file, const std::string& name);
bool is_string_type(hid_t dataset);

// String attribute (variable or fixed length); "" when absent.
std::string string_attr(hid_t obj, const char* name);
// Integer array attribute (e.g. "shape"); empty when absent.
std::vector<std::int64_t> int_attr(hid_t obj, const char* name);
bool has_attr(hid_t obj, const char* name);

}  // namespace blue::h5

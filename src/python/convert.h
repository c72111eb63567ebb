// Between Python values (numpy arrays, lists, dicts) and the library's types, for the bindings. Everything here
// runs with the GIL held and copies: the library's computations then run on the copies with the GIL released.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "io/types.h"
#include "util/error.h"

namespace blue::python {

namespace py = pybind11;

// The counts of a reference as the Python layer hands them over, copied but never densified:
//   ("csr" | "csc", (rows, cols), indptr, indices, data)  the compressed arrays of a scipy sparse matrix
//   ("dense", array)                                       a 2-D array (cells x genes)
// Validation and conversion to CSR happen later (counts_to_csr), without the GIL.
struct CountsInput {
  std::string kind;
  std::int64_t rows = 0, cols = 0;
  std::vector<std::int64_t> indptr;
  std::vector<std::int32_t> indices;
  std::vector<float> data;  // the values (compressed), or the dense array row by row
};
CountsInput counts_from_python(const py::tuple& counts);
// The CSR matrix of `in` (consumed): compressed arrays validated as a file's are (InputError naming `where`),
// a dense array's zeros left out.
CsrMatrix counts_to_csr(CountsInput&& in, const std::string& where);

// (names of rows, names of columns, 2-D array rows x columns) -> a table; values checked later.
ExpressionTable expression_from_python(const std::vector<std::string>& rows, const std::vector<std::string>& columns,
                                       const py::array& values, const std::string& source);
SampleTable samples_from_python(const std::vector<std::string>& rows, const std::vector<std::string>& columns,
                                const py::array& values, const std::string& source);

// Matrices to numpy (copies).
py::array_t<float> to_numpy(const MatrixF& m);
py::array_t<double> to_numpy(const Eigen::MatrixXd& m);
py::array_t<double> to_numpy(const Eigen::VectorXd& v);
// A samples x columns table as {"index", "columns", "values"} (the Python layer makes it a DataFrame).
py::dict sample_table_to_python(const SampleTable& t);

// JSON to Python objects (dict, list, str, numbers, None).
py::object to_python(const nlohmann::json& j);

// Keyword options handed over as a dict: each read at most once with the field's type; a value of the wrong
// type is a UsageError naming the option, and any option left unread at the end is one too.
class Options {
 public:
  Options(py::dict options, std::string function) : options_(std::move(options)), function_(std::move(function)) {}

  bool given(const std::string& name) const { return options_.contains(py::str(name)); }

  template <typename T>
  void read(const std::string& name, T& field) {
    if (!given(name)) return;
    used_.insert(name);
    try {
      field = options_[py::str(name)].cast<T>();
    } catch (const py::cast_error&) {
      throw UsageError(function_ + ": option " + name + " = " + py::repr(options_[py::str(name)]).cast<std::string>() +
                       " has the wrong type (" + expected<T>() + " expected)");
    }
  }

  // UsageError naming every option that no read() asked for.
  void check_all_used() const;

 private:
  template <typename T>
  static const char* expected() {
    if constexpr (std::is_same_v<T, bool>)
      return "True or False";
    else if constexpr (std::is_integral_v<T>)
      return "an integer";
    else if constexpr (std::is_floating_point_v<T>)
      return "a number";
    else if constexpr (std::is_same_v<T, std::string>)
      return "a string";
    else
      return "a list of strings";
  }

  py::dict options_;
  std::string function_;
  std::set<std::string> used_;
};

}  // namespace blue::python

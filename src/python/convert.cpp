#include "python/convert.h"

#include <fmt/format.h>

#include "io/csr.h"

namespace blue::python {
namespace {

template <typename T>
std::vector<T> copy_1d(const py::handle& h, const char* what) {
  auto a = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(h);
  if (!a) throw InputError(std::string("the reference's ") + what + " is not a numeric array");
  if (a.ndim() != 1) throw InputError(std::string("the reference's ") + what + " must be one-dimensional");
  return std::vector<T>(a.data(), a.data() + a.size());
}

template <typename T, int Flags>
py::array_t<T, Flags> as_2d(const py::array& values, const std::string& source) {
  auto a = py::array_t<T, Flags>::ensure(values);
  if (!a) throw InputError(source + ": the values are not numeric");
  if (a.ndim() != 2)
    throw InputError(fmt::format("{}: expected a 2-D table of values, got {} dimension(s)", source, a.ndim()));
  return a;
}

}  // namespace

CountsInput counts_from_python(const py::tuple& counts) {
  CountsInput in;
  in.kind = counts[0].cast<std::string>();
  if (in.kind == "dense") {
    auto a = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(counts[1]);
    if (!a || a.ndim() != 2) throw InputError("the reference's counts must be a 2-D numeric array (cells x genes)");
    in.rows = a.shape(0);
    in.cols = a.shape(1);
    in.data.assign(a.data(), a.data() + a.size());
    return in;
  }
  if (in.kind != "csr" && in.kind != "csc")
    throw InternalError("counts_from_python: unknown matrix kind '" + in.kind + "'");
  const auto shape = counts[1].cast<std::pair<std::int64_t, std::int64_t>>();
  in.rows = shape.first;
  in.cols = shape.second;
  in.indptr = copy_1d<std::int64_t>(counts[2], "indptr");
  in.indices = copy_1d<std::int32_t>(counts[3], "indices");
  in.data = copy_1d<float>(counts[4], "data");
  return in;
}

CsrMatrix counts_to_csr(CountsInput&& in, const std::string& where) {
  if (in.kind == "dense") {
    CsrMatrix m;
    m.rows = in.rows;
    m.cols = in.cols;
    m.indptr.reserve(static_cast<std::size_t>(in.rows) + 1);
    m.indptr.push_back(0);
    for (std::int64_t r = 0; r < in.rows; ++r) {
      const float* row = in.data.data() + r * in.cols;
      for (std::int64_t c = 0; c < in.cols; ++c) {
        if (row[c] == 0.0f) continue;
        m.indices.push_back(static_cast<std::int32_t>(c));
        m.data.push_back(row[c]);
      }
      m.indptr.push_back(static_cast<std::int64_t>(m.data.size()));
    }
    return m;
  }
  const bool csc = in.kind == "csc";
  const std::int64_t major = csc ? in.cols : in.rows, minor = csc ? in.rows : in.cols;
  validate_compressed(where, major, minor, in.indptr, in.indices, in.data.size(), csc ? "columns" : "rows",
                      csc ? "rows" : "columns");
  if (csc) return csr_from_csc(in.rows, in.cols, in.indptr, in.indices, in.data);
  return csr_from_arrays(in.rows, in.cols, std::move(in.indptr), std::move(in.indices), std::move(in.data));
}

ExpressionTable expression_from_python(const std::vector<std::string>& rows, const std::vector<std::string>& columns,
                                       const py::array& values, const std::string& source) {
  auto a = as_2d<double, py::array::f_style | py::array::forcecast>(values, source);
  ExpressionTable t;
  t.source = source;
  t.genes = rows;
  t.columns = columns;
  t.values = Eigen::Map<const Eigen::MatrixXd>(a.data(), a.shape(0), a.shape(1));
  return t;
}

SampleTable samples_from_python(const std::vector<std::string>& rows, const std::vector<std::string>& columns,
                                const py::array& values, const std::string& source) {
  auto a = as_2d<double, py::array::f_style | py::array::forcecast>(values, source);
  SampleTable t;
  t.source = source;
  t.samples = rows;
  t.columns = columns;
  t.values = Eigen::Map<const Eigen::MatrixXd>(a.data(), a.shape(0), a.shape(1));
  return t;
}

py::array_t<float> to_numpy(const MatrixF& m) {
  py::array_t<float> a({m.rows(), m.cols()});
  if (m.size() > 0) std::copy(m.data(), m.data() + m.size(), a.mutable_data());  // both row-major
  return a;
}

py::array_t<double> to_numpy(const Eigen::MatrixXd& m) {
  py::array_t<double> a({m.rows(), m.cols()});
  Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(a.mutable_data(), m.rows(),
                                                                                     m.cols()) = m;
  return a;
}

py::array_t<double> to_numpy(const Eigen::VectorXd& v) {
  py::array_t<double> a(v.size());
  if (v.size() > 0) std::copy(v.data(), v.data() + v.size(), a.mutable_data());
  return a;
}

py::dict sample_table_to_python(const SampleTable& t) {
  py::dict d;
  d["index"] = t.samples;
  d["columns"] = t.columns;
  d["values"] = to_numpy(t.values);
  return d;
}

py::object to_python(const nlohmann::json& j) { return py::module_::import("json").attr("loads")(j.dump()); }

void Options::check_all_used() const {
  std::vector<std::string> unknown;
  for (const auto& [key, value] : options_) {
    const std::string name = py::str(key);
    if (!used_.count(name)) unknown.push_back(name);
  }
  if (unknown.empty()) return;
  std::string list;
  for (const auto& u : unknown) list += (list.empty() ? "" : ", ") + u;
  throw UsageError(function_ + ": unknown option(s): " + list);
}

}  // namespace blue::python

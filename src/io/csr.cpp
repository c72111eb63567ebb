#include "io/csr.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "util/error.h"

namespace blue {

void validate_compressed(const std::string& where, std::int64_t major, std::int64_t minor,
                         const std::vector<std::int64_t>& indptr, const std::vector<std::int32_t>& indices,
                         std::size_t n_data, const char* major_name, const char* minor_name) {
  if (indices.size() != n_data) {
    throw InputError(fmt::format("{}: 'indices' has {} entries but 'data' has {}; they must match", where,
                                 indices.size(), n_data));
  }
  if (static_cast<std::int64_t>(indptr.size()) != major + 1) {
    throw InputError(fmt::format("{}: 'indptr' has {} entries, expected {} (number of {} + 1 from the shape)", where,
                                 indptr.size(), major + 1, major_name));
  }
  if (indptr.front() != 0)
    throw InputError(fmt::format("{}: 'indptr' starts at {}, expected 0", where, indptr.front()));
  for (std::int64_t i = 0; i < major; ++i) {
    if (indptr[i + 1] < indptr[i]) {
      throw InputError(
          fmt::format("{}: 'indptr' is not monotone: entry {} is {} but entry {} is {} (expected a "
                      "non-decreasing sequence)",
                      where, i + 1, indptr[i + 1], i, indptr[i]));
    }
  }
  if (indptr.back() != static_cast<std::int64_t>(n_data)) {
    throw InputError(fmt::format("{}: 'indptr' ends at {} but there are {} stored values (expected equal)", where,
                                 indptr.back(), n_data));
  }
  for (std::size_t k = 0; k < indices.size(); ++k) {
    if (indices[k] < 0 || indices[k] >= minor) {
      throw InputError(fmt::format("{}: 'indices' entry {} is {}, out of range [0, {}) (number of {})", where, k,
                                   indices[k], minor, minor_name));
    }
  }
}

void canonicalize_rows(CsrMatrix& m) {
  std::vector<std::pair<std::int32_t, float>> row;
  std::int64_t out = 0;
  std::int64_t start = 0;
  for (std::int64_t r = 0; r < m.rows; ++r) {
    std::int64_t end = m.indptr[r + 1];
    bool sorted = true;
    for (std::int64_t k = start + 1; k < end && sorted; ++k) sorted = m.indices[k - 1] < m.indices[k];
    if (sorted) {
      for (std::int64_t k = start; k < end; ++k, ++out) {
        m.indices[out] = m.indices[k];
        m.data[out] = m.data[k];
      }
    } else {
      row.clear();
      for (std::int64_t k = start; k < end; ++k) row.emplace_back(m.indices[k], m.data[k]);
      std::sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (i > 0 && row[i].first == row[i - 1].first) {
          m.data[out - 1] += row[i].second;
        } else {
          m.indices[out] = row[i].first;
          m.data[out] = row[i].second;
          ++out;
        }
      }
    }
    start = end;
    m.indptr[r + 1] = out;
  }
  m.indices.resize(out);
  m.data.resize(out);
}

CsrMatrix csr_from_coordinates(std::int64_t rows, std::int64_t cols, const std::vector<std::int32_t>& row_of,
                               const std::vector<std::int32_t>& col_of, const std::vector<float>& values) {
  CsrMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.indptr.assign(rows + 1, 0);
  for (std::int32_t r : row_of) ++m.indptr[r + 1];
  std::partial_sum(m.indptr.begin(), m.indptr.end(), m.indptr.begin());
  m.indices.resize(values.size());
  m.data.resize(values.size());
  std::vector<std::int64_t> next(m.indptr.begin(), m.indptr.end() - 1);
  for (std::size_t k = 0; k < values.size(); ++k) {
    std::int64_t at = next[row_of[k]]++;
    m.indices[at] = col_of[k];
    m.data[at] = values[k];
  }
  canonicalize_rows(m);
  return m;
}

CsrMatrix csr_from_csc(std::int64_t rows, std::int64_t cols, const std::vector<std::int64_t>& indptr,
                       const std::vector<std::int32_t>& indices, const std::vector<float>& data) {
  std::vector<std::int32_t> col_of(indices.size());
  for (std::int64_t c = 0; c < cols; ++c)
    std::fill(col_of.begin() + indptr[c], col_of.begin() + indptr[c + 1], static_cast<std::int32_t>(c));
  return csr_from_coordinates(rows, cols, indices, col_of, data);
}

void keep_rows(CsrMatrix& m, const std::vector<char>& keep) {
  std::int64_t out_row = 0, out = 0, start = 0;
  for (std::int64_t r = 0; r < m.rows; ++r) {
    std::int64_t end = m.indptr[r + 1];
    if (keep[r]) {
      for (std::int64_t k = start; k < end; ++k, ++out) {
        m.indices[out] = m.indices[k];
        m.data[out] = m.data[k];
      }
      m.indptr[++out_row] = out;
    }
    start = end;
  }
  m.rows = out_row;
  m.indptr.resize(out_row + 1);
  m.indices.resize(out);
  m.data.resize(out);
  m.indices.shrink_to_fit();
  m.data.shrink_to_fit();
}

void merge_columns(CsrMatrix& m, const std::vector<std::int32_t>& target, std::int64_t new_cols) {
  for (auto& c : m.indices) c = target[c];
  m.cols = new_cols;
  canonicalize_rows(m);
}

CsrMatrix csr_from_arrays(std::int64_t rows, std::int64_t cols, std::vector<std::int64_t> indptr,
                          std::vector<std::int32_t> indices, std::vector<float> data) {
  CsrMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.indptr = std::move(indptr);
  m.indices = std::move(indices);
  m.data = std::move(data);
  canonicalize_rows(m);
  return m;
}

void keep_columns(CsrMatrix& m, const std::vector<std::int32_t>& target, std::int64_t new_cols) {
  std::int64_t out = 0;
  std::int64_t start = 0;
  for (std::int64_t r = 0; r < m.rows; ++r) {
    const std::int64_t end = m.indptr[r + 1];
    for (std::int64_t j = start; j < end; ++j) {
      const std::int32_t t = target[m.indices[j]];
      if (t < 0) continue;
      m.indices[out] = t;
      m.data[out] = m.data[j];
      ++out;
    }
    start = end;
    m.indptr[r + 1] = out;
  }
  m.indices.resize(out);
  m.data.resize(out);
  m.cols = new_cols;
}

std::vector<std::string> unique_names(const std::vector<std::string>& names, std::vector<std::int32_t>& target,
                                      std::vector<std::string>& duplicated) {
  std::unordered_map<std::string, std::int32_t> index;
  index.reserve(names.size());
  std::vector<std::string> unique;
  target.resize(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto [it, fresh] = index.emplace(names[i], static_cast<std::int32_t>(unique.size()));
    if (fresh)
      unique.push_back(names[i]);
    else
      duplicated.push_back(names[i]);
    target[i] = it->second;
  }
  return unique;
}

}  // namespace blue

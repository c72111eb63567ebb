// Operations on compressed sparse row matrices that the readers need: validation of file contents,
// building from coordinates, dropping rows and merging columns, all without densifying.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "io/types.h"

namespace blue {

// Checks compressed-sparse arrays read from `where` (e.g. "file.h5ad: X"): indptr has major + 1 entries,
// starts at 0, never decreases and ends at nnz; every index lies in [0, minor). InputError otherwise.
void validate_compressed(const std::string& where, std::int64_t major, std::int64_t minor,
                         const std::vector<std::int64_t>& indptr, const std::vector<std::int32_t>& indices,
                         std::size_t n_data, const char* major_name, const char* minor_name);

// Sorts the column indices inside each row and sums repeated (row, column) entries.
void canonicalize_rows(CsrMatrix& m);

// Builds a rows x cols CSR from coordinates (indices already checked to be in range); repeats are summed.
CsrMatrix csr_from_coordinates(std::int64_t rows, std::int64_t cols, const std::vector<std::int32_t>& row_of,
                               const std::vector<std::int32_t>& col_of, const std::vector<float>& values);

// A CSR from already validated arrays (moved in), column indices sorted within each row.
CsrMatrix csr_from_arrays(std::int64_t rows, std::int64_t cols, std::vector<std::int64_t> indptr,
                          std::vector<std::int32_t> indices, std::vector<float> data);

// Turns compressed-by-column arrays (CSC of a rows x cols matrix) into CSR.
CsrMatrix csr_from_csc(std::int64_t rows, std::int64_t cols, const std::vector<std::int64_t>& indptr,
                       const std::vector<std::int32_t>& indices, const std::vector<float>& data);

// Keeps the rows with keep[r] != 0, in order, in place.
void keep_rows(CsrMatrix& m, const std::vector<char>& keep);

// Column c becomes column target[c] of a matrix with `new_cols` columns; columns mapped together are summed.
void merge_columns(CsrMatrix& m, const std::vector<std::int32_t>& target, std::int64_t new_cols);

// Column c becomes column target[c] (increasing over the kept columns) of a matrix with `new_cols` columns;
// columns with target -1 are dropped.
void keep_columns(CsrMatrix& m, const std::vector<std::int32_t>& target, std::int64_t new_cols);

// Merges duplicated names: returns the unique names (first occurrence order) and, per input name, the
// index of its unique name. `duplicated` receives every repeated occurrence.
std::vector<std::string> unique_names(const std::vector<std::string>& names, std::vector<std::int32_t>& target,
                                      std::vector<std::string>& duplicated);

}  // namespace blue

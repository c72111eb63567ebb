// The data every module exchanges: a sparse labelled single-cell reference, a dense expression table
// (bulk samples or signature profiles), and a dense AnnData-like container for results.
#pragma once
#include <Eigen/Dense>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace blue {

using MatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;  // row = observation

// Compressed sparse rows, float values. For a reference: rows = cells, columns = genes.
struct CsrMatrix {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::vector<std::int64_t> indptr;   // rows + 1 entries
  std::vector<std::int32_t> indices;  // column of each stored value, increasing within a row
  std::vector<float> data;

  std::int64_t nnz() const { return static_cast<std::int64_t>(data.size()); }
  std::size_t bytes() const {
    return indptr.size() * sizeof(std::int64_t) + indices.size() * sizeof(std::int32_t) + data.size() * sizeof(float);
  }
};

// A labelled single-cell reference of raw counts. Cells without a label have been dropped by the reader.
struct Reference {
  std::string source;                      // file or directory it was read from
  CsrMatrix counts;                        // cells x genes
  std::vector<std::string> genes;          // column names, unique
  std::vector<std::string> cells;          // row names (barcodes)
  std::vector<std::string> cell_types;     // sorted unique labels
  std::vector<std::int32_t> cell_type_of;  // per cell, index into cell_types
  // With a donor key (ReferenceOptions::donor_key) only, else empty: sorted unique donor names and, per
  // cell, the index of its donor.
  std::vector<std::string> donors;
  std::vector<std::int32_t> donor_of;

  std::size_t n_cells() const { return cells.size(); }
  std::size_t n_genes() const { return genes.size(); }
  std::size_t n_types() const { return cell_types.size(); }
};

// Genes in rows, columns = samples (bulk) or cell types (signature). Values in linear units unless stated.
struct ExpressionTable {
  std::string source;
  std::vector<std::string> genes;    // unique
  std::vector<std::string> columns;  // unique
  Eigen::MatrixXd values;            // genes x columns, column-major: each column contiguous
};

// A samples x columns table such as proportions.tsv or a truth table (first column = sample).
struct SampleTable {
  std::string source;
  std::vector<std::string> samples;
  std::vector<std::string> columns;
  Eigen::MatrixXd values;  // samples x columns
};

// A dense AnnData: what blue writes as .h5ad (pseudobulk, predicted GEPs) and reads back for evaluation.
struct DenseAnnData {
  std::vector<std::string> obs_names;
  std::vector<std::string> var_names;
  std::map<std::string, std::vector<std::string>> obs_strings;  // string columns of obs, one value per obs
  MatrixF X;                                                    // obs x var
  std::map<std::string, MatrixF> layers;                        // each obs x var
  std::map<std::string, MatrixF> obsm;                          // each obs x anything
  std::map<std::string, std::vector<std::string>> uns_strings;  // e.g. uns/proportions_columns
};

}  // namespace blue

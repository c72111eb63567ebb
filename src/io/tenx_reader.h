// Reading 10x-style Matrix Market output: matrix.mtx[.gz] (genes x cells) with genes.tsv / features.tsv
// and barcodes.tsv (each optionally .gz) beside it, and the label table that goes with it.
#pragma once
#include <string>
#include <vector>

#include "io/types.h"

namespace blue {

// The three files of a 10x matrix.
struct TenxFiles {
  std::string matrix, genes, barcodes;
};

// `path`: a directory holding matrix.mtx[.gz], or the matrix file itself; genes/features.tsv and
// barcodes.tsv (each optionally .gz) are looked up beside it.
TenxFiles locate_10x(const std::string& path);

// The barcodes (first column of barcodes.tsv), cheap to read before the matrix.
std::vector<std::string> read_barcodes(const TenxFiles& files);

struct TenxMatrix {
  std::string matrix_path;
  CsrMatrix counts;                // cells x genes (transposed from the file)
  std::vector<std::string> genes;  // 2nd column of genes/features.tsv when present (symbol), else the 1st
  std::vector<std::string> barcodes;
};

// Reads the matrix and its gene and barcode names, checking that their sizes agree.
TenxMatrix read_10x(const TenxFiles& files);

// Cell Ranger's HDF5 matrix (filtered_feature_bc_matrix.h5, version 3+ /matrix layout or version 2's group
// per genome): counts, barcodes and genes; features that are not "Gene Expression" are left out.
// `gene_column`: "" or "name" = symbols, "id" = Ensembl IDs. InputError naming the file and dataset.
TenxMatrix read_10x_h5(const std::string& path, const std::string& gene_column);

// Parses a Matrix Market coordinate file (integer, real or pattern; general) into a cells x genes CSR.
CsrMatrix read_matrix_market(const std::string& path);

// Reads labels for `barcodes` from a CSV/TSV with a header: barcode column by name (or the first column
// when `barcode_column` is empty) and the label column `label_key`. Barcodes without a row get "" (and a
// warning); rows whose barcode is not in `barcodes` are counted in a warning.
std::vector<std::string> read_label_table(const std::string& path, const std::string& barcode_column,
                                          const std::string& label_key, const std::vector<std::string>& barcodes);

}  // namespace blue

// Reading a labelled single-cell reference of raw counts, from .h5ad or a 10x directory plus a label table.
#pragma once
#include <string>

#include "io/types.h"

namespace blue {

struct ReferenceOptions {
  std::string path;            // .h5ad file, a 10x directory, or a matrix.mtx[.gz] file
  std::string labels_path;     // CSV/TSV with a barcode column and a label column (required for 10x)
  std::string label_key;       // obs column (h5ad) or label column of labels_path
  std::string barcode_column;  // column of labels_path holding barcodes; "" = the first column
  std::string layer;           // h5ad matrix: "" = X, "raw" = raw/X, otherwise layers/<layer>
  std::string gene_column;     // h5ad var column holding gene names; "" = the var index
  // Obs column (h5ad) or column of labels_path naming each cell's donor (patient, sample); "" = none.
  // Cells with a missing donor are dropped with a counted warning.
  std::string donor_key;
  // Keep only the cells of these donors (needs donor_key); a name the column lacks is an InputError
  // listing the donors there are.
  std::vector<std::string> donors;
};

// Reads the counts (never densified), the gene names (duplicates summed with a warning) and the labels
// (cells with a missing label dropped with a counted warning). Throws InputError naming file and field.
Reference read_reference(const ReferenceOptions& options);

// A reference as read, before its clean-up: what a reader (or the Python module, from an AnnData in memory)
// hands over.
struct ReferenceParts {
  std::string source;                     // names the data in messages (a file, "AnnData")
  CsrMatrix counts;                       // cells x genes, raw counts
  std::vector<std::string> genes, cells;  // column and row names
  std::vector<std::string> labels;        // per cell; "" or NA-like (io/text_reader.h) = missing
  std::vector<std::string> donors;        // per cell with options.donor_key, else empty
};

// The clean-up every reader ends with: the counts checked (finite, non-negative, not empty), unlabelled cells
// dropped (warned), options.donors selected, duplicated genes summed (warned), cell types and donors sorted.
// InputError naming `parts.source` for unusable data, or names and labels that do not match the matrix.
Reference make_reference(ReferenceParts parts, const ReferenceOptions& options);

}  // namespace blue

// Internals of the expression-table readers (io/tables.cpp) shared with the chunked bulk reader
// (io/bulk_chunks.cpp): the same parsing, checks and duplicate-gene handling either way.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "io/types.h"

namespace blue::detail {

// A numeric table as read from text: named rows, named columns, values row-major.
struct TextTable {
  std::vector<std::string> rows;
  std::vector<std::string> columns;
  std::vector<double> values;
};

// Reads a delimited table line by line: `columns` gets the header's value columns, then `on_row(name,
// values)` is called for every data row. Header = first non-blank line, whose first field is the corner (a
// header one field short, as R writes tables with row names, is accepted). Ragged rows, non-numeric or
// non-finite cells, duplicated column names, empty row names and empty tables are InputErrors naming the
// line and column.
using RowCallback = std::function<void(const std::string& name, const std::vector<double>& values)>;
void scan_text_table(const std::string& path, const std::string& what, const char* row_kind,
                     std::vector<std::string>& columns, const RowCallback& on_row);

// InputError naming the first repeated name: `where` starts the message ("file.tsv: line 1"), `first` is
// the number of the first column there.
void check_unique_columns(const std::string& where, const std::vector<std::string>& columns, std::size_t first = 2);

// Sums rows that share a gene name (warning once), keeping the first occurrence's position.
ExpressionTable merge_gene_rows(const std::string& path, const std::string& what, TextTable&& table);

// A genes x samples table from an obs (samples) x var (genes) CSR matrix, duplicated genes summed.
ExpressionTable expression_from_csr(const std::string& path, const std::string& what, std::vector<std::string> genes,
                                    std::vector<std::string> samples, const CsrMatrix& x);

}  // namespace blue::detail

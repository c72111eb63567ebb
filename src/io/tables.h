// Delimited text tables (TSV or CSV, optionally gzip-compressed) and expression matrices.
#pragma once
#include <string>
#include <vector>

#include "io/types.h"

namespace blue {

class StagedOutputs;

// Genes in rows (first column = gene), samples in columns; TSV/CSV[.gz], or .h5ad (obs = samples,
// var = genes; X dense or sparse). Duplicated gene names are summed with a warning; non-numeric cells,
// NaN/Inf, ragged rows, duplicated column names and empty gene names are InputErrors naming line and column.
// `what` names the role in messages ("bulk", "signature").
ExpressionTable read_expression_table(const std::string& path, const std::string& what);

// One row per sample, first column = sample name, then numeric columns (proportions, truth fractions).
SampleTable read_sample_table(const std::string& path, const std::string& what);

// Tables already in memory (the Python module's bulk, signature, proportions), checked as the readers check
// files: matching name and value counts, unique column (and sample) names, non-empty gene names, finite values
// (InputError naming `table.source`, the row and the column). Rows that repeat a gene are summed (warned).
// `what` names the role in messages.
ExpressionTable checked_expression_table(ExpressionTable table, const std::string& what);
SampleTable checked_sample_table(SampleTable table, const std::string& what);

// A gene list: one gene per line ('#' comments and blank lines skipped, repeats dropped with a warning), or
// a TSV/CSV whose first column holds the genes. When the first line names a column like a gene column
// (gene, genes, symbol, gene_symbol, gene_id, gene_name, feature, ensembl_id, id ...; any case) it is a
// header: it is skipped and the genes come from that column; a `selected` column (the --stats table of
// `blue markers`) keeps only rows with selected = 1. Empty lists are InputErrors.
std::vector<std::string> read_gene_list(const std::string& path);

// Writers: to a path staged in `out` (atomic). `corner` is the header of the first column.
void write_sample_table(StagedOutputs& out, const std::string& path, const SampleTable& table,
                        const std::string& corner = "sample");
// The text of write_sample_table, with or without (for appending rows) its header line.
std::string format_sample_table(const SampleTable& table, bool header, const std::string& corner = "sample");
void write_expression_table(StagedOutputs& out, const std::string& path, const ExpressionTable& table,
                            const std::string& corner = "gene");
// The text of write_expression_table. `single_precision`: each value is printed as the shortest decimal that
// reads back as the same float (for values that were floats: about half the characters and the time).
std::string format_expression_table(const ExpressionTable& table, bool single_precision,
                                    const std::string& corner = "gene");

}  // namespace blue

// Cell fractions calibrated by bulk mRNA content. The network learns fractions of cells from pseudobulk in
// which a cell of type k brings the reference's library size L_k (its mean counts per cell); in bulk RNA
// a cell brings its real mRNA content C_k, which single-cell platforms capture unevenly (pbmc3k: a CD14+
// monocyte holds 1.13x the UMIs of a naive CD4 T cell, bulk measurements give 2.05x). What the network
// reads is the RNA share, so the cell fraction is p_k x L_k / C_k, renormalised.
#pragma once
#include <string>
#include <vector>

#include "io/types.h"

namespace blue {

struct MrnaCalibration {
  std::vector<double> factor;         // per type: L_k / C_k, scaled so that the median mapped factor is 1
  std::vector<std::string> row;       // per type: the content table's row used ("" = unmapped)
  std::vector<std::string> unmapped;  // types with no row: they take the median factor of the mapped ones
};

// `table`: TSV/CSV, first column = cell type (any vocabulary), a column `mrna_content` (relative mRNA per
// cell, > 0). `map` (optional): first column = the model's cell type, a column `content_type` = the row of
// `table` it takes; without it the model's types are looked up by name. A map or table row naming an
// unknown type, a non-positive or non-numeric content, or no type mapped at all: InputError naming the
// file and line. `library_size`: the reference's mean counts per cell of each type (the model keeps it).
MrnaCalibration mrna_calibration(const std::string& table, const std::string& map,
                                 const std::vector<std::string>& types, const std::vector<double>& library_size);

// Logs (under `tag`) the factor of every mapped type and warns about the unmapped ones, naming --mrna-map.
void log_mrna_calibration(const MrnaCalibration& c, const std::vector<std::string>& types, const std::string& table,
                          const char* tag);

// The problem with a content table and map given together (a map without a table), or "" when there is none.
std::string mrna_content_problem(const std::string& table, const std::string& map);

// Rows of `fractions` (samples x types) times the factors, renormalised to sum 1.
MatrixF calibrate_fractions(const MatrixF& fractions, const std::vector<double>& factor);

// NNLS's coefficients are shares of the bulk's RNA (each signature column is one unit of RNA): the cell
// fractions divide them by each type's mRNA content. `shares` (samples x types, columns = the signature's
// types) are calibrated in place; the calibration is logged under `tag` and returned.
MrnaCalibration rna_shares_to_cell_fractions(SampleTable& shares, const std::string& table, const std::string& map,
                                             const char* tag);

}  // namespace blue

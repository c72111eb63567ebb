// How a bulk table's values and gene names are prepared before deconvolution (blue deconvolve and nnls, and the
// Python module): the scale check (io/bulk_scale.h), Ensembl IDs <-> symbols (io/gene_ids.h), full-length
// counts -> TPM (io/gene_lengths.h).
#pragma once
#include <string>
#include <vector>

#include "io/types.h"

namespace blue {

class Provenance;

struct BulkInputOptions {
  std::string scale = "auto";  // auto | linear | log2 (parse_bulk_scale)
  std::string gene_lengths;    // TSV gene, length_bp; "" = none
  std::string gene_map;        // TSV ensembl_id, symbol; "" = none
};

// In this order: the scale check (values in linear units), the genes renamed into the kind of `target` (gene
// map; an empty target means symbols), counts divided by gene length. `stage` tags the log messages; the
// options and tables are recorded in `provenance` when given.
void prepare_bulk(ExpressionTable& bulk, const BulkInputOptions& options, const std::vector<std::string>& target,
                  const char* stage, Provenance* provenance = nullptr);

}  // namespace blue

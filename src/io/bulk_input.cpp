#include "io/bulk_input.h"

#include "io/bulk_scale.h"
#include "io/gene_ids.h"
#include "io/gene_lengths.h"
#include "util/provenance.h"

namespace blue {

void prepare_bulk(ExpressionTable& bulk, const BulkInputOptions& o, const std::vector<std::string>& target,
                  const char* stage, Provenance* provenance) {
  ensure_linear(bulk, parse_bulk_scale(o.scale), stage);
  if (provenance) provenance->set("bulk_scale", o.scale);
  if (!o.gene_map.empty()) {
    translate_gene_ids(bulk, target, read_gene_id_map(o.gene_map), stage);
    if (provenance) provenance->add_input("gene_map", o.gene_map);
  }
  if (!o.gene_lengths.empty()) {
    counts_to_tpm(bulk, read_gene_lengths(o.gene_lengths), stage);
    if (provenance) provenance->add_input("gene_lengths", o.gene_lengths);
  }
}

}  // namespace blue

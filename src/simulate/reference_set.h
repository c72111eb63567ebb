// Training on several references at once (train -r A -r B): each reference's labels mapped onto one
// vocabulary by a label map, the references combined into one over the genes they share, each reference
// (or each reference's donor) becoming a donor so that every pseudobulk sample is drawn from one platform.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "io/types.h"

namespace blue {

// A label map: TSV/CSV with the header "reference<TAB>label<TAB>type". `reference` names a reference by its
// name (reference_name) or the path as given, or is "*" for every reference; `type` is the shared cell
// type, or "-" to drop that label's cells. A row for a specific reference wins over a "*" row.
struct LabelMapRow {
  std::string reference, label, type;
  int line = 0;
};
struct LabelMap {
  std::string path;
  std::vector<LabelMapRow> rows;
};

// Reads and checks a label map: header, three fields per line, no empty field, no (reference, label) twice.
// InputError naming the file and line otherwise. Blank lines and lines starting with '#' are skipped.
LabelMap read_label_map(const std::string& path);

// The name a reference goes by in messages, in the label map and as the donor of its cells: the file or
// directory name of its path ("data/pbmc3k.h5ad" -> "pbmc3k.h5ad"); the whole path where two references
// would share a name.
std::vector<std::string> reference_names(const std::vector<std::string>& paths);

// Relabels `ref` (called `name`, read from `path`) through `map`. Every label needs a row (specific or "*"):
// unmapped labels are an InputError listing them all, with the line to add. Rows naming this reference
// whose label it lacks are warned about (a typo would otherwise pass). Logs the cells dropped ("-").
void apply_label_map(Reference& ref, const std::string& name, const std::string& path, const LabelMap& map);

// One reference made of `refs` (consumed): the genes all of them measure (order of the first; an
// InputError when fewer than `min_shared_genes` remain, which usually means gene symbols on one side and
// Ensembl IDs on the other), the cells of all (named "<name>:<barcode>"), the union of the cell types.
// Donors: "<name>" per reference, or "<name>:<donor>" for a reference read with a donor key, so that
// donor-wise simulation draws each pseudobulk sample from one reference (or one of its donors). Logs the
// genes kept of each reference and, per cell type, the references that have it.
Reference combine_references(std::vector<Reference> refs, const std::vector<std::string>& names,
                             std::size_t min_shared_genes);

}  // namespace blue

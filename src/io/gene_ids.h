// Gene identifiers of two kinds: Ensembl gene IDs (ENSG00000141510, with or without a ".12" version) and gene
// symbols (TP53). A bulk table from an alignment pipeline often has the first, a reference from scanpy or
// Seurat the second. `--gene-map TABLE` (data/gene_ids_hs.tsv.gz, built by data/make_gene_ids.R) renames
// the bulk's genes into the other side's kind before they are matched.
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "io/types.h"

namespace blue {

// True when most of the first 200 names look like Ensembl IDs (ENS...G followed by digits).
bool looks_like_ensembl(const std::vector<std::string>& names);
// "ENSG00000141510.12" -> "ENSG00000141510"; other names unchanged.
std::string strip_ensembl_version(const std::string& id);

struct GeneIdMap {
  std::string source;
  std::unordered_map<std::string, std::vector<std::string>> symbols_of;  // unversioned Ensembl ID -> symbols
  std::unordered_map<std::string, std::vector<std::string>> ids_of;      // symbol -> unversioned IDs
};

// TSV/CSV (plain or gzip) with the header "ensembl_id<TAB>symbol"; '#' lines skipped; InputError naming the
// file and line for a malformed line.
GeneIdMap read_gene_id_map(const std::string& path);

struct IdTranslation {
  bool translated = false;    // false: both sides already use the same kind (nothing renamed)
  std::size_t mapped = 0;     // bulk genes given a name of the other kind
  std::size_t unmapped = 0;   // bulk genes the map does not know (dropped)
  std::size_t ambiguous = 0;  // bulk genes with several candidate names, none singled out by `target` (dropped)
  std::size_t merged = 0;     // bulk genes summed into a name another bulk gene also took
};

// Renames the rows of `bulk` into the identifier kind of `target` (the genes it will be matched against:
// a model's panel, a signature) when the kinds differ; does nothing when they agree. A gene with several
// candidate names takes the one `target` holds when exactly one is there, else it is ambiguous. Rows that
// end with the same name are summed (counts of one gene under several IDs). Logs the counts (warning for
// unmapped and ambiguous genes). `stage` tags the messages.
IdTranslation translate_gene_ids(ExpressionTable& bulk, const std::vector<std::string>& target, const GeneIdMap& map,
                                 const char* stage);

}  // namespace blue

// The report's view of `blue deconvolve`'s diagnostics: which samples the reference explains poorly and
// which genes it cannot explain in them (diagnostics.tsv, unexplained_genes.tsv).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "io/types.h"

namespace blue::report {

struct Diagnostics {
  SampleTable table;                                            // diagnostics.tsv: one row per sample
  std::map<std::string, std::vector<std::string>> unexplained;  // sample -> its unexplained genes, by rank
};

// DIR/diagnostics.tsv and, when present, DIR/unexplained_genes.tsv. A row of the latter that does not have
// the 7 columns blue writes is an InputError naming the file and line.
Diagnostics read_diagnostics(const std::string& dir);

// A summary (flagged samples, genes unexplained most often) and a table of at most `max_samples` samples,
// flagged ones first, then by the number of unexplained genes.
std::string diagnostics_section(const Diagnostics& d, std::size_t max_samples);

}  // namespace blue::report

// Gene lengths for bulk RNA-seq counts of full-length protocols (Illumina TruSeq and the like): there a
// gene's count grows with its transcript length, while 3' UMI single cells count one tag per molecule.
// Dividing counts by length (TPM) puts the bulk on the single-cell reference's footing. blue ships
// data/gene_lengths_hg19.tsv.gz (built by data/make_gene_lengths.R).
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "io/types.h"

namespace blue {

struct GeneLengths {
  std::string source;
  std::unordered_map<std::string, double> bp;  // gene -> length in bases
};

// TSV/CSV (plain or gzip) with the header "gene<TAB>length_bp"; '#' lines skipped. A length that is not a
// positive number, a repeated gene or a missing column is an InputError naming the file and line.
GeneLengths read_gene_lengths(const std::string& path);

struct LengthConversion {
  std::size_t matched = 0;           // bulk genes with a length
  std::vector<std::string> missing;  // bulk genes without one (given the median length)
  double fill_bp = 0;                // the median length of the matched genes
};

// Raw counts -> TPM in place: each gene divided by its length in kb (genes the table lacks take the median
// length of the matched genes, named in a warning), then each sample rescaled to sum 1e6. InputError when
// fewer than a quarter of the bulk's genes have a length (other gene identifiers, or another species; a
// GENCODE table of human symbols matches about half, its non-coding names having no RefSeq length).
// `stage` tags the messages.
LengthConversion counts_to_tpm(ExpressionTable& bulk, const GeneLengths& lengths, const char* stage);

}  // namespace blue

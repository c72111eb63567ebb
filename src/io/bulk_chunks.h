// A bulk table read a chunk of samples at a time, so that memory does not grow with the number of samples
// (blue deconvolve on cohorts of any size). Each chunk is what read_expression_table would give for those
// samples: all genes, duplicated genes summed, the same checks and messages.
// - .h5ad (obs = samples): dense X and csr_matrix X are read by row ranges; a csc_matrix X cannot be, and is
//   read whole once (a warning says how to store it by rows).
// - TSV/CSV[.gz] (genes in rows): a table of at most one chunk is read as usual; a larger one is parsed once,
//   each chunk's columns spilled as doubles to a temporary file ($TMPDIR), and read back chunk by chunk.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "io/types.h"

namespace blue {

class BulkChunks {
 public:
  // `chunk_samples` >= 1: samples per chunk.
  BulkChunks(const std::string& path, const std::string& what, std::size_t chunk_samples);
  ~BulkChunks();
  BulkChunks(const BulkChunks&) = delete;
  BulkChunks& operator=(const BulkChunks&) = delete;

  const std::vector<std::string>& samples() const { return samples_; }
  std::size_t chunk_count() const;
  // Samples [first, first + size) of chunk i.
  std::size_t chunk_first(std::size_t i) const { return i * chunk_; }
  std::size_t chunk_size(std::size_t i) const;
  // Chunk i as a genes x samples table (any order, any number of times).
  ExpressionTable chunk(std::size_t i) const;

 private:
  struct Source;
  std::string path_, what_;
  std::size_t chunk_;
  std::vector<std::string> samples_;
  std::unique_ptr<Source> source_;
};

}  // namespace blue

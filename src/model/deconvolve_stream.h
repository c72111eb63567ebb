// blue deconvolve on a cohort of any size: the bulk is read, deconvolved and written a chunk of samples at
// a time, so that memory depends on the chunk size and not on the number of samples.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "io/bulk_chunks.h"
#include "model/pipeline.h"

namespace blue::model {

// Samples per chunk for a model: as many as keep the chunk's GEP arrays near defaults::kChunkGepBytes.
std::size_t default_chunk_samples(const ModelInfo& model);

struct StreamSummary {
  std::size_t samples = 0, chunks = 0, flagged = 0;
  std::size_t adapt_samples = 0;                    // samples the --adapt biases were estimated from
  std::vector<std::string> unmapped_content_types;  // as Deconvolution's
};

// Deconvolves `bulk` chunk by chunk into `writer` (finished here). `prepare` edits each chunk as read (scale
// check, gene renaming, gene lengths) before it is deconvolved. Every sample is deconvolved exactly as a
// whole-cohort run would, except for --adapt in cohorts larger than defaults::kAdaptMaxSamples: each round's
// bias is estimated first, from that many samples spread evenly over the cohort, then applied to every chunk.
// Messages repeated by later chunks are logged once.
StreamSummary deconvolve_chunks(const std::vector<const LoadedModel*>& models, const BulkChunks& bulk,
                                const std::function<void(ExpressionTable&)>& prepare, const DeconvolveOptions& options,
                                DeconvolutionWriter& writer);

}  // namespace blue::model

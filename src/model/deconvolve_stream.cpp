#include "model/deconvolve_stream.h"

#include <algorithm>
#include <cmath>

#include "defaults.h"
#include "util/log.h"

namespace blue::model {

std::size_t default_chunk_samples(const ModelInfo& model) {
  const double per_sample = 4.0 * 4.0 * static_cast<double>(std::max<std::size_t>(1, model.cell_types.size())) *
                            static_cast<double>(std::max<std::size_t>(1, model.genes.size()));
  const auto n = static_cast<std::size_t>(defaults::kChunkGepBytes / per_sample);
  return std::clamp(n, defaults::kMinChunkSamples, defaults::kMaxChunkSamples);
}

namespace {

// The network inputs of up to kAdaptMaxSamples samples spread evenly over the cohort, gathered chunk by chunk.
MatrixF adaptation_sample(const ModelInfo& model, const BulkChunks& bulk,
                          const std::function<void(ExpressionTable&)>& prepare) {
  const std::size_t n = bulk.samples().size(), m = std::min(n, defaults::kAdaptMaxSamples);
  std::vector<std::size_t> picked(m);
  for (std::size_t i = 0; i < m; ++i) picked[i] = i * n / m;
  MatrixF input(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(model.genes.size()));
  std::size_t next = 0;
  for (std::size_t c = 0; c < bulk.chunk_count() && next < m; ++c) {
    const std::size_t first = bulk.chunk_first(c), end = first + bulk.chunk_size(c);
    if (picked[next] >= end) continue;
    ExpressionTable t = bulk.chunk(c);
    prepare(t);
    const MatrixF x = panel_input(model.genes, t);
    for (; next < m && picked[next] < end; ++next)
      input.row(static_cast<Eigen::Index>(next)) = x.row(static_cast<Eigen::Index>(picked[next] - first));
  }
  return input;
}

}  // namespace

StreamSummary deconvolve_chunks(const std::vector<const LoadedModel*>& models, const BulkChunks& bulk,
                                const std::function<void(ExpressionTable&)>& prepare, const DeconvolveOptions& options,
                                DeconvolutionWriter& writer) {
  StreamSummary summary;
  summary.samples = bulk.samples().size();
  summary.chunks = bulk.chunk_count();
  log::RepeatFilter once;
  DeconvolveOptions chunk_options = options;
  if (options.adapt_rounds > 0 && summary.chunks > 1) {
    MatrixF input = adaptation_sample(models.front()->info, bulk, prepare);
    summary.adapt_samples = static_cast<std::size_t>(input.rows());
    log::info("deconvolve", "--adapt: the gene biases are estimated from {} of {} samples{}", summary.adapt_samples,
              summary.samples, summary.adapt_samples < summary.samples ? ", spread evenly over the cohort" : "");
    chunk_options.adapt_bias = estimate_adaptation(models, std::move(input), options);
  } else if (options.adapt_rounds > 0) {
    summary.adapt_samples = summary.samples;
  }
  Eigen::VectorXd gene_bias;
  const std::size_t every = std::max<std::size_t>(1, summary.chunks / 10);
  for (std::size_t c = 0; c < summary.chunks; ++c) {
    once.set_active(false);
    if (summary.chunks > 1 && (c % every == 0 || c + 1 == summary.chunks)) {
      log::info("deconvolve", "samples {}-{} of {} (chunk {} of {})", bulk.chunk_first(c) + 1,
                bulk.chunk_first(c) + bulk.chunk_size(c), summary.samples, c + 1, summary.chunks);
    }
    once.set_active(c > 0);
    ExpressionTable t = bulk.chunk(c);
    prepare(t);
    Deconvolution d = deconvolve(models, t, chunk_options);
    summary.flagged += static_cast<std::size_t>(std::count(d.flagged.begin(), d.flagged.end(), true));
    if (c == 0) {
      summary.unmapped_content_types = d.unmapped_content_types;
      gene_bias = d.gene_bias;
    }
    writer.append(d);
  }
  once.set_active(false);
  if (summary.chunks > 1) {
    if (once.dropped() > 0)
      log::info("deconvolve", "{} messages of chunks 2-{} like those of chunk 1 were not repeated", once.dropped(),
                summary.chunks);
    if (summary.flagged > 0)
      log::warn("deconvolve", "{} of {} samples flagged in all (diagnostics.tsv, column flagged)", summary.flagged,
                summary.samples);
  }
  writer.finish(gene_bias);
  return summary;
}

}  // namespace blue::model

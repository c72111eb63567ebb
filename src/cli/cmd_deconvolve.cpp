// blue deconvolve: cell-type proportions and per-sample cell-type GEPs of bulk samples with a trained
// model (METHOD 2.6).
#include <algorithm>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/common.h"
#include "io/bulk_chunks.h"
#include "model/deconvolve_stream.h"
#include "model/pipeline.h"
#include "model/runtime.h"
#include "util/error.h"
#include "util/log.h"
#include "util/parallel.h"

namespace blue::cli {
namespace {

struct DeconvolveArgs {
  RunOptions run;
  std::vector<std::string> model_paths;
  std::string bulk_path, out_dir, device = "cpu";
  model::DeconvolveOptions options;
  bool adapt = false;
  int adapt_rounds = defaults::kAdaptRounds;
  std::string gep_mode = defaults::kGepMode;
  std::string gep_files = "both";
  std::size_t chunk_size = 0;  // 0 = model::default_chunk_samples
  BulkInputOptions bulk_input;
};

void run(const DeconvolveArgs& a) {
  apply_run_options(a.run);
  if (a.device == "cuda" && !model::cuda_available()) {
    throw UsageError("--device cuda: this LibTorch " + model::torch_version() +
                     " has no CUDA support or no GPU is visible; use --device cpu");
  }
  model::set_torch_threads(threads());
  std::vector<model::LoadedModel> models;
  for (const auto& path : a.model_paths)
    for (auto& member : model::load_model_members(path, a.device)) models.push_back(std::move(member));
  if (models.size() > 1)
    log::info("deconvolve",
              "an ensemble of {} networks: their mean, and their spread in "
              "proportions_sd.tsv",
              models.size());
  std::vector<const model::LoadedModel*> ensemble;
  for (const auto& m : models) ensemble.push_back(&m);
  const model::LoadedModel& m = models.front();
  const std::size_t chunk = a.chunk_size > 0 ? a.chunk_size : model::default_chunk_samples(m.info);
  const BulkChunks bulk(a.bulk_path, "bulk", chunk);
  Provenance prov("deconvolve");
  model::DeconvolveOptions options = a.options;
  options.adapt_rounds = a.adapt ? a.adapt_rounds : 0;
  options.gep_mode = model::parse_gep_mode(a.gep_mode);
  StagedOutputs out(a.run.force);
  model::DeconvolutionWriter writer(out, a.out_dir, bulk.samples(), model::parse_gep_files(a.gep_files));
  const model::StreamSummary d = model::deconvolve_chunks(
      ensemble, bulk, [&](ExpressionTable& t) { prepare_bulk(t, a.bulk_input, m.info.genes, "deconvolve", &prov); },
      options, writer);
  for (std::size_t i = 0; i < a.model_paths.size(); ++i) {
    prov.add_input(i == 0 ? "model" : "model_" + std::to_string(i + 1), a.model_paths[i]);
  }
  prov.set("ensemble_size", models.size());
  prov.set("nnls_weight", options.nnls_weight);
  prov.add_input("bulk", a.bulk_path);
  prov.set("device", a.device);
  prov.set("torch_version", model::torch_version());
  prov.set("samples", d.samples);
  prov.set("chunk_size", chunk);
  prov.set("chunks", d.chunks);
  prov.set("gep_files", a.gep_files);
  prov.set("panel_genes", m.info.genes.size());
  prov.set("cell_types", m.info.cell_types);
  prov.set("adapt_rounds", options.adapt_rounds);
  if (options.adapt_rounds > 0) prov.set("adapt_samples", d.adapt_samples);
  prov.set("gep_mode", a.gep_mode);
  if (!options.mrna_content.empty()) {
    prov.add_input("mrna_content", options.mrna_content);
    if (!options.mrna_map.empty()) prov.add_input("mrna_map", options.mrna_map);
    prov.set("mrna_content_unmapped_types", d.unmapped_content_types);
  }
  prov.set("flagged_samples", d.flagged);
  prov.set("model_training", m.info.meta.value("training", nlohmann::json::object()));
  commit_outputs(out, prov, a.out_dir + "/provenance.json", "deconvolve");
}

}  // namespace

void register_deconvolve(CLI::App& app) {
  auto a = std::make_shared<DeconvolveArgs>();
  auto* cmd = app.add_subcommand("deconvolve", "Estimate cell-type proportions and GEPs of bulk samples with a model");
  cmd->add_option("--model,-m", a->model_paths,
                  "Model file written by 'blue train' (with --ensemble N it holds N networks); several (repeat -m) "
                  "make an ensemble whose predictions are averaged: models of the same reference and panel, e.g. "
                  "trained with different --seed; the members' spread goes to proportions_sd.tsv")
      ->required();
  cmd->add_option("--bulk,-b", a->bulk_path, "Bulk expression, genes x samples: TSV/CSV[.gz] or .h5ad (linear scale)")
      ->required();
  add_bulk_input_options(cmd, a->bulk_input);
  cmd->add_option("--nnls-weight", a->options.nnls_weight,
                  "Average the network's cell fractions with NNLS's on the model's signature of specific genes: "
                  "proportions = (1 - W) x network + W x NNLS (NNLS alone in proportions_nnls.tsv); 0 = off")
      ->check(CLI::Range(0.0, 1.0))
      ->default_val(0.0);
  cmd->add_option("--out,-o", a->out_dir, "Output directory")->required();
  cmd->add_flag("--adapt", a->adapt,
                "Cohort adaptation: estimate each gene's bias between this cohort and the reference (median over "
                "samples of observed minus expected from the predicted proportions), remove it, predict again; "
                "needs >= 5 samples; writes gene_bias.tsv");
  cmd->add_option("--adapt-mode", a->options.adapt_mode,
                  "correct: divide every gene by its bias; impute: replace only genes with |log2 bias| > 2 by the "
                  "value the reference expects")
      ->check(CLI::IsMember({"correct", "impute"}))
      ->default_val("correct");
  cmd->add_option("--adapt-rounds", a->adapt_rounds, "Rounds of --adapt")
      ->check(CLI::Range(1, 20))
      ->default_val(defaults::kAdaptRounds);
  cmd->add_option("--gep-mode", a->gep_mode,
                  "What the per-sample GEPs are: network = the network's GEP branch; posterior = each gene's bulk "
                  "signal allocated among the types in proportion to p_k x the network's GEP (the GEPs then rebuild "
                  "the bulk exactly); reference = the same allocation with the reference's mean profiles as prior")
      ->check(CLI::IsMember({"network", "posterior", "reference"}))
      ->default_val(defaults::kGepMode);
  add_mrna_content_options(cmd, a->options.mrna_content, a->options.mrna_map,
                           "the cell fractions are calibrated by them: proportions.tsv then holds the calibrated "
                           "fractions, proportions_uncalibrated.tsv the network's",
                           "model");
  cmd->add_option("--gep-files", a->gep_files,
                  "Which per-type GEP files to write: both (gep.h5ad and gep/<type>.tsv), h5ad, tsv or none (they "
                  "take samples x types x panel genes values each, four times over in gep.h5ad: for large cohorts)")
      ->check(CLI::IsMember({"both", "h5ad", "tsv", "none"}))
      ->default_val("both");
  cmd->add_option("--chunk-size", a->chunk_size,
                  "Samples read, deconvolved and written at a time (memory grows with it, not with the cohort); "
                  "0 = as many as keep the chunk's GEPs near 256 MiB (32-2000 samples). The results do not depend "
                  "on it (--adapt: see docs/commands.md)")
      ->check(CLI::NonNegativeNumber)
      ->default_val(0);
  cmd->add_option("--batch-size", a->options.batch_size, "Samples per forward pass")
      ->check(CLI::PositiveNumber)
      ->default_val(defaults::kPredictBatch);
  cmd->add_option("--device", a->device, "cpu or cuda")->check(CLI::IsMember({"cpu", "cuda"}))->default_val("cpu");
  add_run_options(cmd, a->run);
  cmd->callback([a] { run(*a); });
}

}  // namespace blue::cli

// blue train: simulate pseudobulk from a labelled reference and train the BLUE network (METHOD 2.1-2.5).
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/reference_loading.h"
#include "model/pipeline.h"
#include "model/train_config.h"
#include "model/runtime.h"
#include "util/error.h"
#include "util/log.h"
#include "util/parallel.h"

namespace blue::cli {
namespace {

struct TrainArgs {
  RunOptions run;
  ReferenceListArgs refs;
  model::TrainConfig config = model::train_defaults();
  CellTypeEdits edits;
  std::string out;
  std::string select_by = "total";
  int ensemble = defaults::kEnsembleMembers;
};

void run(CLI::App* cmd, TrainArgs& a) {
  apply_run_options(a.run);
  a.config.train.select_by_proportion = a.select_by == "proportion";
  // --preset fast: any option given explicitly wins over the preset.
  model::apply_preset(a.config, [cmd](const std::string& name) { return cmd->get_option("--" + name)->count() > 0; });
  a.config.references = expand_references(a.refs);
  a.config.label_map = a.refs.label_map;
  model::check_train_config(a.config, "blue train");
  model::set_torch_threads(threads());
  a.config.train.checkpoint_path = a.out + ".ckpt";
  // --resume may replace the model written by the interrupted run.
  const bool replace = a.run.force || a.config.train.resume;
  require_new_outputs({a.out, a.out + ".provenance.json"}, replace);
  Provenance prov("train");
  Reference ref = load_references(a.config.references, a.config.label_map, a.edits, prov);
  // Ensemble members differ by their seed (simulation and initialisation); each has its own checkpoint.
  std::vector<model::TrainedModel> members = model::train_ensemble(ref, a.config, a.ensemble);
  model::TrainedModel& m = members.front();
  const bool interrupted = members.back().interrupted;
  StagedOutputs final_out(replace);
  model::save_model(final_out, a.out, m.info, m.network, model::more_members(members));
  if (!a.config.genes_path.empty()) prov.add_input("genes", a.config.genes_path);
  if (!a.config.bulk_genes.empty()) prov.add_input("bulk_genes", a.config.bulk_genes);
  if (!a.config.sorted_profiles.empty()) prov.add_input("sorted_profiles", a.config.sorted_profiles);
  if (!a.config.sorted_map.empty()) prov.add_input("sorted_map", a.config.sorted_map);
  prov.set("device", a.config.train.device);
  prov.set("torch_version", model::torch_version());
  prov.set("training", m.info.meta["training"]);
  prov.set("best_epoch", m.info.meta["best_epoch"]);
  prov.set("interrupted", interrupted);
  prov.set("test_split", m.info.meta["test_split"]);
  if (a.ensemble > 1) prov.set("ensemble", m.info.meta["ensemble"]);
  prov.set("training_log", m.timed_log);
  commit_outputs(final_out, prov, a.out + ".provenance.json", "train");
  if (interrupted)
    log::warn("train", "stopped early by Ctrl-C{}; continue with the same command plus --resume",
              a.ensemble > 1 ? fmt::format(" (ensemble member {} of {}; later members are not trained)", members.size(),
                                           a.ensemble)
                             : "");
}

}  // namespace

void register_train(CLI::App& app) {
  auto a = std::make_shared<TrainArgs>();
  auto* cmd = app.add_subcommand("train", "Train the BLUE network on pseudobulk simulated from a labelled reference");
  add_reference_list_options(cmd, a->refs);
  add_cell_type_options(cmd, a->edits);
  cmd->add_option("--out,-o", a->out, "Model file to write (e.g. model.blue); checkpoints go to <out>.ckpt")
      ->required();
  cmd->add_option("--genes", a->config.genes_path, "Gene panel, one gene per line (default: marker panel)");
  cmd->add_option("--bulk-genes", a->config.bulk_genes,
                  "The genes the cohort to deconvolve measured (a gene list, or the bulk table itself): the panel is "
                  "chosen among them, and types left with few markers are named")
      ->check(CLI::ExistingFile);
  cmd->add_option("--preset", a->config.preset,
                  "fast: small network, quick CPU training; full: the method's defaults (docs/method.md §2.4-2.5)")
      ->check(CLI::IsMember({"fast", "full"}))
      ->default_val("full");
  cmd->add_option("--projection", a->config.arch.projection, "U-Net length and MLP width (multiple of 16)")
      ->default_val(defaults::kProjection);
  cmd->add_option("--base-channels", a->config.arch.base_channels, "U-Net first-level channels")
      ->check(CLI::PositiveNumber)
      ->default_val(defaults::kBaseChannels);
  cmd->add_option("--samples", a->config.simulation.samples, "Flat-Dirichlet training samples (dominant extras added)")
      ->check(CLI::PositiveNumber)
      ->default_val(defaults::kSimulatedSamples);
  cmd->add_option("--val-samples", a->config.validation_samples, "Flat-Dirichlet validation samples")
      ->check(CLI::PositiveNumber)
      ->default_val(defaults::kValidationSamples);
  cmd->add_option("--cells-per-sample", a->config.simulation.cells_per_sample, "Cells drawn per pseudobulk sample")
      ->check(CLI::PositiveNumber)
      ->default_val(defaults::kCellsPerSample);
  cmd->add_option("--sparse-fraction", a->config.simulation.sparse_fraction,
                  "Fraction of samples with a random subset of types absent")
      ->default_val(0.0);
  cmd->add_option("--epochs", a->config.train.epochs, "Training epochs")
      ->check(CLI::PositiveNumber)
      ->default_val(defaults::kEpochs);
  cmd->add_option("--batch-size", a->config.train.batch_size, "Samples per batch")
      ->check(CLI::Range(2, 1 << 20))
      ->default_val(defaults::kBatchSize);
  cmd->add_option("--lr", a->config.train.learning_rate, "Adam learning rate")->default_val(defaults::kLearningRate);
  cmd->add_option("--lr-step", a->config.train.lr_step_epochs, "Epochs between learning-rate steps (x0.1)")
      ->check(CLI::PositiveNumber)
      ->default_val(defaults::kLrStepEpochs);
  cmd->add_option("--device", a->config.train.device, "cpu or cuda")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->default_val("cpu");
  cmd->add_option("--select-by", a->select_by,
                  "Validation loss that picks the best epoch: total (docs/method.md §2.5) or proportion")
      ->check(CLI::IsMember({"total", "proportion"}))
      ->default_val("total");
  cmd->add_option("--platform-noise", a->config.train.platform_noise,
                  "Augmentation: sigma of a per-sample, per-gene log-normal factor on the training bulk and GEPs, "
                  "teaching robustness to platform differences (0 = off)")
      ->check(CLI::Range(0.0, 3.0))
      ->default_val(defaults::kPlatformNoise);
  cmd->add_option("--depth", a->config.train.depth,
                  "Augmentation: resample the training bulk as Poisson counts at about this many reads over the "
                  "panel (x/10 to x10, log-uniform; 0 = off)")
      ->check(CLI::NonNegativeNumber)
      ->default_val(0.0);
  cmd->add_option(
         "--input-scaling", a->config.arch.input_scaling,
         "none: the network sees log2 CPM+1 (docs/method.md §2.3); gene: per-gene z-scores; global: one mean/sd "
         "for all genes (training statistics stored in the model)")
      ->check(CLI::IsMember({"none", "gene", "global"}))
      ->default_val(defaults::kInputScaling);
  cmd->add_option("--donor-sampling", a->config.donor_sampling,
                  "With --donor-key or several references: one = every training sample draws its cells from one "
                  "donor (or reference: learns how profiles vary between people and platforms); mixed = from all "
                  "cells together")
      ->check(CLI::IsMember({"one", "mixed"}))
      ->default_val("one");
  cmd->add_flag("--resume", a->config.train.resume,
                "Continue from <out>.ckpt (same options) instead of starting again");
  cmd->add_option("--split-seed", a->config.split_seed, "Seed of the 80/10/10 cell split")
      ->default_val(defaults::kSplitSeed);
  add_seed_option(cmd, a->config.train.seed);
  add_mrna_content_options(cmd, a->config.mrna_content, a->config.mrna_map,
                           "applied in the simulation: each cell enters the pseudobulk times C_k / L_k, so the "
                           "network returns cell fractions of bulk RNA",
                           "reference");
  cmd->add_option("--sorted-profiles", a->config.sorted_profiles,
                  "Bulk RNA-seq profiles of sorted cell types (genes x types, linear, e.g. ABIS/Monaco): per-gene "
                  "factors between them and the reference's types multiply the training pseudobulk, so that the "
                  "network reads bulk-like inputs (CIBERSORTx S-mode in spirit)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--sorted-map", a->config.sorted_map,
                  "TSV cell_type<TAB>profile: the sorted-profile column(s) of each reference type (several rows are "
                  "averaged); default: columns named as the types")
      ->check(CLI::ExistingFile);
  cmd->add_option("--ensemble", a->ensemble,
                  "Train N networks with seeds SEED, SEED + 1000, ... into one model file: deconvolve reports their "
                  "mean and their spread (proportions_sd.tsv); N times the training time")
      ->check(CLI::Range(1, 100))
      ->default_val(defaults::kEnsembleMembers);
  add_run_options(cmd, a->run);
  cmd->callback([cmd, a] { run(cmd, *a); });
}

}  // namespace blue::cli

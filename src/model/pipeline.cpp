// Training from a reference and deconvolving a bulk table (torch-free orchestration).
#include "model/pipeline.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "analysis/evaluate.h"
#include "analysis/mrna_content.h"
#include "model/signature_blend.h"
#include "io/genes.h"
#include "io/h5ad.h"
#include "io/tables.h"
#include "model/allocation.h"
#include "model/cohort.h"
#include "model/detail/train_setup.h"
#include "simulate/markers.h"
#include "simulate/normalize.h"
#include "simulate/platform_factors.h"
#include "simulate/type_profiles.h"
#include "util/error.h"
#include "util/log.h"
#include "util/output.h"
#include "util/parallel.h"
#include "util/provenance.h"

namespace blue::model {
using detail::choose_panel;
using detail::Panel;
using detail::references_json;
using detail::sorted_platform_factors;
using detail::training_options_json;
namespace {

// `gene_factor` (empty = none): per panel gene, a factor on the simulated bulk (train --sorted-profiles).
TrainingSet simulate_split(const Reference& ref, const Panel& panel, const CellSplit& split, Split which,
                           SimulationOptions options, bool by_donor, const std::vector<double>& gene_factor) {
  const auto& pools = split.pools[static_cast<int>(which)];
  // With donors, every sample comes from one donor: the network sees how a type's profile varies between
  // people, not only between random draws of the same cells.
  Pseudobulk pb = !by_donor ? simulate(ref, panel.columns, pools, options)
                            : simulate_donors(ref, panel.columns, pools_by_donor(ref, pools), options);
  log::info("train", "{} pseudobulk: {} samples x {} genes", split_name(which), pb.n_samples(), pb.genes.size());
  if (!gene_factor.empty()) {
    for (Eigen::Index g = 0; g < pb.bulk.cols(); ++g)
      pb.bulk.col(g) *= static_cast<float>(gene_factor[static_cast<std::size_t>(g)]);
  }
  return make_training_set(std::move(pb));
}

// Predicted and true proportions/GEPs as the evaluation module's containers (samples named s1, s2...).
struct Compared {
  SampleTable pred_p, true_p;
  DenseAnnData pred_g, true_g;
};

Compared compare(const Prediction& p, const TrainingSet& set, const std::vector<std::string>& genes,
                 const std::vector<std::string>& types) {
  Compared c;
  std::vector<std::string> samples;
  for (std::int64_t i = 0; i < set.n(); ++i) samples.push_back("s" + std::to_string(i + 1));
  c.pred_p = {"prediction", samples, types, p.proportions.cast<double>()};
  c.true_p = {"truth", samples, types, set.proportions.cast<double>()};
  for (DenseAnnData* a : {&c.pred_g, &c.true_g}) {
    a->obs_names = samples;
    a->var_names = genes;
  }
  const auto g = static_cast<Eigen::Index>(genes.size());
  for (std::size_t k = 0; k < types.size(); ++k) {
    c.pred_g.layers[types[k]] = p.gep[k];
    c.true_g.layers[types[k]] = set.gep.middleCols(static_cast<Eigen::Index>(k) * g, g);
  }
  return c;
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(std::lround(q * static_cast<double>(v.size() - 1)))];
}

nlohmann::json distance_summary(const Reconstruction& r) {
  nlohmann::json j;
  for (const auto& [name, d] : {std::pair{"gep", &r.distance}, std::pair{"reference", &r.reference_distance}}) {
    j[name] = {{"median", quantile(*d, 0.5)},
               {"q90", quantile(*d, 0.9)},
               {"q99", quantile(*d, 0.99)},
               {"max", quantile(*d, 1.0)}};
  }
  return j;
}

}  // namespace

MatrixF panel_input(const std::vector<std::string>& genes, const ExpressionTable& bulk) {
  GeneMapping m = map_genes(genes, bulk.genes, "model panel", "bulk '" + bulk.source + "'",
                            defaults::kMaxMissingGeneFraction);
  MatrixF x = MatrixF::Zero(static_cast<Eigen::Index>(bulk.columns.size()), static_cast<Eigen::Index>(genes.size()));
  for (std::size_t g = 0; g < genes.size(); ++g) {
    if (m.index[g] < 0) continue;
    x.col(static_cast<Eigen::Index>(g)) = bulk.values.row(m.index[g]).transpose().cast<float>();
  }
  normalize_profiles(x, "bulk '" + bulk.source + "'");
  log::info("deconvolve", "{} samples x {} panel genes ({} found in the bulk)", bulk.columns.size(), genes.size(),
            m.found());
  return x;
}

namespace {

const char* const kTranscriptomeBlob = "transcriptome_profiles";
const char* const kSignatureCandidates = "signature_candidates";

// Samples that the reference's profiles explain worse than the model's held-out pseudobulk (the
// distance above kResidualFlagFactor x its 90th percentile there), or in which at least
// kUnexplainedFlagGenes genes exceed what any reference type expresses: a likely missing cell type.
std::vector<bool> flag_samples(const Deconvolution& d, const nlohmann::json& meta) {
  const std::size_t n = d.samples.size();
  std::vector<bool> flagged(n, false);
  const auto where = nlohmann::json::json_pointer("/test_split/reconstruction_distance/reference/q90");
  if (meta.contains(where) && !d.reference_distance.empty()) {
    const double limit = defaults::kResidualFlagFactor * meta.at(where).get<double>();
    std::vector<std::string> names;
    for (std::size_t i = 0; i < n; ++i) {
      if (d.reference_distance[i] <= limit) continue;
      flagged[i] = true;
      names.push_back(d.samples[i]);
    }
    if (!names.empty()) {
      log::warn("deconvolve",
                "{} of {} samples are explained by the reference's cell types worse than {} x the 90th "
                "percentile of held-out pseudobulk (reference distance > {:.3f}): a cell type missing from the "
                "reference, another tissue, or a strong platform difference; see diagnostics.tsv: {}",
                names.size(), n, defaults::kResidualFlagFactor, limit, log::preview(names));
    }
  }
  if (d.unexplained.count.empty()) return flagged;
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> listed;  // the genes of each flagged sample
  for (std::size_t i = 0; i < n; ++i) {
    if (d.unexplained.count[i] < defaults::kUnexplainedFlagGenes) continue;
    flagged[i] = true;
    names.push_back(d.samples[i]);
    listed.emplace_back();
    for (const auto& g : d.unexplained.genes[i])
      listed.back().push_back(d.ceiling.genes[static_cast<std::size_t>(g.gene)]);
  }
  if (names.empty()) return flagged;
  std::vector<std::string> genes;
  for (const auto& [gene, count] : genes_by_frequency(listed)) genes.push_back(gene);
  log::warn("deconvolve",
            "{} of {} samples express at least {} genes over {}x the highest level of any reference "
            "cell type: a cell type or state missing from the reference (e.g. activated cells), a contaminant or a "
            "platform-specific gene. Most often: {}; see unexplained_genes.tsv. Samples: {}",
            names.size(), n, defaults::kUnexplainedFlagGenes, defaults::kUnexplainedFold, log::preview(genes),
            log::preview(names));
  return flagged;
}

// The genes no reference type explains, from the model's transcriptome profiles (models of blue >= 0.3.0).
void find_unexplained_genes(const LoadedModel& model, const ExpressionTable& bulk, Deconvolution& d) {
  const nlohmann::json& meta = model.info.meta;
  const auto blob = model.info.blobs.find(kTranscriptomeBlob);
  if (!meta.contains(kTranscriptomeBlob) || blob == model.info.blobs.end()) {
    log::warn("deconvolve",
              "this model keeps no transcriptome profiles (trained before blue 0.3.0): no unexplained-"
              "gene check; retrain to get it");
    return;
  }
  std::vector<std::string> genes;
  try {
    genes = meta.at(kTranscriptomeBlob).at("genes").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("model: the transcriptome profiles record is incomplete ({})", e.what()));
  }
  const TranscriptomeProfiles t = TranscriptomeProfiles::from_blob(std::move(genes), d.cell_types.size(), blob->second,
                                                                   "model");
  d.ceiling = expression_ceiling(t.genes, t.mean_counts, bulk.genes, "bulk '" + bulk.source + "'");
  d.unexplained = find_unexplained(d.ceiling, bulk.values);
}

// Cell fractions from the RNA shares the network reads, with bulk mRNA contents instead of the
// reference's library sizes (analysis/mrna_content.h): d.uncalibrated keeps the network's.
std::vector<double> calibrate_by_mrna_content(const DeconvolveOptions& options, const std::vector<double>& library_size,
                                              Deconvolution& d) {
  const MrnaCalibration c = mrna_calibration(options.mrna_content, options.mrna_map, d.cell_types, library_size);
  log_mrna_calibration(c, d.cell_types, options.mrna_content, "deconvolve");
  d.unmapped_content_types = c.unmapped;
  d.uncalibrated = d.proportions;
  d.proportions = calibrate_fractions(d.uncalibrated, c.factor);
  return c.factor;
}

// The network's cell fractions averaged with NNLS's on the model's signature (signature_blend.h). The RNA
// per cell that turns NNLS's RNA fractions into cell fractions is the one the network's fractions assume:
// the reference's library sizes, or with --mrna-content the bulk contents (L_k / factor_k).
void blend_with_nnls(const LoadedModel& model, const ExpressionTable& bulk, const DeconvolveOptions& options,
                     const std::vector<double>& cell_rna, const std::vector<double>& mrna_factor, Deconvolution& d) {
  if (!model.info.meta.contains(kSignatureCandidates))
    throw UsageError(
        "--nnls-weight needs a model that keeps a signature (trained by blue >= 0.5.0); retrain "
        "the model or drop --nnls-weight");
  std::vector<double> rna_per_cell = cell_rna;  // the network's assumption, before --mrna-content
  for (std::size_t k = 0; k < rna_per_cell.size() && !mrna_factor.empty(); ++k) rna_per_cell[k] /= mrna_factor[k];
  const NnlsEstimate e = nnls_estimate(model.info.meta[kSignatureCandidates], d.cell_types, bulk, rna_per_cell,
                                       "model");
  const float w = static_cast<float>(options.nnls_weight);
  d.proportions_nnls = e.cell_fractions;
  d.proportions = (1 - w) * d.proportions + w * e.cell_fractions;
  log::info("deconvolve",
            "proportions = {:.2f} x network + {:.2f} x NNLS ({} signature genes, condition number "
            "{:.1f}); NNLS's alone in proportions_nnls.tsv",
            1 - w, w, e.genes, e.condition_number);
}

}  // namespace

nlohmann::json evaluate_on_split(const Prediction& prediction, const TrainingSet& set,
                                 const std::vector<std::string>& genes, const std::vector<std::string>& types) {
  Compared c = compare(prediction, set, genes, types);
  TypeMap identity = identity_map(types, types);
  ProportionEvaluation pe = evaluate_proportions(c.pred_p, c.true_p, identity);
  // Both sides are already normalised log2(CPM + 1) (the training set's targets included).
  GepEvaluation ge = evaluate_geps(c.pred_g, c.true_g, identity, GepOptions{GepScale::kLog2Cpm, GepScale::kLog2Cpm});
  for (const auto& r : pe.rows) {
    if (r.type == "overall")
      log::info("train", "test split: proportion CCC overall {:.4f}, r {:.4f}", r.ccc, r.pearson);
  }
  for (const auto& r : ge.rows) {
    log::info("train", "test split: {}: GEP CCC (mean profile) {:.4f}, median per-gene r across samples {:.3f}", r.type,
              r.ccc_mean_profile, r.median_gene_pearson);
  }
  nlohmann::json props = to_json(pe);
  props.erase("samples");  // s1..sN: no information
  return {{"samples", set.n()},
          {"proportions", props},
          {"gep", to_json(ge)},
          {"gep_units", "log2(CPM + 1) over the panel"}};
}

TrainedModel train_from_reference(const Reference& ref, const TrainConfig& config) {
  Panel panel = choose_panel(ref, config);
  CellSplit split = split_cells(ref, config.split_seed);
  const bool by_donor = !ref.donor_of.empty() && config.donor_sampling == "one";
  const TypeProfiles profiles = type_profiles(ref, panel.columns, split.pools[static_cast<int>(Split::kTrain)]);
  SimulationOptions sim = config.simulation;
  if (!config.mrna_content.empty()) {
    const MrnaCalibration c = mrna_calibration(config.mrna_content, config.mrna_map, ref.cell_types,
                                               profiles.library_size);
    log_mrna_calibration(c, ref.cell_types, config.mrna_content, "train");
    for (double f : c.factor) sim.rna_scale.push_back(1.0 / f);
  }
  std::vector<double> gene_factor;
  nlohmann::json sorted_json;
  if (!config.sorted_profiles.empty()) {
    const PlatformFactors f = sorted_platform_factors(config, profiles, panel.genes);
    gene_factor = f.factor;
    sorted_json = {{"file", std::filesystem::path(config.sorted_profiles).filename().string()},
                   {"crc32", file_crc32(config.sorted_profiles)},
                   {"mapped_types", f.mapped_types},
                   {"genes_with_factor", f.estimated},
                   {"median_abs_log2_factor", f.median_abs_log2},
                   {"factor", f.factor}};
  }
  sim.seed = config.train.seed;
  TrainingSet train = simulate_split(ref, panel, split, Split::kTrain, sim, by_donor, gene_factor);
  sim.samples = config.validation_samples;
  sim.seed = config.train.seed + 1;  // validation draws are independent of the training draws
  TrainingSet val = simulate_split(ref, panel, split, Split::kValidation, sim, by_donor, gene_factor);

  Architecture arch = config.arch;
  arch.genes = static_cast<int>(panel.genes.size());
  arch.types = static_cast<int>(ref.n_types());
  const nlohmann::json reference = references_json(config);
  const std::string crc = reference["crc32"];
  nlohmann::json options = training_options_json(config);
  nlohmann::json identity = {{"reference_crc32", crc},
                             {"genes", panel.genes},
                             {"cell_types", ref.cell_types},
                             {"architecture", arch.to_json()},
                             {"options", options}};
  identity["options"].erase("epochs");  // more epochs may be asked for when resuming
  {
    Network probe(arch, 0);
    log::info("train", "network: {} genes -> {} types, projection {}, base channels {}, {} parameters", arch.genes,
              arch.types, arch.projection, arch.base_channels, probe.parameter_count());
  }
  TrainResult r = train_network(arch, train, val, config.train, identity);

  TrainedModel m{ModelInfo{panel.genes, ref.cell_types, {}}, std::move(r.best), r.interrupted};
  m.info.meta["reference_profiles"] = profiles.to_json();
  if (!sim.rna_scale.empty()) m.info.meta["rna_scale"] = sim.rna_scale;      // train --mrna-content
  if (!sorted_json.is_null()) m.info.meta["sorted_profiles"] = sorted_json;  // train --sorted-profiles
  // Over every labelled cell, not only the training split: the ceiling is for real bulk, where the best
  // estimate of each type's level is wanted (a held-out cell's rare genes would otherwise look foreign).
  std::vector<std::vector<std::int64_t>> all_cells(ref.n_types());
  for (const auto& pools : split.pools) {
    for (std::size_t k = 0; k < pools.size(); ++k)
      all_cells[k].insert(all_cells[k].end(), pools[k].begin(), pools[k].end());
  }
  const TranscriptomeProfiles transcriptome = transcriptome_profiles(ref, all_cells);
  m.info.meta[kTranscriptomeBlob] = {
      {"genes", transcriptome.genes},
      {"units", "mean raw counts per cell of all the type's labelled cells; float32, types x genes, in blob '" +
                    std::string(kTranscriptomeBlob) + "'"}};
  m.info.blobs[kTranscriptomeBlob] = transcriptome.to_blob();
  try {
    m.info.meta[kSignatureCandidates] = signature_candidates(ref);
  } catch (const InputError& e) {
    log::warn("train", "no signature kept in the model (deconvolve --nnls-weight will not work): {}", e.what());
  }
  m.info.meta["training"] = options;
  m.info.meta["reference"] = reference;
  m.info.meta["training_log"] = nlohmann::json::array();
  for (const auto& e : r.log) {
    nlohmann::json j = e.to_json();
    m.timed_log.push_back(j);
    j.erase("seconds");
    j.erase("samples_per_second");
    m.info.meta["training_log"].push_back(std::move(j));
  }
  m.info.meta["best_epoch"] = r.best_epoch;
  m.info.meta["interrupted"] = r.interrupted;
  sim.seed = config.train.seed + 2;
  TrainingSet test = simulate_split(ref, panel, split, Split::kTest, sim, by_donor, gene_factor);
  Prediction on_test = m.network.predict(test.x);
  m.info.meta["test_split"] = evaluate_on_split(on_test, test, m.info.genes, m.info.cell_types);
  m.info.meta["test_split"]["reconstruction_distance"] = distance_summary(
      reconstruct(test.x, on_test.proportions, on_test.gep, profiles.panel_size(), profiles.mean_counts));
  return m;
}

namespace {

// Ranges that the CLI's option parser also enforces, checked here for every caller.
void check_options(const DeconvolveOptions& o) {
  std::vector<std::string> problems;
  if (std::string p = mrna_content_problem(o.mrna_content, o.mrna_map); !p.empty()) problems.push_back(std::move(p));
  if (!(o.nnls_weight >= 0 && o.nnls_weight <= 1))
    problems.push_back(fmt::format("--nnls-weight must be in [0, 1], got {}", o.nnls_weight));
  if (o.adapt_mode != "correct" && o.adapt_mode != "impute")
    problems.push_back("--adapt-mode must be correct or impute, got '" + o.adapt_mode + "'");
  if (o.adapt_rounds < 0 || o.adapt_rounds > 20)
    problems.push_back(fmt::format("--adapt-rounds must be between 1 and 20, got {}", o.adapt_rounds));
  if (o.batch_size < 1) problems.push_back(fmt::format("--batch-size must be at least 1, got {}", o.batch_size));
  if (problems.empty()) return;
  std::string msg = problems.size() == 1 ? problems.front() : "invalid options:";
  if (problems.size() > 1)
    for (const auto& p : problems) msg += "\n  - " + p;
  throw UsageError(msg);
}

// The models of an ensemble must predict the same things from the same inputs.
void check_ensemble(const std::vector<const LoadedModel*>& models) {
  if (models.empty()) throw InternalError("deconvolve: no model");
  const ModelInfo& first = models.front()->info;
  for (std::size_t i = 1; i < models.size(); ++i) {
    const ModelInfo& other = models[i]->info;
    const char* what = other.genes != first.genes             ? "gene panel"
                       : other.cell_types != first.cell_types ? "cell types"
                                                              : nullptr;
    if (what) {
      throw UsageError(
          fmt::format("model {} of the ensemble has another {} than model 1: an ensemble needs models "
                      "trained on the same reference with the same panel (e.g. different --seed)",
                      i + 1, what));
    }
    const auto crc = nlohmann::json::json_pointer("/reference/crc32");
    if (other.meta.value(crc, std::string()) != first.meta.value(crc, std::string())) {
      log::warn("deconvolve",
                "model {} of the ensemble was trained on another reference file than model 1 (checksums "
                "differ); its panel and cell types match, so it is used",
                i + 1);
    }
  }
}

// The mean of the models' predictions: proportions (rows still sum to 1) and log2(CPM + 1) GEPs. With `sd`
// and more than one model: the sample standard deviation of the models' proportions.
Prediction predict_mean(const std::vector<const LoadedModel*>& models, const MatrixF& input, int batch_size,
                        MatrixF* sd = nullptr) {
  Prediction mean = models.front()->network.predict(input, batch_size);
  if (models.size() == 1) return mean;
  MatrixF sum_sq = mean.proportions.cwiseProduct(mean.proportions);
  for (std::size_t i = 1; i < models.size(); ++i) {
    Prediction p = models[i]->network.predict(input, batch_size);
    mean.proportions += p.proportions;
    sum_sq += p.proportions.cwiseProduct(p.proportions);
    for (std::size_t k = 0; k < mean.gep.size(); ++k) mean.gep[k] += p.gep[k];
  }
  const float n = static_cast<float>(models.size());
  mean.proportions /= n;
  for (auto& g : mean.gep) g /= n;
  if (sd) {
    const MatrixF var = (sum_sq - n * mean.proportions.cwiseProduct(mean.proportions)) / (n - 1);
    *sd = var.cwiseMax(0.0f).cwiseSqrt();
  }
  return mean;
}

// Whether --adapt can run: the model keeps the reference profiles and, unless the biases are given, the
// cohort has enough samples to estimate them.
void check_adaptation(const LoadedModel& model, std::size_t samples, const DeconvolveOptions& options) {
  if (options.adapt_rounds <= 0) return;
  if (!model.info.meta.contains("reference_profiles"))
    throw UsageError(
        "--adapt needs a model that keeps the reference profiles (older models do not); "
        "retrain the model or drop --adapt");
  if (!options.adapt_bias.empty()) {
    if (options.adapt_bias.size() != static_cast<std::size_t>(options.adapt_rounds))
      throw InternalError("deconvolve: one given bias per adaptation round expected");
    return;
  }
  if (samples < static_cast<std::size_t>(defaults::kMinAdaptSamples))
    throw UsageError(
        fmt::format("--adapt estimates a gene-wise bias from the cohort and needs at least {} samples, "
                    "got {}; drop --adapt",
                    defaults::kMinAdaptSamples, samples));
}

// The rounds of cohort adaptation on `input` (normalised panel bulk; corrected in place), each estimating the
// gene-wise bias from the last prediction `p` (or taking options.adapt_bias) and predicting again. Returns
// each round's bias.
std::vector<Eigen::VectorXd> adapt(const std::vector<const LoadedModel*>& models, const TypeProfiles& profiles,
                                   const DeconvolveOptions& options, MatrixF& input, Prediction& p) {
  const bool bias_given = !options.adapt_bias.empty();
  std::vector<Eigen::VectorXd> biases;
  for (int round = 0; round < options.adapt_rounds; ++round) {
    const MatrixF expected = expected_bulk(p.proportions, profiles.mean_counts);
    Eigen::VectorXd bias = bias_given ? options.adapt_bias[static_cast<std::size_t>(round)]
                                      : gene_bias(input, expected);
    if (options.adapt_mode == "impute") {
      impute_biased_genes(input, expected, bias, defaults::kExtremeGeneBias);
      std::vector<std::string> dropped;
      for (Eigen::Index g = 0; g < bias.size(); ++g) {
        if (bias[g] != 0.0) dropped.push_back(models.front()->info.genes[static_cast<std::size_t>(g)]);
      }
      log::info("deconvolve",
                "adaptation round {}: {} panel genes with |log2 bias| > {} replaced by the "
                "reference's expectation (see gene_bias.tsv): {}",
                round + 1, dropped.size(), defaults::kExtremeGeneBias, log::preview(dropped));
    } else {
      remove_gene_bias(input, bias);
    }
    p = predict_mean(models, input, options.batch_size);
    log::info("deconvolve", "adaptation round {}: mean |gene bias| {:.3f} log2 units", round + 1,
              bias.cwiseAbs().mean());
    biases.push_back(std::move(bias));
  }
  return biases;
}

}  // namespace

std::vector<Eigen::VectorXd> estimate_adaptation(const std::vector<const LoadedModel*>& models, MatrixF input,
                                                 const DeconvolveOptions& options) {
  check_ensemble(models);
  DeconvolveOptions estimate = options;
  estimate.adapt_bias.clear();
  check_adaptation(*models.front(), static_cast<std::size_t>(input.rows()), estimate);
  const TypeProfiles profiles = TypeProfiles::from_json(models.front()->info.meta["reference_profiles"],
                                                        models.front()->info.genes.size(), "model");
  Prediction p = predict_mean(models, input, options.batch_size);
  return adapt(models, profiles, estimate, input, p);
}

Deconvolution deconvolve(const LoadedModel& model, const ExpressionTable& bulk, const DeconvolveOptions& options) {
  return deconvolve(std::vector<const LoadedModel*>{&model}, bulk, options);
}

Deconvolution deconvolve(const std::vector<const LoadedModel*>& models, const ExpressionTable& bulk,
                         const DeconvolveOptions& options) {
  check_options(options);
  check_ensemble(models);
  const LoadedModel& model = *models.front();
  Deconvolution d;
  d.samples = bulk.columns;
  d.genes = model.info.genes;
  d.cell_types = model.info.cell_types;
  d.input = panel_input(d.genes, bulk);
  const bool has_profiles = model.info.meta.contains("reference_profiles");
  check_adaptation(model, d.samples.size(), options);
  Prediction p = predict_mean(models, d.input, options.batch_size, &d.proportions_sd);
  if (has_profiles) {
    const TypeProfiles profiles = TypeProfiles::from_json(model.info.meta["reference_profiles"], d.genes.size(),
                                                          "model");
    if (options.adapt_rounds > 0) {
      d.round_bias = adapt(models, profiles, options, d.input, p);
      d.gene_bias = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(d.genes.size()));
      for (const auto& b : d.round_bias) d.gene_bias += b;
    }
    // The RNA one cell brings as the network assumes: the reference's library size, times the simulation's
    // factor for models trained with --mrna-content (then the bulk content C_k, up to one constant).
    std::vector<double> rna_per_cell = profiles.library_size;
    if (model.info.meta.contains("rna_scale")) {
      const auto scale = model.info.meta["rna_scale"].get<std::vector<double>>();
      for (std::size_t k = 0; k < rna_per_cell.size() && k < scale.size(); ++k) rna_per_cell[k] *= scale[k];
    }
    d.rna_fractions = rna_fractions(p.proportions, rna_per_cell);
    // The diagnostics judge the network's own GEPs: the allocated ones rebuild the bulk exactly.
    Reconstruction rec = reconstruct(d.input, p.proportions, p.gep, profiles.panel_size(), profiles.mean_counts);
    d.reconstruction_distance = std::move(rec.distance);
    d.reconstruction_r = std::move(rec.pearson);
    d.reference_distance = std::move(rec.reference_distance);
    find_unexplained_genes(model, bulk, d);
    const bool reference_prior_used = options.gep_mode == GepMode::kReference;
    Allocation a = allocate(d.input, p.proportions, profiles.panel_size(),
                            reference_prior_used ? reference_prior(profiles.mean_counts) : p.gep);
    d.share = std::move(a.share);
    if (options.gep_mode != GepMode::kNetwork) p.gep = std::move(a.gep);
    d.gep_mode = options.gep_mode;
    d.proportions = std::move(p.proportions);
    std::vector<double> factor;
    const std::string trained_with = model.info.meta.contains("training")
                                         ? model.info.meta["training"].value("mrna_content", std::string())
                                         : std::string();
    if (!options.mrna_content.empty() && !trained_with.empty())
      throw UsageError(
          fmt::format("the model was trained with --mrna-content {}: its fractions are already cell "
                      "fractions for bulk mRNA contents; drop --mrna-content",
                      trained_with));
    if (!options.mrna_content.empty()) factor = calibrate_by_mrna_content(options, profiles.library_size, d);
    if (options.nnls_weight > 0) blend_with_nnls(model, bulk, options, rna_per_cell, factor, d);
  } else {
    if (!options.mrna_content.empty() || options.nnls_weight > 0) {
      throw UsageError(
          "--mrna-content and --nnls-weight need a model that keeps the reference's library sizes "
          "(early blue 0.1.0 models do not); retrain the model or drop them");
    }
    d.proportions = std::move(p.proportions);
    log::warn("deconvolve",
              "this model keeps no reference profiles (an early blue 0.1.0 model): no RNA fractions, "
              "reconstruction diagnostics or GEP shares, and the GEPs are the network's own{}; retrain to get them",
              options.gep_mode == GepMode::kNetwork
                  ? ""
                  : fmt::format(" (not --gep-mode {})", gep_mode_name(options.gep_mode)));
  }
  d.gep = std::move(p.gep);
  d.flagged = flag_samples(d, model.info.meta);
  return d;
}

}  // namespace blue::model

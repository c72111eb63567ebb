// The two user-facing workflows, torch-free: train a model from a labelled reference (simulate, normalise,
// train) and deconvolve a bulk table with a trained model. The CLI parses options and stages outputs.
#pragma once
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "analysis/unexplained.h"
#include "io/reference.h"
#include "io/types.h"
#include "model/allocation.h"
#include "model/model_file.h"
#include "model/trainer.h"
#include "simulate/simulate.h"

namespace blue {
class StagedOutputs;
}

namespace blue::model {

struct TrainConfig {
  // The references (one or more, train -r A -r B) and the label map: only their paths, label and donor keys
  // are used here (recorded in the model).
  std::vector<ReferenceOptions> references;
  std::string label_map;
  std::string genes_path;  // one gene per line; "" = marker panel of METHOD 2.2
  // The genes a cohort measured (a gene list or a bulk table): the panel keeps only these; "" = no limit.
  std::string bulk_genes;
  // The same two as lists, for callers that hold them in memory (the Python module); used when the path is "".
  std::vector<std::string> panel_genes, measured_genes;
  Architecture arch;  // genes/types are filled in from the panel and the reference
  TrainOptions train;
  SimulationOptions simulation;  // training pseudobulk; seed = --seed
  int validation_samples = defaults::kValidationSamples;
  std::uint64_t split_seed = defaults::kSplitSeed;
  std::string preset = "full";
  // With donors in the reference: "one" draws every pseudobulk sample from one donor, "mixed" from all.
  std::string donor_sampling = "one";
  // Bulk mRNA contents (analysis/mrna_content.h) applied in the simulation: each cell of type k enters the
  // pseudobulk times C_k / L_k, so the network reads bulk-like RNA shares and returns cell fractions; "" = off.
  std::string mrna_content, mrna_map;
  // Bulk profiles of sorted cell types (simulate/platform_factors.h): per-gene factors bulk / single cell
  // multiply the training pseudobulk; "" = off. sorted_map: reference type -> profile column(s).
  std::string sorted_profiles, sorted_map;
};

struct TrainedModel {
  ModelInfo info;
  Network network;
  bool interrupted = false;
  // The training log with each epoch's seconds and samples/s (for the provenance); the model file keeps it
  // without them, so that the same seed and thread count give the same model bytes.
  nlohmann::json timed_log = nlohmann::json::array();
};

// `ref`: the labelled reference (already edited and combined); config.references name it in the model file.
// After training, scores the best network on pseudobulk simulated from the held-out test split and stores
// the metrics in meta["test_split"].
TrainedModel train_from_reference(const Reference& ref, const TrainConfig& config);

// Proportion (per type and overall) and GEP metrics (METHOD 3) of a prediction for `set`, as JSON. Both
// the prediction's GEPs and the set's targets are on the normalised log2(CPM + 1) scale.
nlohmann::json evaluate_on_split(const Prediction& prediction, const TrainingSet& set,
                                 const std::vector<std::string>& genes, const std::vector<std::string>& types);

struct DeconvolveOptions {
  int batch_size = defaults::kPredictBatch;
  // Cohort adaptation: rounds of gene-wise bias estimation against the reference profiles (0 = off).
  int adapt_rounds = 0;
  // "correct": divide every gene by its estimated bias; "impute": replace only the genes whose |bias|
  // exceeds defaults::kExtremeGeneBias by the value the reference expects (they are left out, in effect).
  std::string adapt_mode = "correct";
  // What the GEPs are (allocation.h): the network's, or the bulk allocated among the types with the
  // network's GEPs (posterior) or the reference's profiles (reference) as the prior.
  GepMode gep_mode = GepMode::kReference;
  // Cell fractions calibrated by bulk mRNA content (analysis/mrna_content.h): the table and the optional
  // map of the model's types onto its rows; "" = off.
  std::string mrna_content, mrna_map;
  // Weight of the NNLS estimate on the model's signature in the proportions (signature_blend.h); 0 = off.
  double nnls_weight = 0;
  // One gene bias per adaptation round (Deconvolution::round_bias of another run): used instead of biases
  // estimated from this bulk, so that a cohort deconvolved a chunk at a time is adapted as one. Empty = estimate.
  std::vector<Eigen::VectorXd> adapt_bias;
};

struct Deconvolution {
  std::vector<std::string> samples, genes, cell_types;
  MatrixF input;         // samples x panel genes, normalised bulk (log2 CPM + 1 over the panel) as fed
  MatrixF proportions;   // samples x types: cell fractions
  MatrixF uncalibrated;  // with --mrna-content: the network's fractions before calibration, else empty
  // Ensembles only (else empty): per sample and type, the standard deviation of the members' proportions
  // (their first prediction, before --adapt and --mrna-content).
  MatrixF proportions_sd;
  MatrixF proportions_nnls;  // with nnls_weight > 0: NNLS's cell fractions on the model's signature, else empty
  std::vector<std::string> unmapped_content_types;  // types the mRNA content table does not cover
  MatrixF rna_fractions;     // samples x types: fractions of the RNA (cell fractions x mean library size)
  std::vector<MatrixF> gep;  // per type: samples x genes, log2(CPM + 1)
  GepMode gep_mode = GepMode::kNetwork;
  // Per type: samples x genes, the share of each gene's bulk signal the type accounts for (allocation.h),
  // with the prior of gep_mode (the network's GEPs for network and posterior); empty for models without
  // reference profiles.
  std::vector<MatrixF> share;
  std::vector<double> reconstruction_distance, reconstruction_r, reference_distance;  // per sample (cohort.h)
  // Genes no reference type explains (analysis/unexplained.h); empty for models without the transcriptome
  // profiles (trained before blue 0.3.0).
  ExpressionCeiling ceiling;
  Unexplained unexplained;
  // Reference distance beyond what the model reaches on held-out pseudobulk, or at least
  // kUnexplainedFlagGenes unexplained genes.
  std::vector<bool> flagged;
  Eigen::VectorXd gene_bias;                // per panel gene, log2; empty unless adapted
  std::vector<Eigen::VectorXd> round_bias;  // each adaptation round's bias (gene_bias is their sum)
};

// Maps the panel onto the bulk genes (error above 10% missing, warning below; a missing gene is 0),
// normalises each sample (METHOD 2.3) and runs the network in batches; with adapt_rounds, estimates the
// cohort's gene-wise bias against the reference profiles, removes it and runs the network again, that
// many times. Reconstruction residuals and RNA fractions need the reference profiles of models trained
// by blue >= 0.3.0 or late 0.1.0 builds (older models: skipped with a warning; adaptation refused).
Deconvolution deconvolve(const LoadedModel& model, const ExpressionTable& bulk, const DeconvolveOptions& options);

// The model panel mapped onto the bulk's genes (error above 10% missing, warning below; a missing gene is
// 0) and each sample normalised (METHOD 2.3): samples x panel genes, the network's input.
MatrixF panel_input(const std::vector<std::string>& genes, const ExpressionTable& bulk);

// The gene bias of each --adapt round (options.adapt_rounds, adapt_mode) estimated from `input` (samples x
// panel genes as panel_input gives; e.g. a subsample of a cohort deconvolved a chunk at a time), for
// DeconvolveOptions::adapt_bias.
std::vector<Eigen::VectorXd> estimate_adaptation(const std::vector<const LoadedModel*>& models, MatrixF input,
                                                 const DeconvolveOptions& options);

// An ensemble: every model predicts and the proportions and the (log2) GEPs are averaged, then adaptation
// and the diagnostics run on the average (reference profiles and held-out limits of the first model); the
// members' spread goes to proportions_sd.
// The models must share the gene panel and the cell types (the same reference, e.g. different --seed):
// UsageError otherwise.
Deconvolution deconvolve(const std::vector<const LoadedModel*>& models, const ExpressionTable& bulk,
                         const DeconvolveOptions& options);

// Which per-type GEP files a deconvolution writes: gep.h5ad and gep/<type>.tsv (both), one, or neither (a
// large cohort's GEPs take samples x types x panel genes x 4 bytes, three times over in gep.h5ad).
enum class GepFiles { kBoth, kH5ad, kTsv, kNone };
GepFiles parse_gep_files(const std::string& name);  // both, h5ad, tsv, none; UsageError otherwise

// Writes a deconvolution delivered in blocks of samples, in order (a cohort deconvolved a chunk at a time):
// DIR/proportions.tsv, proportions_{nnls,sd,uncalibrated}.tsv (when present), rna_fractions.tsv,
// diagnostics.tsv, unexplained_genes.tsv, gene_bias.tsv (adapted only), gep.h5ad and gep/<type>.tsv, all
// staged in `out`. The tables are appended and gep.h5ad filled block by block; the genes x samples tables
// gep/<type>.tsv are joined at finish() from per-block pieces kept in a temporary folder ($TMPDIR).
class DeconvolutionWriter {
 public:
  DeconvolutionWriter(StagedOutputs& out, std::string dir, std::vector<std::string> samples, GepFiles gep_files);
  ~DeconvolutionWriter();
  DeconvolutionWriter(const DeconvolutionWriter&) = delete;
  DeconvolutionWriter& operator=(const DeconvolutionWriter&) = delete;
  void append(const Deconvolution& block);
  // Completes every file; `gene_bias` (per panel gene, log2) is written when not empty.
  void finish(const Eigen::VectorXd& gene_bias);

 private:
  struct Files;
  void table(const std::string& name, const std::string& header, const std::string& rows);
  void sample_table(const std::string& name, const SampleTable& t);
  void append_h5ad(const Deconvolution& d);
  StagedOutputs& out_;
  std::string dir_;
  std::vector<std::string> samples_;
  GepFiles gep_files_;
  std::size_t written_ = 0;
  std::unique_ptr<Files> files_;
};

// A whole deconvolution through DeconvolutionWriter.
void write_deconvolution(StagedOutputs& out, const std::string& dir, const Deconvolution& d,
                         GepFiles gep_files = GepFiles::kBoth);

// What write_deconvolution writes, as data (the Python module returns the same):
// gep.h5ad: obs = samples, var = panel genes, X = the normalised input, obsm "proportions", uns
// "proportions_columns", "cell_types" and "gep_mode", and per type the layers "<type>" (log2(CPM + 1)),
// "<type>_cpm" (CPM) and, with the reference profiles, "<type>_share" ('/' in a type name becomes '_').
DenseAnnData deconvolution_anndata(const Deconvolution& d);
// diagnostics.tsv: per sample reconstruction_distance, reconstruction_r, reference_distance, with the
// transcriptome profiles unexplained_genes and unexplained_fraction, then flagged (1/0). No rows when the
// model keeps no reference profiles.
SampleTable diagnostics_table(const Deconvolution& d);
// unexplained_genes.tsv: per sample its unexplained genes, most extreme first.
struct UnexplainedGeneRow {
  std::string sample;
  int rank = 0;  // 1-based within the sample
  std::string gene;
  double bulk_cpm = 0, reference_max_cpm = 0;
  std::string reference_max_type;  // "" when no type expresses the gene
  double fold = 0;                 // bulk_cpm / reference_max_cpm (infinite when that is 0)
};
std::vector<UnexplainedGeneRow> unexplained_gene_rows(const Deconvolution& d);

// A cell-type name made safe as a file name: characters other than letters, digits, '.', '-', '_' become
// '_' ("CD14+ Mono" -> "CD14__Mono"); a name already used gets "_2", "_3"...
std::vector<std::string> file_names_for(const std::vector<std::string>& types);

}  // namespace blue::model

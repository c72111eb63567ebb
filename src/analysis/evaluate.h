// METHOD 3: evaluation of predicted proportions and per-sample cell-type profiles (GEPs) against a truth,
// through an explicit predicted -> truth cell-type mapping.
#pragma once
#include <nlohmann/json.hpp>

#include <map>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "io/types.h"

namespace blue {

// Predicted type -> truth type. Several predicted types may share a truth type (their values are summed).
struct TypeMap {
  std::string source;  // file it was read from, or "identity"
  std::vector<std::pair<std::string, std::string>> pairs;
};

// A TSV/CSV with a header naming the columns `predicted` and `truth` (others ignored). A predicted type
// listed twice, or an empty name, is an InputError naming the line.
TypeMap read_type_map(const std::string& path);

// Without a map: every predicted name that is also a truth name maps onto itself.
TypeMap identity_map(const std::vector<std::string>& predicted, const std::vector<std::string>& truth);

// For each name of `want` (in order), its index in `have`. Any name of either list missing from the other
// is an InputError listing the mismatches on both sides.
std::vector<Eigen::Index> match_names(const std::vector<std::string>& want, const std::vector<std::string>& have,
                                      const std::string& want_what, const std::string& have_what,
                                      const std::string& kind);

struct MetricRow {
  std::string type;   // truth type, or "overall"
  std::size_t n = 0;  // values compared (samples; for "overall": samples x types)
  double ccc, pearson, spearman, mae, rmse;
};

struct ProportionEvaluation {
  std::vector<std::string> samples;                         // truth order
  std::vector<MetricRow> rows;                              // per truth type with a source, then "overall"
  std::map<std::string, std::vector<std::string>> sources;  // truth type -> predicted types summed
  std::vector<std::string> unmapped_predicted;              // predicted columns the map does not use
  std::vector<std::string> truth_without_source;            // truth columns nothing maps onto (not scored)
};

// Matches samples by name (all must match), sums predicted columns into truth types, and scores each
// truth type across samples and all (sample, type) values pooled.
ProportionEvaluation evaluate_proportions(const SampleTable& predicted, const SampleTable& truth, const TypeMap& map);

struct GepMetricRow {
  std::string type;  // truth layer name
  std::size_t n_samples = 0, n_genes = 0;
  double ccc_mean_profile;          // CCC across genes of the sample-averaged profiles
  double median_sample_pearson;     // median over samples of the across-gene Pearson r
  double median_gene_pearson;       // median over varying genes of the across-sample Pearson r
  std::size_t n_varying_genes = 0;  // genes whose truth varies across samples
  // The same median of per-gene partial correlations given the type's true proportion (a quadratic in
  // log p regressed out of both sides); NaN when the truth has no proportions (obsm/proportions).
  double median_gene_partial_r = std::numeric_limits<double>::quiet_NaN();
};

struct GepEvaluation {
  std::vector<GepMetricRow> rows;
  std::vector<std::string> unmapped_predicted;
  std::vector<std::string> truth_without_source;
};

// How the GEP values are stored: kLog2Cpm = normalised log2(CPM + 1) as METHOD 2.3 (the "<type>" layers
// of `blue deconvolve`), kLinear = any linear unit (mean counts of a `blue simulate` split, CPM, TPM).
enum class GepScale { kLog2Cpm, kLinear };

struct GepOptions {
  GepScale predicted = GepScale::kLog2Cpm;
  GepScale truth = GepScale::kLinear;
};

// Layers are cell types (obs = samples, var = genes). Samples are matched by name (all must match);
// genes by name over the shared ones (none shared: InputError). Before scoring, every profile (one sample
// of one type) is brought to the same scale: log2 layers back to linear (2^x - 1), then restricted to the
// shared genes and normalised as METHOD 2.3 (CPM over those genes, log2(x + 1)). The map must be
// one-to-one here: a truth type with several predicted sources is an InputError. A gene whose prediction
// is constant while its truth varies counts as r = 0.
GepEvaluation evaluate_geps(const DenseAnnData& predicted, const DenseAnnData& truth, const TypeMap& map,
                            const GepOptions& options = {});

// Measured profiles (genes x columns, e.g. bulk RNA-seq of sorted cells, linear units) as the truth: per
// mapped column, the sample-averaged predicted profile against the column (ccc_mean_profile) and each
// predicted sample against it (median_sample_pearson); no per-gene score (NaN, n_varying_genes 0).
// Same gene alignment and normalisation as evaluate_geps.
GepEvaluation evaluate_against_profiles(const DenseAnnData& predicted, const ExpressionTable& profiles,
                                        const TypeMap& map, const GepOptions& options = {});

// The tables written by `blue evaluate` and their JSON twin.
std::string proportion_metrics_tsv(const ProportionEvaluation& ev);
std::string gep_metrics_tsv(const GepEvaluation& ev);

// True when `name` is `<layer>_cpm` or `<layer>_share` of a layer `<layer>` of `a`: the linear-scale and
// share twins `blue deconvolve` writes beside each cell type's layer, not cell types themselves.
bool is_twin_layer(const DenseAnnData& a, const std::string& name);
nlohmann::json to_json(const ProportionEvaluation& ev);
nlohmann::json to_json(const GepEvaluation& ev);

}  // namespace blue

// The subtyping analysis of METHOD 4 on one cohort: align samples with patients, choose the number of
// subtypes by consensus clustering, cluster (k-means and Ward), compare survival between subtypes, find
// subtype marker genes, scan prognostic genes and score a signature; the same clustering on proportions
// alone side by side; transfer of the subtypes to a validation cohort.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "analysis/subtype/consensus.h"
#include "analysis/subtype/features.h"
#include "analysis/subtype/genes.h"
#include "analysis/subtype/transfer.h"
#include "analysis/survival/analysis.h"

namespace blue::subtype {

struct SubtypeOptions {
  int top_genes = defaults::kSubtypeTopGenes;
  std::vector<std::string> gene_list;
  ConsensusOptions consensus;
  int kmeans_restarts = defaults::kKmeansRestarts;
  double fdr = defaults::kPrognosticFdr;
  int folds = defaults::kTransferFolds;
  double shrinkage = defaults::kCentroidShrinkage;
  survival::CoxOptions cox;
};

// Profiles restricted to the samples that have a patient in the clinical cohort, and that cohort reordered
// to the samples. A sample matches the patient with the same id, or (prefix_match) the patient whose id
// starts the sample name (TCGA: patient TCGA-AB-2802, sample TCGA-AB-2802-03A-01T-...).
struct Aligned {
  ProfileSet profiles;
  survival::SurvivalCohort cohort;
  std::vector<std::string> samples_without_patient, patients_without_sample;
};
Aligned align(const ProfileSet& profiles, const survival::SurvivalCohort& clinical, bool prefix_match);

// The cohort with groups S1..Sk from `label`.
survival::SurvivalCohort with_subtypes(const survival::SurvivalCohort& cohort, const std::vector<int>& label, int k);
std::string subtype_name(int label);  // 0 -> "S1"

struct Solution {
  std::string name;  // "profiles" or "proportions"
  FeatureMatrix features;
  ConsensusResult consensus;
  std::vector<int> kmeans, ward;  // labels at the chosen k
  double ari = 0;                 // agreement of k-means and Ward
  survival::SurvivalAnalysis survival;
};
Solution solve(const FeatureMatrix& features, const std::string& name, const survival::SurvivalCohort& cohort,
               const SubtypeOptions& options);

struct Signature {
  std::vector<PrognosticRow> genes;  // all tested (cell type, gene), sorted by p
  int used = 0;                      // genes with q < fdr in the score
  Eigen::VectorXd score;
  std::vector<int> high;                               // 1 = score above the median
  std::optional<survival::SurvivalAnalysis> survival;  // KM high vs low + Cox on the groups
  std::optional<survival::CoxFit> continuous;          // Cox on the standardised score
};
Signature prognostic_signature(const ProfileSet& profiles, const survival::SurvivalCohort& cohort,
                               const SubtypeOptions& options);

struct Transfer {
  CrossValidation cv;
  int active_features = 0;
  std::vector<int> validation_label;
  survival::SurvivalAnalysis validation_survival;
};
Transfer transfer(const Solution& discovery, const Aligned& validation, const SubtypeOptions& options);

// Tables (TSV text).
std::string stability_table(const std::vector<const Solution*>& solutions);
std::string comparison_table(const std::vector<const Solution*>& solutions);
std::string markers_table(const std::vector<MarkerRow>& rows);
std::string prognostic_table(const Signature& s);

}  // namespace blue::subtype

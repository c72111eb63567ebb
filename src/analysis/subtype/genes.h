// Genes that characterise subtypes and genes that predict survival, per cell type:
// - subtype markers: each subtype against the rest, two-sided Wilcoxon rank-sum (normal approximation with
//   tie and continuity corrections, as R's wilcox.test(exact = FALSE)), BH-adjusted within the subtype;
// - prognostic genes: a univariate Cox model per (cell type, gene) on standardised expression, BH-adjusted
//   over all tests; the signature score is the coefficient-weighted sum of the significant genes.
#pragma once
#include <Eigen/Dense>

#include <string>
#include <vector>

#include "analysis/subtype/features.h"

namespace blue::subtype {

struct MarkerRow {
  int subtype = 0;
  std::string source, gene;
  double mean_in = 0, mean_out = 0;  // standardised expression
  double auc = 0.5;                  // P(in > out): > 0.5 = higher in the subtype
  double p = 1, q = 1;
};

// One row per (subtype, feature), sorted by subtype then p.
std::vector<MarkerRow> subtype_markers(const FeatureMatrix& f, const std::vector<int>& label, int k);

// Two-sided Wilcoxon rank-sum p-value of a (n_in) against b; and the AUC P(a > b) + P(a = b) / 2.
void rank_sum_test(const std::vector<double>& a, const std::vector<double>& b, double& p, double& auc);

struct PrognosticRow {
  std::string source, gene;
  double coef = 0, hr = 1, hr_lower = 1, hr_upper = 1, p = 1, q = 1;  // per 1 SD of expression
  bool reliable = true;  // false: Cox did not converge or the coefficient looks infinite (p set to 1)
};

// Univariate Cox (Efron) per feature on the patients of `time`/`event` (rows of f.z in the same order),
// in parallel; sorted by p.
std::vector<PrognosticRow> prognostic_genes(const FeatureMatrix& f, const std::vector<double>& time,
                                            const std::vector<int>& event);

// Per patient: sum over the rows with q < fdr of coef * standardised expression. `used` gets their count.
Eigen::VectorXd signature_score(const FeatureMatrix& f, const std::vector<PrognosticRow>& rows, double fdr, int& used);

}  // namespace blue::subtype

#include "analysis/subtype/genes.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "analysis/survival/cox.h"
#include "analysis/survival/special.h"
#include "simulate/markers.h"
#include "util/error.h"
#include "util/parallel.h"

namespace blue::subtype {

void rank_sum_test(const std::vector<double>& a, const std::vector<double>& b, double& p, double& auc) {
  const double n1 = static_cast<double>(a.size()), n2 = static_cast<double>(b.size()), n = n1 + n2;
  std::vector<std::pair<double, int>> all;
  for (double v : a) all.push_back({v, 1});
  for (double v : b) all.push_back({v, 0});
  std::sort(all.begin(), all.end());
  double rank_sum = 0, tie_term = 0;
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    const double t = static_cast<double>(j - i), mid = (i + j + 1) / 2.0;  // average of ranks i+1..j
    for (std::size_t m = i; m < j; ++m)
      if (all[m].second) rank_sum += mid;
    tie_term += t * t * t - t;
    i = j;
  }
  const double u = rank_sum - n1 * (n1 + 1) / 2;
  auc = (n1 > 0 && n2 > 0) ? u / (n1 * n2) : 0.5;
  const double sigma = std::sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))));
  if (!(sigma > 0)) {
    p = 1;
    return;
  }
  const double diff = u - n1 * n2 / 2;
  const double z = (diff - (diff > 0 ? 0.5 : diff < 0 ? -0.5 : 0)) / sigma;
  p = std::min(1.0, 2 * survival::normal_sf(std::fabs(z)));
}

std::vector<MarkerRow> subtype_markers(const FeatureMatrix& f, const std::vector<int>& label, int k) {
  std::vector<MarkerRow> rows;
  for (int s = 0; s < k; ++s) {
    std::vector<MarkerRow> part(f.z.cols());
    parallel_for(f.z.cols(), [&](std::ptrdiff_t j) {
      std::vector<double> in, out;
      for (Eigen::Index i = 0; i < f.z.rows(); ++i) (label[i] == s ? in : out).push_back(f.z(i, j));
      MarkerRow& r = part[j];
      r.subtype = s;
      r.source = f.source[j];
      r.gene = f.gene[j];
      r.mean_in = in.empty() ? 0 : std::accumulate(in.begin(), in.end(), 0.0) / in.size();
      r.mean_out = out.empty() ? 0 : std::accumulate(out.begin(), out.end(), 0.0) / out.size();
      rank_sum_test(in, out, r.p, r.auc);
    });
    std::vector<double> p;
    for (const auto& r : part) p.push_back(r.p);
    const auto q = benjamini_hochberg(p);
    for (std::size_t j = 0; j < part.size(); ++j) part[j].q = q[j];
    std::stable_sort(part.begin(), part.end(), [](const MarkerRow& a, const MarkerRow& b) { return a.p < b.p; });
    rows.insert(rows.end(), part.begin(), part.end());
  }
  return rows;
}

std::vector<PrognosticRow> prognostic_genes(const FeatureMatrix& f, const std::vector<double>& time,
                                            const std::vector<int>& event) {
  std::vector<PrognosticRow> rows(f.z.cols());
  survival::CoxOptions opt;
  opt.concordance = false;
  parallel_for(f.z.cols(), [&](std::ptrdiff_t j) {
    PrognosticRow& r = rows[j];
    r.source = f.source[j];
    r.gene = f.gene[j];
    try {
      auto fit = survival::cox_fit(f.z.col(j), {r.gene}, time, event, opt);
      const auto& t = fit.terms[0];
      r.coef = t.coef;
      r.hr = t.hr;
      r.hr_lower = t.hr_lower;
      r.hr_upper = t.hr_upper;
      r.p = t.p_wald;
      r.reliable = fit.reliable;
    } catch (const ComputeError&) {
      r.reliable = false;
    }
    if (!r.reliable) r.p = 1;
  });
  std::vector<double> p;
  for (const auto& r : rows) p.push_back(r.p);
  const auto q = benjamini_hochberg(p);
  for (std::size_t j = 0; j < rows.size(); ++j) rows[j].q = q[j];
  std::stable_sort(rows.begin(), rows.end(), [](const PrognosticRow& a, const PrognosticRow& b) { return a.p < b.p; });
  return rows;
}

Eigen::VectorXd signature_score(const FeatureMatrix& f, const std::vector<PrognosticRow>& rows, double fdr, int& used) {
  std::map<std::pair<std::string, std::string>, Eigen::Index> index;
  for (std::size_t j = 0; j < f.gene.size(); ++j) index[{f.source[j], f.gene[j]}] = static_cast<Eigen::Index>(j);
  Eigen::VectorXd score = Eigen::VectorXd::Zero(f.z.rows());
  used = 0;
  for (const auto& r : rows) {
    if (!(r.q < fdr) || !r.reliable) continue;
    auto it = index.find({r.source, r.gene});
    if (it == index.end()) continue;
    score += r.coef * f.z.col(it->second);
    ++used;
  }
  return score;
}

}  // namespace blue::subtype

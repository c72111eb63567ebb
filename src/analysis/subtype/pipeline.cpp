#include "analysis/subtype/pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "analysis/subtype/cluster.h"
#include "util/error.h"
#include "util/log.h"

namespace blue::subtype {

using survival::format_number;

std::string subtype_name(int label) { return "S" + std::to_string(label + 1); }

Aligned align(const ProfileSet& profiles, const survival::SurvivalCohort& clinical, bool prefix_match) {
  std::unordered_map<std::string, std::size_t> patient;
  for (std::size_t i = 0; i < clinical.ids.size(); ++i) patient.emplace(clinical.ids[i], i);
  std::vector<std::size_t> rows, who;
  std::vector<bool> used(clinical.ids.size(), false);
  Aligned a;
  for (std::size_t s = 0; s < profiles.samples.size(); ++s) {
    const std::string& name = profiles.samples[s];
    auto it = patient.find(name);
    if (it == patient.end() && prefix_match)
      for (std::size_t len = name.size(); len > 0 && it == patient.end(); --len) it = patient.find(name.substr(0, len));
    if (it == patient.end() || used[it->second]) {
      a.samples_without_patient.push_back(name);
      continue;
    }
    used[it->second] = true;
    rows.push_back(s);
    who.push_back(it->second);
  }
  for (std::size_t i = 0; i < clinical.ids.size(); ++i)
    if (!used[i]) a.patients_without_sample.push_back(clinical.ids[i]);
  if (rows.size() < 3)
    throw InputError(
        fmt::format("only {} sample(s) of {} match a patient of the clinical table (ids must be equal{}); "
                    "first samples: {}",
                    rows.size(), profiles.path,
                    prefix_match ? " or the patient id a prefix of the sample" : ", or use --match-prefix",
                    log::preview(profiles.samples, 3)));
  a.profiles = subset_samples(profiles, rows);
  for (auto i : who) {
    a.cohort.ids.push_back(clinical.ids[i]);
    a.cohort.time.push_back(clinical.time[i]);
    a.cohort.event.push_back(clinical.event[i]);
  }
  a.cohort.design.resize(static_cast<Eigen::Index>(who.size()), 0);
  return a;
}

survival::SurvivalCohort with_subtypes(const survival::SurvivalCohort& cohort, const std::vector<int>& label, int k) {
  survival::SurvivalCohort c = cohort;
  c.group = label;
  c.group_names.clear();
  for (int s = 0; s < k; ++s) c.group_names.push_back(subtype_name(s));
  return c;
}

Solution solve(const FeatureMatrix& features, const std::string& name, const survival::SurvivalCohort& cohort,
               const SubtypeOptions& o) {
  Solution s;
  s.name = name;
  s.features = features;
  log::info("subtype", "{}: consensus clustering of {} patients on {} features, k = {}..{}", name, features.z.rows(),
            features.z.cols(), o.consensus.k_min, o.consensus.k_max);
  s.consensus = consensus_select(features.z, o.consensus);
  const int k = s.consensus.best_k;
  s.kmeans = kmeans(features.z, k, o.kmeans_restarts, o.consensus.seed, 0x5EED).label;
  s.ward = ward(features.z, k).label;
  s.ari = adjusted_rand_index(s.kmeans, s.ward);
  s.survival = survival::analyse_survival(with_subtypes(cohort, s.kmeans, k), "subtype", o.cox);
  log::info("subtype", "{}: k = {} (PAC {:.3f}), k-means vs Ward ARI {:.2f}, log-rank p = {:.3g}", name, k,
            s.consensus.table[k - o.consensus.k_min].pac, s.ari, s.survival.logrank ? s.survival.logrank->p : 1.0);
  return s;
}

Signature prognostic_signature(const ProfileSet& profiles, const survival::SurvivalCohort& cohort,
                               const SubtypeOptions& o) {
  Signature sig;
  const FeatureMatrix all = all_features(profiles);
  sig.genes = prognostic_genes(all, cohort.time, cohort.event);
  sig.score = signature_score(all, sig.genes, o.fdr, sig.used);
  log::info("subtype", "prognostic scan: {} (cell type, gene) pairs, {} with BH q < {}", sig.genes.size(), sig.used,
            o.fdr);
  if (sig.used == 0) return sig;
  std::vector<double> sorted(sig.score.data(), sig.score.data() + sig.score.size());
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  const double median = sorted[sorted.size() / 2];
  for (Eigen::Index i = 0; i < sig.score.size(); ++i) sig.high.push_back(sig.score[i] > median ? 1 : 0);
  survival::SurvivalCohort split = cohort;
  split.group = sig.high;
  split.group_names = {"low", "high"};
  sig.survival = survival::analyse_survival(split, "signature_", o.cox);
  Eigen::VectorXd z = (sig.score.array() - sig.score.mean()) /
                      std::sqrt((sig.score.array() - sig.score.mean()).square().sum() / (sig.score.size() - 1));
  sig.continuous = survival::cox_fit(z, {"signature_score"}, cohort.time, cohort.event, o.cox);
  return sig;
}

Transfer transfer(const Solution& d, const Aligned& validation, const SubtypeOptions& o) {
  Transfer t;
  const int k = d.consensus.best_k;
  t.cv = cross_validate(d.features.z, d.kmeans, k, o.shrinkage, o.folds, o.consensus.seed);
  CentroidClassifier clf;
  clf.fit(d.features.z, d.kmeans, k, o.shrinkage);
  t.active_features = clf.active_features();
  const FeatureMatrix v = same_features(validation.profiles, d.features);
  t.validation_label = clf.predict(v.z);
  t.validation_survival = survival::analyse_survival(with_subtypes(validation.cohort, t.validation_label, k), "subtype",
                                                     o.cox);
  log::info("subtype", "transfer: cross-validated accuracy {:.3f} ({} folds); {} validation patients assigned",
            t.cv.accuracy, o.folds, t.validation_label.size());
  return t;
}

std::string stability_table(const std::vector<const Solution*>& solutions) {
  std::string out = "features\tk\tpac\twithin_consensus\tsmallest_cluster\tchosen\n";
  for (const auto* s : solutions)
    for (const auto& r : s->consensus.table)
      out += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\n", s->name, r.k, format_number(r.pac),
                         format_number(r.within_consensus), r.smallest_cluster,
                         r.k == s->consensus.best_k ? "yes" : "no");
  return out;
}

std::string comparison_table(const std::vector<const Solution*>& solutions) {
  std::string out =
      "features\tn_features\tk\tpac\tari_kmeans_ward\tlogrank_chisq\tlogrank_df\tlogrank_p\tcox_lr_p\tconcordance\n";
  for (const auto* s : solutions) {
    const auto& lr = s->survival.logrank;
    const auto& cox = s->survival.cox;
    out += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", s->name, s->features.z.cols(), s->consensus.best_k,
                       format_number(s->consensus.table[s->consensus.best_k - s->consensus.table[0].k].pac),
                       format_number(s->ari), lr ? format_number(lr->chisq) : "NA", lr ? std::to_string(lr->df) : "NA",
                       lr ? format_number(lr->p) : "NA", cox ? format_number(cox->lr_p) : "NA",
                       cox ? format_number(cox->concordance.value) : "NA");
  }
  return out;
}

std::string markers_table(const std::vector<MarkerRow>& rows) {
  std::string out = "subtype\tcell_type\tgene\tmean_in\tmean_out\tauc\tp\tq\n";
  for (const auto& r : rows)
    out += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", subtype_name(r.subtype), r.source, r.gene,
                       format_number(r.mean_in), format_number(r.mean_out), format_number(r.auc), format_number(r.p),
                       format_number(r.q));
  return out;
}

std::string prognostic_table(const Signature& s) {
  std::string out = "cell_type\tgene\tcoef\thr\thr_lower\thr_upper\tp\tq\treliable\n";
  for (const auto& r : s.genes)
    out += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", r.source, r.gene, format_number(r.coef),
                       format_number(r.hr), format_number(r.hr_lower), format_number(r.hr_upper), format_number(r.p),
                       format_number(r.q), r.reliable ? "yes" : "no");
  return out;
}

}  // namespace blue::subtype

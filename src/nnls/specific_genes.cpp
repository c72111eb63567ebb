#include "nnls/specific_genes.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "util/error.h"
#include "util/log.h"

namespace blue {

MeanProfiles mean_profiles(const Reference& ref) {
  MeanProfiles p;
  p.source = ref.source;
  p.genes = ref.genes;
  p.cell_types = ref.cell_types;
  p.cpm = Eigen::MatrixXd::Zero(ref.n_genes(), ref.n_types());
  p.detected = Eigen::MatrixXd::Zero(ref.n_genes(), ref.n_types());
  std::vector<std::size_t> cells(ref.n_types(), 0);
  const CsrMatrix& m = ref.counts;
  for (std::int64_t c = 0; c < m.rows; ++c) {
    const int type = ref.cell_type_of[c];
    ++cells[type];
    double total = 0;
    for (std::int64_t k = m.indptr[c]; k < m.indptr[c + 1]; ++k) total += m.data[k];
    if (!(total > 0)) continue;
    const double scale = defaults::kCpmScale / total;
    for (std::int64_t k = m.indptr[c]; k < m.indptr[c + 1]; ++k) {
      if (!(m.data[k] > 0)) continue;
      p.cpm(m.indices[k], type) += scale * m.data[k];
      p.detected(m.indices[k], type) += 1;
    }
  }
  for (std::size_t t = 0; t < ref.n_types(); ++t) {
    if (cells[t] == 0)
      throw InputError(fmt::format("cell type '{}' of {} has no cells", ref.cell_types[t], ref.source));
    p.cpm.col(t) /= static_cast<double>(cells[t]);
    p.detected.col(t) /= static_cast<double>(cells[t]);
  }
  return p;
}

MeanProfiles mean_profiles(const ExpressionTable& table) {
  MeanProfiles p;
  p.source = table.source;
  p.genes = table.genes;
  p.cell_types = table.columns;
  p.cpm = table.values;
  for (Eigen::Index t = 0; t < p.cpm.cols(); ++t) {
    Eigen::Index row = 0;
    if (p.cpm.col(t).minCoeff(&row) < 0)
      throw InputError(
          fmt::format("{}: negative value {:g} for gene '{}' in column '{}'; mean profiles must be in "
                      "linear units (counts, CPM, TPM)",
                      table.source, p.cpm(row, t), table.genes[row], table.columns[t]));
    const double total = p.cpm.col(t).sum();
    if (!(total > 0))
      throw InputError(fmt::format("{}: column '{}' is zero on every gene", table.source, table.columns[t]));
    p.cpm.col(t) *= defaults::kCpmScale / total;
  }
  return p;
}

double condition_number(const Eigen::MatrixXd& m) {
  if (m.size() == 0) return std::numeric_limits<double>::infinity();
  const Eigen::VectorXd s = Eigen::JacobiSVD<Eigen::MatrixXd>(m).singularValues();
  const double smallest = s(s.size() - 1);
  return smallest > 0 ? s(0) / smallest : std::numeric_limits<double>::infinity();
}

namespace {

void check_options(const SpecificGeneOptions& o) {
  std::vector<std::string> problems;
  if (!(o.min_fold_change > 1))
    problems.push_back(fmt::format("--min-fold-change {:g}: expected > 1", o.min_fold_change));
  if (!(o.min_cpm >= 0)) problems.push_back(fmt::format("--min-cpm {:g}: expected >= 0", o.min_cpm));
  if (!(o.min_detected >= 0 && o.min_detected <= 1))
    problems.push_back(fmt::format("--min-detected {:g}: expected 0..1", o.min_detected));
  if (o.min_per_type < 1 || o.max_per_type < o.min_per_type)
    problems.push_back(fmt::format("--genes-per-type {}:{}: expected 1 <= MIN <= MAX", o.min_per_type, o.max_per_type));
  if (problems.empty()) return;
  std::string msg = "signature selection options:";
  for (const auto& p : problems) msg += " " + p + ";";
  throw UsageError(msg);
}

// Per type, the rows passing the thresholds, best first.
std::vector<std::vector<Eigen::Index>> ranked_candidates(const MeanProfiles& p, const SpecificGeneOptions& o,
                                                         const std::vector<std::string>* measured) {
  std::unordered_set<std::string> have;
  if (measured) have.insert(measured->begin(), measured->end());
  const Eigen::Index n_types = p.cpm.cols();
  const Eigen::MatrixXd log_cpm = (p.cpm.array() + 1.0).log() / std::log(2.0);
  const double min_log_fc = std::log2(o.min_fold_change);
  std::vector<std::vector<std::pair<double, Eigen::Index>>> scored(n_types);
  for (Eigen::Index g = 0; g < p.cpm.rows(); ++g) {
    if (measured && !have.count(p.genes[g])) continue;
    // A gene can only be specific to the type with the strictly highest mean.
    Eigen::Index best = 0;
    const double top = log_cpm.row(g).maxCoeff(&best);
    double second = -std::numeric_limits<double>::infinity(), others = 0;
    for (Eigen::Index t = 0; t < n_types; ++t) {
      if (t == best) continue;
      second = std::max(second, log_cpm(g, t));
      others += log_cpm(g, t);
    }
    if (n_types > 1 && !(top > second)) continue;
    const double fc = n_types > 1 ? top - others / static_cast<double>(n_types - 1) : top;
    if (!(fc > min_log_fc) || p.cpm(g, best) < o.min_cpm) continue;
    if (p.detected.size() && p.detected(g, best) < o.min_detected) continue;
    scored[best].emplace_back(fc, g);
  }
  std::vector<std::vector<Eigen::Index>> out(n_types);
  for (Eigen::Index t = 0; t < n_types; ++t) {
    std::stable_sort(scored[t].begin(), scored[t].end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [fc, g] : scored[t]) out[t].push_back(g);
  }
  return out;
}

Eigen::MatrixXd rows_of(const Eigen::MatrixXd& m, const std::vector<Eigen::Index>& rows) {
  Eigen::MatrixXd out(rows.size(), m.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = m.row(rows[i]);
  return out;
}

std::vector<Eigen::Index> top_rows(const std::vector<std::vector<Eigen::Index>>& ranked, int n) {
  std::vector<Eigen::Index> rows;
  for (const auto& r : ranked) rows.insert(rows.end(), r.begin(), r.begin() + std::min<std::size_t>(n, r.size()));
  return rows;
}

}  // namespace

SpecificGeneSelection select_specific_genes(const MeanProfiles& p, const SpecificGeneOptions& o,
                                            const std::vector<std::string>* measured) {
  check_options(o);
  const auto ranked = ranked_candidates(p, o, measured);
  SpecificGeneSelection s;
  std::vector<std::string> empty;
  std::size_t total = 0;
  for (std::size_t t = 0; t < ranked.size(); ++t) {
    s.candidates.push_back(ranked[t].size());
    total += ranked[t].size();
    if (ranked[t].empty()) empty.push_back("'" + p.cell_types[t] + "'");
  }
  const std::string scope = measured ? " measured in the bulk" : "";
  if (total < p.cell_types.size())
    throw InputError(
        fmt::format("{}: only {} genes{} are highest in one cell type and at least {:g}-fold above the "
                    "other types' mean, fewer than the {} types; lower --min-fold-change or "
                    "--min-detected, or give --genes",
                    p.source, total, scope, o.min_fold_change, p.cell_types.size()));
  if (!empty.empty())
    log::warn("signature",
              "cell type(s) {} have no gene{} highest in them and {:g}-fold above the others' mean (CPM >= "
              "{:g}{}): their fractions rest on the other types' genes and may be confused with a similar type. "
              "Lower --min-fold-change, merge them (--merge-types) or give --genes",
              log::preview(empty), scope, o.min_fold_change, o.min_cpm,
              p.detected.size() ? fmt::format(", detected in >= {:g} of their cells", o.min_detected) : "");
  // The condition number only changes where some type still has genes to add.
  const std::size_t most = std::max_element(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
                             return a.size() < b.size();
                           })->size();
  const int last = static_cast<int>(std::min<std::size_t>(o.max_per_type, std::max<std::size_t>(most, 1)));
  const int first = std::min(o.min_per_type, last);
  s.condition_number = std::numeric_limits<double>::infinity();
  for (int n = first; n <= last; ++n) {
    const double kappa = condition_number(rows_of(p.cpm, top_rows(ranked, n)));
    if (kappa < s.condition_number || s.per_type == 0) {
      s.condition_number = kappa;
      s.per_type = n;
    }
  }
  for (std::size_t t = 0; t < ranked.size(); ++t)
    for (std::size_t i = 0; i < std::min<std::size_t>(s.per_type, ranked[t].size()); ++i) {
      s.genes.push_back(p.genes[ranked[t][i]]);
      s.type_of_gene.push_back(p.cell_types[t]);
    }
  log::info("signature",
            "{} genes specific to one of {} cell types ({} per type at most, searched {}..{}: the "
            "smallest condition number, {:.1f}); candidates per type: {}",
            s.genes.size(), p.cell_types.size(), s.per_type, first, last, s.condition_number,
            fmt::join(s.candidates, ", "));
  return s;
}

ExpressionTable signature_rows(const MeanProfiles& p, const std::vector<std::string>& genes) {
  std::unordered_map<std::string, Eigen::Index> row;
  for (std::size_t g = 0; g < p.genes.size(); ++g) row.emplace(p.genes[g], static_cast<Eigen::Index>(g));
  ExpressionTable sig;
  sig.source = p.source;
  sig.columns = p.cell_types;
  sig.genes = genes;
  sig.values.resize(static_cast<Eigen::Index>(genes.size()), p.cpm.cols());
  for (std::size_t i = 0; i < genes.size(); ++i) {
    auto it = row.find(genes[i]);
    if (it == row.end()) throw InputError(fmt::format("gene '{}' is not a gene of {}", genes[i], p.source));
    sig.values.row(static_cast<Eigen::Index>(i)) = p.cpm.row(it->second);
  }
  return sig;
}

}  // namespace blue

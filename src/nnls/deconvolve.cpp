#include "nnls/deconvolve.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "io/genes.h"
#include "nnls/specific_genes.h"
#include "util/error.h"
#include "util/log.h"
#include "util/parallel.h"

namespace blue {
namespace {

// The bulk rows and signature rows that enter the fit, after gene matching and scaling.
struct Problem {
  std::vector<std::string> genes;
  Eigen::MatrixXd s;       // genes x types, raw units
  Eigen::MatrixXd y;       // genes x samples, raw units
  Eigen::VectorXd weight;  // per gene multiplier of the solved problem (1 without scaling)
};

Problem build_problem(const ExpressionTable& signature, const ExpressionTable& bulk, const GeneMapping& mapping,
                      GeneScaling scaling) {
  std::vector<Eigen::Index> sig_rows, bulk_rows;
  std::vector<double> weights;
  std::size_t constant = 0;
  for (std::size_t g = 0; g < mapping.index.size(); ++g) {
    if (mapping.index[g] < 0) continue;
    double w = 1.0;
    if (scaling != GeneScaling::kNone) {
      const auto row = signature.values.row(g).array();
      const double spread = scaling == GeneScaling::kStandardize ? std::sqrt((row - row.mean()).square().mean())
                                                                 : row.mean();
      if (!(spread > 0)) {
        ++constant;
        continue;
      }
      w = 1.0 / spread;
    }
    sig_rows.push_back(static_cast<Eigen::Index>(g));
    bulk_rows.push_back(mapping.index[g]);
    weights.push_back(w);
  }
  if (constant)
    log::info("nnls", "{} genes with {} in every cell type dropped (no information once scaled)", constant,
              scaling == GeneScaling::kStandardize ? "the same signature value" : "a signature value of 0");
  Problem p;
  const Eigen::Index n = static_cast<Eigen::Index>(sig_rows.size());
  p.s.resize(n, signature.values.cols());
  p.y.resize(n, bulk.values.cols());
  p.weight.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    p.genes.push_back(signature.genes[sig_rows[i]]);
    p.s.row(i) = signature.values.row(sig_rows[i]);
    p.y.row(i) = bulk.values.row(bulk_rows[i]);
    p.weight(i) = weights[i];
  }
  return p;
}

SampleTable proportions_table(const ExpressionTable& signature, const ExpressionTable& bulk, const NnlsBatch& b) {
  SampleTable t{"proportions", bulk.columns, signature.columns, b.x.transpose()};
  std::vector<std::string> zero;
  for (Eigen::Index j = 0; j < t.values.rows(); ++j) {
    const double total = t.values.row(j).sum();
    if (total > 0)
      t.values.row(j) /= total;
    else
      zero.push_back(bulk.columns[j]);
  }
  if (!zero.empty())
    log::warn("nnls",
              "{} sample(s) fitted by all-zero proportions (no positive correlation with any signature "
              "column): {}; their proportions are written as 0",
              zero.size(), log::preview(zero));
  return t;
}

SampleTable fit_table(const Problem& p, const std::vector<std::string>& samples, const NnlsBatch& b) {
  SampleTable t{"fit", samples, kFitColumns, Eigen::MatrixXd(samples.size(), kFitColumns.size())};
  std::vector<std::string> stalled;
  for (Eigen::Index j = 0; j < t.values.rows(); ++j) {
    const Eigen::VectorXd y = p.y.col(j);
    const double rss = (y - p.s * b.x.col(j)).squaredNorm();
    const double tss = (y.array() - y.mean()).square().sum();
    t.values.row(j) << b.x.col(j).sum(), std::sqrt(rss),
        tss > 0 ? 1 - rss / tss : std::numeric_limits<double>::quiet_NaN(), b.kkt_violation(j),
        static_cast<double>(p.genes.size()), b.iterations[j], b.converged[j] ? 1.0 : 0.0;
    if (!b.converged[j]) stalled.push_back(samples[j]);
  }
  if (!stalled.empty())
    log::warn("nnls",
              "NNLS stopped at the iteration limit for {} sample(s): {}; see kkt_violation in fit.tsv "
              "and raise --max-iterations",
              stalled.size(), log::preview(stalled));
  return t;
}

}  // namespace

namespace {

// A cell type whose profile is zero on every gene used cannot be estimated: NNLS would silently give it 0.
void require_expressed_types(const Problem& p, const ExpressionTable& signature) {
  if (p.s.rows() == 0) return;
  std::vector<std::string> silent;
  for (Eigen::Index t = 0; t < p.s.cols(); ++t)
    if (!(p.s.col(t).maxCoeff() > 0)) silent.push_back("'" + signature.columns[t] + "'");
  if (silent.empty()) return;
  throw InputError(
      fmt::format("{}: cell type(s) {} have no positive value on the {} genes shared with the bulk; "
                  "their fractions cannot be estimated. Remove them from the signature or use a "
                  "signature in which they are expressed",
                  signature.source, log::preview(silent), p.genes.size()));
}

}  // namespace

NnlsDeconvolution deconvolve_nnls(const ExpressionTable& signature, ExpressionTable bulk,
                                  const NnlsDeconvolutionOptions& options) {
  ensure_linear(bulk, options.bulk_scale, "nnls");
  if (const ScaleCheck sc = inspect_scale(signature.values); sc.looks_log)
    log::warn("nnls", "the signature {} looks log-transformed ({}); NNLS expects linear profiles", signature.source,
              sc.reason);
  const GeneMapping mapping = map_genes(signature.genes, bulk.genes, "signature " + signature.source,
                                        "bulk " + bulk.source, options.max_missing_fraction, "--max-missing-genes");
  const Problem p = build_problem(signature, bulk, mapping, options.scaling);
  if (static_cast<int>(p.genes.size()) < options.min_genes)
    throw ComputeError(fmt::format(
        "only {} signature genes can be used (found in the bulk{}), fewer than "
        "--min-genes {}; check that both files use the same gene identifiers",
        p.genes.size(), options.scaling == GeneScaling::kNone ? "" : ", informative once scaled", options.min_genes));
  require_expressed_types(p, signature);
  const Eigen::MatrixXd solved = p.weight.asDiagonal() * p.s;
  const double kappa = condition_number(p.s), kappa_solved = condition_number(solved);
  log::info("nnls",
            "{} samples x {} cell types on {} genes; condition number of the signature {:.1f} ({:.1f} as "
            "solved)",
            bulk.columns.size(), signature.columns.size(), p.genes.size(), kappa, kappa_solved);
  if (!std::isfinite(kappa_solved))
    log::warn("nnls",
              "the signature's columns are linearly dependent on the genes used: some cell types cannot be "
              "told apart and their split is arbitrary; merge them or build the signature with more genes");
  const auto start = std::chrono::steady_clock::now();
  const NnlsBatch b = nnls_batch(solved, p.weight.asDiagonal() * p.y, options.nnls);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log::info("nnls", "solved {} samples in {:.3f} s ({} threads); largest KKT violation {:.2g}", bulk.columns.size(),
            seconds, threads(), b.kkt_violation.size() ? b.kkt_violation.maxCoeff() : 0.0);
  NnlsDeconvolution out;
  out.proportions = proportions_table(signature, bulk, b);
  out.fit = fit_table(p, bulk.columns, b);
  out.genes_used = p.genes;
  out.missing_genes = mapping.missing;
  out.condition_number = kappa;
  out.condition_number_solved = kappa_solved;
  return out;
}

GeneScaling parse_gene_scaling(const std::string& name) {
  if (name == "none") return GeneScaling::kNone;
  if (name == "relative") return GeneScaling::kRelative;
  if (name == "standardize") return GeneScaling::kStandardize;
  throw UsageError("--gene-scaling '" + name + "': expected none, relative or standardize");
}

std::vector<std::string> nnls_option_problems(const NnlsDeconvolutionOptions& o) {
  std::vector<std::string> problems;
  if (o.min_genes < 1) problems.push_back("--min-genes " + std::to_string(o.min_genes) + ": expected >= 1");
  if (!(o.nnls.tolerance > 0 && o.nnls.tolerance < 1))
    problems.push_back("--tolerance " + std::to_string(o.nnls.tolerance) + ": expected in (0, 1)");
  if (o.nnls.max_iterations < 0)
    problems.push_back("--max-iterations " + std::to_string(o.nnls.max_iterations) + ": expected >= 0");
  if (!(o.max_missing_fraction >= 0 && o.max_missing_fraction <= 1))
    problems.push_back("--max-missing-genes " + std::to_string(o.max_missing_fraction) + ": expected 0..1");
  return problems;
}

}  // namespace blue

// METHOD 1 end to end: bulk samples (genes x samples) against a signature (genes x cell types), gene
// matching, optional per-gene standardisation, the log-scale guard, and the tables `blue nnls` writes.
#pragma once
#include <string>
#include <vector>

#include "defaults.h"
#include "io/bulk_scale.h"
#include "io/types.h"
#include "nnls/nnls.h"

namespace blue {

enum class GeneScaling {
  kNone,        // least squares in the units given: highly expressed genes dominate the fit
  kRelative,    // each gene (row of S and of every y) divided by the mean of its row of S: relative errors, so
                // that a gene's platform bias weighs the same whatever its level; all-zero rows are dropped
  kStandardize  // each gene (row of S and of every y) divided by the standard deviation of its row of S
                // across cell types; genes with a constant row of S carry no type information and are dropped
};

struct NnlsDeconvolutionOptions {
  GeneScaling scaling = GeneScaling::kRelative;
  BulkScale bulk_scale = BulkScale::kAuto;
  int min_genes = defaults::kNnlsMinGenes;
  double max_missing_fraction = defaults::kMaxMissingGeneFraction;
  NnlsOptions nnls;
};

struct NnlsDeconvolution {
  SampleTable proportions;  // samples x cell types, each row sums to 1 (a zero fit gives a row of 0)
  SampleTable fit;          // samples x kFitColumns
  std::vector<std::string> genes_used;
  std::vector<std::string> missing_genes;  // signature genes absent from the bulk
  double condition_number = 0;             // of the signature over the genes used, in its units
  double condition_number_solved = 0;      // of the problem solved (after the gene scaling)
};

// Columns of NnlsDeconvolution::fit (and of fit.tsv), in order:
//   total: sum of the un-normalised coefficients (the fitted scale of the bulk relative to the signature)
//   residual_norm: ||y - S x||_2 over the genes used, in the bulk's units (also with --gene-scaling)
//   r2: 1 - RSS / TSS over the genes used, in the bulk's units
//   kkt_violation: relative KKT violation of the solved (possibly standardised) problem (see nnls.h)
//   genes_used, iterations, converged (1/0)
inline const std::vector<std::string> kFitColumns = {"total",      "residual_norm", "r2",       "kkt_violation",
                                                     "genes_used", "iterations",    "converged"};

// "none" | "relative" | "standardize" (--gene-scaling); another name is a UsageError.
GeneScaling parse_gene_scaling(const std::string& name);

// The options out of range, one message each (empty when all are fine).
std::vector<std::string> nnls_option_problems(const NnlsDeconvolutionOptions& options);

// Signature genes are matched in the bulk with map_genes (missing fraction above max_missing_fraction:
// InputError; below: warning listing them); fewer than min_genes used: ComputeError.
NnlsDeconvolution deconvolve_nnls(const ExpressionTable& signature, ExpressionTable bulk,
                                  const NnlsDeconvolutionOptions& options);

}  // namespace blue

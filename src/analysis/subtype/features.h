// Patient features for subtyping: per-sample cell-type expression profiles (gep.h5ad from blue deconvolve:
// one layer per cell type), a plain expression table (the bulk genes themselves), or cell-type proportions;
// the most variable genes per source, each feature standardised across patients.
#pragma once
#include <Eigen/Dense>

#include <string>
#include <vector>

namespace blue::subtype {

// Expression of each source (a cell type, "bulk" or "proportions") per sample.
struct ProfileSet {
  std::string path;
  std::vector<std::string> samples;
  std::vector<std::string> genes;
  std::vector<std::string> sources;
  std::vector<Eigen::MatrixXd> values;  // per source: samples x genes
};

// gep.h5ad: obs = samples, var = genes, layers/<cell type>. `cell_types` empty = every layer.
ProfileSet read_gep_h5ad(const std::string& path, const std::vector<std::string>& cell_types);
// Genes x samples table (TSV/CSV[.gz] or .h5ad as io's read_expression_table): one source named "bulk".
ProfileSet read_expression_profiles(const std::string& path);
// Samples x cell types table (proportions.tsv): one source "proportions" whose genes are the cell types.
ProfileSet read_proportion_profiles(const std::string& path);

// log2(x + 1) of every value (negative values are an InputError naming the file).
void log2_transform(ProfileSet& p);

// Keeps only samples[i] for i in `rows` (in that order).
ProfileSet subset_samples(const ProfileSet& p, const std::vector<std::size_t>& rows);
// The rows of `p` named `samples`, in that order; InputError listing the samples `p` lacks.
ProfileSet select_samples(const ProfileSet& p, const std::vector<std::string>& samples);

struct FeatureMatrix {
  std::vector<std::string> samples;
  std::vector<std::string> source, gene;  // per feature
  Eigen::MatrixXd z;                      // samples x features; each column mean 0, sd 1
};

// Per source, the `top_genes` genes with the largest variance across samples (or exactly `gene_list` when
// not empty; genes absent from the profiles are listed in a warning); constant genes are left out.
FeatureMatrix select_features(const ProfileSet& p, int top_genes, const std::vector<std::string>& gene_list);

// The features of `like` taken from another cohort `p` and standardised within it. InputError when a source
// or gene is missing.
FeatureMatrix same_features(const ProfileSet& p, const FeatureMatrix& like);

// Every (source, gene) of `p`, standardised, constant ones left out: for the prognostic-gene scan.
FeatureMatrix all_features(const ProfileSet& p);

}  // namespace blue::subtype

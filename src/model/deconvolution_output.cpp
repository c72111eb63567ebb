// Writing a deconvolution: proportions, RNA fractions, diagnostics, GEPs (TSV per type and gep.h5ad with the
// share layers), all staged so that a failed run leaves nothing behind.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "io/h5ad.h"
#include "io/tables.h"
#include "model/pipeline.h"
#include "simulate/normalize.h"
#include "util/output.h"
#include "util/parallel.h"

namespace blue::model {
std::vector<std::string> file_names_for(const std::vector<std::string>& types) {
  std::vector<std::string> names;
  std::set<std::string> used;
  for (const auto& t : types) {
    std::string s = t.empty() ? "type" : t;
    for (char& ch : s) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != '_') ch = '_';
    }
    if (s == "." || s == "..") s = "_";
    std::string unique = s;
    for (int i = 2; used.count(unique); ++i) unique = s + "_" + std::to_string(i);
    used.insert(unique);
    names.push_back(unique);
  }
  return names;
}

SampleTable diagnostics_table(const Deconvolution& d) {
  if (d.reconstruction_distance.empty()) return {"", {}, {}, Eigen::MatrixXd()};
  const bool unexplained = !d.unexplained.count.empty();
  std::vector<std::string> columns = {"reconstruction_distance", "reconstruction_r", "reference_distance"};
  if (unexplained) columns.insert(columns.end(), {"unexplained_genes", "unexplained_fraction"});
  columns.push_back("flagged");
  SampleTable diag{"", d.samples, columns, Eigen::MatrixXd(d.samples.size(), columns.size())};
  for (std::size_t i = 0; i < d.samples.size(); ++i) {
    std::vector<double> v = {d.reconstruction_distance[i], d.reconstruction_r[i], d.reference_distance[i]};
    if (unexplained) v.insert(v.end(), {static_cast<double>(d.unexplained.count[i]), d.unexplained.fraction[i]});
    v.push_back(d.flagged[i] ? 1.0 : 0.0);
    for (std::size_t c = 0; c < v.size(); ++c) diag.values(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = v[c];
  }
  return diag;
}

std::vector<UnexplainedGeneRow> unexplained_gene_rows(const Deconvolution& d) {
  std::vector<UnexplainedGeneRow> rows;
  for (std::size_t i = 0; i < d.unexplained.genes.size() && i < d.samples.size(); ++i) {
    int rank = 0;
    for (const auto& g : d.unexplained.genes[i]) {
      const auto j = static_cast<std::size_t>(g.gene);
      const double ceiling = d.ceiling.ceiling_cpm[static_cast<Eigen::Index>(j)];
      const std::int32_t type = d.ceiling.top_type[j];
      rows.push_back({d.samples[i], ++rank, d.ceiling.genes[j], g.bulk_cpm, ceiling,
                      type >= 0 ? d.cell_types[static_cast<std::size_t>(type)] : "",
                      ceiling > 0 ? g.bulk_cpm / ceiling : INFINITY});
    }
  }
  return rows;
}

DenseAnnData deconvolution_anndata(const Deconvolution& d) {
  DenseAnnData a;
  a.obs_names = d.samples;
  a.var_names = d.genes;
  a.X = d.input;
  a.obsm["proportions"] = d.proportions;
  a.uns_strings["proportions_columns"] = d.cell_types;
  a.uns_strings["cell_types"] = d.cell_types;
  a.uns_strings["gep_mode"] = {gep_mode_name(d.gep_mode)};
  for (std::size_t k = 0; k < d.cell_types.size(); ++k) {
    std::string layer = d.cell_types[k];
    std::replace(layer.begin(), layer.end(), '/', '_');  // '/' would nest HDF5 groups
    a.layers[layer] = d.gep[k];
    MatrixF cpm = d.gep[k];
    denormalize_profiles(cpm);
    a.layers[layer + "_cpm"] = std::move(cpm);
    if (!d.share.empty()) a.layers[layer + "_share"] = d.share[k];
  }
  return a;
}

namespace {

// DIR/diagnostics.tsv (one row per sample) and, with the transcriptome profiles, DIR/unexplained_genes.tsv
// (one row per sample and listed gene).
void write_diagnostics(StagedOutputs& out, const std::string& dir, const Deconvolution& d) {
  write_sample_table(out, dir + "/diagnostics.tsv", diagnostics_table(d));
  if (d.unexplained.count.empty()) return;
  std::string text = "sample\trank\tgene\tbulk_cpm\treference_max_cpm\treference_max_type\tfold\n";
  for (const auto& r : unexplained_gene_rows(d)) {
    text += fmt::format("{}\t{}\t{}\t{:.6g}\t{:.6g}\t{}\t{:.4g}\n", r.sample, r.rank, r.gene, r.bulk_cpm,
                        r.reference_max_cpm, r.reference_max_type, r.fold);
  }
  out.write_text(dir + "/unexplained_genes.tsv", text);
}

}  // namespace

void write_deconvolution(StagedOutputs& out, const std::string& dir, const Deconvolution& d) {
  const auto K = d.cell_types.size();
  SampleTable props{"", d.samples, d.cell_types, d.proportions.cast<double>()};
  write_sample_table(out, dir + "/proportions.tsv", props);
  if (d.proportions_nnls.size() > 0)
    write_sample_table(out, dir + "/proportions_nnls.tsv",
                       {"", d.samples, d.cell_types, d.proportions_nnls.cast<double>()});
  if (d.proportions_sd.size() > 0)
    write_sample_table(out, dir + "/proportions_sd.tsv", {"", d.samples, d.cell_types, d.proportions_sd.cast<double>()});
  if (d.uncalibrated.size() > 0) {
    write_sample_table(out, dir + "/proportions_uncalibrated.tsv",
                       {"", d.samples, d.cell_types, d.uncalibrated.cast<double>()});
  }
  if (d.rna_fractions.size() > 0) {
    write_sample_table(out, dir + "/rna_fractions.tsv", {"", d.samples, d.cell_types, d.rna_fractions.cast<double>()});
  }
  if (!d.reconstruction_distance.empty()) write_diagnostics(out, dir, d);
  if (d.gene_bias.size() > 0) {
    ExpressionTable bias{"", d.genes, {"bias_log2"}, d.gene_bias};
    write_expression_table(out, dir + "/gene_bias.tsv", bias);
  }

  const DenseAnnData a = deconvolution_anndata(d);
  std::vector<std::string> names = file_names_for(d.cell_types);
  // gep/<type>.tsv: formatted in parallel (the slow part for large cohorts), a few types at a time to bound
  // memory; the values are floats, printed as the shortest text that reads back as the same float.
  const std::size_t chunk = static_cast<std::size_t>(std::max(threads(), 1));
  for (std::size_t first = 0; first < K; first += chunk) {
    const std::size_t n = std::min(chunk, K - first);
    std::vector<std::string> text(n);
    parallel_for(static_cast<std::ptrdiff_t>(n), [&](std::ptrdiff_t i) {
      const std::size_t k = first + static_cast<std::size_t>(i);
      text[static_cast<std::size_t>(i)] = format_expression_table(
          {"", d.genes, d.samples, d.gep[k].transpose().cast<double>()}, true);
    });
    for (std::size_t i = 0; i < n; ++i) out.write_text(dir + "/gep/" + names[first + i] + ".tsv", text[i]);
  }
  write_h5ad(out, dir + "/gep.h5ad", a);
}

}  // namespace blue::model

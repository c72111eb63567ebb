// Writing a deconvolution, whole or a block of samples at a time: proportions, RNA fractions, diagnostics,
// GEPs (TSV per type and gep.h5ad with the share layers), all staged so that a failed run leaves nothing behind.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "io/h5ad.h"
#include "io/tables.h"
#include "model/pipeline.h"
#include "simulate/normalize.h"
#include "util/output.h"
#include "util/error.h"
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
    for (std::size_t c = 0; c < v.size(); ++c)
      diag.values(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = v[c];
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

SampleTable per_type(const Deconvolution& d, const MatrixF& m) {
  return {"", d.samples, d.cell_types, m.cast<double>()};
}

// unexplained_genes.tsv's rows for a block of samples (one row per sample and listed gene).
std::string unexplained_rows(const Deconvolution& d) {
  std::string text;
  for (const auto& r : unexplained_gene_rows(d)) {
    text += fmt::format("{}\t{}\t{}\t{:.6g}\t{:.6g}\t{}\t{:.4g}\n", r.sample, r.rank, r.gene, r.bulk_cpm,
                        r.reference_max_cpm, r.reference_max_type, r.fold);
  }
  return text;
}

// For one type, the values of a block of samples on every gene line of its genes x samples table:
// "\tv1\tv2...\n" per gene, each float as the shortest text that reads back as the same float.
std::string gep_piece(const MatrixF& gep) {
  fmt::memory_buffer buf;
  for (Eigen::Index g = 0; g < gep.cols(); ++g) {
    for (Eigen::Index i = 0; i < gep.rows(); ++i) fmt::format_to(std::back_inserter(buf), "\t{}", gep(i, g));
    buf.push_back('\n');
  }
  return fmt::to_string(buf);
}

}  // namespace

GepFiles parse_gep_files(const std::string& name) {
  if (name == "both") return GepFiles::kBoth;
  if (name == "h5ad") return GepFiles::kH5ad;
  if (name == "tsv") return GepFiles::kTsv;
  if (name == "none") return GepFiles::kNone;
  throw UsageError("--gep-files must be both, h5ad, tsv or none, not '" + name + "'");
}

struct DeconvolutionWriter::Files {
  std::map<std::string, std::ofstream> tables;  // file name -> stream of the staged temporary
  std::unique_ptr<H5adRowWriter> h5ad;
  std::optional<TempFolder> pieces;  // the per-type GEP pieces, "<type>.<block>"
  std::vector<std::string> type_files, genes, cell_types;
  std::size_t blocks = 0;
};

DeconvolutionWriter::DeconvolutionWriter(StagedOutputs& out, std::string dir, std::vector<std::string> samples,
                                         GepFiles gep_files)
    : out_(out),
      dir_(std::move(dir)),
      samples_(std::move(samples)),
      gep_files_(gep_files),
      files_(std::make_unique<Files>()) {}

DeconvolutionWriter::~DeconvolutionWriter() = default;

void DeconvolutionWriter::table(const std::string& name, const std::string& header, const std::string& rows) {
  auto it = files_->tables.find(name);
  if (it == files_->tables.end()) {
    const std::string path = dir_ + "/" + name;
    it = files_->tables.emplace(name, std::ofstream(out_.stage(path), std::ios::binary)).first;
    it->second << header;
  }
  it->second << rows;
  if (!it->second) throw OutputError("cannot write '" + dir_ + "/" + name + "' (disk full or no permission?)");
}

void DeconvolutionWriter::sample_table(const std::string& name, const SampleTable& t) {
  table(name, format_sample_table({"", {}, t.columns, {}}, true), format_sample_table(t, false));
}

void DeconvolutionWriter::append(const Deconvolution& d) {
  Files& f = *files_;
  const auto K = d.cell_types.size();
  if (f.blocks == 0) {
    f.genes = d.genes;
    f.cell_types = d.cell_types;
    f.type_files = file_names_for(d.cell_types);
  } else if (d.genes != f.genes || d.cell_types != f.cell_types) {
    throw InternalError("deconvolution blocks with different genes or cell types");
  }
  if (written_ + d.samples.size() > samples_.size())
    throw InternalError(fmt::format("{} samples written, more than the {} announced", written_ + d.samples.size(),
                                    samples_.size()));
  sample_table("proportions.tsv", per_type(d, d.proportions));
  if (d.proportions_nnls.size() > 0) sample_table("proportions_nnls.tsv", per_type(d, d.proportions_nnls));
  if (d.proportions_sd.size() > 0) sample_table("proportions_sd.tsv", per_type(d, d.proportions_sd));
  if (d.uncalibrated.size() > 0) sample_table("proportions_uncalibrated.tsv", per_type(d, d.uncalibrated));
  if (d.rna_fractions.size() > 0) sample_table("rna_fractions.tsv", per_type(d, d.rna_fractions));
  if (!d.reconstruction_distance.empty()) {
    sample_table("diagnostics.tsv", diagnostics_table(d));
    if (!d.unexplained.count.empty())
      table("unexplained_genes.tsv", "sample\trank\tgene\tbulk_cpm\treference_max_cpm\treference_max_type\tfold\n",
            unexplained_rows(d));
  }
  if (gep_files_ == GepFiles::kBoth || gep_files_ == GepFiles::kH5ad) append_h5ad(d);
  if (gep_files_ == GepFiles::kBoth || gep_files_ == GepFiles::kTsv) {
    if (!f.pieces) f.pieces.emplace("blue-gep", "for the GEP tables");
    // Formatted in parallel (the slow part for large cohorts), one file per type and block.
    std::vector<char> failed(K, 0);
    parallel_for(static_cast<std::ptrdiff_t>(K), [&](std::ptrdiff_t k) {
      std::ofstream piece(f.pieces->file(fmt::format("{}.{}", k, f.blocks)), std::ios::binary);
      piece << gep_piece(d.gep[static_cast<std::size_t>(k)]);
      failed[static_cast<std::size_t>(k)] = !piece ? 1 : 0;
    });
    if (std::count(failed.begin(), failed.end(), 1) > 0)
      throw OutputError("cannot write the GEP pieces in " + f.pieces->path() + " (disk full? set TMPDIR)");
  }
  written_ += d.samples.size();
  ++f.blocks;
}

void DeconvolutionWriter::append_h5ad(const Deconvolution& d) {
  Files& f = *files_;
  const DenseAnnData a = deconvolution_anndata(d);
  if (!f.h5ad) {
    H5adLayout layout = h5ad_layout(a);
    layout.obs_names = samples_;  // the whole cohort's; `a` holds this block's
    f.h5ad = std::make_unique<H5adRowWriter>(out_, dir_ + "/gep.h5ad", layout);
  }
  f.h5ad->append(a);
}

void DeconvolutionWriter::finish(const Eigen::VectorXd& gene_bias) {
  Files& f = *files_;
  if (written_ != samples_.size())
    throw InternalError(fmt::format("{} of {} samples written", written_, samples_.size()));
  for (auto& [name, stream] : f.tables) {
    stream.close();
    if (!stream) throw OutputError("cannot write '" + dir_ + "/" + name + "' (disk full or no permission?)");
  }
  if (gene_bias.size() > 0) {
    ExpressionTable bias{"", f.genes, {"bias_log2"}, gene_bias};
    write_expression_table(out_, dir_ + "/gene_bias.tsv", bias);
  }
  if (f.h5ad) f.h5ad->close();
  if (!f.pieces) return;
  // gep/<type>.tsv, genes x samples: each gene line joined from the blocks' pieces.
  std::string header = "gene";
  for (const auto& s : samples_) header += "\t" + s;
  header += "\n";
  for (std::size_t k = 0; k < f.type_files.size(); ++k) {
    const std::string path = dir_ + "/gep/" + f.type_files[k] + ".tsv";
    std::ofstream table(out_.stage(path), std::ios::binary);
    table << header;
    std::vector<std::ifstream> pieces;
    for (std::size_t b = 0; b < f.blocks; ++b)
      pieces.emplace_back(f.pieces->file(fmt::format("{}.{}", k, b)), std::ios::binary);
    std::string line;
    for (const auto& gene : f.genes) {
      table << gene;
      for (auto& piece : pieces) {
        if (!std::getline(piece, line)) throw OutputError("cannot read back the GEP pieces in " + f.pieces->path());
        table << line;
      }
      table << '\n';
    }
    table.close();
    if (!table) throw OutputError("cannot write '" + path + "' (disk full or no permission?)");
  }
}

void write_deconvolution(StagedOutputs& out, const std::string& dir, const Deconvolution& d, GepFiles gep_files) {
  DeconvolutionWriter w(out, dir, d.samples, gep_files);
  w.append(d);
  w.finish(d.gene_bias);
}

}  // namespace blue::model

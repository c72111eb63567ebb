// blue nnls: cell-type proportions of bulk samples by non-negative least squares against a signature
// matrix (METHOD 1), read from --signature or built from --reference / --profiles; optionally converted
// from RNA to cell fractions with per-type mRNA contents.
#include <filesystem>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/signature_source.h"
#include "defaults.h"
#include "analysis/mrna_content.h"
#include "io/tables.h"
#include "nnls/deconvolve.h"
#include "util/error.h"
#include "util/log.h"

namespace blue::cli {
namespace {

struct NnlsCliOptions {
  RunOptions run;
  SignatureSource source;
  std::string signature_path, bulk_path, out_dir;
  std::string gene_scaling = defaults::kNnlsGeneScaling;
  BulkInputOptions bulk_input;
  std::string mrna_content, mrna_map;
  NnlsDeconvolutionOptions nnls;
};

std::vector<std::string> check(NnlsCliOptions& o) {
  std::vector<std::string> problems = check_signature_source(o.source);
  if (o.signature_path.empty() == !o.source.given())
    problems.push_back("give exactly one of --signature FILE, --reference or --profiles (to build the signature)");
  if (!o.signature_path.empty() && !std::filesystem::exists(o.signature_path))
    problems.push_back("--signature " + o.signature_path + ": no such file");
  if (!std::filesystem::exists(o.bulk_path)) problems.push_back("--bulk " + o.bulk_path + ": no such file");
  for (auto& p : nnls_option_problems(o.nnls)) problems.push_back(std::move(p));
  if (std::string p = mrna_content_problem(o.mrna_content, o.mrna_map); !p.empty()) problems.push_back(std::move(p));
  return problems;
}

void run_nnls(NnlsCliOptions& o) {
  apply_run_options(o.run);
  throw_if_problems(check(o));
  o.nnls.scaling = parse_gene_scaling(o.gene_scaling);
  o.nnls.bulk_scale = BulkScale::kLinear;  // checked (and converted) by prepare_bulk below
  o.nnls.max_missing_fraction = o.source.max_missing_genes;
  Provenance provenance("nnls");
  provenance.add_input("bulk", o.bulk_path);
  StagedOutputs out(o.run.force);
  const std::filesystem::path dir(o.out_dir);
  ExpressionTable bulk = read_expression_table(o.bulk_path, "bulk");
  ExpressionTable signature;
  if (!o.signature_path.empty()) {
    provenance.add_input("signature", o.signature_path);
    signature = read_expression_table(o.signature_path, "signature");
  }
  // A signature built from a reference or profiles takes the genes the bulk has: with --gene-map the bulk is
  // renamed into symbols first (the var index of nearly every reference).
  prepare_bulk(bulk, o.bulk_input, signature.genes, "nnls", &provenance);
  if (o.signature_path.empty()) {
    signature = signature_from_source(o.source, provenance, &bulk.genes);
    write_expression_table(out, (dir / "signature.tsv").string(), signature);
  }
  NnlsDeconvolution result = deconvolve_nnls(signature, bulk, o.nnls);
  if (!o.mrna_content.empty()) {
    provenance.add_input("mrna_content", o.mrna_content);
    if (!o.mrna_map.empty()) provenance.add_input("mrna_map", o.mrna_map);
    write_sample_table(out, (dir / "proportions_uncalibrated.tsv").string(), result.proportions);
    const MrnaCalibration c = rna_shares_to_cell_fractions(result.proportions, o.mrna_content, o.mrna_map, "nnls");
    provenance.set("mrna_content_unmapped_types", c.unmapped);
  }
  write_sample_table(out, (dir / "proportions.tsv").string(), result.proportions);
  write_sample_table(out, (dir / "fit.tsv").string(), result.fit);
  provenance.set("parameters", {{"gene_scaling", o.gene_scaling},
                                {"min_genes", o.nnls.min_genes},
                                {"max_missing_genes", o.nnls.max_missing_fraction},
                                {"tolerance", o.nnls.nnls.tolerance},
                                {"max_iterations", o.nnls.nnls.max_iterations}});
  provenance.set("genes_used", result.genes_used.size());
  provenance.set("condition_number", result.condition_number);
  provenance.set("condition_number_solved", result.condition_number_solved);
  provenance.set("proportions_units", o.mrna_content.empty() ? "RNA fractions (shares of the bulk's RNA)"
                                                             : "cell fractions (RNA shares / mRNA content)");
  provenance.set("missing_genes", result.missing_genes);
  commit_outputs(out, provenance, (dir / "provenance.json").string(), "nnls");
}

}  // namespace

void register_nnls(CLI::App& app) {
  auto opt = std::make_shared<NnlsCliOptions>();
  auto* cmd = app.add_subcommand("nnls",
                                 "Cell-type proportions of bulk samples by non-negative least squares against a "
                                 "signature matrix (--signature, or built from --reference)");
  cmd->add_option("--bulk,-b", opt->bulk_path, "Bulk expression, genes x samples (TSV/CSV[.gz] or .h5ad), linear units")
      ->required();
  cmd->add_option("--signature,-s", opt->signature_path,
                  "Signature matrix, genes x cell types (first column = gene), linear units, e.g. LM22");
  add_signature_source_options(cmd, opt->source);
  cmd->add_option("--out,-o", opt->out_dir,
                  "Output directory: proportions.tsv, fit.tsv, provenance.json (+ signature.tsv when built)")
      ->required();
  cmd->add_option("--gene-scaling", opt->gene_scaling,
                  "relative: divide each gene by the mean of its signature row (relative errors); none: fit in the "
                  "units given (highly expressed genes dominate); standardize: divide by the row's standard "
                  "deviation")
      ->check(CLI::IsMember({"none", "relative", "standardize"}))
      ->default_val(defaults::kNnlsGeneScaling);
  add_mrna_content_options(cmd, opt->mrna_content, opt->mrna_map,
                           "proportions.tsv then holds cell fractions, proportions_uncalibrated.tsv the RNA "
                           "fractions NNLS estimates",
                           "signature");
  add_bulk_input_options(cmd, opt->bulk_input);
  cmd->add_option("--min-genes", opt->nnls.min_genes, "Fewest signature genes found in the bulk to proceed")
      ->default_val(defaults::kNnlsMinGenes);
  cmd->add_option("--tolerance", opt->nnls.nnls.tolerance, "Relative KKT tolerance of the NNLS solver")
      ->default_val(defaults::kNnlsTolerance);
  cmd->add_option("--max-iterations", opt->nnls.nnls.max_iterations,
                  "NNLS outer iterations per sample (0 = 3 x number of cell types)")
      ->default_val(defaults::kNnlsMaxIterations);
  add_run_options(cmd, opt->run);
  cmd->callback([opt] { run_nnls(*opt); });
}

}  // namespace blue::cli

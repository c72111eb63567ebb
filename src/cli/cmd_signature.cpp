// blue signature: the mean CPM profile of each cell type of a labelled reference over a gene panel
// (the marker panel of METHOD 2.2, or --genes). Output: genes x cell types TSV.
#include <filesystem>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/signature_source.h"
#include "defaults.h"
#include "io/tables.h"
#include "nnls/signature.h"
#include "util/error.h"
#include "util/log.h"

namespace blue::cli {

void add_signature_source_options(CLI::App* cmd, SignatureSource& src, bool required) {
  add_reference_options(cmd, src.reference, required);
  cmd->add_option("--genes", src.genes_path,
                  "Gene panel, one gene per line (default: the marker panel of 'blue markers')");
  cmd->add_option("--max-missing-genes", src.max_missing_genes,
                  "Largest fraction of panel/signature genes allowed to be missing (error above, warning below)")
      ->default_val(defaults::kMaxMissingGeneFraction);
}

std::vector<std::string> check_signature_source(const SignatureSource& src) {
  std::vector<std::string> problems;
  if (src.reference.path.empty() && !src.genes_path.empty())
    problems.push_back("--genes needs --reference (it chooses the genes of a signature built from a reference)");
  if (!src.reference.path.empty() && src.reference.label_key.empty())
    problems.push_back("--reference needs --label-key (the obs or --labels column holding the cell type)");
  if (!src.genes_path.empty() && !std::filesystem::exists(src.genes_path))
    problems.push_back("--genes " + src.genes_path + ": no such file");
  if (!(src.max_missing_genes >= 0 && src.max_missing_genes <= 1))
    problems.push_back("--max-missing-genes " + std::to_string(src.max_missing_genes) + ": expected 0..1");
  return problems;
}

void throw_if_problems(const std::vector<std::string>& problems) {
  if (problems.empty()) return;
  std::string msg = problems.size() == 1 ? problems.front() : "invalid options:";
  if (problems.size() > 1)
    for (const auto& p : problems) msg += "\n  - " + p;
  throw UsageError(msg);
}

ExpressionTable signature_from_reference(const SignatureSource& src, Provenance& provenance,
                                         const std::vector<std::string>* measured) {
  provenance.add_input("reference", src.reference.path);
  if (!src.reference.labels_path.empty()) provenance.add_input("labels", src.reference.labels_path);
  if (!src.genes_path.empty()) provenance.add_input("genes", src.genes_path);
  const Reference ref = read_reference(src.reference);
  const auto panel = signature_panel(ref, src.genes_path, measured);
  ExpressionTable sig = build_signature(ref, panel, src.max_missing_genes);
  provenance.set("signature", {{"genes", sig.genes.size()},
                               {"cell_types", sig.columns},
                               {"panel", src.genes_path.empty() ? "markers" : src.genes_path}});
  return sig;
}

void register_signature(CLI::App& app) {
  struct Options {
    RunOptions run;
    SignatureSource source;
    std::string out;
  };
  auto opt = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "signature", "Signature matrix from a labelled reference: mean CPM of each cell type over a gene panel");
  add_signature_source_options(cmd, opt->source, true);
  cmd->add_option("--out,-o", opt->out, "Output TSV: genes x cell types (first column 'gene'), mean CPM")
      ->required();
  add_run_options(cmd, opt->run);
  cmd->callback([opt] {
    apply_run_options(opt->run);
    throw_if_problems(check_signature_source(opt->source));
    Provenance provenance("signature");
    const ExpressionTable sig = signature_from_reference(opt->source, provenance);
    StagedOutputs out(opt->run.force);
    write_expression_table(out, opt->out, sig);
    commit_outputs(out, provenance, opt->out + ".provenance.json", "signature");
  });
}

}  // namespace blue::cli

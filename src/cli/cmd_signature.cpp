// blue signature: the mean CPM profile of each cell type of a labelled reference (or of a table of per-type
// profiles) over its specific genes (nnls/specific_genes.h), the marker panel of METHOD 2.2, or --genes.
// Output: genes x cell types TSV.
#include <filesystem>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/signature_source.h"
#include "defaults.h"
#include "io/tables.h"
#include "nnls/signature_choice.h"
#include "util/error.h"
#include "util/log.h"

namespace blue::cli {

void add_signature_source_options(CLI::App* cmd, SignatureSource& src) {
  add_reference_options(cmd, src.reference, false);
  cmd->add_option("--profiles", src.profiles_path,
                  "Per-type mean profiles instead of a reference: genes x cell types (first column = gene), linear "
                  "units (each column is rescaled to 1e6), e.g. a study's published cell-type averages");
  cmd->add_option("--genes", src.genes_path, "The signature's genes, one per line (default: chosen by --panel)");
  cmd->add_option(
         "--panel", src.panel,
         "specific: per type the genes highest in it and >= --min-fold-change above the others, as many per type as "
         "gives the smallest condition number (CIBERSORT's selection); markers: the marker panel of "
         "'blue markers' (references only)")
      ->check(CLI::IsMember({"specific", "markers"}))
      ->default_val(defaults::kSignaturePanel);
  cmd->add_option("--min-fold-change", src.specific.min_fold_change,
                  "--panel specific: a gene's mean CPM + 1 in its type over the geometric mean of the other types'")
      ->default_val(defaults::kSignatureMinFoldChange);
  cmd->add_option("--min-cpm", src.specific.min_cpm, "--panel specific: lowest mean CPM in the gene's own type")
      ->default_val(defaults::kSignatureMinCpm);
  cmd->add_option("--min-detected", src.specific.min_detected,
                  "--panel specific: lowest fraction of the type's cells in which the gene is detected (references "
                  "only; keeps out genes of a few outlier cells)")
      ->default_val(defaults::kSignatureMinDetected);
  cmd->add_option("--genes-per-type", src.genes_per_type,
                  fmt::format("--panel specific: MIN:MAX, the range searched for the number of genes per type "
                              "(the smallest condition number wins), or N for exactly N (default {}:{})",
                              defaults::kSignatureMinPerType, defaults::kSignatureMaxPerType));
  cmd->add_option("--max-missing-genes", src.max_missing_genes,
                  "Largest fraction of panel/signature genes allowed to be missing (error above, warning below)")
      ->default_val(defaults::kMaxMissingGeneFraction);
}

namespace {

// "MIN:MAX" or "N" into the options; false when malformed.
bool parse_genes_per_type(const std::string& text, SpecificGeneOptions& o) {
  if (text.empty()) return true;
  try {
    std::size_t used = 0;
    const auto colon = text.find(':');
    o.min_per_type = std::stoi(text.substr(0, colon), &used);
    if (used != (colon == std::string::npos ? text.size() : colon)) return false;
    if (colon == std::string::npos) {
      o.max_per_type = o.min_per_type;
      return true;
    }
    const std::string rest = text.substr(colon + 1);
    o.max_per_type = std::stoi(rest, &used);
    return used == rest.size();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

std::vector<std::string> check_signature_source(SignatureSource& src) {
  std::vector<std::string> problems;
  const auto& ref = src.reference;
  if (!ref.path.empty() && !src.profiles_path.empty())
    problems.push_back("give one of --reference and --profiles, not both");
  if (!src.given() && !src.genes_path.empty())
    problems.push_back("--genes needs --reference or --profiles (it chooses the genes of the signature built there)");
  if (!ref.path.empty() && ref.label_key.empty())
    problems.push_back("--reference needs --label-key (the obs or --labels column holding the cell type)");
  if (!src.profiles_path.empty() && !std::filesystem::exists(src.profiles_path))
    problems.push_back("--profiles " + src.profiles_path + ": no such file");
  if (!src.profiles_path.empty() && src.panel == "markers" && src.genes_path.empty())
    problems.push_back("--panel markers needs single cells (--reference); with --profiles use --panel specific");
  if (!src.genes_path.empty() && !std::filesystem::exists(src.genes_path))
    problems.push_back("--genes " + src.genes_path + ": no such file");
  if (!(src.max_missing_genes >= 0 && src.max_missing_genes <= 1))
    problems.push_back("--max-missing-genes " + std::to_string(src.max_missing_genes) + ": expected 0..1");
  if (!parse_genes_per_type(src.genes_per_type, src.specific))
    problems.push_back("--genes-per-type " + src.genes_per_type + ": expected MIN:MAX or N (whole numbers)");
  return problems;
}

void throw_if_problems(const std::vector<std::string>& problems) {
  if (problems.empty()) return;
  std::string msg = problems.size() == 1 ? problems.front() : "invalid options:";
  if (problems.size() > 1)
    for (const auto& p : problems) msg += "\n  - " + p;
  throw UsageError(msg);
}

ExpressionTable signature_from_source(const SignatureSource& src, Provenance& provenance,
                                      const std::vector<std::string>* measured) {
  SignatureChoice choice;
  choice.panel = src.panel;
  choice.specific = src.specific;
  choice.max_missing_genes = src.max_missing_genes;
  if (!src.genes_path.empty()) {
    provenance.add_input("genes", src.genes_path);
    choice.genes = read_gene_list(src.genes_path);
    choice.genes_source = "gene list " + src.genes_path;
  }
  nlohmann::json selection;
  ExpressionTable sig;
  if (!src.profiles_path.empty()) {
    provenance.add_input("profiles", src.profiles_path);
    sig = profiles_signature(read_expression_table(src.profiles_path, "profiles"), choice, measured, &selection);
  } else {
    provenance.add_input("reference", src.reference.path);
    if (!src.reference.labels_path.empty()) provenance.add_input("labels", src.reference.labels_path);
    sig = reference_signature(read_reference(src.reference), choice, measured, &selection);
  }
  if (!selection.is_null()) provenance.set("selection", selection);
  const std::string panel = src.genes_path.empty() ? src.panel : src.genes_path;
  provenance.set("signature", {{"genes", sig.genes.size()}, {"cell_types", sig.columns}, {"panel", panel}});
  return sig;
}

void register_signature(CLI::App& app) {
  struct Options {
    RunOptions run;
    SignatureSource source;
    std::string out;
  };
  auto opt = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("signature",
                                 "Signature matrix from a labelled reference or a table of per-type profiles: mean "
                                 "CPM of each cell type over its specific genes (or a gene panel)");
  add_signature_source_options(cmd, opt->source);
  cmd->add_option("--out,-o", opt->out, "Output TSV: genes x cell types (first column 'gene'), mean CPM")->required();
  add_run_options(cmd, opt->run);
  cmd->callback([opt] {
    apply_run_options(opt->run);
    throw_if_problems(check_signature_source(opt->source));
    if (!opt->source.given()) throw UsageError("give --reference (with --label-key) or --profiles");
    Provenance provenance("signature");
    const ExpressionTable sig = signature_from_source(opt->source, provenance);
    StagedOutputs out(opt->run.force);
    write_expression_table(out, opt->out, sig);
    commit_outputs(out, provenance, opt->out + ".provenance.json", "signature");
  });
}

}  // namespace blue::cli

// blue simulate: pseudobulk samples from one split of a labelled reference (METHOD 2.1), written as .h5ad:
//   X = pseudobulk (samples x genes, mean raw counts of the drawn cells), obs names sample_0.., var = genes,
//   obsm/proportions (samples x types), uns/cell_types (the order of the proportion columns),
//   layers/<cell type> = that type's GEP per sample; plus <out>.provenance.json.
#include <fmt/format.h>

#include <algorithm>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/reference_loading.h"
#include "io/h5ad.h"
#include "io/tables.h"
#include "simulate/simulate.h"
#include "util/error.h"
#include "util/log.h"

namespace blue::cli {
namespace {

struct SimulateArgs {
  RunOptions run;
  ReferenceOptions reference;
  CellTypeEdits edits;
  SimulationOptions sim;
  std::string split = "train";
  std::uint64_t split_seed = defaults::kSplitSeed;
  std::string genes;
  std::string out;
  std::string cell_index;
};

void validate(const SimulateArgs& a) {
  std::vector<std::string> problems;
  if (a.sim.samples < 1) problems.push_back(fmt::format("--samples {}: expected >= 1", a.sim.samples));
  if (a.sim.cells_per_sample < 1) problems.push_back(fmt::format("--cells {}: expected >= 1", a.sim.cells_per_sample));
  if (!(a.sim.sparse_fraction >= 0.0 && a.sim.sparse_fraction <= 1.0)) {
    problems.push_back(fmt::format("--sparse-fraction {}: expected a value in [0, 1]", a.sim.sparse_fraction));
  }
  if (a.split != "train" && a.split != "val" && a.split != "test" && a.split != "all") {
    problems.push_back(fmt::format("--split '{}': expected train, val, test or all", a.split));
  }
  if (a.out.empty()) problems.push_back("--out: give the .h5ad file to write");
  if (!problems.empty()) throw UsageError("blue simulate: " + fmt::format("{}", fmt::join(problems, "; ")));
}

// Debug output: every cell of every split, so that disjointness can be checked. Columns: split, cell_type,
// row (0-based row of the reference after --exclude-types/--merge-types), cell (barcode).
std::string cell_index_tsv(const Reference& ref, const CellSplit& split) {
  std::string text = "split\tcell_type\trow\tcell\n";
  for (int s = 0; s < 3; ++s) {
    for (std::size_t k = 0; k < ref.n_types(); ++k) {
      for (auto row : split.pools[s][k]) {
        text += fmt::format("{}\t{}\t{}\t{}\n", split_name(static_cast<Split>(s)), ref.cell_types[k], row,
                            ref.cells[row]);
      }
    }
  }
  return text;
}

std::vector<std::int32_t> gene_columns(const Reference& ref, const std::string& genes_path, Provenance& provenance) {
  if (genes_path.empty()) return all_gene_columns(ref);
  provenance.add_input("genes", genes_path);
  return reference_gene_columns(ref, read_gene_list(genes_path));
}

void run_simulate(SimulateArgs& a) {
  apply_run_options(a.run);
  validate(a);
  std::vector<std::string> outputs{a.out, a.out + ".provenance.json"};
  if (!a.cell_index.empty()) outputs.push_back(a.cell_index);
  require_new_outputs(outputs, a.run.force);

  Provenance provenance("simulate");
  const Reference ref = load_reference(a.reference, a.edits, provenance);
  const std::vector<std::int32_t> columns = gene_columns(ref, a.genes, provenance);
  const CellSplit split = split_cells(ref, a.split_seed);
  std::vector<std::vector<std::int64_t>> pools;
  if (a.split == "all") {  // e.g. donors held out of training: every one of their cells
    pools.resize(ref.n_types());
    for (const auto& by_type : split.pools) {
      for (std::size_t k = 0; k < by_type.size(); ++k)
        pools[k].insert(pools[k].end(), by_type[k].begin(), by_type[k].end());
    }
    for (auto& p : pools) std::sort(p.begin(), p.end());
  } else {
    pools = split.pools[static_cast<int>(parse_split(a.split))];
  }
  const Pseudobulk pb = a.reference.donor_key.empty()
                            ? simulate(ref, columns, pools, a.sim)
                            : simulate_donors(ref, columns, pools_by_donor(ref, pools), a.sim);

  StagedOutputs out(a.run.force);
  write_h5ad(out, a.out, pseudobulk_to_anndata(pb));
  if (!a.cell_index.empty()) out.write_text(a.cell_index, cell_index_tsv(ref, split));
  provenance.set("seed", a.sim.seed);
  provenance.set("split_seed", a.split_seed);
  provenance.set("split", a.split);
  provenance.set("flat_samples", a.sim.samples);
  provenance.set("samples", pb.n_samples());
  provenance.set("cells_per_sample", a.sim.cells_per_sample);
  provenance.set("sparse_fraction", a.sim.sparse_fraction);
  provenance.set("genes", pb.genes.size());
  provenance.set("cell_types", pb.cell_types);
  commit_outputs(out, provenance, a.out + ".provenance.json", "simulate");
}

}  // namespace

void register_simulate(CLI::App& app) {
  auto args = std::make_shared<SimulateArgs>();
  auto* cmd = app.add_subcommand(
      "simulate",
      "Pseudobulk samples with known proportions and per-type profiles from one 80/10/10 split of a labelled "
      "reference (docs/method.md §2.1), written as .h5ad");
  add_reference_options(cmd, args->reference);
  add_cell_type_options(cmd, args->edits);
  cmd->add_option("--out,-o", args->out, "Output .h5ad")->required();
  cmd->add_option("--samples,-n", args->sim.samples,
                  "Flat-Dirichlet samples N; 3 x K x extra dominant-type samples are added (docs/method.md §2.1)")
      ->default_val(defaults::kSimulatedSamples);
  cmd->add_option("--cells", args->sim.cells_per_sample, "Cells per sample (ceil(cells * p_k) of type k)")
      ->default_val(defaults::kCellsPerSample);
  cmd->add_option("--split", args->split,
                  "Cell pool to draw from: train, val, test or all (every cell, e.g. of donors held out of training)")
      ->default_val("train");
  cmd->add_option("--split-seed", args->split_seed,
                  "Seed of the 80/10/10 cell split (keep it fixed so that "
                  "train/val/test stay disjoint across runs)")
      ->default_val(defaults::kSplitSeed);
  cmd->add_option("--genes", args->genes,
                  "Restrict to the genes of this file (one per line, e.g. blue markers "
                  "output), in its order");
  cmd->add_option("--sparse-fraction", args->sim.sparse_fraction,
                  "Fraction of samples in which a random non-empty proper subset of cell types is absent")
      ->default_val(0.0);
  cmd->add_option("--cell-index", args->cell_index,
                  "Debug: TSV of the reference rows of every split (split, cell_type, row, cell)");
  add_seed_option(cmd, args->sim.seed);
  add_run_options(cmd, args->run);
  cmd->callback([args] { run_simulate(*args); });
}

}  // namespace blue::cli

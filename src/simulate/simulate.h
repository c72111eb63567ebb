// METHOD 2.1: pseudobulk simulation from a labelled reference, as a library call (the trainer uses it in
// memory) and behind `blue simulate`.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "defaults.h"
#include "io/types.h"

namespace blue {

enum class Split { kTrain = 0, kValidation = 1, kTest = 2 };
Split parse_split(const std::string& name);  // "train" | "val" | "test"
const char* split_name(Split split);

// The 80/10/10 split of every cell type's cells: a function of the reference and split_seed alone.
struct CellSplit {
  // pools[split][type] = row indices of the reference's cells
  std::array<std::vector<std::vector<std::int64_t>>, 3> pools;
};
CellSplit split_cells(const Reference& ref, std::uint64_t split_seed = defaults::kSplitSeed);

struct SimulationOptions {
  int samples = defaults::kSimulatedSamples;  // N flat-Dirichlet samples; dominant-type samples are added
  int cells_per_sample = defaults::kCellsPerSample;
  double sparse_fraction = 0.0;  // fraction of samples in which a random subset of types is absent
  std::uint64_t seed = defaults::kSeed;
};

struct Pseudobulk {
  std::vector<std::string> genes;       // columns of bulk and of each gep
  std::vector<std::string> cell_types;  // columns of proportions, order of gep
  MatrixF bulk;                         // samples x genes: mean raw counts of the drawn cells
  MatrixF proportions;                  // samples x types: fractions of the cells actually drawn
  std::vector<MatrixF> gep;             // per type: samples x genes, mean of that type's drawn cells
                                        // (zero row where the type was not drawn)
  std::size_t n_samples() const { return static_cast<std::size_t>(bulk.rows()); }
};

// Number of samples that simulate() will make for `options` and `n_types` (flat + dominant extras).
std::size_t simulated_sample_count(int samples, std::size_t n_types);

// Simulates from the cells of `pools` (per type, as in CellSplit::pools[split]) restricted to the
// reference columns `gene_columns`. Deterministic for a given seed whatever the thread count.
Pseudobulk simulate(const Reference& ref, const std::vector<std::int32_t>& gene_columns,
                    const std::vector<std::vector<std::int64_t>>& pools, const SimulationOptions& options);

}  // namespace blue

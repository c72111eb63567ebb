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
// Per type (n cells, n >= 3 else InputError suggesting --exclude-types/--merge-types): the cells of the
// type, in reference order, are shuffled with Rng(split_seed, FNV-1a hash of the type name); validation
// and test each take round(0.1 n) cells (halves up, at least 1), train the rest (first train, then
// validation, then test in the shuffled order). Each pool is returned sorted by row index.
struct SplitSizes {
  std::int64_t train = 0, validation = 0, test = 0;
};
SplitSizes split_sizes(std::int64_t n_cells_of_type);

struct CellSplit {
  // pools[split][type] = row indices of the reference's cells
  std::array<std::vector<std::vector<std::int64_t>>, 3> pools;
};
CellSplit split_cells(const Reference& ref, std::uint64_t split_seed = defaults::kSplitSeed);

struct SimulationOptions {
  int samples = defaults::kSimulatedSamples;  // N flat-Dirichlet samples; dominant-type samples are added
  int cells_per_sample = defaults::kCellsPerSample;
  // Fraction of samples in which a random subset of types is absent: the first round(F * total) samples
  // of the shuffled order. In each, the number of absent types a is uniform in [1, K-1], the absent types
  // a uniformly random a-subset; their proportions are set to 0 and the others renormalised before cells
  // are drawn. Needs K >= 2.
  double sparse_fraction = 0.0;
  std::uint64_t seed = defaults::kSeed;
  // Per type (empty = all 1): each drawn cell's counts enter the pseudobulk times this factor, so that a
  // type's share of the pseudobulk's RNA follows bulk mRNA contents instead of the platform's library sizes
  // (train --mrna-content). The proportions stay fractions of cells and the GEPs means of the type's cells.
  std::vector<double> rna_scale;
};

struct Pseudobulk {
  std::vector<std::string> genes;       // columns of bulk and of each gep
  std::vector<std::string> cell_types;  // columns of proportions, order of gep
  MatrixF bulk;                         // samples x genes: mean raw counts of the drawn cells
  MatrixF proportions;                  // samples x types: fractions of the cells actually drawn
  std::vector<MatrixF> gep;             // per type: samples x genes, mean of that type's drawn cells
                                        // (zero row where the type was not drawn)
  std::vector<std::string> donor;       // per sample, the donor its cells came from (simulate_donors only)
  std::size_t n_samples() const { return static_cast<std::size_t>(bulk.rows()); }
};

// Number of samples that simulate() will make for `options` and `n_types` (flat + dominant extras).
std::size_t simulated_sample_count(int samples, std::size_t n_types);

// Sample design (METHOD 2.1): `samples` flat Dirichlet(1,...,1) draws, then for every type k and every
// alpha_k in {50, 15, 5} (others 1) `extra` draws, extra = the largest multiple of 100 not above
// samples / K, else of 10, else 10. The list of designs is shuffled with Rng(seed, 0); sample i then uses
// its own Rng(seed, i + 1) for its proportions, its absent types and its cells, so the result does not
// depend on the thread count. Cells of type k: ceil(cells_per_sample * p_k), drawn uniformly with
// replacement from pools[k]; the reported proportions are the counts drawn over their total.
// Simulates from the cells of `pools` (per type, as in CellSplit::pools[split]) restricted to the
// reference columns `gene_columns`. Deterministic for a given seed whatever the thread count.
Pseudobulk simulate(const Reference& ref, const std::vector<std::int32_t>& gene_columns,
                    const std::vector<std::vector<std::int64_t>>& pools, const SimulationOptions& options);

// The cells of `pools` (per type, as in CellSplit::pools[split]) split by donor (needs ref.donor_of):
// pools[d][k] = the cells of donor names[d] and type k. Donors without a cell in `pools` are left out.
struct DonorPools {
  std::vector<std::string> names;
  std::vector<std::vector<std::vector<std::int64_t>>> pools;
};
DonorPools pools_by_donor(const Reference& ref, const std::vector<std::vector<std::int64_t>>& pools);

// simulate() with every sample drawn from the cells of one donor: sample i of the shuffled design takes
// donor i mod D (so every donor gets the same number of samples, whatever the design). Types the donor
// lacks get proportion 0 and the others are renormalised before cells are drawn; Pseudobulk::donor names
// each sample's donor. Every type needs cells in some donor, else InputError.
Pseudobulk simulate_donors(const Reference& ref, const std::vector<std::int32_t>& gene_columns,
                           const DonorPools& donors, const SimulationOptions& options);

// The reference columns of `genes` (exact names). Genes the reference lacks: InputError listing them.
std::vector<std::int32_t> reference_gene_columns(const Reference& ref, const std::vector<std::string>& genes);
// 0, 1, ..., n_genes - 1.
std::vector<std::int32_t> all_gene_columns(const Reference& ref);

// The .h5ad layout of `blue simulate`: X = bulk, obs names sample_0.., var = genes,
// obsm/proportions, uns/cell_types (order of the proportion columns and of the layers),
// layers/<cell type> = GEP ('/' in a type name becomes '_': HDF5 paths cannot hold it), obs/donor when
// the samples were drawn by donor.
DenseAnnData pseudobulk_to_anndata(const Pseudobulk& pb);

}  // namespace blue

#include "simulate/simulate.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>

#include "util/error.h"
#include "util/log.h"
#include "util/parallel.h"
#include "util/random.h"

namespace blue {
namespace {

constexpr double kLargeOutputGiB = 4.0;  // warn above: usually a missing --genes panel

// One row of the design: which type dominates (-1: flat Dirichlet) and with which alpha.
struct Design {
  std::int32_t dominant = -1;
  double alpha = 1.0;
};

std::size_t extra_per_type_and_alpha(int samples, std::size_t n_types) {
  const std::size_t per_type = static_cast<std::size_t>(samples) / n_types;
  if (per_type >= 100) return per_type / 100 * 100;
  if (per_type >= 10) return per_type / 10 * 10;
  return 10;
}

std::vector<Design> shuffled_designs(const SimulationOptions& options, std::size_t n_types) {
  std::vector<Design> designs(static_cast<std::size_t>(options.samples));
  const std::size_t extra = extra_per_type_and_alpha(options.samples, n_types);
  for (std::size_t k = 0; k < n_types; ++k) {
    for (double alpha : defaults::kDominantAlphas) {
      designs.insert(designs.end(), extra, Design{static_cast<std::int32_t>(k), alpha});
    }
  }
  Rng rng(options.seed, 0);
  shuffle(rng, designs);
  return designs;
}

// Sets a random non-empty proper subset of the types to 0 and renormalises the others.
void drop_random_types(Rng& rng, std::vector<double>& p) {
  const std::size_t k_types = p.size();
  std::vector<std::size_t> order(k_types);
  for (std::size_t k = 0; k < k_types; ++k) order[k] = k;
  const std::size_t absent = 1 + static_cast<std::size_t>(rng.below(k_types - 1));
  for (std::size_t i = 0; i < absent; ++i) {  // partial Fisher-Yates: order[0..absent) is a uniform subset
    std::swap(order[i], order[i + static_cast<std::size_t>(rng.below(k_types - i))]);
  }
  for (std::size_t i = 0; i < absent; ++i) p[order[i]] = 0.0;
  double sum = 0.0;
  for (double v : p) sum += v;
  for (double& v : p) v /= sum;
}

using Pools = std::vector<std::vector<std::int64_t>>;  // per type: row indices of the reference

struct SimulationContext {
  const Reference& ref;
  const std::vector<Pools>& pool_sets;       // one per donor (a single one without donors)
  std::vector<std::int32_t> pool_of_sample;  // empty: pool_sets[0] for every sample
  const SimulationOptions& options;
  std::vector<std::int32_t> column_of;  // reference column -> output column, -1 if not simulated
  std::size_t n_genes;
  std::size_t n_sparse;  // samples [0, n_sparse) have absent types
};

// Draws sample `i` into row i of the outputs.
void simulate_sample(const SimulationContext& ctx, std::size_t i, const Design& design, Pseudobulk& out) {
  const Pools& pools = ctx.pool_sets[ctx.pool_of_sample.empty() ? 0 : static_cast<std::size_t>(ctx.pool_of_sample[i])];
  const std::size_t k_types = pools.size();
  const std::size_t g_genes = ctx.n_genes;
  Rng rng(ctx.options.seed, i + 1);
  std::vector<double> alpha(k_types, 1.0);
  if (design.dominant >= 0) alpha[design.dominant] = design.alpha;
  std::vector<double> p = dirichlet(rng, alpha);
  if (i < ctx.n_sparse) drop_random_types(rng, p);
  if (!ctx.pool_of_sample.empty()) {  // a donor lacks some types: they are absent from its samples
    double kept = 0.0;
    for (std::size_t k = 0; k < k_types; ++k) {
      if (pools[k].empty()) p[k] = 0.0;
      kept += p[k];
    }
    if (!(kept > 0)) {  // only absent types were drawn (sparse samples): the donor's own types, evenly
      for (std::size_t k = 0; k < k_types; ++k) p[k] = pools[k].empty() ? 0.0 : 1.0, kept += p[k];
    }
    for (double& v : p) v /= kept;
  }

  std::vector<double> sums(k_types * g_genes, 0.0);
  std::vector<std::int64_t> drawn(k_types, 0);
  std::int64_t total = 0;
  const CsrMatrix& m = ctx.ref.counts;
  for (std::size_t k = 0; k < k_types; ++k) {
    if (p[k] <= 0.0) continue;
    drawn[k] = static_cast<std::int64_t>(std::ceil(ctx.options.cells_per_sample * p[k]));
    total += drawn[k];
    const auto& pool = pools[k];
    double* acc = sums.data() + k * g_genes;
    for (std::int64_t c = 0; c < drawn[k]; ++c) {
      const std::int64_t row = pool[rng.below(pool.size())];
      for (std::int64_t j = m.indptr[row]; j < m.indptr[row + 1]; ++j) {
        const std::int32_t col = ctx.column_of[m.indices[j]];
        if (col >= 0) acc[col] += m.data[j];
      }
    }
  }
  const auto& scale = ctx.options.rna_scale;
  for (std::size_t g = 0; g < g_genes; ++g) {
    double bulk = 0.0;
    for (std::size_t k = 0; k < k_types; ++k) bulk += sums[k * g_genes + g] * (scale.empty() ? 1.0 : scale[k]);
    out.bulk(i, g) = static_cast<float>(bulk / total);
  }
  for (std::size_t k = 0; k < k_types; ++k) {
    out.proportions(i, k) = static_cast<float>(static_cast<double>(drawn[k]) / total);
    const double inv = drawn[k] > 0 ? 1.0 / drawn[k] : 0.0;
    for (std::size_t g = 0; g < g_genes; ++g) out.gep[k](i, g) = static_cast<float>(sums[k * g_genes + g] * inv);
  }
}

void check_inputs(const Reference& ref, const std::vector<std::int32_t>& gene_columns,
                  const std::vector<Pools>& pool_sets, const SimulationOptions& options) {
  if (pool_sets.empty()) throw InternalError("simulate: no cell pools");
  for (const auto& pools : pool_sets) {
    if (pools.size() != ref.n_types() || pools.empty()) {
      throw InternalError(fmt::format("simulate: {} cell pools for {} cell types", pools.size(), ref.n_types()));
    }
  }
  if (!options.rna_scale.empty() && options.rna_scale.size() != ref.n_types())
    throw InternalError(fmt::format("simulate: {} RNA scale factors for {} cell types", options.rna_scale.size(),
                                    ref.n_types()));
  for (std::size_t k = 0; k < ref.n_types(); ++k) {
    bool found = false;
    for (const auto& pools : pool_sets) found = found || !pools[k].empty();
    if (!found) {
      throw InputError(
          fmt::format("{}: no cell of type '{}' in the pool to simulate from; drop the type with "
                      "--exclude-types or merge it with --merge-types",
                      ref.source, ref.cell_types[k]));
    }
  }
  for (auto c : gene_columns) {
    if (c < 0 || c >= ref.counts.cols) throw InternalError(fmt::format("simulate: gene column {} out of range", c));
  }
  if (options.samples < 1 || options.cells_per_sample < 1) {
    throw UsageError(fmt::format("simulate: --samples ({}) and --cells ({}) must be at least 1", options.samples,
                                 options.cells_per_sample));
  }
  if (!(options.sparse_fraction >= 0.0 && options.sparse_fraction <= 1.0)) {
    throw UsageError(fmt::format("--sparse-fraction {}: expected a value in [0, 1]", options.sparse_fraction));
  }
}

Pseudobulk simulate_pools(const Reference& ref, const std::vector<std::int32_t>& gene_columns,
                          const std::vector<Pools>& pool_sets, const SimulationOptions& options) {
  check_inputs(ref, gene_columns, pool_sets, options);
  const std::size_t k_types = ref.n_types();
  const std::vector<Design> designs = shuffled_designs(options, k_types);
  const std::size_t n = designs.size();

  SimulationContext ctx{
      ref, pool_sets, {}, options, std::vector<std::int32_t>(ref.counts.cols, -1), gene_columns.size(), 0};
  if (pool_sets.size() > 1) {
    ctx.pool_of_sample.resize(n);
    for (std::size_t i = 0; i < n; ++i) ctx.pool_of_sample[i] = static_cast<std::int32_t>(i % pool_sets.size());
  }
  for (std::size_t g = 0; g < gene_columns.size(); ++g) ctx.column_of[gene_columns[g]] = static_cast<std::int32_t>(g);
  if (options.sparse_fraction > 0.0) {
    if (k_types < 2) {
      log::warn("simulate", "--sparse-fraction ignored: the reference has a single cell type");
    } else {
      ctx.n_sparse = static_cast<std::size_t>(std::floor(options.sparse_fraction * n + 0.5));
    }
  }

  const double gib = static_cast<double>(n) * gene_columns.size() * (k_types + 1) * sizeof(float) / (1u << 30);
  if (gib > kLargeOutputGiB) {
    log::warn("simulate",
              "the samples x genes x (types + 1) output takes {:.1f} GiB of memory; restrict the genes "
              "to a panel (--genes, e.g. from blue markers) or use fewer --samples",
              gib);
  }
  Pseudobulk out;
  out.genes.reserve(gene_columns.size());
  for (auto c : gene_columns) out.genes.push_back(ref.genes[c]);
  out.cell_types = ref.cell_types;
  out.bulk = MatrixF::Zero(n, gene_columns.size());
  out.proportions = MatrixF::Zero(n, k_types);
  out.gep.assign(k_types, MatrixF::Zero(n, gene_columns.size()));
  log::info("simulate",
            "{} samples ({} flat Dirichlet + {} dominant-type, {} with absent types) of {} cells, "
            "{} genes, {} cell types",
            n, options.samples, n - options.samples, ctx.n_sparse, options.cells_per_sample, gene_columns.size(),
            k_types);
  parallel_for(static_cast<std::ptrdiff_t>(n),
               [&](std::ptrdiff_t i) { simulate_sample(ctx, static_cast<std::size_t>(i), designs[i], out); });
  return out;
}

}  // namespace

std::size_t simulated_sample_count(int samples, std::size_t n_types) {
  if (n_types == 0) return static_cast<std::size_t>(samples);
  return static_cast<std::size_t>(samples) + n_types * 3 * extra_per_type_and_alpha(samples, n_types);
}

Pseudobulk simulate(const Reference& ref, const std::vector<std::int32_t>& gene_columns,
                    const std::vector<std::vector<std::int64_t>>& pools, const SimulationOptions& options) {
  return simulate_pools(ref, gene_columns, {pools}, options);
}

DonorPools pools_by_donor(const Reference& ref, const std::vector<std::vector<std::int64_t>>& pools) {
  if (ref.donor_of.size() != ref.n_cells()) {
    throw InternalError("pools_by_donor: the reference has no donor per cell (read it with a donor key)");
  }
  std::vector<Pools> all(ref.donors.size(), Pools(pools.size()));
  for (std::size_t k = 0; k < pools.size(); ++k) {
    for (auto row : pools[k])
      all[static_cast<std::size_t>(ref.donor_of[static_cast<std::size_t>(row)])][k].push_back(row);
  }
  DonorPools out;
  for (std::size_t d = 0; d < all.size(); ++d) {
    bool any = false;
    for (const auto& p : all[d]) any = any || !p.empty();
    if (!any) continue;
    out.names.push_back(ref.donors[d]);
    out.pools.push_back(std::move(all[d]));
  }
  return out;
}

Pseudobulk simulate_donors(const Reference& ref, const std::vector<std::int32_t>& gene_columns,
                           const DonorPools& donors, const SimulationOptions& options) {
  if (donors.pools.empty()) throw InputError(ref.source + ": no donor has cells in the pool to simulate from");
  log::info("simulate", "every sample drawn from one of {} donors: {}", donors.names.size(),
            log::preview(donors.names, 40));
  Pseudobulk pb = simulate_pools(ref, gene_columns, donors.pools, options);
  pb.donor.resize(pb.n_samples());
  for (std::size_t i = 0; i < pb.n_samples(); ++i) pb.donor[i] = donors.names[i % donors.names.size()];
  return pb;
}

std::vector<std::int32_t> reference_gene_columns(const Reference& ref, const std::vector<std::string>& genes) {
  std::unordered_map<std::string, std::int32_t> column;
  column.reserve(ref.n_genes());
  for (std::size_t g = 0; g < ref.n_genes(); ++g) column.emplace(ref.genes[g], static_cast<std::int32_t>(g));
  std::vector<std::int32_t> cols;
  std::vector<std::string> missing;
  for (const auto& gene : genes) {
    auto it = column.find(gene);
    if (it == column.end()) {
      missing.push_back(gene);
    } else {
      cols.push_back(it->second);
    }
  }
  if (!missing.empty()) {
    throw InputError(fmt::format(
        "{}: {} of {} requested gene(s) are not in the reference: {} (reference genes "
        "look like: {})",
        ref.source, missing.size(), genes.size(), log::preview(missing),
        log::preview(std::vector<std::string>(ref.genes.begin(),
                                              ref.genes.begin() + std::min<std::size_t>(5, ref.n_genes())))));
  }
  return cols;
}

std::vector<std::int32_t> all_gene_columns(const Reference& ref) {
  std::vector<std::int32_t> cols(ref.n_genes());
  for (std::size_t g = 0; g < cols.size(); ++g) cols[g] = static_cast<std::int32_t>(g);
  return cols;
}

DenseAnnData pseudobulk_to_anndata(const Pseudobulk& pb) {
  DenseAnnData a;
  a.obs_names.reserve(pb.n_samples());
  for (std::size_t i = 0; i < pb.n_samples(); ++i) a.obs_names.push_back(fmt::format("sample_{}", i));
  a.var_names = pb.genes;
  a.X = pb.bulk;
  a.obsm["proportions"] = pb.proportions;
  a.uns_strings["cell_types"] = pb.cell_types;
  if (!pb.donor.empty()) a.obs_strings["donor"] = pb.donor;
  for (std::size_t k = 0; k < pb.cell_types.size(); ++k) {
    std::string name = pb.cell_types[k];
    std::replace(name.begin(), name.end(), '/', '_');
    a.layers[name] = pb.gep[k];
  }
  return a;
}

}  // namespace blue

// The 80/10/10 cell split of METHOD 2.1 (declared in simulate/simulate.h).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "simulate/cell_types.h"
#include "simulate/simulate.h"
#include "util/error.h"
#include "util/random.h"

namespace blue {
namespace {

// FNV-1a: the random stream of a cell type follows its name, so excluding or merging other types does not
// change how this type's cells are split.
std::uint64_t name_stream(const std::string& name) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : name) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// round(x), halves up, robust to x = k + 0.5 - epsilon from the fraction's binary representation.
std::int64_t round_count(double x) { return static_cast<std::int64_t>(std::floor(x + 0.5 + 1e-9)); }

}  // namespace

Split parse_split(const std::string& name) {
  if (name == "train") return Split::kTrain;
  if (name == "val" || name == "validation") return Split::kValidation;
  if (name == "test") return Split::kTest;
  throw UsageError(fmt::format("--split '{}': expected train, val or test", name));
}

const char* split_name(Split split) {
  switch (split) {
    case Split::kTrain: return "train";
    case Split::kValidation: return "val";
    case Split::kTest: return "test";
  }
  return "?";
}

SplitSizes split_sizes(std::int64_t n) {
  const double test_fraction = 1.0 - defaults::kTrainFraction - defaults::kValidationFraction;
  SplitSizes s;
  s.validation = std::max<std::int64_t>(1, round_count(n * defaults::kValidationFraction));
  s.test = std::max<std::int64_t>(1, round_count(n * test_fraction));
  s.train = n - s.validation - s.test;
  return s;
}

CellSplit split_cells(const Reference& ref, std::uint64_t split_seed) {
  require_min_cells_per_type(ref);
  const std::size_t k_types = ref.n_types();
  std::vector<std::vector<std::int64_t>> by_type(k_types);
  for (std::size_t i = 0; i < ref.n_cells(); ++i) by_type[ref.cell_type_of[i]].push_back(static_cast<std::int64_t>(i));

  CellSplit split;
  for (auto& pool : split.pools) pool.resize(k_types);
  for (std::size_t t = 0; t < k_types; ++t) {
    auto cells = by_type[t];
    Rng rng(split_seed, name_stream(ref.cell_types[t]));
    shuffle(rng, cells);
    const SplitSizes sizes = split_sizes(static_cast<std::int64_t>(cells.size()));
    const std::int64_t bounds[4] = {0, sizes.train, sizes.train + sizes.validation,
                                    static_cast<std::int64_t>(cells.size())};
    for (int s = 0; s < 3; ++s) {
      auto& pool = split.pools[s][t];
      pool.assign(cells.begin() + bounds[s], cells.begin() + bounds[s + 1]);
      std::sort(pool.begin(), pool.end());
    }
  }
  return split;
}

}  // namespace blue

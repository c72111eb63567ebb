// Writing and reading dense AnnData .h5ad files that Python's anndata opens.
#pragma once
#include <string>

#include "io/types.h"

namespace blue {

class StagedOutputs;

// Writes `adata` (X, obs/var names, layers, obsm, uns string arrays) to `path`, staged in `out`.
void write_h5ad(StagedOutputs& out, const std::string& path, const DenseAnnData& adata);

// Reads a dense (or sparse, densified: meant for result files, not references) .h5ad with its layers,
// obsm and uns string arrays.
DenseAnnData read_dense_h5ad(const std::string& path);

}  // namespace blue

// Internal to the train workflow (model/pipeline.cpp): the gene panel, the sorted-profile factors and the
// model's record of its references and options (model/train_setup.cpp). Torch-free.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "io/types.h"
#include "model/pipeline.h"
#include "simulate/platform_factors.h"
#include "simulate/type_profiles.h"

namespace blue::model::detail {

// The gene panel and the reference columns it uses.
struct Panel {
  std::vector<std::string> genes;
  std::vector<std::int32_t> columns;
};

// The marker panel (METHOD 2.2) or the listed genes (c.genes_path or c.panel_genes), within the genes the
// cohort measured when given (c.bulk_genes or c.measured_genes; the markers each type keeps there are logged,
// a type under defaults::kMinTypeMarkers is warned about).
Panel choose_panel(const Reference& ref, const TrainConfig& c);

// meta["reference"]: file names, checksums and label keys (one entry per reference with several or a map).
nlohmann::json references_json(const TrainConfig& c);

// meta["training"]: every option that shaped the model.
nlohmann::json training_options_json(const TrainConfig& c);

// train --sorted-profiles: the per-gene factors, logged.
PlatformFactors sorted_platform_factors(const TrainConfig& c, const TypeProfiles& profiles,
                                        const std::vector<std::string>& panel_genes);

}  // namespace blue::model::detail

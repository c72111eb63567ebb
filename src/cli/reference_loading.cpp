#include "cli/reference_loading.h"

#include <filesystem>

#include "util/error.h"
#include "util/log.h"

namespace blue::cli {

void add_cell_type_options(CLI::App* cmd, CellTypeEdits& edits) {
  cmd->add_option("--exclude-types", edits.exclude,
                  "Cell types to drop from the reference (comma-separated or repeated), e.g. for types with "
                  "fewer than 3 cells")
      ->delimiter(',');
  cmd->add_option("--merge-types", edits.merges,
                  "Merge cell types into one: \"new=a,b\" (repeatable); applied before --exclude-types");
}

Reference load_reference(const ReferenceOptions& options, const CellTypeEdits& edits, Provenance& provenance) {
  provenance.add_input("reference", options.path);
  if (!options.labels_path.empty()) provenance.add_input("labels", options.labels_path);
  Reference ref = read_reference(options);
  apply_cell_type_edits(ref, edits);
  provenance.set("exclude_types", edits.exclude);
  provenance.set("merge_types", edits.merges);
  if (!options.donor_key.empty()) {
    provenance.set("donor_key", options.donor_key);
    provenance.set("donors", ref.donors);
  }
  const auto sizes = cells_per_type(ref);
  std::vector<std::string> summary;
  for (std::size_t k = 0; k < sizes.size(); ++k) summary.push_back(fmt::format("{} {}", ref.cell_types[k], sizes[k]));
  log::info("reference", "{} cells x {} genes, {} cell types: {}", ref.n_cells(), ref.n_genes(), ref.n_types(),
            log::preview(summary, 40));
  require_min_cells_per_type(ref);
  return ref;
}

void require_new_outputs(const std::vector<std::string>& paths, bool force) {
  for (const auto& path : paths) {
    if (!force && std::filesystem::exists(path)) {
      throw OutputError("output '" + path + "' already exists; choose another path or pass --force to replace it");
    }
  }
}

}  // namespace blue::cli

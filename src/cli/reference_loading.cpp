#include "cli/reference_loading.h"

#include <filesystem>

#include "defaults.h"
#include "simulate/reference_set.h"
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
  prepare_reference(ref, edits);
  provenance.set("exclude_types", edits.exclude);
  provenance.set("merge_types", edits.merges);
  if (!options.donor_key.empty()) {
    provenance.set("donor_key", options.donor_key);
    provenance.set("donors", ref.donors);
  }
  return ref;
}

Reference load_references(const std::vector<ReferenceOptions>& list, const std::string& label_map,
                          const CellTypeEdits& edits, Provenance& provenance) {
  if (list.size() == 1 && label_map.empty()) return load_reference(list.front(), edits, provenance);
  std::vector<std::string> paths;
  for (const auto& o : list) paths.push_back(o.path);
  const std::vector<std::string> names = reference_names(paths);
  LabelMap map;
  if (!label_map.empty()) {
    map = read_label_map(label_map);
    provenance.add_input("label_map", label_map);
  }
  std::vector<Reference> refs;
  nlohmann::json described = nlohmann::json::array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string suffix = i == 0 ? "" : "_" + std::to_string(i + 1);
    provenance.add_input("reference" + suffix, list[i].path);
    if (!list[i].labels_path.empty()) provenance.add_input("labels" + suffix, list[i].labels_path);
    Reference ref = read_reference(list[i]);
    log::info("reference", "{}: {} cells x {} genes, {} labels", names[i], ref.n_cells(), ref.n_genes(), ref.n_types());
    if (!label_map.empty()) apply_label_map(ref, names[i], list[i].path, map);
    described.push_back({{"name", names[i]},
                         {"label_key", list[i].label_key},
                         {"donor_key", list[i].donor_key},
                         {"cells", ref.n_cells()},
                         {"cell_types", ref.cell_types}});
    refs.push_back(std::move(ref));
  }
  Reference ref = combine_references(std::move(refs), names, defaults::kMinSharedReferenceGenes);
  prepare_reference(ref, edits);
  provenance.set("references", described);
  provenance.set("exclude_types", edits.exclude);
  provenance.set("merge_types", edits.merges);
  provenance.set("donors", ref.donors);
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

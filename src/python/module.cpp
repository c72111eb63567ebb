// blue._blue: the Python extension (docs/python.md). The thin layer python/blue/__init__.py turns AnnData and
// DataFrames into the plain arrays and lists these functions take, and their results back. Every computation
// runs in the library with the GIL released; the library's errors become ValueError (UsageError, InputError)
// or RuntimeError (the others), its log messages records of the Python logger "blue".
#include <pybind11/pybind11.h>

#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "io/bulk_input.h"
#include "io/reference.h"
#include "io/tables.h"
#include "model/pipeline.h"
#include "model/runtime.h"
#include "model/train_config.h"
#include "python/bindings.h"
#include "simulate/cell_types.h"
#include "util/log.h"
#include "util/output.h"
#include "util/parallel.h"

namespace blue::python {
namespace {

// Log messages emitted by a thread that held the GIL: the bindings release it around every computation, so
// this stays 0 (tests/python check it; a message logged with the GIL held could deadlock).
std::atomic<std::size_t> g_logged_holding_gil{0};

int python_level(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return 10;  // logging.DEBUG
    case spdlog::level::info: return 20;
    case spdlog::level::warn: return 30;
    case spdlog::level::err: return 40;
    default: return 50;
  }
}

// The library's messages, from any thread, as records of logging.getLogger("blue").
void forward_to_python(spdlog::level::level_enum level, const std::string& text) {
  if (!Py_IsInitialized()) {
    std::fprintf(stderr, "%s\n", text.c_str());
    return;
  }
  if (PyGILState_Check()) ++g_logged_holding_gil;
  py::gil_scoped_acquire gil;
  try {
    py::module_::import("logging").attr("getLogger")("blue").attr("log")(python_level(level), text);
  } catch (py::error_already_set& e) {
    e.discard_as_unraisable("blue: forwarding a log message to Python's logging");
  }
}

std::unique_ptr<PyModel> load(const std::string& path) {
  sync_log_level();
  auto m = std::make_unique<PyModel>();
  py::gil_scoped_release release;
  m->members = model::load_model_members(path, "cpu");
  return m;
}

void save(const PyModel& m, const std::string& path, bool overwrite) {
  py::gil_scoped_release release;
  std::vector<const model::Network*> more;
  for (std::size_t i = 1; i < m.members.size(); ++i) more.push_back(&m.members[i].network);
  StagedOutputs out(overwrite);
  model::save_model(out, path, m.info(), m.members.front().network, more);
  out.commit();
}

// blue.train's options, named as its keyword arguments (python/blue/__init__.py).
struct TrainRequest {
  model::TrainConfig config = model::train_defaults();
  ReferenceOptions reference;
  CellTypeEdits edits;
  int ensemble = defaults::kEnsembleMembers;
  int threads = 0;
};

TrainRequest train_request(const std::string& label_key, const py::dict& options) {
  TrainRequest r;
  Options o(options, "blue.train");
  model::TrainConfig& c = r.config;
  r.reference.path = "AnnData";  // recorded in the model as the reference's name; no file to checksum
  r.reference.label_key = label_key;
  o.read("donor_key", r.reference.donor_key);
  o.read("donors", r.reference.donors);
  o.read("exclude_types", r.edits.exclude);
  o.read("merge_types", r.edits.merges);
  o.read("preset", c.preset);
  o.read("seed", c.train.seed);
  o.read("split_seed", c.split_seed);
  o.read("genes_path", c.genes_path);
  o.read("genes", c.panel_genes);
  o.read("bulk_genes_path", c.bulk_genes);
  o.read("bulk_genes", c.measured_genes);
  o.read("projection", c.arch.projection);
  o.read("base_channels", c.arch.base_channels);
  o.read("input_scaling", c.arch.input_scaling);
  o.read("samples", c.simulation.samples);
  o.read("val_samples", c.validation_samples);
  o.read("cells_per_sample", c.simulation.cells_per_sample);
  o.read("sparse_fraction", c.simulation.sparse_fraction);
  o.read("epochs", c.train.epochs);
  o.read("batch_size", c.train.batch_size);
  o.read("lr", c.train.learning_rate);
  o.read("lr_step", c.train.lr_step_epochs);
  o.read("platform_noise", c.train.platform_noise);
  o.read("depth", c.train.depth);
  o.read("device", c.train.device);
  o.read("donor_sampling", c.donor_sampling);
  o.read("mrna_content", c.mrna_content);
  o.read("mrna_map", c.mrna_map);
  o.read("sorted_profiles", c.sorted_profiles);
  o.read("sorted_map", c.sorted_map);
  o.read("ensemble", r.ensemble);
  o.read("threads", r.threads);
  std::string select_by = "total";
  o.read("select_by", select_by);
  o.check_all_used();
  if (select_by != "total" && select_by != "proportion")
    throw UsageError("blue.train: select_by must be 'total' or 'proportion', got '" + select_by + "'");
  c.train.select_by_proportion = select_by == "proportion";
  // The preset leaves alone what the caller gave (keyword names are the CLI's with '_' for '-').
  model::apply_preset(c, [&o](std::string name) {
    for (char& ch : name) ch = ch == '-' ? '_' : ch;
    return o.given(name);
  });
  c.references = {r.reference};
  model::check_train_config(c, "blue.train");
  return r;
}

std::unique_ptr<PyModel> train(const py::tuple& counts, std::vector<std::string> genes, std::vector<std::string> cells,
                               std::vector<std::string> labels, std::vector<std::string> donors,
                               const std::string& label_key, const std::string& source, const py::dict& options) {
  sync_log_level();
  TrainRequest r = train_request(label_key, options);
  apply_threads(r.threads);
  CountsInput input = counts_from_python(counts);
  auto m = std::make_unique<PyModel>();
  py::gil_scoped_release release;
  ReferenceParts parts{
      source,           counts_to_csr(std::move(input), source), std::move(genes), std::move(cells), std::move(labels),
      std::move(donors)};
  Reference ref = make_reference(std::move(parts), r.reference);
  prepare_reference(ref, r.edits);
  std::vector<model::TrainedModel> trained = model::train_ensemble(ref, r.config, r.ensemble);
  m->interrupted = trained.back().interrupted;
  if (m->interrupted)
    log::warn("train", "stopped early by Ctrl-C: the model keeps the best of the epochs finished{}",
              r.ensemble > 1 ? fmt::format(" ({} of {} ensemble members trained)", trained.size(), r.ensemble) : "");
  for (auto& t : trained) m->members.push_back({trained.front().info, std::move(t.network)});
  return m;
}

// What blue deconvolve writes (model/pipeline.h, deconvolution_anndata and the tables), as Python values.
py::dict deconvolution_to_python(const model::Deconvolution& d, const DenseAnnData& a, const SampleTable& diagnostics,
                                 const std::vector<model::UnexplainedGeneRow>& unexplained) {
  py::dict out, layers, obsm, uns;
  out["obs_names"] = a.obs_names;
  out["var_names"] = a.var_names;
  out["X"] = to_numpy(a.X);
  for (const auto& [name, layer] : a.layers) layers[py::str(name)] = to_numpy(layer);
  for (const auto& [name, m] : a.obsm) obsm[py::str(name)] = to_numpy(m);
  for (const auto& [name, values] : a.uns_strings) uns[py::str(name)] = values;
  out["layers"] = layers;
  out["obsm"] = obsm;
  out["uns"] = uns;
  // The further per-sample tables of the CLI's output folder (samples x cell types), when there are any.
  py::dict more;
  const std::pair<const char*, const MatrixF*> tables[] = {{"proportions_nnls", &d.proportions_nnls},
                                                           {"proportions_sd", &d.proportions_sd},
                                                           {"proportions_uncalibrated", &d.uncalibrated},
                                                           {"rna_fractions", &d.rna_fractions}};
  for (const auto& [name, m] : tables)
    if (m->size() > 0) more[name] = to_numpy(*m);
  out["more_obsm"] = more;
  out["diagnostics"] = sample_table_to_python(diagnostics);
  py::dict rows;
  std::vector<std::string> sample, gene, type;
  std::vector<int> rank;
  std::vector<double> bulk_cpm, reference_max_cpm, fold;
  for (const auto& r : unexplained) {
    sample.push_back(r.sample);
    rank.push_back(r.rank);
    gene.push_back(r.gene);
    bulk_cpm.push_back(r.bulk_cpm);
    reference_max_cpm.push_back(r.reference_max_cpm);
    type.push_back(r.reference_max_type);
    fold.push_back(r.fold);
  }
  rows["sample"] = sample;
  rows["rank"] = rank;
  rows["gene"] = gene;
  rows["bulk_cpm"] = bulk_cpm;
  rows["reference_max_cpm"] = reference_max_cpm;
  rows["reference_max_type"] = type;
  rows["fold"] = fold;
  out["unexplained_genes"] = rows;
  out["gene_bias"] = d.gene_bias.size() > 0 ? py::object(to_numpy(d.gene_bias)) : py::object(py::none());
  out["unmapped_content_types"] = d.unmapped_content_types;
  return out;
}

py::dict deconvolve(const PyModel& m, const std::vector<std::string>& genes, const std::vector<std::string>& samples,
                    const py::array& values, const std::string& source, const py::dict& options) {
  sync_log_level();
  Options o(options, "Model.deconvolve");
  model::DeconvolveOptions d;
  BulkInputOptions bulk_input;
  bool adapt = false;
  int adapt_rounds = defaults::kAdaptRounds, threads = 0;
  std::string gep_mode = defaults::kGepMode;
  o.read("nnls_weight", d.nnls_weight);
  o.read("adapt", adapt);
  o.read("adapt_rounds", adapt_rounds);
  o.read("adapt_mode", d.adapt_mode);
  o.read("gep_mode", gep_mode);
  o.read("mrna_content", d.mrna_content);
  o.read("mrna_map", d.mrna_map);
  o.read("batch_size", d.batch_size);
  o.read("bulk_scale", bulk_input.scale);
  o.read("gene_lengths", bulk_input.gene_lengths);
  o.read("gene_map", bulk_input.gene_map);
  o.read("threads", threads);
  o.check_all_used();
  if (adapt && (adapt_rounds < 1 || adapt_rounds > 20))
    throw UsageError("Model.deconvolve: adapt_rounds must be between 1 and 20, got " + std::to_string(adapt_rounds));
  d.adapt_rounds = adapt ? adapt_rounds : 0;
  d.gep_mode = model::parse_gep_mode(gep_mode);
  apply_threads(threads);
  ExpressionTable bulk = expression_from_python(genes, samples, values, source);
  std::vector<const model::LoadedModel*> ensemble;
  for (const auto& member : m.members) ensemble.push_back(&member);
  model::Deconvolution result;
  DenseAnnData a;
  SampleTable diagnostics;
  std::vector<model::UnexplainedGeneRow> unexplained;
  {
    py::gil_scoped_release release;
    bulk = checked_expression_table(std::move(bulk), "bulk");
    prepare_bulk(bulk, bulk_input, m.info().genes, "deconvolve");
    result = model::deconvolve(ensemble, bulk, d);
    a = model::deconvolution_anndata(result);
    diagnostics = model::diagnostics_table(result);
    unexplained = model::unexplained_gene_rows(result);
  }
  return deconvolution_to_python(result, a, diagnostics, unexplained);
}

void translate_errors(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const UsageError& e) {
    PyErr_SetString(PyExc_ValueError, e.what());
  } catch (const InputError& e) {
    PyErr_SetString(PyExc_ValueError, e.what());
  } catch (const Error& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
}

}  // namespace

void sync_log_level() {
  const int level = py::module_::import("logging").attr("getLogger")("blue").attr("getEffectiveLevel")().cast<int>();
  log::set_verbosity(level <= 10   ? log::Verbosity::kVerbose
                     : level <= 20 ? log::Verbosity::kNormal
                                   : log::Verbosity::kQuiet);
}

void apply_threads(int n) {
  if (n < 0) throw UsageError("threads must be >= 0 (0 = all cores), got " + std::to_string(n));
  const int all = static_cast<int>(std::thread::hardware_concurrency());
  const int use = n > 0 ? n : (all > 0 ? all : 1);
  set_threads(use);
  model::set_torch_threads(use);
}

}  // namespace blue::python

PYBIND11_MODULE(_blue, m) {
  using namespace blue::python;
  namespace model = blue::model;
  m.doc() = "blue's C++ core; use the package `blue` (python/blue/__init__.py), not this module directly";
  m.attr("__version__") = BLUE_VERSION;
  py::register_exception_translator(&translate_errors);
  blue::log::set_handler(&forward_to_python);
  // Python's objects are gone once the interpreter finalises: messages go back to stderr before that.
  py::module_::import("atexit").attr("register")(py::cpp_function([] { blue::log::set_handler({}); }));

  m.def("torch_version", &model::torch_version);
  m.def(
      "_log_calls_holding_gil", [] { return g_logged_holding_gil.load(); },
      "Log messages emitted while the GIL was held (0 unless a binding forgot to release it).");

  py::class_<PyModel>(m, "Model")
      .def_static("load", &load, py::arg("path"))
      .def("save", &save, py::arg("path"), py::arg("overwrite") = true)
      .def_property_readonly("genes", [](const PyModel& p) { return p.info().genes; })
      .def_property_readonly("cell_types", [](const PyModel& p) { return p.info().cell_types; })
      .def_property_readonly("meta", [](const PyModel& p) { return to_python(p.info().meta); })
      .def_property_readonly("members", [](const PyModel& p) { return p.members.size(); })
      .def_property_readonly("interrupted", [](const PyModel& p) { return p.interrupted; })
      .def("deconvolve", &deconvolve, py::arg("genes"), py::arg("samples"), py::arg("values"), py::arg("source"),
           py::arg("options"));
  m.def("train", &train, py::arg("counts"), py::arg("genes"), py::arg("cells"), py::arg("labels"), py::arg("donors"),
        py::arg("label_key"), py::arg("source"), py::arg("options"));
  register_baseline(m);
}

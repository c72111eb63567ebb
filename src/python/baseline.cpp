// The signature/NNLS baseline (METHOD 1) and the evaluation (METHOD 3) for Python: blue.signature, blue.nnls and
// blue.evaluate, on the library functions that `blue signature`, `blue nnls` and `blue evaluate` use.
#include <optional>

#include "analysis/evaluate.h"
#include "analysis/mrna_content.h"
#include "io/bulk_input.h"
#include "io/reference.h"
#include "io/tables.h"
#include "nnls/deconvolve.h"
#include "nnls/signature_choice.h"
#include "python/bindings.h"

namespace blue::python {
namespace {

// The signature options of blue.signature (keyword names as there).
SignatureChoice signature_choice(Options& o) {
  SignatureChoice c;
  o.read("genes", c.genes);
  o.read("panel", c.panel);
  o.read("min_fold_change", c.specific.min_fold_change);
  o.read("min_cpm", c.specific.min_cpm);
  o.read("min_detected", c.specific.min_detected);
  o.read("min_genes_per_type", c.specific.min_per_type);
  o.read("max_genes_per_type", c.specific.max_per_type);
  o.read("max_missing_genes", c.max_missing_genes);
  if (!(c.max_missing_genes >= 0 && c.max_missing_genes <= 1))
    throw UsageError("blue.signature: max_missing_genes must be in [0, 1], got " + std::to_string(c.max_missing_genes));
  return c;
}

py::dict table_to_python(const ExpressionTable& t, const nlohmann::json& selection) {
  py::dict d;
  d["index"] = t.genes;
  d["columns"] = t.columns;
  d["values"] = to_numpy(t.values);
  d["selection"] = to_python(selection);
  return d;
}

py::dict signature_from_reference(const py::tuple& counts, std::vector<std::string> genes,
                                  std::vector<std::string> cells, std::vector<std::string> labels,
                                  const std::string& label_key, const std::string& source,
                                  std::optional<std::vector<std::string>> measured, const py::dict& options) {
  sync_log_level();
  Options o(options, "blue.signature");
  const SignatureChoice choice = signature_choice(o);
  int threads = 0;
  o.read("threads", threads);
  o.check_all_used();
  apply_threads(threads);
  ReferenceOptions reference;
  reference.path = source;
  reference.label_key = label_key;
  CountsInput input = counts_from_python(counts);
  ExpressionTable sig;
  nlohmann::json selection;
  {
    py::gil_scoped_release release;
    ReferenceParts parts{
        source, counts_to_csr(std::move(input), source), std::move(genes), std::move(cells), std::move(labels), {}};
    const Reference ref = make_reference(std::move(parts), reference);
    sig = reference_signature(ref, choice, measured ? &*measured : nullptr, &selection);
  }
  return table_to_python(sig, selection);
}

py::dict signature_from_profiles(const std::vector<std::string>& genes, const std::vector<std::string>& types,
                                 const py::array& values, const std::string& source,
                                 std::optional<std::vector<std::string>> measured, const py::dict& options) {
  sync_log_level();
  Options o(options, "blue.signature");
  const SignatureChoice choice = signature_choice(o);
  o.check_all_used();
  ExpressionTable profiles = expression_from_python(genes, types, values, source);
  ExpressionTable sig;
  nlohmann::json selection;
  {
    py::gil_scoped_release release;
    profiles = checked_expression_table(std::move(profiles), "profiles");
    sig = profiles_signature(profiles, choice, measured ? &*measured : nullptr, &selection);
  }
  return table_to_python(sig, selection);
}

py::dict nnls(const std::vector<std::string>& bulk_genes, const std::vector<std::string>& samples,
              const py::array& bulk_values, const std::string& bulk_source, const std::vector<std::string>& sig_genes,
              const std::vector<std::string>& types, const py::array& sig_values, const std::string& sig_source,
              const py::dict& options) {
  sync_log_level();
  Options o(options, "blue.nnls");
  NnlsDeconvolutionOptions n;
  BulkInputOptions bulk_input;
  std::string gene_scaling = defaults::kNnlsGeneScaling, mrna_content, mrna_map;
  int threads = 0;
  o.read("gene_scaling", gene_scaling);
  o.read("min_genes", n.min_genes);
  o.read("tolerance", n.nnls.tolerance);
  o.read("max_iterations", n.nnls.max_iterations);
  o.read("max_missing_genes", n.max_missing_fraction);
  o.read("bulk_scale", bulk_input.scale);
  o.read("gene_lengths", bulk_input.gene_lengths);
  o.read("gene_map", bulk_input.gene_map);
  o.read("mrna_content", mrna_content);
  o.read("mrna_map", mrna_map);
  o.read("threads", threads);
  o.check_all_used();
  n.scaling = parse_gene_scaling(gene_scaling);
  n.bulk_scale = BulkScale::kLinear;  // checked (and converted) by prepare_bulk
  std::vector<std::string> problems = nnls_option_problems(n);
  if (std::string p = mrna_content_problem(mrna_content, mrna_map); !p.empty()) problems.push_back(p);
  if (!problems.empty()) {
    std::string msg = "blue.nnls: invalid options:";
    for (const auto& p : problems) msg += "\n  - " + p;
    throw UsageError(msg);
  }
  apply_threads(threads);
  ExpressionTable bulk = expression_from_python(bulk_genes, samples, bulk_values, bulk_source);
  ExpressionTable signature = expression_from_python(sig_genes, types, sig_values, sig_source);
  NnlsDeconvolution r;
  SampleTable uncalibrated;
  {
    py::gil_scoped_release release;
    bulk = checked_expression_table(std::move(bulk), "bulk");
    signature = checked_expression_table(std::move(signature), "signature");
    prepare_bulk(bulk, bulk_input, signature.genes, "nnls");
    r = deconvolve_nnls(signature, std::move(bulk), n);
    if (!mrna_content.empty()) {
      uncalibrated = r.proportions;
      rna_shares_to_cell_fractions(r.proportions, mrna_content, mrna_map, "nnls");
    }
  }
  py::dict d;
  d["proportions"] = sample_table_to_python(r.proportions);
  d["fit"] = sample_table_to_python(r.fit);
  d["uncalibrated"] = mrna_content.empty() ? py::object(py::none()) : py::object(sample_table_to_python(uncalibrated));
  d["genes_used"] = r.genes_used;
  d["missing_genes"] = r.missing_genes;
  d["condition_number"] = r.condition_number;
  d["condition_number_solved"] = r.condition_number_solved;
  return d;
}

py::object evaluate(const std::vector<std::string>& pred_samples, const std::vector<std::string>& pred_types,
                    const py::array& pred_values, const std::vector<std::string>& truth_samples,
                    const std::vector<std::string>& truth_types, const py::array& truth_values,
                    std::optional<std::vector<std::pair<std::string, std::string>>> mapping,
                    const std::string& mapping_path) {
  sync_log_level();
  SampleTable pred = samples_from_python(pred_samples, pred_types, pred_values, "predicted proportions");
  SampleTable truth = samples_from_python(truth_samples, truth_types, truth_values, "truth");
  nlohmann::json j;
  {
    py::gil_scoped_release release;
    pred = checked_sample_table(std::move(pred), "predicted proportions");
    truth = checked_sample_table(std::move(truth), "truth");
    TypeMap map;
    if (!mapping_path.empty()) {
      map = read_type_map(mapping_path);
    } else if (mapping) {
      map = TypeMap{"mapping", *mapping};
    } else {
      map = identity_map(pred.columns, truth.columns);
    }
    j = to_json(evaluate_proportions(pred, truth, map));
    j["map"] = map.source;
  }
  return to_python(j);
}

}  // namespace

void register_baseline(py::module_& m) {
  m.def("signature_from_reference", &signature_from_reference, py::arg("counts"), py::arg("genes"), py::arg("cells"),
        py::arg("labels"), py::arg("label_key"), py::arg("source"), py::arg("measured"), py::arg("options"));
  m.def("signature_from_profiles", &signature_from_profiles, py::arg("genes"), py::arg("types"), py::arg("values"),
        py::arg("source"), py::arg("measured"), py::arg("options"));
  m.def("nnls", &nnls, py::arg("bulk_genes"), py::arg("samples"), py::arg("bulk_values"), py::arg("bulk_source"),
        py::arg("signature_genes"), py::arg("types"), py::arg("signature_values"), py::arg("signature_source"),
        py::arg("options"));
  m.def("evaluate", &evaluate, py::arg("pred_samples"), py::arg("pred_types"), py::arg("pred_values"),
        py::arg("truth_samples"), py::arg("truth_types"), py::arg("truth_values"), py::arg("mapping"),
        py::arg("mapping_path"));
}

}  // namespace blue::python

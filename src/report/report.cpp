#include "report/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "report/gep_share_section.h"
#include "report/html.h"
#include "report/svg.h"
#include "util/error.h"

namespace blue::report {
namespace {

std::string f3(double v) { return fmt::format("{:.3f}", v); }
std::string f4(double v) { return fmt::format("{:.4f}", v); }
std::string g(double v) { return fmt::format("{:g}", v); }

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::vector<std::string> first_n(const std::vector<std::string>& v, std::size_t n) {
  return {v.begin(), v.begin() + static_cast<std::ptrdiff_t>(std::min(n, v.size()))};
}

std::string metrics_section(const ProportionEvaluation& ev, const std::vector<ScatterPanel>& panels) {
  Table t{{"truth type", "predicted types summed", "n", "CCC", "Pearson r", "Spearman rho", "MAE", "RMSE"}, {}};
  for (const auto& r : ev.rows) {
    auto src = ev.sources.find(r.type);
    t.rows.push_back({r.type, src == ev.sources.end() ? "all" : join(src->second, " + "), std::to_string(r.n),
                      f3(r.ccc), f3(r.pearson), f3(r.spearman), f4(r.mae), f4(r.rmse)});
  }
  std::string body = accuracy_svg(panels) + html_table(t, "metrics-table") +
                     html_note(
                         "Fractions are cell fractions (0-1). CCC: Lin's concordance correlation coefficient; "
                         "MAE and RMSE in fraction units; 'overall' pools all samples and types.");
  if (!ev.unmapped_predicted.empty())
    body += html_note("Predicted types not mapped onto any truth type (not scored): " +
                      join(ev.unmapped_predicted, ", "));
  if (!ev.truth_without_source.empty())
    body += html_note("Truth types with no predicted source (not scored): " + join(ev.truth_without_source, ", "));
  return body;
}

std::string fit_section(const SampleTable& fit) {
  Table t{{"sample"}, {}};
  t.header.insert(t.header.end(), fit.columns.begin(), fit.columns.end());
  for (std::size_t i = 0; i < fit.samples.size(); ++i) {
    std::vector<std::string> row{fit.samples[i]};
    for (Eigen::Index j = 0; j < fit.values.cols(); ++j)
      row.push_back(fmt::format("{:.4g}", fit.values(static_cast<Eigen::Index>(i), j)));
    t.rows.push_back(std::move(row));
  }
  return html_table(t, "fit-table") +
         html_note("NNLS fit per sample (fit.tsv): r2 and residual_norm over the genes used, in the bulk's units.");
}

// Per type, how far the ensemble's members disagree: the median and the largest standard deviation of the
// fraction over the samples, and the sample where it is largest.
std::string spread_section(const SampleTable& sd, const SampleTable& p) {
  Table t{{"cell type", "mean fraction", "median SD", "largest SD", "in sample"}, {}};
  for (Eigen::Index k = 0; k < sd.values.cols(); ++k) {
    std::vector<double> col(sd.values.col(k).data(), sd.values.col(k).data() + sd.values.rows());
    Eigen::Index worst = 0;
    const double largest = sd.values.col(k).maxCoeff(&worst);
    std::nth_element(col.begin(), col.begin() + static_cast<std::ptrdiff_t>(col.size() / 2), col.end());
    const auto pk = std::find(p.columns.begin(), p.columns.end(), sd.columns[k]) - p.columns.begin();
    const double mean = pk < static_cast<std::ptrdiff_t>(p.columns.size()) ? p.values.col(pk).mean() : NAN;
    t.rows.push_back({sd.columns[k], fmt::format("{:.3f}", mean), fmt::format("{:.3f}", col[col.size() / 2]),
                      fmt::format("{:.3f}", largest), sd.samples[worst]});
  }
  return html_table(t, "spread-table") +
         html_note(
             "Standard deviation of each fraction over the ensemble's networks (proportions_sd.tsv, before "
             "--adapt and --mrna-content): how much the answer depends on the training seed. The bar chart's "
             "tooltips show it per sample.");
}

std::string model_section(const ModelSummary& m) {
  Table t{{"model", "value"}, {}};
  for (const auto& [k, v] : m.facts) t.rows.push_back({k, v});
  std::string body = m.curve ? training_svg(*m.curve)
                             : html_note("The model file holds no training log: no loss curves to show.");
  body += html_table(t, "model-table");
  if (!m.test_proportions.rows.empty())
    body += fmt::format("<h3>Held-out test split of the reference ({} simulated pseudobulk samples)</h3>\n",
                        m.test_samples) +
            html_table(m.test_proportions, "test-proportions-table");
  if (!m.test_gep.rows.empty())
    body += html_table(m.test_gep, "test-gep-table") +
            html_note(
                "GEPs compared in log2(CPM + 1) over the panel: CCC of the sample-averaged profile, and "
                "median Pearson r per sample across genes and per gene across samples.");
  return body;
}

std::string heatmap_section(const ReportInputs& in) {
  if (!in.gep)
    return html_note(fmt::format("No GEP heatmap: {} has no gep.h5ad. {}", in.deconvolution_dir,
                                 in.fit ? "NNLS estimates cell-type fractions only, no per-sample cell-type "
                                          "expression profiles (GEPs)."
                                        : "Only `blue deconvolve` writes per-sample GEPs."));
  const auto blocks = top_marker_blocks(*in.gep, in.gep_path, in.markers_per_type, in.max_heatmap_samples);
  std::string body = gep_heatmap_svg(blocks, first_n(in.gep->obs_names, in.max_heatmap_samples));
  body += html_note(fmt::format(
      "Per cell type, the {} genes whose predicted expression in that type most exceeds their average over the "
      "other types (mean over samples), shown in that type's predicted GEP, log2(CPM + 1) over the gene panel.",
      in.markers_per_type));
  if (in.gep->obs_names.size() > in.max_heatmap_samples)
    body += html_note(fmt::format("Showing the first {} of {} samples.", in.max_heatmap_samples,
                                  in.gep->obs_names.size()));
  body += share_section(summarise_shares(*in.gep, gep_type_layers(*in.gep, in.gep_path)), in.gep->var_names.size());
  return body;
}

std::string scalar_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return fmt::format("{:g}", v.get<double>());
  return v.dump();
}

// A metric from JSON (null = NaN written by json_number) formatted by `f`.
std::string metric(const nlohmann::json& row, const char* key, std::string (*f)(double)) {
  return row.contains(key) && row[key].is_number() ? f(row[key].get<double>()) : "NA";
}

void add_test_split(const nlohmann::json& t, ModelSummary& m) {
  m.test_samples = t.value("samples", std::size_t{0});
  m.test_proportions.header = {"cell type", "n", "CCC", "Pearson r", "MAE", "RMSE"};
  if (t.contains("proportions") && t["proportions"].contains("metrics"))
    for (const auto& r : t["proportions"]["metrics"])
      m.test_proportions.rows.push_back({r.value("type", std::string("?")), metric(r, "n", g), metric(r, "ccc", f3),
                                         metric(r, "pearson", f3), metric(r, "mae", f4), metric(r, "rmse", f4)});
  m.test_gep.header = {"cell type", "CCC of the mean profile", "median r per sample (across genes)",
                       "median r per gene (across samples)"};
  if (t.contains("gep") && t["gep"].contains("metrics"))
    for (const auto& r : t["gep"]["metrics"])
      m.test_gep.rows.push_back({r.value("type", std::string("?")), metric(r, "ccc_mean_profile", f3),
                                 metric(r, "median_sample_pearson", f3), metric(r, "median_gene_pearson", f3)});
}

std::string method_name(const ReportInputs& in) {
  if (in.gep) return "BLUE network (blue deconvolve)";
  if (in.fit) return "NNLS (blue nnls)";
  return "unknown (proportions.tsv only)";
}

std::string subtitle(const ReportInputs& in) {
  std::vector<std::string> parts;
  if (!in.deconvolution_dir.empty())
    parts.push_back(fmt::format("{}: {} samples x {} cell types; method: {}", in.deconvolution_dir,
                                in.proportions.samples.size(), in.proportions.columns.size(), method_name(in)));
  if (in.subtype) parts.push_back("subtyping: " + in.subtype->dir);
  return join(parts, " | ");
}

void add_deconvolution_sections(const ReportInputs& in, HtmlPage& page, Report& report) {
  const auto& p = in.proportions;
  if (in.truth) {
    const TypeMap map = in.map ? *in.map : identity_map(p.columns, in.truth->columns);
    report.evaluation = evaluate_proportions(p, *in.truth, map);
    page.section("accuracy", "Predicted vs true cell fractions",
                 metrics_section(*report.evaluation, scatter_panels(p, *in.truth, *report.evaluation)));
  } else {
    page.section("accuracy", "Predicted vs true cell fractions",
                 html_note("No truth table given (--truth): accuracy plots and metrics are not shown."));
  }
  page.section("proportions", "Predicted cell-type fractions per sample",
               proportions_svg(p, in.proportions_sd ? &*in.proportions_sd : nullptr));
  if (in.proportions_sd) page.section("spread", "Ensemble spread", spread_section(*in.proportions_sd, p));
  page.section("gep", "Predicted cell-type expression profiles (GEPs)", heatmap_section(in));
  if (in.fit) page.section("fit", "NNLS fit", fit_section(*in.fit));
  if (in.diagnostics) {
    page.section("diagnostics", "How well the reference explains each sample",
                 diagnostics_section(*in.diagnostics, in.max_heatmap_samples));
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> gep_type_layers(const DenseAnnData& a, const std::string& path) {
  std::vector<std::pair<std::string, std::string>> out;
  auto listed = a.uns_strings.find("cell_types");
  if (listed != a.uns_strings.end()) {
    for (const auto& type : listed->second) {
      std::string layer = type;
      std::replace(layer.begin(), layer.end(), '/', '_');
      if (!a.layers.count(layer))
        throw InputError(
            fmt::format("{}: uns/cell_types lists '{}' but there is no layer '{}'; expected the gep.h5ad "
                        "written by `blue deconvolve`",
                        path, type, layer));
      out.emplace_back(type, layer);
    }
  } else {
    for (const auto& [name, layer] : a.layers)
      if (!is_twin_layer(a, name)) out.emplace_back(name, name);
  }
  if (out.empty())
    throw InputError(
        fmt::format("{}: no cell-type layers; expected one layer per cell type (obs = samples, var = "
                    "genes) as written by `blue deconvolve`",
                    path));
  return out;
}

std::vector<GepBlock> top_marker_blocks(const DenseAnnData& a, const std::string& path, int per_type,
                                        std::size_t max_samples) {
  const auto types = gep_type_layers(a, path);
  const auto n = static_cast<Eigen::Index>(std::min(max_samples, a.obs_names.size()));
  const auto G = static_cast<Eigen::Index>(a.var_names.size());
  const auto K = static_cast<Eigen::Index>(types.size());
  Eigen::MatrixXd means(K, G);  // type x gene, over the samples shown
  for (Eigen::Index k = 0; k < K; ++k)
    means.row(k) = a.layers.at(types[k].second).topRows(n).cast<double>().colwise().mean();
  const Eigen::RowVectorXd total = means.colwise().sum();
  std::vector<GepBlock> blocks;
  for (Eigen::Index k = 0; k < K; ++k) {
    Eigen::RowVectorXd score = means.row(k);
    if (K > 1) score -= (total - means.row(k)) / static_cast<double>(K - 1);
    std::vector<Eigen::Index> order(static_cast<std::size_t>(G));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](Eigen::Index x, Eigen::Index y) { return score(x) > score(y); });
    order.resize(std::min<std::size_t>(order.size(), static_cast<std::size_t>(std::max(0, per_type))));
    GepBlock b{types[k].first, {}, Eigen::MatrixXd(static_cast<Eigen::Index>(order.size()), n)};
    const auto& layer = a.layers.at(types[k].second);
    for (std::size_t g = 0; g < order.size(); ++g) {
      b.genes.push_back(a.var_names[static_cast<std::size_t>(order[g])]);
      b.values.row(static_cast<Eigen::Index>(g)) = layer.col(order[g]).head(n).cast<double>().transpose();
    }
    blocks.push_back(std::move(b));
  }
  return blocks;
}

std::vector<ScatterPanel> scatter_panels(const SampleTable& predicted, const SampleTable& truth,
                                         const ProportionEvaluation& ev) {
  const auto pred_rows = match_names(ev.samples, predicted.samples, "truth", "predictions", "sample");
  const auto truth_rows = match_names(ev.samples, truth.samples, "truth", "truth", "sample");
  std::vector<ScatterPanel> panels;
  for (const auto& r : ev.rows) {
    auto src = ev.sources.find(r.type);
    auto tcol = std::find(truth.columns.begin(), truth.columns.end(), r.type);
    if (src == ev.sources.end() || tcol == truth.columns.end()) continue;  // "overall"
    ScatterPanel p{r.type, {}, {}, r.ccc, r.pearson};
    for (std::size_t i = 0; i < ev.samples.size(); ++i) {
      p.truth.push_back(truth.values(truth_rows[i], tcol - truth.columns.begin()));
      double sum = 0;
      for (const auto& s : src->second) {
        auto c = std::find(predicted.columns.begin(), predicted.columns.end(), s);
        if (c != predicted.columns.end()) sum += predicted.values(pred_rows[i], c - predicted.columns.begin());
      }
      p.predicted.push_back(sum);
    }
    panels.push_back(std::move(p));
  }
  return panels;
}

ModelSummary model_summary(const nlohmann::json& meta) {
  ModelSummary m;
  auto add = [&](const std::string& key, const std::string& value) { m.facts.emplace_back(key, value); };
  add("kind", meta.value("kind", std::string("?")));
  if (meta.contains("blue_version")) add("written by blue", scalar_text(meta["blue_version"]));
  if (meta.contains("cell_types") && meta["cell_types"].is_array()) {
    const auto types = meta["cell_types"].get<std::vector<std::string>>();
    add("cell types", fmt::format("{}: {}", types.size(), join(types, ", ")));
  }
  if (meta.contains("genes") && meta["genes"].is_array()) add("panel genes", std::to_string(meta["genes"].size()));
  if (meta.contains("reference") && meta["reference"].contains("file"))
    add("reference", scalar_text(meta["reference"]["file"]));
  if (meta.contains("training") && meta["training"].is_object())
    for (const auto& [key, value] : meta["training"].items())
      if (value.is_primitive()) add("training: " + key, scalar_text(value));
  const nlohmann::json* log = meta.contains("training_log") ? &meta["training_log"]
                              : meta.contains("log")        ? &meta["log"]
                                                            : nullptr;
  if (log && log->is_array() && !log->empty()) {
    TrainingCurve c;
    c.best_epoch = meta.value("best_epoch", 0);
    for (const auto& e : *log) {
      c.epoch.push_back(e.value("epoch", static_cast<double>(c.epoch.size() + 1)));
      c.train_loss.push_back(e.value("train_loss", NAN));
      c.val_loss.push_back(e.value("val_loss", NAN));
      if (e.value("epoch", 0) == c.best_epoch) {
        add("best epoch", std::to_string(c.best_epoch));
        add("validation loss at best epoch", fmt::format("{:.4g}", e.value("val_loss", NAN)));
        add("validation proportion CCC at best epoch", fmt::format("{:.3f}", e.value("val_proportion_ccc", NAN)));
      }
    }
    add("epochs trained", std::to_string(c.epoch.size()));
    m.curve = std::move(c);
  }
  if (meta.contains("test_split") && meta["test_split"].is_object()) add_test_split(meta["test_split"], m);
  if (meta.value("interrupted", false)) add("interrupted", "yes (Ctrl-C): the best epoch so far was kept");
  return m;
}

Report render_report(const ReportInputs& in) {
  Report report;
  const bool deconvolution = !in.deconvolution_dir.empty();
  HtmlPage page(deconvolution ? "blue deconvolution report" : "blue subtyping report", subtitle(in));
  if (deconvolution) add_deconvolution_sections(in, page, report);
  if (deconvolution || in.model)
    page.section("training", "Training",
                 in.model ? model_section(*in.model) : html_note("No model given (--model): no training curves."));
  if (in.subtype) page.section("subtyping", "Patient subtypes and survival", subtype_section(*in.subtype));
  report.html = page.str();
  return report;
}

}  // namespace blue::report

#include "analysis/evaluate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <unordered_map>

#include "analysis/metrics.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {
namespace {

std::vector<std::string> split_line(const std::string& line, char sep) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (;;) {
    std::size_t end = line.find(sep, start);
    std::string f = line.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!f.empty() && f.back() == '\r') f.pop_back();
    fields.push_back(f);
    if (end == std::string::npos) return fields;
    start = end + 1;
  }
}

int column_of(const std::vector<std::string>& header, const std::string& name, const std::string& path) {
  auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end())
    throw InputError(
        fmt::format("{}: line 1: no column '{}' (header: {}); a type map needs the columns "
                    "'predicted' and 'truth'",
                    path, name, log::preview(header)));
  return static_cast<int>(it - header.begin());
}

MetricRow score(const std::string& type, const Eigen::VectorXd& pred, const Eigen::VectorXd& truth) {
  return MetricRow{type,
                   static_cast<std::size_t>(pred.size()),
                   lin_ccc(pred, truth),
                   pearson(pred, truth),
                   spearman(pred, truth),
                   mean_absolute_error(pred, truth),
                   rmse(pred, truth)};
}

// NaN as "nan" in TSV; JSON gets null (see json_number).
std::string tsv_number(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : "nan"; }
nlohmann::json json_number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

}  // namespace

TypeMap read_type_map(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("{}: cannot open the type map (a TSV with columns predicted, truth)", path));
  std::string line;
  if (!std::getline(in, line))
    throw InputError(fmt::format("{}: empty file; expected a header with columns predicted, truth", path));
  const char sep = line.find('\t') != std::string::npos ? '\t' : ',';
  const auto header = split_line(line, sep);
  const int pc = column_of(header, "predicted", path), tc = column_of(header, "truth", path);
  TypeMap map{path, {}};
  std::set<std::string> seen;
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty() || line == "\r" || line[0] == '#') continue;
    const auto f = split_line(line, sep);
    if (static_cast<int>(f.size()) <= std::max(pc, tc) || f[pc].empty() || f[tc].empty())
      throw InputError(fmt::format("{}: line {}: expected non-empty 'predicted' and 'truth' fields", path, number));
    if (!seen.insert(f[pc]).second)
      throw InputError(
          fmt::format("{}: line {}: predicted type '{}' is mapped twice; each predicted type maps "
                      "onto one truth type",
                      path, number, f[pc]));
    map.pairs.emplace_back(f[pc], f[tc]);
  }
  if (map.pairs.empty()) throw InputError(fmt::format("{}: no mapping rows after the header", path));
  return map;
}

TypeMap identity_map(const std::vector<std::string>& predicted, const std::vector<std::string>& truth) {
  TypeMap map{"identity", {}};
  for (const auto& p : predicted)
    if (std::find(truth.begin(), truth.end(), p) != truth.end()) map.pairs.emplace_back(p, p);
  return map;
}

std::vector<Eigen::Index> match_names(const std::vector<std::string>& want, const std::vector<std::string>& have,
                                      const std::string& want_what, const std::string& have_what,
                                      const std::string& kind) {
  std::unordered_map<std::string, Eigen::Index> pos;
  for (std::size_t i = 0; i < have.size(); ++i) pos.emplace(have[i], static_cast<Eigen::Index>(i));
  std::vector<Eigen::Index> index;
  std::vector<std::string> only_want, only_have;
  for (const auto& w : want) {
    auto it = pos.find(w);
    if (it == pos.end())
      only_want.push_back(w);
    else
      index.push_back(it->second);
  }
  const std::set<std::string> wanted(want.begin(), want.end());
  for (const auto& h : have)
    if (!wanted.count(h)) only_have.push_back(h);
  if (!only_want.empty() || !only_have.empty())
    throw InputError(fmt::format(
        "{} names differ between {} and {}: only in {}: [{}]; only in {}: [{}]. {} are "
        "matched by exact name; rename or subset one of the files",
        kind, want_what, have_what, want_what, log::preview(only_want), have_what, log::preview(only_have), kind));
  return index;
}

ProportionEvaluation evaluate_proportions(const SampleTable& predicted, const SampleTable& truth, const TypeMap& map) {
  ProportionEvaluation ev;
  ev.samples = truth.samples;
  const auto rows = match_names(truth.samples, predicted.samples, truth.source, predicted.source, "sample");
  std::unordered_map<std::string, Eigen::Index> pred_col;
  for (std::size_t c = 0; c < predicted.columns.size(); ++c) pred_col.emplace(predicted.columns[c], c);
  std::set<std::string> used;
  for (const auto& [p, t] : map.pairs) {
    if (!pred_col.count(p)) {
      log::warn("evaluate", "{}: predicted type '{}' is not a column of {}; ignored", map.source, p, predicted.source);
      continue;
    }
    if (std::find(truth.columns.begin(), truth.columns.end(), t) == truth.columns.end()) {
      log::warn("evaluate", "{}: truth type '{}' is not a column of {}; '{}' is not scored", map.source, t,
                truth.source, p);
      continue;
    }
    ev.sources[t].push_back(p);
    used.insert(p);
  }
  for (const auto& c : predicted.columns)
    if (!used.count(c)) ev.unmapped_predicted.push_back(c);
  const Eigen::Index n = static_cast<Eigen::Index>(truth.samples.size());
  std::vector<double> pooled_pred, pooled_truth;
  for (std::size_t tc = 0; tc < truth.columns.size(); ++tc) {
    const std::string& type = truth.columns[tc];
    auto src = ev.sources.find(type);
    if (src == ev.sources.end()) {
      ev.truth_without_source.push_back(type);
      continue;
    }
    Eigen::VectorXd pred = Eigen::VectorXd::Zero(n);
    for (const auto& p : src->second)
      for (Eigen::Index i = 0; i < n; ++i) pred(i) += predicted.values(rows[i], pred_col[p]);
    const Eigen::VectorXd tv = truth.values.col(tc);
    ev.rows.push_back(score(type, pred, tv));
    pooled_pred.insert(pooled_pred.end(), pred.data(), pred.data() + n);
    pooled_truth.insert(pooled_truth.end(), tv.data(), tv.data() + n);
  }
  if (ev.rows.empty())
    throw InputError(
        fmt::format("no predicted type of {} maps onto a truth type of {} (map: {}); give --map "
                    "with columns predicted, truth",
                    predicted.source, truth.source, map.source));
  if (!ev.unmapped_predicted.empty())
    log::warn("evaluate", "predicted types not mapped onto any truth type (not scored): {}",
              log::preview(ev.unmapped_predicted));
  if (!ev.truth_without_source.empty())
    log::warn("evaluate", "truth types with no predicted source (not scored): {}",
              log::preview(ev.truth_without_source));
  ev.rows.push_back(score("overall", Eigen::Map<Eigen::VectorXd>(pooled_pred.data(), pooled_pred.size()),
                          Eigen::Map<Eigen::VectorXd>(pooled_truth.data(), pooled_truth.size())));
  return ev;
}

std::string proportion_metrics_tsv(const ProportionEvaluation& ev) {
  std::string s = "type\tn\tccc\tpearson\tspearman\tmae\trmse\tsources\n";
  for (const auto& r : ev.rows) {
    std::string src = "all";
    if (auto it = ev.sources.find(r.type); it != ev.sources.end()) {
      src.clear();
      for (const auto& p : it->second) src += (src.empty() ? "" : ",") + p;
    }
    s += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", r.type, r.n, tsv_number(r.ccc), tsv_number(r.pearson),
                     tsv_number(r.spearman), tsv_number(r.mae), tsv_number(r.rmse), src);
  }
  return s;
}

nlohmann::json to_json(const ProportionEvaluation& ev) {
  nlohmann::json j;
  j["mode"] = "proportions";
  j["samples"] = ev.samples;
  j["sources"] = ev.sources;
  j["unmapped_predicted"] = ev.unmapped_predicted;
  j["truth_without_source"] = ev.truth_without_source;
  for (const auto& r : ev.rows)
    j["metrics"].push_back({{"type", r.type},
                            {"n", r.n},
                            {"ccc", json_number(r.ccc)},
                            {"pearson", json_number(r.pearson)},
                            {"spearman", json_number(r.spearman)},
                            {"mae", json_number(r.mae)},
                            {"rmse", json_number(r.rmse)}});
  return j;
}

std::string gep_metrics_tsv(const GepEvaluation& ev) {
  std::string s =
      "type\tn_samples\tn_genes\tccc_mean_profile\tmedian_sample_pearson\tmedian_gene_pearson\tn_varying_genes\t"
      "median_gene_partial_r\n";
  for (const auto& r : ev.rows)
    s += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", r.type, r.n_samples, r.n_genes, tsv_number(r.ccc_mean_profile),
                     tsv_number(r.median_sample_pearson), tsv_number(r.median_gene_pearson), r.n_varying_genes,
                     tsv_number(r.median_gene_partial_r));
  return s;
}

nlohmann::json to_json(const GepEvaluation& ev) {
  nlohmann::json j;
  j["mode"] = "gep";
  j["unmapped_predicted"] = ev.unmapped_predicted;
  j["truth_without_source"] = ev.truth_without_source;
  for (const auto& r : ev.rows)
    j["metrics"].push_back({{"type", r.type},
                            {"n_samples", r.n_samples},
                            {"n_genes", r.n_genes},
                            {"ccc_mean_profile", json_number(r.ccc_mean_profile)},
                            {"median_sample_pearson", json_number(r.median_sample_pearson)},
                            {"median_gene_pearson", json_number(r.median_gene_pearson)},
                            {"n_varying_genes", r.n_varying_genes},
                            {"median_gene_partial_r", json_number(r.median_gene_partial_r)}});
  return j;
}

}  // namespace blue

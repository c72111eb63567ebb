// read_reference: a labelled single-cell reference from .h5ad or 10x + labels, cleaned up the same way
// for both (unlabelled cells dropped, duplicated genes summed, cell types sorted).
#include "io/reference.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "io/csr.h"
#include "io/h5ad_reader.h"
#include "io/tenx_reader.h"
#include "io/text_reader.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {
namespace {

using RawReference = ReferenceParts;

RawReference read_h5ad_reference(const ReferenceOptions& o) {
  H5adFile file(o.path);
  if (o.label_key.empty()) throw UsageError(o.path + ": no label key given (--label-key, an obs column)");
  RawReference raw;
  raw.labels = file.column("obs", o.label_key);
  if (!o.donor_key.empty()) raw.donors = file.column("obs", o.donor_key);
  H5adMatrix m = file.matrix(o.layer, o.gene_column);
  raw.counts = std::move(m.counts);
  raw.genes = std::move(m.var_names);
  raw.cells = std::move(m.obs_names);
  return raw;
}

RawReference read_10x_reference(const ReferenceOptions& o, bool hdf5) {
  if (o.labels_path.empty())
    throw UsageError(o.path + ": a 10x reference needs --labels FILE (CSV/TSV with a barcode and a label column)");
  if (o.label_key.empty()) throw UsageError("no label key given (--label-key, a column of " + o.labels_path + ")");
  if (hdf5) {
    TenxMatrix m = read_10x_h5(o.path, o.gene_column);
    RawReference raw;
    raw.labels = read_label_table(o.labels_path, o.barcode_column, o.label_key, m.barcodes);
    if (!o.donor_key.empty()) raw.donors = read_label_table(o.labels_path, o.barcode_column, o.donor_key, m.barcodes);
    raw.counts = std::move(m.counts);
    raw.genes = std::move(m.genes);
    raw.cells = std::move(m.barcodes);
    return raw;
  }
  if (!o.layer.empty() || !o.gene_column.empty())
    log::warn("io", "--layer and --gene-column apply to .h5ad references only; ignored for {}", o.path);
  TenxFiles files = locate_10x(o.path);
  RawReference raw;
  const std::vector<std::string> barcodes = read_barcodes(files);
  raw.labels = read_label_table(o.labels_path, o.barcode_column, o.label_key, barcodes);  // fail fast
  if (!o.donor_key.empty()) raw.donors = read_label_table(o.labels_path, o.barcode_column, o.donor_key, barcodes);
  TenxMatrix m = read_10x(files);
  raw.counts = std::move(m.counts);
  raw.genes = std::move(m.genes);
  raw.cells = std::move(m.barcodes);
  return raw;
}

// Keeps the cells whose `keep` flag is set (`kept` of them).
void keep_cells(RawReference& raw, const std::vector<char>& keep, std::size_t kept) {
  if (kept == keep.size()) return;
  keep_rows(raw.counts, keep);
  std::size_t out = 0;
  for (std::size_t i = 0; i < keep.size(); ++i) {
    if (!keep[i]) continue;
    if (out != i) {
      raw.cells[out] = std::move(raw.cells[i]);
      raw.labels[out] = std::move(raw.labels[i]);
      if (!raw.donors.empty()) raw.donors[out] = std::move(raw.donors[i]);
    }
    ++out;
  }
  raw.cells.resize(out);
  raw.labels.resize(out);
  if (!raw.donors.empty()) raw.donors.resize(out);
}

void drop_unlabelled(RawReference& raw) {
  std::vector<char> keep(raw.cells.size());
  std::size_t kept = 0;
  for (std::size_t i = 0; i < keep.size(); ++i) kept += keep[i] = !is_missing_label(raw.labels[i]);
  if (kept == 0)
    throw InputError(fmt::format("{}: all {} cells have a missing label; check the label column", raw.source,
                                 keep.size()));
  if (kept < keep.size()) {
    log::warn("io", "{}: {} of {} cells have a missing label (empty, NA or NaN) and are dropped", raw.source,
              keep.size() - kept, keep.size());
  }
  keep_cells(raw, keep, kept);
}

// Cells without a donor are dropped (warned); with a list of donors, only their cells are kept.
void select_donors(RawReference& raw, const ReferenceOptions& o) {
  if (o.donor_key.empty()) {
    if (!o.donors.empty()) throw UsageError("--donors needs --donor-key (the column that names each cell's donor)");
    return;
  }
  std::set<std::string> present;
  for (const auto& d : raw.donors) {
    if (!is_missing_label(d)) present.insert(d);
  }
  std::vector<std::string> unknown;
  for (const auto& d : o.donors) {
    if (!present.count(d)) unknown.push_back(d);
  }
  if (!unknown.empty()) {
    throw InputError(fmt::format("{}: --donors names {} not found in column '{}'; its donors are: {}", raw.source,
                                 log::preview(unknown), o.donor_key,
                                 log::preview(std::vector<std::string>(present.begin(), present.end()), 40)));
  }
  const std::set<std::string> wanted(o.donors.begin(), o.donors.end());
  std::vector<char> keep(raw.cells.size());
  std::size_t kept = 0, missing = 0;
  for (std::size_t i = 0; i < keep.size(); ++i) {
    const bool has_donor = !is_missing_label(raw.donors[i]);
    missing += !has_donor;
    kept += keep[i] = has_donor && (wanted.empty() || wanted.count(raw.donors[i]));
  }
  if (missing > 0) {
    log::warn("io", "{}: {} of {} cells have no donor in column '{}' and are dropped", raw.source, missing, keep.size(),
              o.donor_key);
  }
  if (kept == 0) throw InputError(fmt::format("{}: no cell left after selecting donors", raw.source));
  if (!wanted.empty()) {
    log::info("io", "{}: kept the {} cells of donors {}", raw.source, kept, log::preview(o.donors, 40));
  }
  keep_cells(raw, keep, kept);
}

void merge_duplicate_genes(RawReference& raw) {
  std::vector<std::int32_t> target;
  std::vector<std::string> duplicated;
  std::vector<std::string> unique = unique_names(raw.genes, target, duplicated);
  for (const auto& g : unique)
    if (g.empty()) throw InputError(raw.source + ": a gene name is empty (check --gene-column or the genes file)");
  if (duplicated.empty()) return;
  log::warn("io", "{}: {} gene names repeat and their counts were summed: {}", raw.source, duplicated.size(),
            log::preview(duplicated));
  merge_columns(raw.counts, target, static_cast<std::int64_t>(unique.size()));
  raw.genes = std::move(unique);
}

// Counts must be finite and non-negative (NaN or negative values mean the file holds something else than raw
// counts, e.g. scaled or log data); all-zero cells carry no information and are reported.
void check_counts(const RawReference& raw) {
  const CsrMatrix& m = raw.counts;
  std::size_t zero_cells = 0;
  for (std::int64_t r = 0; r < m.rows; ++r) {
    double total = 0;
    for (std::int64_t k = m.indptr[r]; k < m.indptr[r + 1]; ++k) {
      const float v = m.data[k];
      if (!std::isfinite(v) || v < 0) {
        throw InputError(
            fmt::format("{}: cell {} ('{}'), gene {} ('{}'): count {} is {}; expected raw counts "
                        "(finite, non-negative), not scaled or log-transformed values",
                        raw.source, r + 1, raw.cells[r], m.indices[k] + 1, raw.genes[m.indices[k]], v,
                        std::isfinite(v) ? "negative" : "not finite"));
      }
      total += v;
    }
    zero_cells += total == 0;
  }
  if (zero_cells > 0)
    log::warn("io", "{}: {} of {} cells have no counts at all (they carry no information)", raw.source, zero_cells,
              m.rows);
}

// The sorted unique values into `levels`, and each value's index among them.
std::vector<std::int32_t> encode_levels(const std::vector<std::string>& values, std::vector<std::string>& levels) {
  levels = values;
  std::sort(levels.begin(), levels.end());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  std::map<std::string, std::int32_t> index;
  for (std::size_t i = 0; i < levels.size(); ++i) index[levels[i]] = static_cast<std::int32_t>(i);
  std::vector<std::int32_t> codes;
  codes.reserve(values.size());
  for (const auto& v : values) codes.push_back(index[v]);
  return codes;
}

}  // namespace

Reference make_reference(ReferenceParts raw, const ReferenceOptions& options) {
  const auto cells = static_cast<std::size_t>(raw.counts.rows);
  for (const auto& [what, n, want] :
       {std::tuple{"gene names", raw.genes.size(), static_cast<std::size_t>(raw.counts.cols)},
        std::tuple{"cell names", raw.cells.size(), cells}, std::tuple{"labels", raw.labels.size(), cells}}) {
    if (n != want)
      throw InputError(fmt::format("{}: {} {} for a matrix of {} cells x {} genes", raw.source, n, what,
                                   raw.counts.rows, raw.counts.cols));
  }
  if ((!options.donor_key.empty() || !raw.donors.empty()) && raw.donors.size() != cells)
    throw InputError(fmt::format("{}: {} donors for {} cells", raw.source, raw.donors.size(), cells));
  if (raw.counts.rows == 0 || raw.counts.cols == 0 || raw.counts.nnz() == 0)
    throw InputError(fmt::format("{}: empty matrix ({} cells x {} genes, {} non-zero values); expected raw counts",
                                 raw.source, raw.counts.rows, raw.counts.cols, raw.counts.nnz()));
  check_counts(raw);
  drop_unlabelled(raw);
  select_donors(raw, options);
  merge_duplicate_genes(raw);
  Reference ref;
  ref.source = raw.source;
  ref.cell_type_of = encode_levels(raw.labels, ref.cell_types);
  if (!raw.donors.empty()) {
    ref.donor_of = encode_levels(raw.donors, ref.donors);
    log::info("io", "{}: {} donors in column '{}': {}", raw.source, ref.donors.size(), options.donor_key,
              log::preview(ref.donors, 40));
  }
  ref.counts = std::move(raw.counts);
  ref.genes = std::move(raw.genes);
  ref.cells = std::move(raw.cells);
  log::info("io", "{}: {} cells x {} genes, {} non-zero values, {} cell types", ref.source, ref.n_cells(),
            ref.n_genes(), ref.counts.nnz(), ref.n_types());
  return ref;
}

Reference read_reference(const ReferenceOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (options.path.empty()) throw UsageError("no reference given (--reference)");
  if (!fs::exists(options.path, ec))
    throw InputError(options.path +
                     ": reference not found (expected an .h5ad file, a 10x directory, a Cell Ranger "
                     ".h5 file or a matrix.mtx[.gz] file)");
  const bool file = !fs::is_directory(options.path, ec);
  const bool h5ad = file && ends_with(to_lower(options.path), ".h5ad");
  const bool h5 = file && ends_with(to_lower(options.path), ".h5");
  RawReference raw = h5ad ? read_h5ad_reference(options) : read_10x_reference(options, h5);
  raw.source = options.path;
  return make_reference(std::move(raw), options);
}

}  // namespace blue

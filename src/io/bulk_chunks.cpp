#include "io/bulk_chunks.h"

#include <fmt/format.h>

#include <cstdio>
#include <optional>

#include "io/detail/text_table.h"
#include "io/h5ad_reader.h"
#include "io/tables.h"
#include "io/text_reader.h"
#include "util/error.h"
#include "util/log.h"
#include "util/output.h"

namespace blue {

struct BulkChunks::Source {
  // .h5ad read by rows
  std::optional<H5adFile> h5ad;
  std::vector<std::string> var_names;
  // a table read whole (one chunk of text, or a csc_matrix .h5ad converted once)
  std::optional<ExpressionTable> whole;
  std::optional<CsrMatrix> whole_csr;
  // text spilled by chunk: the row names in file order and one file of doubles (rows x chunk columns) per chunk
  std::vector<std::string> rows;
  std::optional<TempFolder> spill;
};

namespace {

// Counts the value columns of a text table from its first two content lines (as scan_text_table reads them).
std::size_t text_columns(const std::string& path, const std::string& what) {
  require_readable_file(path, what);
  LineReader reader(path);
  std::string line;
  std::vector<std::string> lines;
  while (lines.size() < 2 && reader.next(line)) {
    if (line.find_first_not_of(" \t") != std::string::npos) lines.push_back(line);
  }
  if (lines.empty()) return 0;
  const char delim = detect_delimiter(path, lines[0]);
  const std::size_t header = split_fields(lines[0], delim).size();
  if (lines.size() > 1 && split_fields(lines[1], delim).size() == header + 1) return header;
  return header == 0 ? 0 : header - 1;
}

}  // namespace

BulkChunks::BulkChunks(const std::string& path, const std::string& what, std::size_t chunk_samples)
    : path_(path), what_(what), chunk_(std::max<std::size_t>(1, chunk_samples)), source_(std::make_unique<Source>()) {
  Source& src = *source_;
  if (ends_with(to_lower(path), ".h5ad")) {
    src.h5ad.emplace(path);
    samples_ = src.h5ad->index("obs");
    detail::check_unique_columns(path + " (obs names): line 1", samples_);  // over the cohort, not per chunk
    src.var_names = src.h5ad->index("var");
    if (src.h5ad->matrix_kind("X") == MatrixKind::kCsc) {
      if (samples_.size() > chunk_) {
        log::warn("io",
                  "{} ({}): X is a csc_matrix, which cannot be read by samples: it is read whole (store it by "
                  "rows, e.g. adata.X = adata.X.tocsr(), to read {} samples at a time)",
                  path, what, chunk_);
      }
      src.whole_csr = src.h5ad->read_matrix("X");
    }
    log::info("io", "{} ({}): {} samples x {} genes from .h5ad (obs = samples, var = genes), read {} samples at a time",
              path, what, samples_.size(), src.var_names.size(), chunk_);
    return;
  }
  if (text_columns(path, what) <= chunk_) {
    src.whole = read_expression_table(path, what);
    samples_ = src.whole->columns;
    return;
  }
  // Parse once; each row's values go, chunk by chunk, to one spill file per chunk.
  src.spill.emplace("blue-bulk", "to read the bulk in chunks");
  std::vector<std::FILE*> files;
  auto close_all = [&] {
    bool ok = true;
    for (std::FILE* f : files) ok = std::fclose(f) == 0 && ok;
    files.clear();
    return ok;
  };
  try {
    detail::scan_text_table(path, what, "gene", samples_, [&](const std::string& name, const std::vector<double>& v) {
      if (files.empty()) {
        for (std::size_t c = 0; c < chunk_count(); ++c) {
          std::FILE* f = std::fopen(src.spill->file(std::to_string(c)).c_str(), "wb");
          if (!f)
            throw OutputError(
                fmt::format("cannot create spill file {} of {} in {} (too many open files? use a "
                            "larger --chunk-size)",
                            c + 1, chunk_count(), src.spill->path()));
          files.push_back(f);
        }
      }
      src.rows.push_back(name);
      for (std::size_t c = 0; c < files.size(); ++c) {
        const std::size_t n = chunk_size(c);
        if (std::fwrite(v.data() + chunk_first(c), sizeof(double), n, files[c]) != n)
          throw OutputError("cannot write the bulk's spill files in " + src.spill->path() + " (disk full? set TMPDIR)");
      }
    });
  } catch (...) {
    close_all();
    throw;
  }
  if (!close_all()) throw OutputError("cannot write the bulk's spill files in " + src.spill->path() + " (disk full?)");
  log::info("io", "{} ({}): {} genes x {} samples, read {} samples at a time", path, what, src.rows.size(),
            samples_.size(), chunk_);
}

BulkChunks::~BulkChunks() = default;

std::size_t BulkChunks::chunk_count() const { return (samples_.size() + chunk_ - 1) / chunk_; }

std::size_t BulkChunks::chunk_size(std::size_t i) const {
  return std::min(chunk_, samples_.size() - std::min(samples_.size(), chunk_first(i)));
}

ExpressionTable BulkChunks::chunk(std::size_t i) const {
  if (i >= chunk_count()) throw InternalError(fmt::format("bulk chunk {} of {}", i + 1, chunk_count()));
  const Source& src = *source_;
  const std::size_t first = chunk_first(i), n = chunk_size(i);
  const std::vector<std::string> names(samples_.begin() + static_cast<std::ptrdiff_t>(first),
                                       samples_.begin() + static_cast<std::ptrdiff_t>(first + n));
  if (src.whole) {
    if (chunk_count() == 1) return *src.whole;
    ExpressionTable t{src.whole->source, src.whole->genes, names,
                      src.whole->values.middleCols(static_cast<Eigen::Index>(first), static_cast<Eigen::Index>(n))};
    return t;
  }
  if (src.h5ad) {
    CsrMatrix rows;
    if (src.whole_csr) {
      const CsrMatrix& x = *src.whole_csr;
      rows.rows = static_cast<std::int64_t>(n);
      rows.cols = x.cols;
      const auto a = x.indptr[first], b = x.indptr[first + n];
      rows.indices.assign(x.indices.begin() + a, x.indices.begin() + b);
      rows.data.assign(x.data.begin() + a, x.data.begin() + b);
      for (std::size_t r = first; r <= first + n; ++r) rows.indptr.push_back(x.indptr[r] - a);
    } else {
      rows = src.h5ad->read_rows("X", static_cast<std::int64_t>(first), static_cast<std::int64_t>(n));
    }
    if (rows.cols != static_cast<std::int64_t>(src.var_names.size()))
      throw InputError(fmt::format("{}: X has {} columns but var has {} rows (expected equal)", path_, rows.cols,
                                   src.var_names.size()));
    return detail::expression_from_csr(path_, what_, src.var_names, names, rows);
  }
  detail::TextTable table;
  table.rows = src.rows;
  table.columns = names;
  table.values.resize(src.rows.size() * n);
  const std::string file = src.spill->file(std::to_string(i));
  std::FILE* f = std::fopen(file.c_str(), "rb");
  const bool ok = f && std::fread(table.values.data(), sizeof(double), table.values.size(), f) == table.values.size();
  if (f) std::fclose(f);
  if (!ok) throw OutputError("cannot read back the bulk's spill file " + file);
  return detail::merge_gene_rows(path_, what_, std::move(table));
}

}  // namespace blue

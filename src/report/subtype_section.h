// The subtyping part of `blue report --subtype DIR`: what `blue subtype` wrote into DIR, read back and shown
// as one report section: its Kaplan-Meier plots inlined (the one on cell-type profiles beside the one on
// proportions alone, then the signature and validation ones when present), with their log-rank p, the
// side-by-side comparison table, the consensus-clustering stability (PAC) table and the transfer accuracy.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "report/html.h"

namespace blue::report {

struct KmPanel {
  std::string id;                   // "profiles", "proportions", "signature", "validation"
  std::string title;                // caption shown above the plot
  std::string path;                 // DIR/survival_<id>/km.svg
  std::string svg;                  // the file's <svg> element, prologue removed, ready to inline
  std::optional<double> logrank_p;  // from DIR/survival_<id>/logrank.tsv when present
};

struct SubtypeRun {
  std::string dir;
  std::vector<KmPanel> km;  // in the order above; "profiles" always present
  Table comparison, stability;
  std::optional<Table> transfer;  // transfer.tsv: cross-validated accuracy of the subtype classifier
  std::vector<std::pair<std::string, std::string>> facts;  // from DIR/provenance.json: patients, k, ...
};

// Reads a `blue subtype` output directory. stability.tsv, comparison.tsv and survival_profiles/km.svg are
// required: when any is missing, one InputError names every missing path and says what DIR should be. A
// km.svg that is not an SVG element written by blue (no <svg ...> ... </svg>, or a script in it) is an
// InputError naming the file; so is a ragged or empty TSV.
SubtypeRun read_subtype_run(const std::string& dir);

// The <svg> element of an SVG document (`text` read from `path`): the XML prologue removed and
// `class="plot km-plot" id="plot-km-<id>"` added to the root element.
std::string inline_svg(const std::string& text, const std::string& path, const std::string& id);

// A tab-separated text file as a Table of strings (header = first line; '#' comment and blank lines skipped).
Table read_tsv_cells(const std::string& path);

// The report section's body.
std::string subtype_section(const SubtypeRun& run);

}  // namespace blue::report

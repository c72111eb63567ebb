// Is a bulk table in linear units? The check every subcommand that reads bulk runs before using it, and
// the conversion a user asks for with --bulk-scale.
#pragma once
#include <string>

#include "io/types.h"

namespace blue {

enum class BulkScale { kAuto, kLinear, kLog2 };

// The log-scale rule (applied to the whole bulk table): a table "looks log-transformed" when
//   (a) its maximum is below defaults::kLogLooksMax (50) and at least one value is not an integer: a
//       linear whole-transcriptome table (counts, CPM, TPM, intensities) has values in the thousands
//       or more, while log2 expression hardly exceeds 20-30 (2^30 is 1e9); or
//   (b) it holds negative values (logs of values below 1, or centred data): impossible in linear units.
struct ScaleCheck {
  double min = 0, max = 0;
  bool has_fraction = false;
  bool looks_log = false;
  std::string reason;  // which part of the rule fired, with the numbers
};
ScaleCheck inspect_scale(const Eigen::MatrixXd& values);

// kAuto: InputError when the values look log-transformed (suggesting --bulk-scale). kLinear: used as
// given (a warning when they look log). kLog2: converted with 2^x - 1 (inverse of log2(x + 1)), with a
// warning; results below 0 are set to 0. `stage` (the subcommand) tags the messages.
void ensure_linear(ExpressionTable& table, BulkScale scale, const char* stage);

// "auto", "linear", "log2" (the --bulk-scale values); UsageError otherwise.
BulkScale parse_bulk_scale(const std::string& name);

}  // namespace blue

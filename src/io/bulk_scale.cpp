#include "io/bulk_scale.h"

#include <fmt/format.h>

#include <cmath>

#include "defaults.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {

ScaleCheck inspect_scale(const Eigen::MatrixXd& values) {
  ScaleCheck c;
  if (values.size() == 0) return c;
  c.min = values.minCoeff();
  c.max = values.maxCoeff();
  for (Eigen::Index i = 0; i < values.size() && !c.has_fraction; ++i)
    c.has_fraction = values.data()[i] != std::floor(values.data()[i]);
  if (c.min < 0) {
    c.looks_log = true;
    c.reason = fmt::format("it holds negative values (minimum {:g}), impossible in linear units", c.min);
  } else if (c.max < defaults::kLogLooksMax && c.has_fraction) {
    c.looks_log = true;
    c.reason = fmt::format("its maximum is {:g} (< {:g}) with non-integer values, as log2 expression is", c.max,
                           defaults::kLogLooksMax);
  }
  return c;
}

void ensure_linear(ExpressionTable& table, BulkScale scale, const char* stage) {
  const ScaleCheck c = inspect_scale(table.values);
  if (scale == BulkScale::kLog2) {
    log::warn(stage, "{}: converting from log2(x + 1) to linear units with 2^x - 1 (--bulk-scale log2)", table.source);
    table.values = (table.values.array() * std::log(2.0)).exp() - 1.0;
    table.values = table.values.cwiseMax(0.0);
    return;
  }
  if (!c.looks_log) return;
  if (scale == BulkScale::kLinear) {
    log::warn(stage, "{} looks log-transformed ({}) but --bulk-scale linear was given: used as is", table.source,
              c.reason);
    return;
  }
  throw InputError(
      fmt::format("{} looks log-transformed: {}. blue {} needs linear units (counts, CPM, TPM). "
                  "Give --bulk-scale log2 to convert it with 2^x - 1, or --bulk-scale linear "
                  "if the values are linear",
                  table.source, c.reason, stage));
}

BulkScale parse_bulk_scale(const std::string& name) {
  if (name == "auto") return BulkScale::kAuto;
  if (name == "linear") return BulkScale::kLinear;
  if (name == "log2") return BulkScale::kLog2;
  throw UsageError("--bulk-scale " + name + ": expected auto, linear or log2");
}

}  // namespace blue

#include "simulate/normalize.h"

#include <cmath>

#include <fmt/format.h>

#include "defaults.h"
#include "util/error.h"
#include "util/log.h"

namespace blue {
namespace {

// Throws on NaN/Inf, clamps negatives to 0; returns the number of values clamped.
std::size_t check_and_clamp(MatrixF& profiles, const std::string& what) {
  std::size_t clamped = 0;
  for (Eigen::Index r = 0; r < profiles.rows(); ++r) {
    for (Eigen::Index c = 0; c < profiles.cols(); ++c) {
      float& v = profiles(r, c);
      if (!std::isfinite(v)) {
        throw InputError(
            fmt::format("{}: profile {} (0-based), gene column {} holds {}; expected a finite "
                        "non-negative expression value. Remove or impute it before running blue.",
                        what, r, c, v));
      }
      if (v < 0.0f) {
        v = 0.0f;
        ++clamped;
      }
    }
  }
  return clamped;
}

}  // namespace

void normalize_profiles(MatrixF& profiles, const std::string& what) {
  const std::size_t clamped = check_and_clamp(profiles, what);
  if (clamped > 0) {
    log::warn("normalize", "{}: {} negative value(s) clamped to 0 (expected non-negative expression)", what, clamped);
  }
  std::size_t zero_rows = 0;
  for (Eigen::Index r = 0; r < profiles.rows(); ++r) {
    double sum = 0.0;
    for (Eigen::Index c = 0; c < profiles.cols(); ++c) sum += profiles(r, c);
    if (sum <= 0.0) {
      ++zero_rows;
      continue;  // all zero: stays all zero (log2(0 + 1) = 0)
    }
    const double scale = defaults::kCpmScale / sum;
    for (Eigen::Index c = 0; c < profiles.cols(); ++c) {
      profiles(r, c) = static_cast<float>(std::log2(static_cast<double>(profiles(r, c)) * scale + 1.0));
    }
  }
  if (zero_rows > 0) {
    log::warn("normalize", "{}: {} profile(s) are zero over every panel gene; they stay zero", what, zero_rows);
  }
}

void denormalize_profiles(MatrixF& profiles) {
  for (Eigen::Index r = 0; r < profiles.rows(); ++r) {
    for (Eigen::Index c = 0; c < profiles.cols(); ++c) {
      profiles(r, c) = static_cast<float>(std::exp2(static_cast<double>(profiles(r, c))) - 1.0);
    }
  }
}

}  // namespace blue

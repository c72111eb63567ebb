// Every default value of blue, used both by the option definitions and by their help text.
#pragma once
#include <cstdint>

namespace blue::defaults {

// Randomness
inline constexpr std::uint64_t kSeed = 42;        // --seed: draws of pseudobulk samples, weight init
inline constexpr std::uint64_t kSplitSeed = 2024;  // --split-seed: the 80/10/10 cell split (METHOD 2.1)

// Reference checks
inline constexpr int kMinCellsPerType = 3;  // fewer labelled cells: refuse, suggest --exclude-types/--merge-types

// Pseudobulk simulation (METHOD 2.1)
inline constexpr int kCellsPerSample = 500;
inline constexpr int kSimulatedSamples = 8000;  // flat-Dirichlet samples N; dominant-type extras come on top
inline constexpr double kTrainFraction = 0.8;
inline constexpr double kValidationFraction = 0.1;  // the test split takes the rest
inline constexpr double kDominantAlphas[3] = {50.0, 15.0, 5.0};

// Marker panel (METHOD 2.2)
inline constexpr int kMarkersPerType = 245;
inline constexpr double kMarkerFdr = 0.1;
inline constexpr double kLogNormScale = 1e4;  // log1p(count / cell_total * 1e4)

// Normalisation (METHOD 2.3)
inline constexpr double kCpmScale = 1e6;

// Gene matching between a model/panel/signature and a bulk table
inline constexpr double kMaxMissingGeneFraction = 0.10;  // above: error; below: warning listing them
inline constexpr double kMinSharedGeneFraction = 0.5;    // reference vs bulk: fewer shared -> error

// NNLS (METHOD 1)
inline constexpr double kNnlsTolerance = 1e-10;  // relative KKT tolerance
inline constexpr int kNnlsMaxIterations = 0;     // 0 = 3 x number of cell types
inline constexpr int kNnlsMinGenes = 10;
inline constexpr double kLogLooksMax = 50.0;  // bulk with max below this and non-integers "looks log2"

}  // namespace blue::defaults

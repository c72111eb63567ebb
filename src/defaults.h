// Every default value of blue, used both by the option definitions and by their help text.
#pragma once
#include <cstddef>
#include <cstdint>

namespace blue::defaults {

// Randomness
inline constexpr std::uint64_t kSeed = 42;         // --seed: draws of pseudobulk samples, weight init
inline constexpr std::uint64_t kSplitSeed = 2024;  // --split-seed: the 80/10/10 cell split (METHOD 2.1)

// Reference checks
inline constexpr int kMinCellsPerType = 3;  // fewer labelled cells: refuse, suggest --exclude-types/--merge-types
inline constexpr int kMinSharedReferenceGenes = 1000;  // train -r A -r B: fewer genes in common -> error

// Pseudobulk simulation (METHOD 2.1)
inline constexpr int kCellsPerSample = 500;
inline constexpr int kSimulatedSamples = 8000;  // flat-Dirichlet samples N; dominant-type extras come on top
inline constexpr double kTrainFraction = 0.8;
inline constexpr double kValidationFraction = 0.1;  // the test split takes the rest
inline constexpr double kDominantAlphas[3] = {50.0, 15.0, 5.0};

// Marker panel (METHOD 2.2)
inline constexpr int kMarkersPerType = 245;
inline constexpr int kMinTypeMarkers = 10;  // train --bulk-genes: fewer markers of a type -> a warning
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
// Each gene's equation divided by the mean of its signature row (relative errors): Finotello with the pbmc3k
// signature 0.65 vs 0.45 overall CCC, with LM22 0.78 vs 0.66; islets: beta 28% vs 1% (docs/benchmarks.md)
inline constexpr const char* kNnlsGeneScaling = "relative";

// Signature of specific genes (`blue signature --panel specific`, CIBERSORT's selection)
inline constexpr const char* kSignaturePanel = "specific";
inline constexpr double kSignatureMinFoldChange = 4.0;  // over the other types' mean (log2(CPM + 1))
inline constexpr double kSignatureMinCpm = 1.0;
inline constexpr double kSignatureMinDetected = 0.2;  // fraction of the type's cells: without it, genes of a
                                                      // few outlier cells dominate (Finotello 0.23 vs 0.65)
inline constexpr int kSignatureMinPerType = 50;       // genes per type searched for the smallest
inline constexpr int kSignatureMaxPerType = 200;      // condition number (CIBERSORT's range)

// Network (METHOD 2.4) and its training (METHOD 2.5)
inline constexpr int kProjection = 4096;  // --projection: length of the U-Net signal and MLP width
inline constexpr int kBaseChannels = 16;  // --base-channels: U-Net channels 16-32-64-128-256
inline constexpr int kEpochs = 200;       // --epochs (the learning rate steps x0.1 every 100)
inline constexpr int kBatchSize = 64;     // --batch-size
inline constexpr double kLearningRate = 1e-4;
inline constexpr int kLrStepEpochs = 100;                   // StepLR period
inline constexpr int kEnsembleMembers = 1;                  // --ensemble: networks per model file
inline constexpr std::uint64_t kEnsembleSeedStride = 1000;  // member i trains with seed + i x 1000 (a run
                                                            // uses seed, seed + 1 and seed + 2)
inline constexpr double kLrGamma = 0.1;                     // StepLR factor
inline constexpr double kProportionLossWeight = 100.0;
inline constexpr int kValidationSamples = 1000;  // flat-Dirichlet validation samples (+ dominant extras)
// Departures from METHOD that `blue train` makes by default, in both presets, chosen by the platform-gap
// benchmark (bench/platform_gap.sh, docs/benchmarks.md): the inputs rescaled by one mean/sd over all genes, and a
// per-sample gene-wise log-normal platform factor on the training batches. `--input-scaling none
// --platform-noise 0` gives METHOD's network exactly (the library structs default to that).
inline constexpr const char* kInputScaling = "global";
inline constexpr double kPlatformNoise = 0.5;
// deconvolve --gep-mode (network|posterior|reference): the allocation with the reference's profiles as prior
// is the only mode whose GEPs carry the samples' own biology on every benchmark (docs/benchmarks.md).
inline constexpr const char* kGepMode = "reference";
inline constexpr int kPredictBatch = 256;  // deconvolve: samples per forward pass
// deconvolve reads, predicts and writes a chunk of samples at a time: by default as many as keep the chunk's
// per-type GEP arrays (samples x types x panel genes floats, about 4 copies) near kChunkGepBytes, within
// [kMinChunkSamples, kMaxChunkSamples]; --chunk-size overrides.
inline constexpr double kChunkGepBytes = 256.0 * 1024 * 1024;
inline constexpr std::size_t kMinChunkSamples = 32;
inline constexpr std::size_t kMaxChunkSamples = 2000;
// deconvolve --adapt on a cohort of several chunks: the biases are estimated from at most this many samples,
// spread evenly over the cohort (all of them in smaller cohorts).
inline constexpr std::size_t kAdaptMaxSamples = 10000;
inline constexpr double kResidualFlagFactor = 2.0;  // deconvolve: flag a sample whose reconstruction distance
                                                    // exceeds this x the held-out pseudobulk's 90th percentile
inline constexpr int kMinAdaptSamples = 5;          // deconvolve --adapt: fewest samples to estimate a bias from
inline constexpr int kAdaptRounds = 2;              // deconvolve --adapt-rounds
inline constexpr double kExtremeGeneBias = 2.0;     // --adapt-mode impute: |log2 bias| above this (4-fold)
// Unexplained genes (deconvolve, diagnostics.tsv and unexplained_genes.tsv): a gene is unexplained in a
// sample when its CPM exceeds kUnexplainedFold x the highest mean CPM any reference type has for it (that
// ceiling floored at kUnexplainedFloorCpm): no mixture of the reference's types can reach it. A sample
// with at least kUnexplainedFlagGenes such genes is flagged. Measured on pbmc3k with B cells left out of
// the reference: 70% B cells give 7 genes (CD79A, MS4A1, IGLL5...), 50% give 6, 30% give 3 (docs/benchmarks.md:
// diagnostics).
inline constexpr double kUnexplainedFold = 8.0;
inline constexpr double kUnexplainedFloorCpm = 10.0;
inline constexpr int kUnexplainedFlagGenes = 5;
inline constexpr int kUnexplainedGenesListed = 20;  // per sample in unexplained_genes.tsv

// `--preset fast`: a smaller network, less data and more steps per sample at a higher learning rate, the
// best epoch picked by the validation proportion loss (docs/benchmarks.md: speed). Explicit options override it.
inline constexpr int kFastProjection = 256;
inline constexpr int kFastBaseChannels = 4;
inline constexpr int kFastSamples = 1000;  // + 2,700 dominant-type samples with 9 types
inline constexpr int kFastValidationSamples = 200;
inline constexpr int kFastEpochs = 30;
inline constexpr int kFastBatchSize = 32;
inline constexpr double kFastLearningRate = 1e-3;
inline constexpr int kFastLrStepEpochs = 20;

// HTML report (blue report)
inline constexpr int kReportMarkersPerType = 10;      // --markers-per-type: heatmap rows per cell type
inline constexpr int kReportMaxHeatmapSamples = 200;  // --max-heatmap-samples: heatmap columns shown

// Survival statistics (METHOD 4); the same defaults as R's survival package
inline constexpr double kConfidenceLevel = 0.95;  // KM and hazard-ratio confidence intervals
inline constexpr int kCoxMaxIterations = 20;      // coxph.control(iter.max)
inline constexpr double kCoxTolerance = 1e-9;     // coxph.control(eps): relative change of the log likelihood

// Subtyping (METHOD 4)
inline constexpr int kSubtypeTopGenes = 500;  // most variable genes per cell type used as features
inline constexpr int kSubtypeMinK = 2;        // consensus clustering range of the number of subtypes
inline constexpr int kSubtypeMaxK = 8;
inline constexpr int kConsensusResamples = 100;    // subsamples per k
inline constexpr double kConsensusFraction = 0.8;  // patients per subsample
inline constexpr int kConsensusRestarts = 5;       // k-means restarts per subsample
inline constexpr int kKmeansRestarts = 50;         // k-means restarts for the final subtypes
inline constexpr double kPrognosticFdr = 0.1;      // BH-adjusted univariate Cox p below this: signature gene
inline constexpr int kTransferFolds = 5;           // cross-validation folds of the subtype classifier
inline constexpr double kCentroidShrinkage = 0.0;  // nearest shrunken centroid threshold (0 = plain centroids)

}  // namespace blue::defaults

#!/usr/bin/env bash
# mRNA contents in the simulation (train --mrna-content) against the same contents applied after the network
# (deconvolve --mrna-content, the models of bench/mrna_calibration.sh): fast preset on pbmc3k, seeds 42, 7,
# 11; Finotello against flow cytometry and Kang control / IFN-beta pseudobulk (bench/kang_pseudobulk.sh, as
# bench/nnls_accuracy.sh makes it). Kang pseudobulk is 10x UMIs, not bulk RNA: there the reference's library
# sizes are the right content, so the calibration should not help. Overall CCC / median per-type r.
# Usage: bench/mrna_simulation.sh [BLUE] (run bench/mrna_calibration.sh and bench/nnls_accuracy.sh first;
# three trainings of 3-10 min on 2 cores)
set -euo pipefail
BLUE=${1:-build/blue}
DATA=${BLUE_SHARED_DATA:-../shared/data}
REF="$DATA/pbmc3k/pbmc3k_raw_counts_labelled.h5ad"
FIN="$DATA/finotello_pbmc"
POST=bench_out/mrna_calibration
ACC=bench_out/nnls_accuracy
WORK=bench_out/mrna_simulation
CAL=(--mrna-content data/mrna_content_immune.tsv --mrna-map data/mrna_map_pbmc3k.tsv)
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$WORK"
source bench/metrics.sh
echo "| seed | calibration | Finotello | Kang ctrl | Kang stim |"
echo "|---|---|---|---|---|"
for seed in 42 7 11; do
  model="$WORK/model_$seed.blue"
  [[ -f $model ]] || "$BLUE" train -r "$REF" --label-key cell_type --preset fast --seed "$seed" --threads 2 "${CAL[@]}" \
    --out "$model" --quiet
  for kind in none post sim; do
    case $kind in
      none) m="$POST/model_$seed.blue"; opts=() ;;
      post) m="$POST/model_$seed.blue"; opts=("${CAL[@]}") ;;
      sim) m="$model"; opts=() ;;
    esac
    "$BLUE" deconvolve -q --force -m "$m" -b "$FIN/GSE107572_bulk_expression.tsv.gz" "${opts[@]}" -o "$WORK/${kind}_$seed/fin"
    for c in ctrl stim; do "$BLUE" deconvolve -q --force -m "$m" -b "$ACC/kang_$c.h5ad" "${opts[@]}" -o "$WORK/${kind}_$seed/kang_$c"; done
    echo "| $seed | $kind" \
      "| $(metrics "$WORK/${kind}_$seed/fin/proportions.tsv" "$FIN/GSE107572_ground_truth_fractions.tsv" examples/finotello_map.tsv)" \
      "| $(metrics "$WORK/${kind}_$seed/kang_ctrl/proportions.tsv" "$ACC/kang_ctrl_truth.tsv" "$ACC/kang_map.tsv")" \
      "| $(metrics "$WORK/${kind}_$seed/kang_stim/proportions.tsv" "$ACC/kang_stim_truth.tsv" "$ACC/kang_map.tsv") |"
  done
done

#!/usr/bin/env bash
# Cell fractions calibrated by bulk mRNA content (issue "Calibrated proportions on real bulk", item 2): the
# fast preset trained on pbmc3k (one model per seed, as a user would) deconvolves the Finotello PBMC bulk
# with and without `--mrna-content data/mrna_content_immune.tsv --mrna-map data/mrna_map_pbmc3k.tsv`;
# scored against flow cytometry (overall CCC and r, per-type CCC / r) and for the seeds' ensemble.
# Usage: bench/mrna_calibration.sh [BLUE] [WORKDIR] [THREADS] [SEEDS]   (each training 3-5 min on 2 cores)
set -euo pipefail
BLUE=${1:-build/blue}
WORK=${2:-bench_out/mrna_calibration}
THREADS=${3:-2}
SEEDS=${4:-"42 7 11"}
DATA=${BLUE_SHARED_DATA:-../shared/data}
REF="$DATA/pbmc3k/pbmc3k_raw_counts_labelled.h5ad"
FIN="$DATA/finotello_pbmc"
CAL=(--mrna-content data/mrna_content_immune.tsv --mrna-map data/mrna_map_pbmc3k.tsv)
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$WORK"

metrics() {  # proportions.tsv -> "overall CCC / r | per type CCC/r ..."
  /usr/bin/python3 bench/model_metrics.py "$1" "$FIN/GSE107572_ground_truth_fractions.tsv" examples/finotello_map.tsv x |
    awk '$2 == "overall" {o = sprintf("%.3f / %.3f", $3, $4)} $2 != "overall" && $2 != "type" {t = t sprintf(" %s %.2f/%.2f", $2, $3, $4)} END {print o " |" t}'
}

models=()
echo "| model | calibration | Finotello overall CCC / r | per type CCC / r |"
echo "|---|---|---|---|"
for seed in $SEEDS; do
  model="$WORK/model_$seed.blue"
  [[ -f $model ]] || "$BLUE" train -r "$REF" --label-key cell_type --preset fast --seed "$seed" --threads "$THREADS" \
    --out "$model" --quiet
  models+=(-m "$model")
  "$BLUE" deconvolve -m "$model" -b "$FIN/GSE107572_bulk_expression.tsv.gz" -o "$WORK/plain_$seed" --force --quiet
  "$BLUE" deconvolve -m "$model" -b "$FIN/GSE107572_bulk_expression.tsv.gz" -o "$WORK/cal_$seed" --force --quiet "${CAL[@]}"
  echo "| seed $seed | none | $(metrics "$WORK/plain_$seed/proportions.tsv") |"
  echo "| seed $seed | mRNA content | $(metrics "$WORK/cal_$seed/proportions.tsv") |"
done
"$BLUE" deconvolve "${models[@]}" -b "$FIN/GSE107572_bulk_expression.tsv.gz" -o "$WORK/plain_ensemble" --force --quiet
"$BLUE" deconvolve "${models[@]}" -b "$FIN/GSE107572_bulk_expression.tsv.gz" -o "$WORK/cal_ensemble" --force --quiet "${CAL[@]}"
echo "| ensemble | none | $(metrics "$WORK/plain_ensemble/proportions.tsv") |"
echo "| ensemble | mRNA content | $(metrics "$WORK/cal_ensemble/proportions.tsv") |"

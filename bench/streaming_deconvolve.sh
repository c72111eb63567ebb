#!/usr/bin/env bash
# Memory of `blue deconvolve` against the cohort size: synthetic cohorts of 1,000 to 100,000 samples
# (bench/make_large_bulk.py: mixtures of pbmc3k's type profiles over its ~16,600 expressed genes, a dense
# .h5ad) deconvolved with one model, peak RSS and wall time from GNU time. Proportions and diagnostics are
# always written; the per-type GEP files (--gep-files) are written up to GEP_MAX samples (default 10,000:
# at 100,000 samples they would take ~25 GB of disk in gep.h5ad alone).
# Usage: bench/streaming_deconvolve.sh [BLUE] [MODEL] (defaults: build/blue, bench_out/mrna_simulation/model_42.blue)
set -euo pipefail
BLUE=${1:-build/blue}
MODEL=${2:-bench_out/mrna_simulation/model_42.blue}
SIZES=${SIZES:-"1000 10000 100000"}
GEP_MAX=${GEP_MAX:-10000}
DATA=${BLUE_SHARED_DATA:-../shared/data}
WORK=bench_out/streaming
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$WORK"
echo "| samples | GEP files | wall (s) | samples/s | peak RSS (GB) |"
echo "|---|---|---|---|---|"
for n in $SIZES; do
  bulk="$WORK/bulk_$n.h5ad"
  [[ -f $bulk ]] || /usr/bin/python3 bench/make_large_bulk.py "$DATA/pbmc3k/pbmc3k_raw_counts_labelled.h5ad" "$bulk" "$n" >&2
  gep=both
  (( n > GEP_MAX )) && gep=none
  /usr/bin/time -f "%e %M" -o "$WORK/time_$n.txt" "$BLUE" deconvolve -q --force -m "$MODEL" -b "$bulk" \
    --gep-files "$gep" --threads 2 -o "$WORK/out_$n"
  read -r wall kb < "$WORK/time_$n.txt"
  awk -v n="$n" -v g="$gep" -v w="$wall" -v kb="$kb" \
    'BEGIN { printf "| %d | %s | %.1f | %.0f | %.2f |\n", n, g, w, n / w, kb / 1048576 }'
  rm -rf "$WORK/out_$n"
done

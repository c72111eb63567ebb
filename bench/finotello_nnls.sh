#!/bin/sh
# Accuracy of `blue nnls` on the Finotello PBMC bulk RNA-seq (GSE107572, 9 samples, flow-cytometry truth),
# with two signatures: one built from pbmc3k (mean CPM over the marker panel of METHOD 2.2) and CIBERSORT's
# LM22. Run from the project root after building: sh bench/finotello_nnls.sh [build/blue] [outdir]
# Mappings: examples/finotello_map.tsv (pbmc3k types) and bench/lm22_finotello_map.tsv (LM22 types; plasma
# cells, gamma-delta T, macrophages, mast cells and eosinophils have no counterpart in the truth).
set -eu
BLUE=${1:-build/blue}
OUT=${2:-out/finotello_nnls}
DATA=../shared/data
BULK=$DATA/finotello_pbmc/GSE107572_bulk_expression.tsv.gz
TRUTH=$DATA/finotello_pbmc/GSE107572_ground_truth_fractions.tsv
mkdir -p "$OUT"
$BLUE nnls --force --quiet --reference $DATA/pbmc3k/pbmc3k_raw_counts_labelled.h5ad --label-key cell_type \
  --bulk $BULK --out "$OUT/pbmc3k"
$BLUE evaluate --force --quiet --pred "$OUT/pbmc3k/proportions.tsv" --truth $TRUTH --map examples/finotello_map.tsv \
  --out "$OUT/pbmc3k_metrics.tsv"
$BLUE nnls --force --quiet --signature $DATA/signatures/CIBERSORT-DATA_LM22.txt --bulk $BULK --out "$OUT/lm22"
$BLUE evaluate --force --quiet --pred "$OUT/lm22/proportions.tsv" --truth $TRUTH --map bench/lm22_finotello_map.tsv \
  --out "$OUT/lm22_metrics.tsv"
for s in pbmc3k lm22; do
  echo "== $s signature =="
  cut -f1-6 "$OUT/${s}_metrics.tsv"
done

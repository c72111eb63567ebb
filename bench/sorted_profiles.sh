#!/usr/bin/env bash
# Per-gene platform factors from sorted-cell bulk RNA-seq (train --sorted-profiles, CIBERSORTx S-mode in
# spirit): pbmc3k, fast preset, seeds 42, 7, 11, on the genes of the ABIS/Monaco 2019 sorted-cell matrix that
# pbmc3k has (bench/abis_genes.txt: the first column of ../shared/data/signatures/immunedeconv_sigmatrixRNAseq.txt
# intersected with pbmc3k's genes; the marker panel shares only ~70 genes with that matrix), with and without
# the factors (bench/abis_map_pbmc3k.tsv maps the types). Scored on Finotello against flow cytometry and on
# Kang control / IFN-beta pseudobulk (as bench/multi_reference.sh). Overall CCC / median per-type r.
# The panel is cut to the genes Finotello and Kang both measured (--bulk-genes). SEEDS="42 7" for fewer seeds.
# Usage: bench/sorted_profiles.sh [BLUE] (run bench/multi_reference.sh first for the Kang truth files)
set -euo pipefail
BLUE=${1:-build/blue}
DATA=${BLUE_SHARED_DATA:-../shared/data}
PBMC="$DATA/pbmc3k/pbmc3k_raw_counts_labelled.h5ad"
ABIS="$DATA/signatures/immunedeconv_sigmatrixRNAseq.txt"
FIN="$DATA/finotello_pbmc"
ACC=bench_out/nnls_accuracy
MR=bench_out/multi_reference
WORK=bench_out/sorted_profiles
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$WORK"
source bench/metrics.sh
SEEDS=${SEEDS:-"42 7 11"}
# The panel must exist in both evaluation cohorts: --bulk-genes with the genes Finotello and Kang share.
awk -F'\t' 'NR == FNR { kang[$1]; next } FNR > 1 && ($1 in kang) { print $1 }' "$DATA/kang2018_ifnb/pbmc.ctrl/genes.tsv" \
  <(zcat "$FIN/GSE107572_bulk_expression.tsv.gz") > "$WORK/eval_genes.txt"
echo "| panel | factors | seed | Finotello | Finotello, --nnls-weight 0.25 | Kang ctrl | Kang stim |"
echo "|---|---|---|---|---|---|---|"
for kind in abis abis+factors; do
  for seed in $SEEDS; do
    model="$WORK/${kind}_$seed.blue"
    extra=()
    [[ $kind == *factors ]] && extra=(--sorted-profiles "$ABIS" --sorted-map bench/abis_map_pbmc3k.tsv)
    [[ -f $model ]] || "$BLUE" train -r "$PBMC" --label-key cell_type --genes bench/abis_genes.txt \
      --bulk-genes "$WORK/eval_genes.txt" "${extra[@]}" \
      --preset fast --seed "$seed" --threads 2 --out "$model" --quiet
    out="$WORK/${kind}_$seed"
    "$BLUE" deconvolve -q --force -m "$model" -b "$FIN/GSE107572_bulk_expression.tsv.gz" -o "$out/fin"
    "$BLUE" deconvolve -q --force -m "$model" -b "$FIN/GSE107572_bulk_expression.tsv.gz" --nnls-weight 0.25 -o "$out/fin_blend"
    for c in ctrl stim; do "$BLUE" deconvolve -q --force -m "$model" -b "$ACC/kang_$c.h5ad" -o "$out/kang_$c"; done
    echo "| ABIS genes | ${kind#abis} | $seed" \
      "| $(metrics "$out/fin/proportions.tsv" "$FIN/GSE107572_ground_truth_fractions.tsv" examples/finotello_map.tsv)" \
      "| $(metrics "$out/fin_blend/proportions.tsv" "$FIN/GSE107572_ground_truth_fractions.tsv" examples/finotello_map.tsv)" \
      "| $(metrics "$out/kang_ctrl/proportions.tsv" "$MR/kang_ctrl_truth.tsv" bench/pbmc3k_coarse_map.tsv)" \
      "| $(metrics "$out/kang_stim/proportions.tsv" "$MR/kang_stim_truth.tsv" bench/pbmc3k_coarse_map.tsv) |"
  done
done

#!/usr/bin/env bash
# The demo behind `make demo`: the whole pipeline on the example data shipped in examples/.
#   1. marker panel of the pbmc3k example reference        (blue markers)
#   2. BLUE network trained with the fast preset            (blue train)
#   3. Finotello PBMC bulk deconvolved: fractions + GEPs   (blue deconvolve)
#   4. the same bulk by signature-matrix NNLS               (blue nnls)
#   5. both compared with the flow-cytometry truth          (blue evaluate)
#   6. an HTML report of the network's run                  (blue report)
# Results go to demo-output/ (replaced on every run).
set -euo pipefail
BLUE=${1:-build/blue}
OUT=${DEMO_OUT:-demo-output}
EX=examples
REF=(--reference "$EX/pbmc3k_example.h5ad" --label-key cell_type)
THREADS=${THREADS:-$(nproc)}

rm -rf "$OUT"
mkdir -p "$OUT"
"$BLUE" markers "${REF[@]}" --out "$OUT/panel.txt" --threads "$THREADS"
# A short training (the fast preset on fewer samples and epochs) so that the demo takes minutes on a laptop;
# the accuracy table of docs/benchmarks.md comes from the full fast preset (bench/model_accuracy.sh).
"$BLUE" train "${REF[@]}" --genes "$OUT/panel.txt" --preset fast --samples "${DEMO_SAMPLES:-400}" \
  --val-samples 100 --epochs "${DEMO_EPOCHS:-8}" \
  --out "$OUT/model.blue" --threads "$THREADS"
"$BLUE" deconvolve --model "$OUT/model.blue" --bulk "$EX/finotello_bulk.tsv.gz" --out "$OUT/deconvolution" \
  --threads "$THREADS"
# NNLS with a signature of genes specific to one cell type (the default), in cell fractions via mRNA contents.
"$BLUE" nnls "${REF[@]}" --bulk "$EX/finotello_bulk.tsv.gz" --out "$OUT/nnls" --threads "$THREADS" \
  --mrna-content data/mrna_content_immune.tsv --mrna-map data/mrna_map_pbmc3k.tsv
for method in deconvolution nnls; do
  "$BLUE" evaluate --pred "$OUT/$method/proportions.tsv" --truth "$EX/finotello_truth.tsv" \
    --map "$EX/finotello_map.tsv" --out "$OUT/$method/metrics.tsv" --quiet
done

"$BLUE" report --deconvolution "$OUT/deconvolution" --model "$OUT/model.blue" --truth "$EX/finotello_truth.tsv" \
  --map "$EX/finotello_map.tsv" --out "$OUT/report.html" --quiet

echo
echo "[demo] Finotello PBMC bulk vs flow cytometry (Lin's CCC / Pearson r per type, 9 samples):"
for method in deconvolution nnls; do
  echo "  -- $([ $method = nnls ] && echo 'NNLS on the pbmc3k specific-gene signature, mRNA-content cell fractions' || echo 'BLUE network (fast preset, short demo training)')"
  awk -F'\t' 'NR>1 {printf "     %-16s CCC %6.3f   r %6.3f\n", $1, $3, $4}' "$OUT/$method/metrics.tsv"
done
echo
echo "[demo] results in $OUT/:"
echo "  model.blue                      trained network (weights, panel, cell types, training log)"
echo "  deconvolution/proportions.tsv   cell-type fractions per sample (rows sum to 1)"
echo "  deconvolution/gep.h5ad          per-sample cell-type expression profiles (layers per type)"
echo "  deconvolution/gep/<type>.tsv    the same, one genes x samples table per cell type"
echo "  deconvolution/rna_fractions.tsv the fractions as shares of RNA (mean library size per type)"
echo "  deconvolution/diagnostics.tsv   per-sample residuals and unexplained-gene counts (flagged = poorly explained)"
echo "  deconvolution/unexplained_genes.tsv  genes no reference cell type explains: what the reference lacks"
echo "  nnls/proportions.tsv, fit.tsv   the NNLS baseline and its fit diagnostics"
echo "  */metrics.tsv                   accuracy against examples/finotello_truth.tsv"
echo "  report.html                     the report (plots, metrics, training curves): open it in a browser"
echo
echo "[demo] report: $(cd "$OUT" && pwd)/report.html"

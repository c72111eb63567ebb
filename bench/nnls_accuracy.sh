#!/usr/bin/env bash
# Accuracy of `blue nnls` on every real cohort at hand (docs/benchmarks.md "Signature-matrix NNLS"), for each choice a
# user has: the signature (genes specific to one type, the marker panel of METHOD 2.2, LM22, a table of
# per-type profiles), the gene scaling (relative, none, standardize) and the mRNA-content conversion.
#   - Finotello PBMC bulk (9 donors, flow cytometry): overall CCC / median per-type r
#   - Kang 2018 control and IFN-beta PBMC pseudobulk (labels transferred from pbmc3k, bench/kang_pseudobulk.sh)
#   - Fadista islets (77 donors, raw counts) with Baron's per-type profiles: mean beta and alpha fractions
#     and the Spearman correlation of the beta fraction with HbA1c
#   - GSE19830 designed rat tissue mixtures (microarray): overall CCC
# Usage: bench/nnls_accuracy.sh [BLUE] [WORKDIR] (needs ../shared/data and python3-anndata/scipy; ~3 min)
set -euo pipefail
BLUE=${1:-build/blue}
WORK=${2:-bench_out/nnls_accuracy}
DATA=${BLUE_SHARED_DATA:-../shared/data}
REF="$DATA/pbmc3k/pbmc3k_raw_counts_labelled.h5ad"
FIN="$DATA/finotello_pbmc"
RAT="$DATA/rat_mixtures_gse19830"
ISL="$DATA/islets"
mkdir -p "$WORK"
bash bench/kang_pseudobulk.sh "$BLUE" "$WORK" 2

source bench/metrics.sh  # metrics PROPORTIONS TRUTH MAP -> "overall CCC / median per-type r"
# islets DIR -> "beta / alpha mean fraction, Spearman(beta, HbA1c)"
islets() {
  /usr/bin/python3 - "$1/proportions.tsv" "$ISL/fadista77_phenotypes.tsv" <<'PY'
import sys
import pandas as pd
from scipy.stats import spearmanr
p = pd.read_csv(sys.argv[1], sep="\t", index_col=0)
h = pd.read_csv(sys.argv[2], sep="\t", index_col=0)["hba1c"].dropna()
rho = spearmanr(p.loc[h.index, "beta"], h)
print(f"beta {p['beta'].mean():.3f} / alpha {p['alpha'].mean():.3f}, rho {rho.correlation:.2f} (p {rho.pvalue:.1g})")
PY
}
rat() {
  /usr/bin/python3 - "$1/proportions.tsv" "$RAT/ratMix3_proportions_A.tsv" <<'PY'
import sys
import pandas as pd
p = pd.read_csv(sys.argv[1], sep="\t", index_col=0)
a = pd.read_csv(sys.argv[2], sep="\t", index_col=0).loc[p.index, p.columns]
x, y = p.values.ravel(), a.values.ravel()
ccc = 2 * ((x - x.mean()) * (y - y.mean())).mean() / (x.var() + y.var() + (x.mean() - y.mean()) ** 2)
print(f"CCC {ccc:.3f}, MAE {abs(x - y).mean():.3f}")
PY
}
run() {  # run NAME ARGS... -> WORK/NAME
  local name=$1; shift
  "$BLUE" nnls --force -q "$@" -o "$WORK/$name"
}

echo "| signature | scaling | Finotello CCC / median r | + mRNA content | Kang ctrl | Kang stim |"
echo "|---|---|---|---|---|---|"
MRNA=(--mrna-content data/mrna_content_immune.tsv --mrna-map data/mrna_map_pbmc3k.tsv)
for sig in specific markers; do
  for sc in relative none standardize; do
    src=(-r "$REF" --label-key cell_type --panel "$sig" --gene-scaling "$sc")
    run "fin_${sig}_$sc" "${src[@]}" -b "$FIN/GSE107572_bulk_expression.tsv.gz"
    run "fin_${sig}_${sc}_mrna" "${src[@]}" -b "$FIN/GSE107572_bulk_expression.tsv.gz" "${MRNA[@]}"
    for c in ctrl stim; do run "kang_${c}_${sig}_$sc" "${src[@]}" -b "$WORK/kang_$c.h5ad"; done
    echo "| pbmc3k $sig | $sc" \
      "| $(metrics "$WORK/fin_${sig}_$sc/proportions.tsv" "$FIN/GSE107572_ground_truth_fractions.tsv" examples/finotello_map.tsv)" \
      "| $(metrics "$WORK/fin_${sig}_${sc}_mrna/proportions.tsv" "$FIN/GSE107572_ground_truth_fractions.tsv" examples/finotello_map.tsv)" \
      "| $(metrics "$WORK/kang_ctrl_${sig}_$sc/proportions.tsv" "$WORK/kang_ctrl_truth.tsv" "$WORK/kang_map.tsv")" \
      "| $(metrics "$WORK/kang_stim_${sig}_$sc/proportions.tsv" "$WORK/kang_stim_truth.tsv" "$WORK/kang_map.tsv") |"
  done
done
for sc in relative none standardize; do
  run "fin_lm22_$sc" -s "$DATA/signatures/CIBERSORT-DATA_LM22.txt" --gene-scaling "$sc" -b "$FIN/GSE107572_bulk_expression.tsv.gz"
  echo "| LM22 | $sc | $(metrics "$WORK/fin_lm22_$sc/proportions.tsv" "$FIN/GSE107572_ground_truth_fractions.tsv" bench/lm22_finotello_map.tsv) | | | |"
done

echo
echo "| cohort | signature | relative (default) | none | standardize |"
echo "|---|---|---|---|---|"
row=("Fadista islets" "Baron profiles, specific genes (--profiles)")
row2=("Fadista islets" "Baron profiles, all genes (--signature)")
row3=("GSE19830 rat mixtures" "pure profiles, specific genes (--profiles)")
row4=("GSE19830 rat mixtures" "pure profiles, all 10,000 probes (--signature)")
for sc in relative none standardize; do
  run "islets_$sc" --profiles "$ISL/pan_indrop_avg_celltype_profiles.tsv.gz" -b "$ISL/fadista77_bulk_counts.tsv.gz" --gene-scaling "$sc"
  run "islets_all_$sc" -s "$ISL/pan_indrop_avg_celltype_profiles.tsv.gz" -b "$ISL/fadista77_bulk_counts.tsv.gz" \
    --gene-scaling "$sc" --max-missing-genes 0.5
  run "rat_$sc" --profiles "$RAT/ratMix3_pure_S.tsv.gz" -b "$RAT/ratMix3_mixtures_X.tsv.gz" --gene-scaling "$sc"
  run "rat_all_$sc" -s "$RAT/ratMix3_pure_S.tsv.gz" -b "$RAT/ratMix3_mixtures_X.tsv.gz" --gene-scaling "$sc"
  row+=("$(islets "$WORK/islets_$sc")"); row2+=("$(islets "$WORK/islets_all_$sc")")
  row3+=("$(rat "$WORK/rat_$sc")"); row4+=("$(rat "$WORK/rat_all_$sc")")
done
for r in row row2 row3 row4; do
  declare -n cells=$r
  printf '|'; printf ' %s |' "${cells[@]}"; echo
done

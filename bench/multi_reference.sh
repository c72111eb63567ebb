#!/usr/bin/env bash
# Training on several references (train -r A -r B --label-map): pbmc3k (10x v1) alone against pbmc3k plus the
# normal immune cells of van Galen 2019 (Seq-Well, bone marrow of 13 donors), optionally plus Kang 2018
# control PBMC (10x v2, labels transferred from pbmc3k), on one coarse vocabulary (bench/pbmc_coarse_label_map.tsv).
# Fast preset, seeds 42, 7, 11. Scored on Finotello bulk against flow cytometry and on Kang control /
# IFN-beta pseudobulk (coarse types); a reference used for training is not an evaluation set (Kang control,
# and Kang stimulated comes from the same donors, when Kang is in the training). Overall CCC / median per-type r.
# Usage: bench/multi_reference.sh [BLUE] [CONFIGS...] (configs: pbmc3k, pbmc3k+vg, pbmc3k+vg+mrna,
# pbmc3k+vgnot+mrna (van Galen without its T/CTL cells), pbmc3k+kang, pbmc3k+vg+kang; run bench/nnls_accuracy.sh first for the Kang pseudobulk; a training is 4-10 min on 2 cores)
set -euo pipefail
BLUE=${1:-build/blue}
shift || true
CONFIGS=("$@")
[[ ${#CONFIGS[@]} -gt 0 ]] || CONFIGS=(pbmc3k pbmc3k+vg pbmc3k+vg+mrna pbmc3k+kang pbmc3k+vg+kang)
SEEDS=${SEEDS:-"42 7 11"}
DATA=${BLUE_SHARED_DATA:-../shared/data}
PBMC="$DATA/pbmc3k/pbmc3k_raw_counts_labelled.h5ad"
VG="$DATA/vangalen2019_aml/vangalen2019_aml_13samples.h5ad"
FIN="$DATA/finotello_pbmc"
ACC=bench_out/nnls_accuracy
WORK=bench_out/multi_reference
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$WORK"
source bench/metrics.sh
[[ -f $ACC/kang_ctrl.labels.tsv ]] || bash bench/kang_pseudobulk.sh "$BLUE" "$ACC" 2
# Kang truth on the coarse types, and the identity map of the coarse types.
for c in ctrl stim; do
  [[ -f $WORK/kang_${c}_truth.tsv ]] || /usr/bin/python3 - "$ACC/kang_${c}_truth.tsv" bench/pbmc3k_coarse_map.tsv \
    "$WORK/kang_${c}_truth.tsv" <<'PY'
import sys
with open(sys.argv[2]) as f:
    f.readline()
    coarse = dict(line.rstrip("\n").split("\t")[:2] for line in f if line.strip())
with open(sys.argv[1]) as f:
    header = f.readline().rstrip("\n").split("\t")[1:]
    rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
types = sorted(set(coarse.values()))
with open(sys.argv[3], "w") as out:
    out.write("sample\t" + "\t".join(types) + "\n")
    for r in rows:
        sums = {t: 0.0 for t in types}
        for h, v in zip(header, r[1:]):
            if h in coarse:
                sums[coarse[h]] += float(v)
        out.write(r[0] + "\t" + "\t".join(f"{sums[t]:.6g}" for t in types) + "\n")
PY
done
printf 'predicted\ttruth\n' > "$WORK/coarse_identity_map.tsv"
for t in "CD4 T" "CD8 T" Monocytes B NK DC; do printf '%s\t%s\n' "$t" "$t" >> "$WORK/coarse_identity_map.tsv"; done

echo "| references | seed | Finotello | Finotello, --nnls-weight 0.25 | Kang ctrl | Kang stim |"
echo "|---|---|---|---|---|---|"
for config in "${CONFIGS[@]}"; do
  for seed in $SEEDS; do
    model="$WORK/${config}_$seed.blue"
    fin_map=bench/finotello_coarse_map.tsv kang_map="$WORK/coarse_identity_map.tsv"
    case $config in
      pbmc3k) refs=(-r "$PBMC" --label-key cell_type); fin_map=examples/finotello_map.tsv kang_map=bench/pbmc3k_coarse_map.tsv ;;
      pbmc3k+vg|pbmc3k+vg+mrna) refs=(-r "$PBMC" -r "$VG" --label-key cell_type --label-map bench/pbmc_coarse_label_map.tsv) ;;
      pbmc3k+vgnot+mrna) refs=(-r "$PBMC" -r "$VG" --label-key cell_type --label-map bench/pbmc_coarse_label_map_no_vg_t.tsv) ;;
      pbmc3k+kang) refs=(-r "$PBMC" -r "$DATA/kang2018_ifnb/pbmc.ctrl" --label-key cell_type
                         --labels - "$ACC/kang_ctrl.labels.tsv" --label-map bench/pbmc_coarse_label_map.tsv) ;;
      pbmc3k+vg+kang) refs=(-r "$PBMC" -r "$VG" -r "$DATA/kang2018_ifnb/pbmc.ctrl" --label-key cell_type
                            --labels - - "$ACC/kang_ctrl.labels.tsv" --label-map bench/pbmc_coarse_label_map.tsv) ;;
      *) echo "unknown config $config" >&2; exit 2 ;;
    esac
    extra=()
    [[ $config == *mrna ]] && extra=(--mrna-content data/mrna_content_immune.tsv --mrna-map bench/mrna_map_pbmc_coarse.tsv)
    [[ -f $model ]] || "$BLUE" train "${refs[@]}" "${extra[@]}" --preset fast --seed "$seed" --threads 2 --out "$model" --quiet
    out="$WORK/${config}_$seed"
    "$BLUE" deconvolve -q --force -m "$model" -b "$FIN/GSE107572_bulk_expression.tsv.gz" -o "$out/fin"
    "$BLUE" deconvolve -q --force -m "$model" -b "$FIN/GSE107572_bulk_expression.tsv.gz" --nnls-weight 0.25 -o "$out/fin_blend"
    for c in ctrl stim; do "$BLUE" deconvolve -q --force -m "$model" -b "$ACC/kang_$c.h5ad" -o "$out/kang_$c"; done
    kang_ctrl=$(metrics "$out/kang_ctrl/proportions.tsv" "$WORK/kang_ctrl_truth.tsv" "$kang_map")
    [[ $config == *kang* ]] && kang_ctrl="(trained on it)"
    echo "| $config | $seed" \
      "| $(metrics "$out/fin/proportions.tsv" "$FIN/GSE107572_ground_truth_fractions.tsv" "$fin_map")" \
      "| $(metrics "$out/fin_blend/proportions.tsv" "$FIN/GSE107572_ground_truth_fractions.tsv" "$fin_map")" \
      "| $kang_ctrl | $(metrics "$out/kang_stim/proportions.tsv" "$WORK/kang_stim_truth.tsv" "$kang_map") |"
  done
done

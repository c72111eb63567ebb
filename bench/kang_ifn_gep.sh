#!/usr/bin/env bash
# Per-sample cell-type GEPs under interferon stimulation (issue "Per-sample cell-type GEPs"): blue is trained
# on pbmc3k (fast preset, one model per seed) and deconvolves pseudobulk of the Kang 2018 PBMC in which every
# sample draws all its cells from the control or from the IFN-beta stimulated cells (`--donor-key condition`;
# another donor pool and batch, labels transferred from pbmc3k by bench/kang_labels.py, so the truth inherits
# that classifier's errors). Scored per type for every --gep-mode and the bulk anchor (the bulk itself as
# every type's GEP): the median over genes of the across-sample Pearson r (blue evaluate), and the interferon
# question: the mean log2 fold change stim vs ctrl over the panel's interferon-stimulated genes, per type,
# against the truth's (is the response put into the right types, strongest in monocytes, and the other
# types left alone?). Tables by bench/kang_ifn_table.py. The panel is pbmc3k's marker panel restricted to
# the genes Kang measured, so every panel gene exists on both sides.
# Usage: bench/kang_ifn_gep.sh [BLUE] [WORKDIR] [THREADS] [SEEDS]   (each training about 3-5 min on 2 cores)
# SEEDS may also come from the environment (default "42 7 11"); BLUE_TRAIN_EXTRA="options" is added to every
# `blue train` (e.g. "--epochs 2 --samples 100 --val-samples 20" for a smoke test: use another WORKDIR, as
# files already in WORKDIR are reused; delete one to recompute it: outputs older than a model or the cohort
# they come from are redone).
set -euo pipefail
BLUE=${1:-build/blue}
WORK=${2:-bench_out/kang_ifn_gep}
THREADS=${3:-2}
SEEDS=${4:-${SEEDS:-"42 7 11"}}
DATA=${BLUE_SHARED_DATA:-../shared/data}
REF="$DATA/pbmc3k/pbmc3k_raw_counts_labelled.h5ad"
KANG="$DATA/kang2018_ifnb"
read -r -a TRAIN_EXTRA <<< "${BLUE_TRAIN_EXTRA:-}"
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$WORK/scores"

# Panel: pbmc3k markers, then only the genes Kang has (selection order kept).
[[ -f $WORK/panel_pbmc3k.txt ]] || "$BLUE" markers -r "$REF" --label-key cell_type --threads "$THREADS" \
  --out "$WORK/panel_pbmc3k.txt" --quiet
if [[ ! -f $WORK/panel.txt ]]; then
  awk -F'\t' 'NR == FNR { kang[$1]; next } ($1 in kang)' "$KANG/pbmc.ctrl/genes.tsv" "$WORK/panel_pbmc3k.txt" \
    > "$WORK/panel.txt.tmp"
  mv "$WORK/panel.txt.tmp" "$WORK/panel.txt"
fi
echo "panel: $(wc -l < "$WORK/panel.txt") of $(wc -l < "$WORK/panel_pbmc3k.txt") pbmc3k marker genes are in Kang" >&2

# Kang labels (pbmc3k types by correlation) and one labelled file of both conditions.
for c in ctrl stim; do
  [[ -f $WORK/kang_$c.labels.tsv ]] && continue
  /usr/bin/python3 bench/kang_labels.py "$REF" "$WORK/panel.txt" "$KANG/pbmc.$c" "$WORK/kang_$c.labels.tsv.tmp"
  mv "$WORK/kang_$c.labels.tsv.tmp" "$WORK/kang_$c.labels.tsv"
done
[[ -f $WORK/kang_combined.h5ad ]] || /usr/bin/python3 bench/kang_cohort.py "$KANG" "$WORK/kang_ctrl.labels.tsv" \
  "$WORK/kang_stim.labels.tsv" "$WORK/kang_combined.h5ad"
# Platelets are too few; so is any type with fewer than 3 cells (blue refuses them).
EXCLUDE=$(tr -d '\n' < "$WORK/kang_combined.h5ad.exclude.txt")
EXCLUDE="Platelet${EXCLUDE:+,$EXCLUDE}"

# The cohort: every sample drawn from one condition's cells (obs/donor = ctrl or stim).
[[ -f $WORK/cohort.h5ad ]] || "$BLUE" simulate -r "$WORK/kang_combined.h5ad" --label-key cell_type \
  --donor-key condition --exclude-types "$EXCLUDE" --split all --genes "$WORK/panel.txt" --samples 200 --seed 5 \
  --threads "$THREADS" --out "$WORK/cohort.h5ad" --quiet
# The bulk anchor: the cohort's bulk as every type's profile.
[[ $WORK/bulk_anchor.h5ad -nt $WORK/cohort.h5ad ]] || /usr/bin/python3 bench/gep_anchor_bulk.py "$WORK/cohort.h5ad" \
  "$WORK/bulk_anchor.h5ad"

score() {  # name, pred gep.h5ad, pred scale (rescored when the prediction is newer than its score)
  [[ $WORK/scores/$1.tsv -nt $2 ]] || "$BLUE" evaluate --pred-gep "$2" --pred-gep-scale "$3" \
    --truth-gep "$WORK/cohort.h5ad" --out "$WORK/scores/$1.tsv" --force --quiet
}
score bulk "$WORK/bulk_anchor.h5ad" linear
for seed in $SEEDS; do
  model="$WORK/model_$seed.blue"
  [[ -f $model ]] || "$BLUE" train -r "$REF" --label-key cell_type --genes "$WORK/panel.txt" --preset fast \
    --seed "$seed" --threads "$THREADS" --out "$model" --force --quiet "${TRAIN_EXTRA[@]}"
  for mode in network posterior reference; do
    out="$WORK/dec_${seed}_$mode"
    [[ $out/gep.h5ad -nt $model && $out/gep.h5ad -nt $WORK/cohort.h5ad ]] ||
      "$BLUE" deconvolve -m "$model" -b "$WORK/cohort.h5ad" --gep-mode "$mode" --out "$out" --threads "$THREADS" \
        --force --quiet
    score "${seed}_$mode" "$out/gep.h5ad" log2cpm
  done
  props="$WORK/scores/${seed}_proportions.txt"
  if [[ ! $props -nt $WORK/dec_${seed}_network/proportions.tsv ]]; then
    /usr/bin/python3 bench/proportions_vs_h5ad.py "$WORK/dec_${seed}_network/proportions.tsv" "$WORK/cohort.h5ad" \
      > "$props.tmp"
    mv "$props.tmp" "$props"
  fi
done
# shellcheck disable=SC2086
/usr/bin/python3 bench/kang_ifn_table.py "$WORK" $SEEDS

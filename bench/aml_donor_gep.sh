#!/usr/bin/env bash
# Per-sample GEPs on patients the model never saw (issue "Per-sample cell-type GEPs"): the van Galen 2019
# AML reference is split by patient; blue is trained on 9 patients (fast preset) and deconvolves pseudobulk
# in which every sample draws all its cells from one of 4 held-out patients (each AML's malignant cells
# differ: per-sample biology with an exact truth). Scored per type: median over genes whose truth varies
# of the across-sample Pearson r of the GEPs (log2 CPM over the panel), for every --gep-mode and training
# variant, beside two anchors: the bulk itself as every type's GEP, and the posterior allocation with the
# reference's profiles (--gep-mode reference, the BayesPrism/InstaPrism posterior mean for fixed
# proportions). The reference profile alone has no sample information (r undefined): not listed.
# Usage: bench/aml_donor_gep.sh [BLUE] [WORKDIR] [THREADS] [SEEDS]   (each training about 5 min on 2 cores)
set -euo pipefail
BLUE=${1:-build/blue}
WORK=${2:-bench_out/aml_donor_gep}
THREADS=${3:-2}
SEEDS=${4:-"42 7 11"}
DATA=${BLUE_SHARED_DATA:-../shared/data}
REF="$DATA/vangalen2019_aml/vangalen2019_aml_13samples.h5ad"
TRAIN_DONORS=AML1012,AML314,AML371,AML420B,AML475,AML722B,AML997,BM1,BM2
TEST_DONORS=AML210A,AML328,AML419A,AML556
COMMON=(-r "$REF" --label-key cell_type --donor-key patient --threads "$THREADS")
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$WORK"

# One panel from the training patients, used by every model and by the held-out truth.
[[ -f $WORK/panel.txt ]] || "$BLUE" markers "${COMMON[@]}" --donors "$TRAIN_DONORS" --out "$WORK/panel.txt" --quiet
[[ -f $WORK/held_out.h5ad ]] || "$BLUE" simulate "${COMMON[@]}" --donors "$TEST_DONORS" --split all \
  --genes "$WORK/panel.txt" --samples 210 --seed 5 --out "$WORK/held_out.h5ad" --quiet
# The bulk anchor: the held-out bulk as every type's profile.
[[ -f $WORK/bulk_anchor.h5ad ]] || /usr/bin/python3 bench/gep_anchor_bulk.py "$WORK/held_out.h5ad" "$WORK/bulk_anchor.h5ad"

score() {  # name, pred gep.h5ad, pred scale
  "$BLUE" evaluate --pred-gep "$2" --pred-gep-scale "$3" --truth-gep "$WORK/held_out.h5ad" \
    --out "$WORK/scores/$1.tsv" --force --quiet
}
mkdir -p "$WORK/scores"
score bulk "$WORK/bulk_anchor.h5ad" linear
for seed in $SEEDS; do
  for variant in mixed one; do
    model="$WORK/model_${variant}_$seed.blue"
    [[ -f $model ]] || "$BLUE" train "${COMMON[@]}" --donors "$TRAIN_DONORS" --donor-sampling "$variant" \
      --genes "$WORK/panel.txt" --preset fast --seed "$seed" --out "$model" --quiet
    for mode in network posterior reference; do
      out="$WORK/dec_${variant}_${seed}_$mode"
      [[ -d $out ]] || "$BLUE" deconvolve -m "$model" -b "$WORK/held_out.h5ad" --gep-mode "$mode" --out "$out" \
        --threads "$THREADS" --quiet
      score "${variant}_${seed}_$mode" "$out/gep.h5ad" log2cpm
    done
    /usr/bin/python3 bench/proportions_vs_h5ad.py "$WORK/dec_${variant}_${seed}_network/proportions.tsv" \
      "$WORK/held_out.h5ad" > "$WORK/scores/${variant}_${seed}_proportions.txt"
  done
done
/usr/bin/python3 bench/gep_table.py "$WORK/scores" $SEEDS

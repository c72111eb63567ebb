#!/usr/bin/env bash
# Platform-gap benchmark (docs/benchmarks.md "Accuracy on real bulk"): trains the fast preset on pbmc3k with each
# option set below and scores every model on (1) its held-out pseudobulk test split, (2) the Finotello PBMC
# real bulk against flow cytometry and (3) pseudobulk made from the Kang 2018 control and IFN-beta
# stimulated PBMC (an independent donor pool and batch; labels transferred from pbmc3k by
# bench/kang_labels.py), next to NNLS with a pbmc3k signature. Each training takes 3-9 min on 2 cores.
# Usage: bench/platform_gap.sh [BLUE] [WORKDIR] [THREADS]  (16 trainings: about 1.5 h idle)
# BLUE_CONFIGS=FILE replaces the configuration list below (one "name|options" line each); a model already
# trained in WORKDIR is reused (delete its directory to retrain).
set -euo pipefail
BLUE=${1:-build/blue}
WORK=${2:-bench_out/platform_gap}
THREADS=${3:-2}
DATA=${BLUE_SHARED_DATA:-../shared/data}
REF="$DATA/pbmc3k/pbmc3k_raw_counts_labelled.h5ad"
FIN="$DATA/finotello_pbmc"
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$WORK"

# name | options (empty fields are fine); "method" is METHOD 2.3-2.5's inputs exactly.
CONFIGS=(
  "method|--input-scaling none --platform-noise 0"
  "noise0.5|--input-scaling none --platform-noise 0.5"
  "noise1.0|--input-scaling none --platform-noise 1.0"
  "gene|--input-scaling gene --platform-noise 0"
  "gene+noise0.5|--input-scaling gene --platform-noise 0.5"
  "gene+noise1.0|--input-scaling gene --platform-noise 1.0"
  "global|--input-scaling global --platform-noise 0"
  "global+noise1.0|--platform-noise 1.0"
  "global+noise0.5 (default)|"
  "global+noise0.5 seed 7|--seed 7"
  "global+noise0.5 seed 11|--seed 11"
  "global+noise0.5+sparse0.5|--sparse-fraction 0.5"
  "global+noise0.5+sparse0.5 seed 7|--sparse-fraction 0.5 --seed 7"
  "global+noise0.5+sparse0.5 seed 11|--sparse-fraction 0.5 --seed 11"
  "default, --samples 3000 seed 42|--samples 3000"
)
# Ensembles scored after the loop: "name|configuration name|configuration name|..." (models trained above).
ENSEMBLES=("default, ensemble of seeds 42, 7, 11|global+noise0.5 (default)|global+noise0.5 seed 7|global+noise0.5 seed 11")
if [[ -n ${BLUE_CONFIGS:-} ]]; then mapfile -t CONFIGS < "$BLUE_CONFIGS"; ENSEMBLES=(); fi
dir_of() { echo "$WORK/$(echo "$1" | tr -c 'A-Za-z0-9.+\n' '_')"; }

# Kang pseudobulk with transferred labels (types with < 3 cells dropped).
bash bench/kang_pseudobulk.sh "$BLUE" "$WORK" "$THREADS"

score() {  # score NAME PROPORTIONS_DIR_PREFIX -> one table row
  local name=$1 pre=$2 fin kc ks
  fin=$(/usr/bin/python3 bench/model_metrics.py "$pre/finotello/proportions.tsv" \
        "$FIN/GSE107572_ground_truth_fractions.tsv" examples/finotello_map.tsv x | awk '$2 == "overall" {print $3 " / " $4}')
  kc=$(/usr/bin/python3 bench/model_metrics.py "$pre/kang_ctrl/proportions.tsv" "$WORK/kang_ctrl_truth.tsv" \
       "$WORK/kang_map.tsv" x | awk '$2 == "overall" {print $3 " / " $4}')
  ks=$(/usr/bin/python3 bench/model_metrics.py "$pre/kang_stim/proportions.tsv" "$WORK/kang_stim_truth.tsv" \
       "$WORK/kang_map.tsv" x | awk '$2 == "overall" {print $3 " / " $4}')
  echo "| $name | $3 | $fin | $kc | $ks |"
}

echo "| configuration | test-split CCC | Finotello CCC / r | Kang ctrl CCC / r | Kang stim CCC / r |"
echo "|---|---|---|---|---|"
for entry in "${CONFIGS[@]}"; do
  name=${entry%%|*}; opts=${entry#*|}; dir=$(dir_of "$name")
  mkdir -p "$dir"
  # shellcheck disable=SC2086
  [[ -f $dir/model.blue ]] || "$BLUE" train -r "$REF" --label-key cell_type --preset fast --threads "$THREADS" --out "$dir/model.blue" --force \
    $opts 2> "$dir/train.log"
  "$BLUE" deconvolve -m "$dir/model.blue" -b "$FIN/GSE107572_bulk_expression.tsv.gz" -o "$dir/finotello" --force -q
  for c in ctrl stim; do "$BLUE" deconvolve -m "$dir/model.blue" -b "$WORK/kang_$c.h5ad" -o "$dir/kang_$c" --force -q; done
  test_ccc=$(/usr/bin/python3 -c "import json,sys; p=json.load(open(sys.argv[1]))['test_split']['proportions']['metrics']; print(f\"{[m['ccc'] for m in p if m['type']=='overall'][0]:.3f}\")" "$dir/model.blue.provenance.json")
  score "$name" "$dir" "$test_ccc"
done
for entry in "${ENSEMBLES[@]}"; do
  IFS='|' read -r -a parts <<< "$entry"
  models=()
  for member in "${parts[@]:1}"; do models+=(-m "$(dir_of "$member")/model.blue"); done
  dir=$(dir_of "${parts[0]}")
  "$BLUE" deconvolve "${models[@]}" -b "$FIN/GSE107572_bulk_expression.tsv.gz" -o "$dir/finotello" --force -q
  for c in ctrl stim; do "$BLUE" deconvolve "${models[@]}" -b "$WORK/kang_$c.h5ad" -o "$dir/kang_$c" --force -q; done
  score "${parts[0]}" "$dir" "-"
done
# NNLS with the default signature (genes specific to one pbmc3k type), built for each bulk's genes.
mkdir -p "$WORK/nnls"
"$BLUE" nnls -r "$REF" --label-key cell_type -b "$FIN/GSE107572_bulk_expression.tsv.gz" -o "$WORK/nnls/finotello" --force -q
for c in ctrl stim; do "$BLUE" nnls -r "$REF" --label-key cell_type -b "$WORK/kang_$c.h5ad" -o "$WORK/nnls/kang_$c" --force -q; done
score "NNLS, pbmc3k specific-gene signature" "$WORK/nnls" "-"

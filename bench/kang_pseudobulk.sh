#!/usr/bin/env bash
# Kang 2018 control and IFN-beta-stimulated PBMC as pseudobulk with a truth (used by platform_gap.sh and
# nnls_accuracy.sh): each cell gets the pbmc3k type whose mean profile it correlates with best over the
# pbmc3k marker panel (bench/kang_labels.py), then `blue simulate` draws 200 x 3.4 samples per condition.
# Writes WORK/kang_{ctrl,stim}.h5ad, WORK/kang_{ctrl,stim}_truth.tsv and WORK/kang_map.tsv; files already
# there are kept. Usage: bench/kang_pseudobulk.sh BLUE WORK THREADS (needs ../shared/data, python3-anndata)
set -euo pipefail
BLUE=$1
WORK=$2
THREADS=${3:-2}
DATA=${BLUE_SHARED_DATA:-../shared/data}
REF="$DATA/pbmc3k/pbmc3k_raw_counts_labelled.h5ad"
mkdir -p "$WORK"
[[ -f $WORK/panel.txt ]] || "$BLUE" markers -r "$REF" --label-key cell_type -o "$WORK/panel.txt" --force -q
for c in ctrl stim; do
  [[ -f $WORK/kang_$c.h5ad ]] && continue
  /usr/bin/python3 bench/kang_labels.py "$REF" "$WORK/panel.txt" "$DATA/kang2018_ifnb/pbmc.$c" "$WORK/kang_$c.labels.tsv"
  "$BLUE" simulate -r "$DATA/kang2018_ifnb/pbmc.$c" --labels "$WORK/kang_$c.labels.tsv" --label-key cell_type \
    --exclude-types Platelet -n 200 --split train -o "$WORK/kang_$c.h5ad" --force -q --threads "$THREADS"
  /usr/bin/python3 - "$WORK/kang_$c.h5ad" "$WORK/kang_${c}_truth.tsv" "$WORK/kang_map.tsv" <<'PY'
import sys
import anndata
a = anndata.read_h5ad(sys.argv[1])
types = list(a.uns["cell_types"])
with open(sys.argv[2], "w") as f:
    f.write("sample\t" + "\t".join(types) + "\n")
    for s, row in zip(a.obs_names, a.obsm["proportions"]):
        f.write(s + "\t" + "\t".join(f"{v:.6g}" for v in row) + "\n")
with open(sys.argv[3], "w") as f:
    f.write("predicted\ttruth\n" + "".join(f"{t}\t{t}\n" for t in types))
PY
done

#!/usr/bin/env bash
# Accuracy and speed of the BLUE network (docs/benchmarks.md numbers): trains the fast preset on pbmc3k (all 9 types, then
# the 7 types with large held-out pools), prints the held-out test-split metrics stored by `blue train` and
# the ceiling of the GEP metric, deconvolves the Finotello PBMC bulk and
# scores it against flow cytometry (next to `blue nnls` with the reference signature when available), and
# times deconvolution of 10,000 samples. Usage: bench/model_accuracy.sh [BLUE] [WORKDIR] [THREADS]
set -euo pipefail
BLUE=${1:-build/blue}
WORK=${2:-bench_out/model}
THREADS=${3:-2}
DATA=${BLUE_SHARED_DATA:-../shared/data}
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$WORK"
REF="$DATA/pbmc3k/pbmc3k_raw_counts_labelled.h5ad"
FIN="$DATA/finotello_pbmc"

# train NAME [OPTIONS]: the fast preset into $WORK/NAME.blue, its wall time and test-split metrics.
train() {
  local name=$1 start
  shift
  echo "== $name: load before training: $(uptime)"
  start=$(date +%s)
  "$BLUE" train -r "$REF" --label-key cell_type --preset fast --threads "$THREADS" --out "$WORK/$name.blue" --force \
    "$@" 2> "$WORK/$name.train.log"
  echo "== $name: fast preset training: $(( $(date +%s) - start )) s wall, load after: $(uptime)"
  /usr/bin/python3 - "$WORK/$name.blue.provenance.json" <<'PY'
import json, statistics, sys
p = json.load(open(sys.argv[1]))
log = p["training_log"]
print(f"epochs {len(log)}, best epoch {p['best_epoch']}, train samples/s median "
      f"{statistics.median(e['samples_per_second'] for e in log):.0f} (includes validation)")
t = p["test_split"]
print(f"test split ({t['samples']} pseudobulk samples):")
for m in t["proportions"]["metrics"]:
    print(f"  proportions {m['type']:<14} CCC {m['ccc']:.4f}  r {m['pearson']:.4f}")
for m in t["gep"]["metrics"]:
    print(f"  GEP {m['type']:<14} CCC(mean profile) {m['ccc_mean_profile']:.4f}  "
          f"median per-gene r {m['median_gene_pearson'] if m['median_gene_pearson'] is not None else float('nan'):.3f} "
          f"({m['n_varying_genes']} varying genes)")
PY
}

# ceiling NAME [OPTIONS]: the best the test-split GEP metric allows a model that knows only the training
# cells (bench/gep_ceiling.py), from train- and test-split simulations over the model's panel.
ceiling() {
  local name=$1
  shift
  /usr/bin/python3 -c "import json, struct, sys; d = open(sys.argv[1], 'rb').read(); n = struct.unpack_from('<Q', d, 12)[0]
print('\n'.join(json.loads(d[20:20 + n])['genes']))" "$WORK/$name.blue" > "$WORK/$name.panel.txt"
  for split in train test; do
    "$BLUE" simulate -r "$REF" --label-key cell_type --genes "$WORK/$name.panel.txt" --split $split -n 1000 \
      -o "$WORK/$name.$split.h5ad" --force -q --threads "$THREADS" "$@"
  done
  echo "== $name: GEP CCC ceiling (training-cell average vs held-out cells)"
  /usr/bin/python3 bench/gep_ceiling.py "$WORK/$name.train.h5ad" "$WORK/$name.test.h5ad"
}

train model
ceiling model
# The seven large types: DC and platelets leave 3 and 1 cells in pbmc3k's test pool.
train seven_types --exclude-types DC,Platelet
ceiling seven_types --exclude-types DC,Platelet

"$BLUE" deconvolve -m "$WORK/model.blue" -b "$FIN/GSE107572_bulk_expression.tsv.gz" -o "$WORK/finotello" \
  --threads "$THREADS" --force 2> "$WORK/deconvolve.log"
MAP=examples/finotello_map.tsv
/usr/bin/python3 bench/model_metrics.py "$WORK/finotello/proportions.tsv" "$FIN/GSE107572_ground_truth_fractions.tsv" \
  "$MAP" blue
if "$BLUE" signature --help > /dev/null 2>&1 && "$BLUE" signature -r "$REF" --label-key cell_type \
     --out "$WORK/signature.tsv" --force 2> "$WORK/signature.log" &&
   "$BLUE" nnls -b "$FIN/GSE107572_bulk_expression.tsv.gz" -s "$WORK/signature.tsv" -o "$WORK/nnls" --force \
     2> "$WORK/nnls.log"; then
  /usr/bin/python3 bench/model_metrics.py "$WORK/nnls/proportions.tsv" "$FIN/GSE107572_ground_truth_fractions.tsv" \
    "$MAP" nnls
fi

# 10,000 bulk samples: Finotello columns resampled with multiplicative noise.
/usr/bin/python3 - "$FIN/GSE107572_bulk_expression.tsv.gz" "$WORK/bulk10k.tsv" <<'PY'
import gzip, sys
import numpy as np
rows = [l.rstrip("\n").split("\t") for l in gzip.open(sys.argv[1], "rt")]
genes = [r[0] for r in rows[1:]]
x = np.array([[float(v) for v in r[1:]] for r in rows[1:]])
rng = np.random.default_rng(1)
y = x[:, rng.integers(0, x.shape[1], 10000)] * rng.lognormal(0, 0.3, (x.shape[0], 10000))
with open(sys.argv[2], "w") as f:
    f.write("gene\t" + "\t".join(f"s{i}" for i in range(10000)) + "\n")
    for g, row in zip(genes, y):
        f.write(g + "\t" + "\t".join(f"{v:.3g}" for v in row) + "\n")
PY
echo "== load before 10k deconvolution: $(uptime)"
/usr/bin/time -f "10,000 samples deconvolved: %e s wall, %M KiB peak" "$BLUE" deconvolve -m "$WORK/model.blue" \
  -b "$WORK/bulk10k.tsv" -o "$WORK/bulk10k" --threads "$THREADS" --force 2> "$WORK/deconvolve10k.log" || true
tail -n 3 "$WORK/deconvolve10k.log"

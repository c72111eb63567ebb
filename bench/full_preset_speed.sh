#!/usr/bin/env bash
# Throughput of the full (METHOD) network on CPU threads (docs/benchmarks.md): one short training epoch on
# pbmc3k (--samples 300: 1,110 samples with the dominant-type extras) and deconvolution of 1,000 samples.
# Training the full preset to the end (200 epochs of 29,600 samples) is a GPU or many-core job.
# Usage: bench/full_preset_speed.sh [BLUE] [WORKDIR] [THREADS]
set -euo pipefail
BLUE=${1:-build/blue}
WORK=${2:-bench_out/full_speed}
THREADS=${3:-2}
DATA=${BLUE_SHARED_DATA:-../shared/data}
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$WORK"
echo "== load before: $(uptime)"
"$BLUE" train -r "$DATA/pbmc3k/pbmc3k_raw_counts_labelled.h5ad" --label-key cell_type --samples 300 \
  --val-samples 100 --epochs 1 --threads "$THREADS" --out "$WORK/full.blue" --force 2> "$WORK/train.log"
grep -E "parameters|epoch 1/1" "$WORK/train.log"
/usr/bin/python3 - "$WORK/full.blue.provenance.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["training_log"][0]
print(f"full preset training: {e['samples_per_second']:.1f} samples/s (epoch of 1,110 samples + validation, {e['seconds']:.0f} s)")
PY
# 1,000 bulk samples: the 9 Finotello columns repeated.
/usr/bin/python3 - "$DATA/finotello_pbmc/GSE107572_bulk_expression.tsv.gz" "$WORK/bulk1k.tsv" <<'PY'
import gzip, sys
rows = [l.rstrip("\n").split("\t") for l in gzip.open(sys.argv[1], "rt")]
with open(sys.argv[2], "w") as f:
    f.write("gene\t" + "\t".join(f"s{i}" for i in range(1000)) + "\n")
    for r in rows[1:]:
        f.write(r[0] + "\t" + "\t".join(r[1 + i % 9] for i in range(1000)) + "\n")
PY
/usr/bin/time -f "1,000 samples deconvolved with the full network: %e s wall, %M KiB peak" "$BLUE" deconvolve \
  -m "$WORK/full.blue" -b "$WORK/bulk1k.tsv" -o "$WORK/bulk1k" --threads "$THREADS" --force -q 2> "$WORK/deconvolve.log" || true
tail -n 1 "$WORK/deconvolve.log"

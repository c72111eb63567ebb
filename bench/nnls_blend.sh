#!/usr/bin/env bash
# Network + NNLS blend (deconvolve --nnls-weight W), docs/benchmarks.md "Network + NNLS": the network's cell fractions of
# three fast-preset seeds (the models of bench/mrna_calibration.sh) averaged with NNLS's on the pbmc3k
# specific-gene signature (the outputs of bench/nnls_accuracy.sh), on Finotello (with mRNA contents, both
# sides) and on Kang control / IFN-beta pseudobulk (NNLS RNA fractions divided by pbmc3k's library sizes,
# as the model does without mRNA contents). The blend is computed from those files; `--nnls-weight` of a
# model trained by blue >= 0.5.0 gives the same NNLS estimate (tests/test_model_cli.cpp).
# Usage: bench/nnls_blend.sh [BLUE] (run the two scripts above first; needs python3-anndata)
set -euo pipefail
BLUE=${1:-build/blue}
DATA=${BLUE_SHARED_DATA:-../shared/data}
CAL=bench_out/mrna_calibration
ACC=bench_out/nnls_accuracy
OUT=bench_out/nnls_blend
mkdir -p "$OUT"
for s in 42 7 11; do
  "$BLUE" deconvolve -q --force -m "$CAL/model_$s.blue" -b "$DATA/finotello_pbmc/GSE107572_bulk_expression.tsv.gz" \
    --mrna-content data/mrna_content_immune.tsv --mrna-map data/mrna_map_pbmc3k.tsv -o "$OUT/fin_$s"
  for c in ctrl stim; do "$BLUE" deconvolve -q --force -m "$CAL/model_$s.blue" -b "$ACC/kang_$c.h5ad" -o "$OUT/kang_${c}_$s"; done
done
/usr/bin/python3 - "$DATA" "$ACC" "$OUT" <<'PY'
import sys
import anndata
import numpy as np
import pandas as pd
data, acc, out = sys.argv[1:4]
ref = anndata.read_h5ad(f"{data}/pbmc3k/pbmc3k_raw_counts_labelled.h5ad")
ref = ref[ref.obs["cell_type"].notna()]
lib = pd.Series(np.asarray(ref.X.sum(1)).ravel(), index=ref.obs_names).groupby(ref.obs["cell_type"].values).mean()
def read(p): return pd.read_csv(p, sep="\t", index_col=0)
def ccc(x, y): return 2 * np.cov(x, y, bias=True)[0, 1] / (x.var() + y.var() + (x.mean() - y.mean()) ** 2)
fmap = read("examples/finotello_map.tsv").reset_index()
ftruth = read(f"{data}/finotello_pbmc/GSE107572_ground_truth_fractions.tsv")
def fin_score(p):
    pred, true, rs = [], [], []
    for t in fmap["truth"].unique():
        v = p[fmap["predicted"][fmap["truth"] == t]].sum(1).loc[ftruth.index]
        pred += list(v); true += list(ftruth[t]); rs.append(np.corrcoef(v, ftruth[t])[0, 1])
    return ccc(np.array(pred), np.array(true)), np.median(rs)
def kang_score(p, t):
    x = p[t.columns].loc[t.index]
    return ccc(x.values.ravel(), t.values.ravel()), np.median([np.corrcoef(x[c], t[c])[0, 1] for c in t.columns])
def by_lib(p):
    q = p / lib[p.columns].values
    return q.div(q.sum(1), axis=0)
nnls_fin = read(f"{acc}/fin_specific_relative_mrna/proportions.tsv")
nnls_kang = {c: by_lib(read(f"{acc}/kang_{c}_specific_relative/proportions.tsv")) for c in ("ctrl", "stim")}
truth_kang = {c: read(f"{acc}/kang_{c}_truth.tsv") for c in ("ctrl", "stim")}
print("| W | Finotello CCC / median r (seeds 42, 7, 11; mean) | Kang ctrl (mean) | Kang stim (mean) |")
print("|---|---|---|---|")
for w in (0.0, 0.25, 0.5, 1.0):
    fin, kc, ks = [], [], []
    for s in ("42", "7", "11"):
        p = read(f"{out}/fin_{s}/proportions.tsv")
        fin.append(fin_score((1 - w) * p + w * nnls_fin.loc[p.index]))
        for c, acc_list in (("ctrl", kc), ("stim", ks)):
            p = read(f"{out}/kang_{c}_{s}/proportions.tsv")
            acc_list.append(kang_score((1 - w) * p + w * nnls_kang[c].loc[p.index], truth_kang[c]))
    f = np.array(fin); a = np.array(kc); b = np.array(ks)
    seeds = ", ".join(f"{x:.3f}" for x in f[:, 0])
    print(f"| {w:g} | {seeds}; {f[:, 0].mean():.3f} / {f[:, 1].mean():.3f} | {a[:, 0].mean():.3f} / {a[:, 1].mean():.3f} "
          f"| {b[:, 0].mean():.3f} / {b[:, 1].mean():.3f} |")
PY

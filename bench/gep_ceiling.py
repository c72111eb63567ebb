#!/usr/bin/python3
"""Ceiling of the per-sample GEP benchmarks (issue 14): per cell type, the median over genes whose truth varies
of the across-sample Pearson r between the truth (log2 CPM of the type's drawn cells) and the best answer a
method could give knowing each sample's donor or condition exactly: the mean truth of that donor's samples.
What is left above it is the cell-sampling noise of each pseudobulk sample (which cells were drawn), which
no deconvolution can see. Usage: gep_ceiling.py COHORT.h5ad (blue simulate --donor-key output)."""
import sys, numpy as np, anndata
c = anndata.read_h5ad(sys.argv[1])
cond = np.asarray(c.obs['donor'])
types = list(c.uns['cell_types'])
P = np.asarray(c.obsm['proportions'])
for k, t in enumerate(types):
    T = np.asarray(c.layers[t.replace('/', '_')], dtype=float)
    ok = P[:, k] > 0
    T = T[ok]; cd = cond[ok]
    T = np.log2(T / np.maximum(T.sum(1, keepdims=True), 1e-12) * 1e6 + 1)
    pred = np.zeros_like(T)
    for v in np.unique(cd):
        pred[cd == v] = T[cd == v].mean(0)
    rs = []
    for g in range(T.shape[1]):
        if T[:, g].std() == 0: continue
        if pred[:, g].std() == 0: rs.append(0.0); continue
        rs.append(np.corrcoef(T[:, g], pred[:, g])[0, 1])
    print(f"{t}\tceiling median r {np.median(rs):.3f}\tgenes {len(rs)}")

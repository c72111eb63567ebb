#!/usr/bin/env python3
"""How far a GEP value can be trusted, by the share of the gene's bulk signal its type accounts for:
per (type, gene) whose truth varies, the across-sample Pearson r of the predicted GEP (log2 CPM) with the
truth, binned by the mean over samples of the `<type>_share` layer of `blue deconvolve`'s gep.h5ad.
Samples where the type is absent (truth all zero) are left out, as `blue evaluate` does; the partial r
regresses a quadratic in log(true proportion) out of both sides first, as `blue evaluate` does.
Usage: gep_share_bins.py GEP.h5ad SIMULATED_TRUTH.h5ad"""
import sys

import anndata
import numpy as np

BINS = [0.0, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0001]


def log_cpm(m):
    m = np.asarray(m, dtype=float)
    s = m.sum(axis=1, keepdims=True)
    return np.log2(m / np.where(s > 0, s, 1) * 1e6 + 1)


pred = anndata.read_h5ad(sys.argv[1])
truth = anndata.read_h5ad(sys.argv[2])
genes = [g for g in pred.var_names if g in set(truth.var_names)]
pi = pred.var_names.get_indexer(genes)
ti = truth.var_names.get_indexer(genes)
def basis(p):
    lp = np.log(np.maximum(p, 1e-6))
    return np.linalg.qr(np.vstack([np.ones_like(lp), lp, lp ** 2]).T)[0]


types = list(truth.uns["cell_types"])
proportions = np.asarray(truth.obsm["proportions"])
rows = []  # (mean share, r, partial r)
for t in types:
    if t not in pred.layers or t + "_share" not in pred.layers:
        continue
    T = np.asarray(truth.layers[t])[:, ti]
    present = T.sum(axis=1) > 0
    T = log_cpm(T[present])
    P = np.asarray(pred.layers[t])[present][:, pi]
    S = np.asarray(pred.layers[t + "_share"])[present][:, pi]
    Q = basis(proportions[present, types.index(t)])
    for g in range(T.shape[1]):
        tg, pg = T[:, g], P[:, g]
        if not tg.std() > 0.05 * max(abs(tg.mean()), 1.0):
            continue
        r = 0.0 if pg.std() == 0 else float(np.corrcoef(pg, tg)[0, 1])
        rt, rp = tg - Q @ (Q.T @ tg), pg - Q @ (Q.T @ pg)
        partial = 0.0 if rp.std() < 1e-12 else float(np.corrcoef(rp, rt)[0, 1])
        rows.append((float(S[:, g].mean()), r, partial))
rows = np.array(rows)
print("mean share bin\t(type, gene) pairs\tmedian r\tmedian partial r\tq25-q75 partial r")
for lo, hi in zip(BINS[:-1], BINS[1:]):
    sel = rows[(rows[:, 0] >= lo) & (rows[:, 0] < hi)]
    if sel.size == 0:
        continue
    q = np.percentile(sel[:, 2], [50, 25, 75])
    print(f"[{lo:.2f}, {min(hi, 1):.2f})\t{len(sel)}\t{np.median(sel[:, 1]):.3f}\t{q[0]:.3f}\t{q[1]:.3f} to {q[2]:.3f}")

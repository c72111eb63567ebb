#!/usr/bin/python3
"""Prototype of cohort-level attribution (issue 14, item 5; TCA in spirit), kept as evidence: not in blue,
because it scored below the reference allocation on both benchmarks (docs/benchmarks.md, "Per-sample GEPs").
Per gene, the cohort's type means mu (NNLS of the bulk CPM on the RNA fractions, ridge towards the reference
profile with weight LAMBDA x n), the per-type variances sigma^2 and the noise tau^2 (NNLS of the squared
residuals on the squared RNA fractions and 1), then each type's GEP = mu + w sigma^2 / (sum w^2 sigma^2 +
tau^2) x residual. Writes a gep.h5ad of log2(CPM + 1) layers for `blue evaluate`.
Usage: gep_cohort_prototype.py MODEL.blue COHORT.h5ad PROPORTIONS.tsv OUT.h5ad [LAMBDA=0.1]"""
import sys, json, struct
import numpy as np, anndata
from scipy.optimize import nnls

def meta(path):
    b = open(path, 'rb').read()
    n = struct.unpack('<Q', b[12:20])[0]
    return json.loads(b[20:20+n])

def run(model, cohort, props_tsv, out, lam_frac=0.1):
    m = meta(model)
    types = m['cell_types']; genes = m['genes']
    rp = m['reference_profiles']
    M0 = np.array(rp['mean_counts'], dtype=float)  # K x G mean counts per cell
    c = anndata.read_h5ad(cohort)
    X = np.asarray(c[:, genes].X, dtype=float)
    X = X / X.sum(1, keepdims=True) * 1e6  # CPM over panel
    import pandas as pd
    P = pd.read_csv(props_tsv, sep='\t', index_col=0)[types].values
    size = M0.sum(1)
    A = P * size; W = A / A.sum(1, keepdims=True)  # RNA fractions
    R = M0 / M0.sum(1, keepdims=True) * 1e6  # reference CPM per type
    n, K = W.shape; G = X.shape[1]
    lam = lam_frac * n
    Z = {}
    Aaug = np.vstack([W, np.sqrt(lam) * np.eye(K)])
    MU = np.zeros((K, G)); S2 = np.zeros((K, G)); T2 = np.zeros(G)
    W2 = np.hstack([W**2, np.ones((n, 1))])
    for g in range(G):
        mu, _ = nnls(Aaug, np.concatenate([X[:, g], np.sqrt(lam) * R[:, g]]))
        MU[:, g] = mu
        e = X[:, g] - W @ mu
        v, _ = nnls(W2, e**2)
        S2[:, g] = v[:K]; T2[g] = v[K]
    E = X - W @ MU
    D = (W**2) @ S2 + T2  # n x G
    D[D <= 0] = 1
    layers = {}
    for k, t in enumerate(types):
        z = MU[k] + W[:, [k]] * S2[k] / D * E
        z = np.maximum(z, 0)
        z = z / np.maximum(z.sum(1, keepdims=True), 1e-12) * 1e6
        layers[t.replace('/', '_')] = np.log2(z + 1).astype(np.float32)
    a = anndata.AnnData(X=np.zeros((n, G), dtype=np.float32), layers=layers)
    a.obs_names = list(c.obs_names); a.var_names = genes
    a.uns['cell_types'] = types
    a.write_h5ad(out)

run(*sys.argv[1:5], lam_frac=float(sys.argv[5]) if len(sys.argv) > 5 else 0.1)

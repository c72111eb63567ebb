#!/usr/bin/env python3
"""Cuts the example data shipped in examples/ from the project's shared real datasets.

Run from the repository root with Debian's python3 (numpy, scipy, anndata, h5py):
    /usr/bin/python3 examples/make_examples.py ../shared/data

pbmc3k_example.h5ad: all 2,700 pbmc3k cells (raw UMI counts, CSR float32, obs/cell_type with the 62
  QC-failed cells left unlabelled as in the source) on 3,000 genes: for each of the 9 cell types the 150
  genes with the largest mean log-normalised difference to the other cells, then the most highly
  expressed remaining genes up to 3,000, all restricted to genes the Finotello bulk also measures.
finotello_bulk.tsv.gz: the 9 Finotello PBMC bulk samples (all 19,423 genes, values as published).
finotello_truth.tsv: their flow-cytometry fractions.
"""
import gzip
import shutil
import sys
from pathlib import Path

import anndata as ad
import numpy as np
import pandas as pd
import scipy.sparse as sp

shared = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
out = Path(__file__).resolve().parent

adata = ad.read_h5ad(shared / "pbmc3k/pbmc3k_raw_counts_labelled.h5ad")
bulk = pd.read_csv(shared / "finotello_pbmc/GSE107572_bulk_expression.tsv.gz", sep="\t", index_col=0)
shared_genes = set(bulk.index)

X = sp.csr_matrix(adata.X)
keep_gene = np.array([g in shared_genes for g in adata.var_names])
lib = np.asarray(X.sum(axis=1)).ravel()
lognorm = sp.diags(1e4 / lib) @ X
lognorm.data = np.log1p(lognorm.data)
labels = adata.obs["cell_type"].astype(str).values
chosen = []
for t in sorted(set(labels) - {"nan"}):
    inside = labels == t
    diff = np.asarray(lognorm[inside].mean(axis=0)).ravel() - np.asarray(lognorm[~inside].mean(axis=0)).ravel()
    diff[~keep_gene] = -np.inf
    for g in np.argsort(-diff)[:150]:
        if g not in chosen:
            chosen.append(int(g))
mean_expr = np.asarray(X.mean(axis=0)).ravel()
mean_expr[~keep_gene] = -np.inf
for g in np.argsort(-mean_expr):
    if len(chosen) >= 3000:
        break
    if int(g) not in chosen:
        chosen.append(int(g))
chosen = sorted(chosen)

small = ad.AnnData(X=X[:, chosen].astype(np.float32), obs=adata.obs[["cell_type"]].copy(),
                   var=pd.DataFrame(index=adata.var_names[chosen]))
small.write_h5ad(out / "pbmc3k_example.h5ad", compression="gzip")

with open(shared / "finotello_pbmc/GSE107572_bulk_expression.tsv.gz", "rb") as src, \
        open(out / "finotello_bulk.tsv.gz", "wb") as dst:
    shutil.copyfileobj(src, dst)
shutil.copy(shared / "finotello_pbmc/GSE107572_ground_truth_fractions.tsv", out / "finotello_truth.tsv")
print(small)

#!/usr/bin/env python3
"""The 'bulk' anchor of the GEP benchmarks: a gep.h5ad-shaped file whose every cell-type layer is the
sample's own bulk (linear), i.e. what a method with no cell-type resolution would answer.
Usage: gep_anchor_bulk.py SIMULATED.h5ad OUT.h5ad"""
import sys

import anndata

src = anndata.read_h5ad(sys.argv[1])
out = anndata.AnnData(X=src.X.copy(), obs=src.obs[[]].copy(), var=src.var[[]].copy())
for name in src.layers.keys():
    out.layers[name] = src.X.copy()
out.write_h5ad(sys.argv[2])

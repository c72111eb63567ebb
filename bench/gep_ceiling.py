#!/usr/bin/env python3
"""Ceiling of the test-split GEP metric (README, issue 4). `blue train` reports, per cell type, Lin's CCC
across panel genes between the sample-averaged predicted GEP and the sample-averaged true GEP of pseudobulk
simulated from the held-out test cells, both in log2(CPM + 1) over the panel. A model that knew the
training cells perfectly but nothing about the test cells could at best predict the training average; this
script scores that prediction: the mean over TRAIN.h5ad's samples of each type's log2(CPM + 1) GEP against
the same mean over TEST.h5ad's samples.

Usage: /usr/bin/python3 bench/gep_ceiling.py TRAIN.h5ad TEST.h5ad
Both from `blue simulate --split train|test` with the same reference, --genes (the model's panel), split
seed and sample design.
"""
import sys

import anndata
import numpy as np


def mean_log_profile(adata, cell_type, genes):
    layer = adata[:, genes].layers[cell_type]
    layer = np.asarray(layer.todense() if hasattr(layer, "todense") else layer, dtype=float)
    layer = layer[layer.sum(axis=1) > 0]  # samples where the type was drawn
    cpm = layer / layer.sum(axis=1, keepdims=True) * 1e6
    return np.log2(cpm + 1).mean(axis=0)


def ccc(a, b):
    cov = np.mean((a - a.mean()) * (b - b.mean()))
    return 2 * cov / (a.var() + b.var() + (a.mean() - b.mean()) ** 2)


def main():
    train, test = anndata.read_h5ad(sys.argv[1]), anndata.read_h5ad(sys.argv[2])
    genes = list(test.var_names)
    print("type\tceiling_ccc")
    for t in test.uns["cell_types"]:
        print(f"{t}\t{ccc(mean_log_profile(train, t, genes), mean_log_profile(test, t, genes)):.3f}")


if __name__ == "__main__":
    main()

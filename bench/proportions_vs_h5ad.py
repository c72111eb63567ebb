#!/usr/bin/env python3
"""Proportions predicted by blue (proportions.tsv) against the truth of a `blue simulate` file
(obsm/proportions, columns uns/cell_types): overall CCC and Pearson r over all values pooled, and the
median per-type r. Usage: proportions_vs_h5ad.py proportions.tsv SIMULATED.h5ad"""
import sys

import anndata
import numpy as np
import pandas as pd

pred = pd.read_csv(sys.argv[1], sep="\t", index_col=0)
sim = anndata.read_h5ad(sys.argv[2])
truth = pd.DataFrame(np.asarray(sim.obsm["proportions"]), index=sim.obs_names, columns=list(sim.uns["cell_types"]))
pred = pred.loc[truth.index, truth.columns]
x, y = pred.values.ravel(), truth.values.ravel()
ccc = 2 * np.cov(x, y, bias=True)[0, 1] / (x.var() + y.var() + (x.mean() - y.mean()) ** 2)
per_type = [np.corrcoef(pred[c], truth[c])[0, 1] for c in truth.columns if truth[c].std() > 0]
print(f"overall_ccc\t{ccc:.4f}\noverall_r\t{np.corrcoef(x, y)[0, 1]:.4f}\nmedian_type_r\t{np.median(per_type):.4f}")

#!/usr/bin/python3
"""Cell-type labels for the unlabelled Kang 2018 PBMC cells by transfer from the labelled pbmc3k reference
(issue #9's independent-donor test): every Kang cell gets the pbmc3k type whose mean log-normalised profile
over the marker panel it correlates with best (Spearman). Cells whose best correlation is below 0.25 are
left unlabelled (dropped by blue's readers).

Usage: kang_labels.py PBMC3K.h5ad PANEL.txt KANG_DIR OUT.tsv
  PANEL.txt: `blue markers` output (one gene per line, header 'gene' allowed)."""
import gzip
import sys

import anndata
import numpy as np
import scipy.io
import scipy.stats


def lognorm(x):
    x = np.asarray(x, dtype=float)
    s = x.sum(axis=1, keepdims=True)
    s[s == 0] = 1
    return np.log1p(x / s * 1e4)


def main():
    ref_path, panel_path, kang_dir, out_path = sys.argv[1:5]
    ref = anndata.read_h5ad(ref_path)
    labels = ref.obs["cell_type"].astype(str).values
    keep = np.array([l not in ("nan", "", "NA") for l in labels])
    genes_ref = list(ref.var_names)
    panel = [g.strip() for g in open(panel_path) if g.strip() and g.strip().lower() != "gene"]
    kang_genes = [l.rstrip("\n").split("\t")[0] for l in open(f"{kang_dir}/genes.tsv")]
    barcodes = [l.rstrip("\n").split("\t")[0] for l in open(f"{kang_dir}/barcodes.tsv")]
    shared = [g for g in panel if g in set(kang_genes) and g in set(genes_ref)]
    ri = [genes_ref.index(g) for g in shared]
    ki = [kang_genes.index(g) for g in shared]
    x = ref.X[keep]
    x = lognorm(x.toarray() if hasattr(x, "toarray") else x)
    types = sorted(set(labels[keep]))
    centroids = np.array([x[labels[keep] == t][:, ri].mean(axis=0) for t in types])
    with gzip.open(f"{kang_dir}/matrix.mtx.gz") as f:
        m = scipy.io.mmread(f).tocsc().T.toarray()  # cells x genes
    y = lognorm(m)[:, ki]
    rho = np.array([[scipy.stats.spearmanr(cell, c)[0] for c in centroids] for cell in y])
    best = rho.argmax(axis=1)
    with open(out_path, "w") as f:
        f.write("barcode\tcell_type\n")
        for b, k, r in zip(barcodes, best, rho.max(axis=1)):
            f.write(f"{b}\t{types[k] if r >= 0.25 else ''}\n")
    counts = {t: int((best == i).sum()) for i, t in enumerate(types)}
    print(f"{kang_dir}: {len(barcodes)} cells over {len(shared)} panel genes; labels {counts}", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""One labelled single-cell file of the Kang 2018 control and IFN-beta stimulated PBMC, the reference from which
bench/kang_ifn_gep.sh simulates its cohort (`blue simulate --donor-key condition`: every sample drawn from the
cells of one condition). Labels come from bench/kang_labels.py (pbmc3k types by correlation); cells it left
unlabelled are dropped.

Writes OUT.h5ad: X = raw counts (cells x genes, CSR float32), obs names `ctrl_<barcode>` / `stim_<barcode>`,
obs `cell_type` and `condition` (ctrl, stim), var = the 9,015 genes; and OUT.h5ad.exclude.txt: one line, the
comma-separated types with fewer than MIN_CELLS (3) cells in the file (blue refuses them), empty when none.
Prints the cells per type and condition on stderr.

Usage: kang_cohort.py KANG_DIR CTRL_LABELS.tsv STIM_LABELS.tsv OUT.h5ad
  KANG_DIR: the folder holding pbmc.ctrl/ and pbmc.stim/ (10x mtx layout)."""
import gzip
import os
import sys

import anndata
import numpy as np
import pandas as pd
import scipy.io
import scipy.sparse

MIN_CELLS = 3


def read_condition(kang_dir, condition, labels_path):
    folder = os.path.join(kang_dir, f"pbmc.{condition}")
    genes = [line.rstrip("\n").split("\t")[0] for line in open(os.path.join(folder, "genes.tsv"))]
    barcodes = [line.rstrip("\n").split("\t")[0] for line in open(os.path.join(folder, "barcodes.tsv"))]
    with gzip.open(os.path.join(folder, "matrix.mtx.gz")) as f:
        counts = scipy.sparse.csr_matrix(scipy.io.mmread(f).T, dtype=np.float32)  # cells x genes
    labels = pd.read_csv(labels_path, sep="\t", dtype=str, keep_default_na=False).set_index("barcode")["cell_type"]
    cell_type = labels.reindex(barcodes).fillna("").values
    keep = np.array([t not in ("", "nan", "NA") for t in cell_type])
    obs = pd.DataFrame({"cell_type": cell_type[keep], "condition": condition},
                       index=[f"{condition}_{b}" for b, k in zip(barcodes, keep) if k])
    print(f"{condition}: {len(barcodes)} cells, {int((~keep).sum())} unlabelled dropped", file=sys.stderr)
    return counts[keep], obs, genes


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    kang_dir, ctrl_labels, stim_labels, out_path = sys.argv[1:5]
    xc, oc, gc = read_condition(kang_dir, "ctrl", ctrl_labels)
    xs, os_, gs = read_condition(kang_dir, "stim", stim_labels)
    if gc != gs:
        sys.exit("kang_cohort.py: pbmc.ctrl and pbmc.stim list different genes")
    obs = pd.concat([oc, os_])
    x = scipy.sparse.vstack([xc, xs], format="csr").astype(np.float32)
    x.sort_indices()
    a = anndata.AnnData(X=x, obs=obs, var=pd.DataFrame(index=pd.Index(gc)))
    table = pd.crosstab(obs["cell_type"], obs["condition"])
    print(table.to_string(), file=sys.stderr)
    small = [t for t, n in obs["cell_type"].value_counts().items() if n < MIN_CELLS]
    with open(out_path + ".exclude.txt.tmp", "w") as f:
        f.write(",".join(sorted(small)) + "\n")
    os.replace(out_path + ".exclude.txt.tmp", out_path + ".exclude.txt")
    tmp = out_path + ".tmp.h5ad"
    a.write_h5ad(tmp)
    os.replace(tmp, out_path)


if __name__ == "__main__":
    main()

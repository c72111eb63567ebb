#!/usr/bin/python3
"""Summarises bench/kang_ifn_gep.sh (Kang 2018 cohort, every sample from control or IFN-beta stimulated cells).

1. Per cell type, the median per-gene across-sample Pearson r of each method's GEPs (`blue evaluate`'s
   median_gene_pearson), mean over the seeds (sd over seeds in brackets when there are several).
2. The interferon question: does each method put the IFN response into the right types? Per type and method,
   the mean over the panel's interferon-stimulated genes (ISGs) of the log2 fold change stim vs ctrl:
   mean over stim samples of log2(CPM + 1) of the type's GEP minus the mean over ctrl samples (CPM over the
   panel). Truth: the cohort's layers (linear mean counts per cell) normalised the same way. Every column
   uses only the samples in which the type is present (true proportion > 0). `bulk` is the sample's own bulk
   (the same for every type: what a method without cell-type resolution answers).
   Then per method: Pearson r over types against the truth, mean |difference| from the truth, and the type
   with the strongest response.

Usage: kang_ifn_table.py WORKDIR SEED [SEED ...]
  reads WORKDIR/cohort.h5ad, WORKDIR/dec_<seed>_<mode>/gep.h5ad (mode network, posterior, reference),
  WORKDIR/scores/bulk.tsv, WORKDIR/scores/<seed>_<mode>.tsv and, when present,
  WORKDIR/scores/<seed>_proportions.txt (bench/proportions_vs_h5ad.py).
  KANG_ISGS="G1 G2 ..." replaces the ISG list below (genes not in the panel are skipped)."""
import os
import sys

import anndata
import numpy as np
import pandas as pd

MODES = ("reference", "network", "posterior")
# Canonical type I interferon-stimulated genes (the Kang 2018 response); only those in the panel are used.
ISGS = ("ISG15 IFIT1 IFIT2 IFIT3 IFI6 MX1 RSAD2 OAS1 IFITM3 ISG20 LY6E XAF1 CXCL10 IFI44L HERC5 "
        "MX2 OAS2 OAS3 OASL IFI27 IFI44 IFIT5 IRF7 STAT1 BST2 EPSTI1 CMPK2 HERC6 SAMD9L PLSCR1 "
        "LGALS3BP TNFSF10 CCL8 CXCL11 SIGLEC1 GBP1 IFI35 DDX58 IFIH1 APOBEC3A").split()


def log2cpm(x):
    x = np.asarray(x, dtype=float)
    s = x.sum(axis=1, keepdims=True)
    s[s == 0] = 1
    return np.log2(x / s * 1e6 + 1)


def read_r(scores, name, column="median_gene_pearson"):
    t = pd.read_csv(os.path.join(scores, name + ".tsv"), sep="\t")
    return t.set_index("type")[column]


def with_sd(runs):
    """Mean over seeds (columns), '(sd)' appended when there are several."""
    m = runs.mean(axis=1)
    if runs.shape[1] < 2:
        return pd.Series([f"{a:.3f}" for a in m], index=m.index)
    sd = runs.std(axis=1, ddof=1)
    return pd.Series([f"{a:.3f} ({b:.3f})" for a, b in zip(m, sd)], index=m.index)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    work, seeds = sys.argv[1], sys.argv[2:]
    scores = os.path.join(work, "scores")
    cohort = anndata.read_h5ad(os.path.join(work, "cohort.h5ad"))
    types = [str(t) for t in cohort.uns["cell_types"]]
    props = pd.DataFrame(np.asarray(cohort.obsm["proportions"]), index=cohort.obs_names, columns=types)
    condition = cohort.obs["donor"].astype(str).values
    genes = list(cohort.var_names)

    # 1. Median per-gene r, then the same given the type's true proportion (blue evaluate's partial r).
    n_ctrl, n_stim = int((condition == "ctrl").sum()), int((condition == "stim").sum())
    print(f"Kang ctrl/stim cohort: {len(cohort)} samples ({n_ctrl} ctrl, {n_stim} stim), {len(genes)} panel genes, "
          f"seeds {' '.join(seeds)}")
    for column, title in (("median_gene_pearson", "median per-gene r across samples"),
                          ("median_gene_partial_r", "median per-gene partial r given the true proportion")):
        r_means = {"bulk": read_r(scores, "bulk", column)}
        r_cols = {"bulk": r_means["bulk"].map(lambda v: f"{v:.3f}")}
        for mode in MODES:
            runs = pd.concat([read_r(scores, f"{s}_{mode}", column) for s in seeds], axis=1)
            r_cols[mode] = with_sd(runs)
            r_means[mode] = runs.mean(axis=1)
        r_table = pd.DataFrame(r_cols).reindex(types)
        r_num = pd.DataFrame(r_means).reindex(types)
        print(f"\n{title} (log2 CPM over the panel), mean over seeds" + (" (sd)" if len(seeds) > 1 else ""))
        print(r_table.to_string())
        print("\nmedian over types:")
        print(r_num.median().round(3).to_string())
        for mode in ("network", "posterior"):
            better = int((r_num[mode] >= r_num["reference"] + 0.05).sum())
            over_bulk = int((r_num[mode] >= r_num["bulk"] + 0.1).sum())
            print(f"{mode}: beats the reference posterior by >= 0.05 in {better} of {len(types)} types; "
                  f"the bulk by >= 0.1 in {over_bulk}")

    # 2. The interferon response per type.
    isg_list = os.environ.get("KANG_ISGS", "").split() or ISGS
    isgs = [g for g in isg_list if g in genes]
    if not isgs:
        print("\nno interferon-stimulated gene of the list is in the panel: no IFN table")
        return
    gi = [genes.index(g) for g in isgs]
    stim, ctrl = condition == "stim", condition == "ctrl"

    def lfc(values, present):
        """Mean over ISGs of mean log2(CPM+1) in stim minus ctrl samples, over samples where the type is present."""
        s, c = stim & present, ctrl & present
        if s.sum() == 0 or c.sum() == 0:
            return np.nan
        return float((values[s][:, gi].mean(axis=0) - values[c][:, gi].mean(axis=0)).mean())

    bulk = log2cpm(cohort.X.toarray() if hasattr(cohort.X, "toarray") else cohort.X)
    ifn = {"truth": {}, "bulk": {}}
    for t in types:
        present = props[t].values > 0
        ifn["truth"][t] = lfc(log2cpm(cohort.layers[t.replace("/", "_")]), present)
        ifn["bulk"][t] = lfc(bulk, present)
    for mode in MODES:
        per_seed = []
        for s in seeds:
            dec = anndata.read_h5ad(os.path.join(work, f"dec_{s}_{mode}", "gep.h5ad"))
            dec = dec[cohort.obs_names, genes]
            per_seed.append({t: lfc(np.asarray(dec.layers[t.replace("/", "_")], dtype=float), props[t].values > 0)
                             for t in types})
        ifn[mode] = pd.DataFrame(per_seed).mean(axis=0).to_dict()
    table = pd.DataFrame(ifn).reindex(types)
    n_present = pd.DataFrame({"n_ctrl": [(ctrl & (props[t].values > 0)).sum() for t in types],
                              "n_stim": [(stim & (props[t].values > 0)).sum() for t in types]}, index=types)
    print(f"\ninterferon response: mean log2 fold change stim vs ctrl over {len(isgs)} ISGs in the panel "
          f"({', '.join(isgs)}); GEPs in log2(CPM + 1) over the panel, samples where the type is present; "
          f"mean over seeds")
    print(pd.concat([table.applymap(lambda v: f"{v:.3f}"), n_present], axis=1).to_string())
    print("\nagainst the truth, over types:")
    for m in ["bulk", *MODES]:
        x, y = table[m].values, table["truth"].values
        ok = np.isfinite(x) & np.isfinite(y)
        constant = ok.sum() < 3 or np.ptp(x[ok]) == 0 or np.ptp(y[ok]) == 0
        r = "undefined (constant)" if constant else f"{np.corrcoef(x[ok], y[ok])[0, 1]:.3f}"
        strongest = "none (the same in every type)" if np.ptp(x[ok]) == 0 else table[m].idxmax()
        print(f"{m}: r {r}, mean |difference| {np.mean(np.abs(x[ok] - y[ok])):.3f}, "
              f"strongest: {strongest} (truth: {table['truth'].idxmax()})")

    props_files = [os.path.join(scores, f"{s}_proportions.txt") for s in seeds]
    if all(os.path.exists(p) for p in props_files):
        vals = np.array([[float(line.split("\t")[1]) for line in open(p)] for p in props_files])
        sd = vals.std(0, ddof=1) if len(seeds) > 1 else vals[0] * 0
        print("\nproportions (overall CCC, overall r, median per-type r), mean over seeds (sd): "
              + ", ".join(f"{m:.3f} ({d:.3f})" for m, d in zip(vals.mean(0), sd)))


if __name__ == "__main__":
    main()

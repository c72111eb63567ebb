#!/usr/bin/env python3
"""Summarises bench/aml_donor_gep.sh: per cell type, the median per-gene across-sample r of each method,
averaged over the seeds (sd over seeds in brackets when there are several), and the proportion scores.
Usage: gep_table.py SCORES_DIR SEED [SEED ...]"""
import os
import sys

import numpy as np
import pandas as pd

scores, seeds = sys.argv[1], sys.argv[2:]


def read(name, column):
    t = pd.read_csv(os.path.join(scores, name + ".tsv"), sep="\t")
    return t.set_index("type")[column]


for column, title in (("median_gene_pearson", "median per-gene r across held-out samples"),
                      ("median_gene_partial_r", "median per-gene partial r given the true proportion")):
    columns = {"bulk": read("bulk", column)}
    for variant in ("mixed", "one"):
        for mode in ("reference", "network", "posterior"):
            runs = pd.concat([read(f"{variant}_{s}_{mode}", column) for s in seeds], axis=1)
            columns[f"{variant}:{mode}"] = runs.mean(axis=1)
    table = pd.DataFrame(columns)
    print(f"\n{title}, mean over seeds", " ".join(seeds))
    print(table.round(3).to_string())
    print("median over types:")
    print(table.median().round(3).to_string())
    for variant in ("mixed", "one"):
        for mode in ("network", "posterior"):
            anchor = table[f"{variant}:reference"]
            better = (table[f"{variant}:{mode}"] >= anchor + 0.05).sum()
            over_bulk = (table[f"{variant}:{mode}"] >= table["bulk"] + 0.1).sum()
            print(f"{variant}:{mode}: beats the reference posterior by >= 0.05 in {better} of {len(table)} types; "
                  f"the bulk by >= 0.1 in {over_bulk}")
print("\nproportions on the held-out patients (overall CCC, overall r, median per-type r):")
for variant in ("mixed", "one"):
    vals = []
    for s in seeds:
        with open(os.path.join(scores, f"{variant}_{s}_proportions.txt")) as f:
            vals.append([float(line.split("\t")[1]) for line in f])
    v = np.array(vals)
    print(f"{variant}: " + ", ".join(f"{m:.3f} (sd {d:.3f})" for m, d in zip(v.mean(0), v.std(0, ddof=1) if len(seeds) > 1 else v[0] * 0)))

#!/usr/bin/python3
"""Metrics of predicted proportions against a truth table through a predicted->truth type map (METHOD 3):
per truth type and overall (all sample x type values pooled) Lin's CCC and Pearson r.
Usage: model_metrics.py PROPORTIONS.tsv TRUTH.tsv MAP.tsv [LABEL]"""
import sys

import numpy as np


def read_table(path):
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    return header[1:], {r[0]: np.array([float(x) for x in r[1:]]) for r in rows}


def ccc(x, y):
    mx, my = x.mean(), y.mean()
    return 2 * ((x - mx) * (y - my)).mean() / (x.var() + y.var() + (mx - my) ** 2)


def main():
    pred_cols, pred = read_table(sys.argv[1])
    truth_cols, truth = read_table(sys.argv[2])
    label = sys.argv[4] if len(sys.argv) > 4 else "blue"
    mapping = {}
    with open(sys.argv[3]) as f:
        f.readline()
        for line in f:
            p, t = line.rstrip("\n").split("\t")[:2]
            mapping.setdefault(t, []).append(p)
    samples = [s for s in truth if s in pred]
    if len(samples) != len(truth):
        sys.exit(f"samples differ: truth {sorted(truth)} predicted {sorted(pred)}")
    all_p, all_t = [], []
    print(f"{label}\ttype\tccc\tpearson")
    for t, sources in mapping.items():
        p = np.array([sum(pred[s][pred_cols.index(c)] for c in sources) for s in samples])
        y = np.array([truth[s][truth_cols.index(t)] for s in samples])
        all_p.append(p)
        all_t.append(y)
        print(f"{label}\t{t}\t{ccc(p, y):.3f}\t{np.corrcoef(p, y)[0, 1]:.3f}")
    p, y = np.concatenate(all_p), np.concatenate(all_t)
    print(f"{label}\toverall\t{ccc(p, y):.3f}\t{np.corrcoef(p, y)[0, 1]:.3f}")


main()

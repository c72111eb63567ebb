#!/usr/bin/python3
"""blue nnls vs scipy.optimize.nnls on the same problems (run from the project root with Debian's python):

    /usr/bin/python3 bench/nnls_vs_scipy.py [--blue build/blue] [--n 10000] [--threads 1]

Problems: CIBERSORT LM22 (547 genes x 22 types) as signature; n mixtures with p ~ flat Dirichlet and
y = (S p) * exp(0.3 z) (as bench/bench_nnls.cpp, but drawn with numpy, seed 7). The script writes them to a
TSV (17 significant digits), runs `blue nnls --signature LM22 --bulk that.tsv`, rebuilds blue's
un-normalised solution x = proportion * total (fit.tsv), and solves each problem with scipy.
Reports the largest |x_blue - x_scipy| (must be <= 1e-6) and the speed of both: scipy's solve loop alone,
and blue's whole command (reading, solving, writing) as well as its solve time excluding I/O (from the log).
Exit status 1 when the solutions differ by more than 1e-6.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
from scipy.optimize import nnls

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LM22 = os.path.join(ROOT, "..", "shared", "data", "signatures", "CIBERSORT-DATA_LM22.txt")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--blue", default=os.path.join(ROOT, "build", "blue"))
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()

    sig = pd.read_csv(LM22, sep="\t", index_col=0)
    S = sig.values.astype(float)
    rng = np.random.default_rng(7)
    P = rng.dirichlet(np.ones(S.shape[1]), size=args.n)
    Y = (S @ P.T) * np.exp(0.3 * rng.standard_normal((S.shape[0], args.n)))
    samples = [f"m{j}" for j in range(args.n)]

    with tempfile.TemporaryDirectory() as tmp:
        bulk = os.path.join(tmp, "mixtures.tsv")
        pd.DataFrame(Y, index=sig.index, columns=samples).to_csv(bulk, sep="\t", float_format="%.17g",
                                                                  index_label="gene")
        out = os.path.join(tmp, "out")
        t0 = time.perf_counter()
        run = subprocess.run([args.blue, "nnls", "--signature", LM22, "--bulk", bulk, "--out", out,
                              "--threads", str(args.threads)], capture_output=True, text=True)
        blue_wall = time.perf_counter() - t0
        if run.returncode != 0:
            sys.exit("blue nnls failed:\n" + run.stderr)
        prop = pd.read_csv(os.path.join(out, "proportions.tsv"), sep="\t", index_col=0)
        fit = pd.read_csv(os.path.join(out, "fit.tsv"), sep="\t", index_col=0)
    x_blue = prop.loc[samples, list(sig.columns)].values * fit.loc[samples, "total"].values[:, None]

    t0 = time.perf_counter()
    x_scipy = np.array([nnls(S, Y[:, j])[0] for j in range(args.n)])
    scipy_time = time.perf_counter() - t0

    diff = np.abs(x_blue - x_scipy).max()
    print(f"problems: LM22 {S.shape[0]} genes x {S.shape[1]} types, {args.n} mixtures")
    print(f"max |x_blue - x_scipy| = {diff:.3g} (largest coefficient {x_scipy.max():.3g})")
    print(f"scipy.optimize.nnls: {scipy_time:.2f} s = {args.n / scipy_time:,.0f} samples/s (solve loop only)")
    solve = re.search(r"solved \d+ samples in ([0-9.]+) s", run.stderr)
    print(f"blue nnls --threads {args.threads}: whole command {blue_wall:.2f} s = {args.n / blue_wall:,.0f} "
          f"samples/s (start-up, reading the TSV, solving, writing)")
    if solve:
        solve_time = float(solve.group(1))
        print(f"blue nnls solve step alone: {solve_time:.3f} s = {args.n / solve_time:,.0f} samples/s; "
              f"speed ratio vs scipy {scipy_time / solve_time:.1f}x")
    print(f"speed ratio (whole blue command vs scipy solve loop): {scipy_time / blue_wall:.1f}x")
    if diff > 1e-6:
        sys.exit(f"FAIL: solutions differ by {diff:.3g} > 1e-6")
    print("OK: solutions agree within 1e-6")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A large synthetic bulk cohort for the streaming benchmark (bench/streaming_deconvolve.sh).

Reads a labelled single-cell reference (.h5ad, raw counts, obs column `cell_type`), takes each type's mean
profile (CPM) over the genes expressed in any type, and writes N samples as a dense .h5ad (obs = samples,
var = genes, float32 X, anndata's on-disk layout), each a flat-Dirichlet mixture of the type profiles with
log-normal gene noise (sd 0.3 in natural log), scaled to 1e6. Written in blocks, so memory stays small.

Usage: make_large_bulk.py REFERENCE.h5ad OUT.h5ad N [SEED]
"""
import sys

import anndata
import h5py
import numpy as np


def string_array(group, name, values):
    d = group.create_dataset(name, data=np.array(values, dtype=object), dtype=h5py.string_dtype("utf-8"))
    d.attrs["encoding-type"] = "string-array"
    d.attrs["encoding-version"] = "0.2.0"


def frame(f, name, index):
    g = f.create_group(name)
    g.attrs["encoding-type"] = "dataframe"
    g.attrs["encoding-version"] = "0.2.0"
    g.attrs["_index"] = "_index"
    g.attrs["column-order"] = np.array([], dtype="float64")
    string_array(g, "_index", index)


def main():
    ref_path, out_path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = np.random.default_rng(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    ref = anndata.read_h5ad(ref_path)
    labels = ref.obs["cell_type"].astype(str).values
    types = sorted(t for t in set(labels) if t not in ("", "nan"))
    x = ref.X.tocsr() if hasattr(ref.X, "tocsr") else np.asarray(ref.X)
    profiles = []
    for t in types:
        rows = x[labels == t]
        mean = np.asarray(rows.mean(axis=0)).ravel()
        profiles.append(mean / mean.sum() * 1e6)
    profiles = np.vstack(profiles)  # types x genes
    keep = profiles.max(axis=0) > 0
    profiles = profiles[:, keep].astype(np.float32)
    genes = list(ref.var_names[keep])
    with h5py.File(out_path, "w") as f:
        f.attrs["encoding-type"] = "anndata"
        f.attrs["encoding-version"] = "0.1.0"
        X = f.create_dataset("X", shape=(n, len(genes)), dtype="float32")
        X.attrs["encoding-type"] = "array"
        X.attrs["encoding-version"] = "0.2.0"
        block = 2000
        for start in range(0, n, block):
            m = min(block, n - start)
            w = rng.dirichlet(np.ones(len(types)), size=m).astype(np.float32)
            y = w @ profiles
            y *= np.exp(rng.normal(0.0, 0.3, size=y.shape)).astype(np.float32)
            y *= 1e6 / y.sum(axis=1, keepdims=True)
            X[start:start + m] = y
        frame(f, "obs", [f"sample{i + 1}" for i in range(n)])
        frame(f, "var", genes)
        for empty in ("layers", "obsm", "obsp", "varm", "varp", "uns"):
            g = f.create_group(empty)
            g.attrs["encoding-type"] = "dict"
            g.attrs["encoding-version"] = "0.1.0"
    print(f"{out_path}: {n} samples x {len(genes)} genes ({len(types)} types mixed)")


if __name__ == "__main__":
    main()

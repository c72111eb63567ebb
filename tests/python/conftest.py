"""Fixtures of the Python module's tests: the example data, the `blue` executable and two small models trained on
the same reference with the same options, one by `blue train` and one by blue.train.

Run by ctest (tests/CMakeLists.txt sets PYTHONPATH to the built module and BLUE_EXE), or by hand from the
repository root: PYTHONPATH=build/python BLUE_EXE=build/blue /usr/bin/python3 -m pytest tests/python
"""
import os
import pathlib
import subprocess
import sys

import anndata
import numpy as np
import pandas as pd
import pytest
import scipy.sparse

SOURCE = pathlib.Path(os.environ.get("BLUE_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
BLUE_EXE = os.environ.get("BLUE_EXE", str(SOURCE / "build" / "blue"))
if not any(pathlib.Path(p, "blue", "__init__.py").exists() for p in sys.path if p):
    sys.path.insert(0, str(SOURCE / "build" / "python"))

import blue  # noqa: E402

EXAMPLES = SOURCE / "examples"
REFERENCE = EXAMPLES / "pbmc3k_example.h5ad"
BULK = EXAMPLES / "finotello_bulk.tsv.gz"

# A small network trained in seconds (as tests/test_model_cli.cpp's): the fast preset with smaller widths and less
# data, 2 threads so that the same seed gives the same weights in both front ends.
TRAIN = dict(preset="fast", seed=7, threads=2, projection=128, base_channels=2, samples=300, val_samples=50,
             epochs=3, batch_size=16)


def cli_args(options):
    """The `blue train` options of a dict of blue.train keywords."""
    args = []
    for key, value in options.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    return args


def run_blue(*args, expect=0):
    r = subprocess.run([BLUE_EXE, *map(str, args)], capture_output=True, text=True)
    assert r.returncode == expect, f"blue {' '.join(map(str, args))} exited {r.returncode}:\n{r.stderr}"
    return r


class GuardedCsr(scipy.sparse.csr_matrix):
    """A CSR matrix that refuses to become dense: blue must hand its arrays over as they are."""

    def _refuse(self, *args, **kwargs):
        raise AssertionError("the sparse reference was densified")

    toarray = todense = __array__ = _refuse

    @property
    def A(self):  # noqa: N802 (scipy's name)
        self._refuse()


@pytest.fixture(scope="session")
def reference():
    return anndata.read_h5ad(REFERENCE)


@pytest.fixture(scope="session")
def guarded_reference(reference):
    a = reference.copy()
    a.X = GuardedCsr(reference.X)
    return a


@pytest.fixture(scope="session")
def bulk():
    """The Finotello bulk as `blue deconvolve --bulk` reads it: genes x samples (values read back exactly)."""
    return pd.read_csv(BULK, sep="\t", index_col=0, float_precision="round_trip")


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("blue_python")


@pytest.fixture(scope="session")
def cli_model(workdir):
    path = workdir / "cli.blue"
    run_blue("train", "-r", REFERENCE, "--label-key", "cell_type", "--out", path, *cli_args(TRAIN), "--quiet")
    return path


@pytest.fixture(scope="session")
def py_model(guarded_reference):
    return blue.train(guarded_reference, "cell_type", **TRAIN)


def read_tsv(path):
    return pd.read_csv(path, sep="\t", index_col=0, float_precision="round_trip")


def assert_frames_close(a, b, rtol=1e-6, atol=1e-7):
    assert list(a.index) == list(b.index)
    assert list(a.columns) == list(b.columns)
    np.testing.assert_allclose(a.to_numpy(dtype=float), b.to_numpy(dtype=float), rtol=rtol, atol=atol)

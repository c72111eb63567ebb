"""blue.train, Model.deconvolve, Model.save/load against `blue train` and `blue deconvolve` on the same inputs."""
import numpy as np
import pandas as pd
import pytest

import anndata
import blue
from conftest import BULK, GuardedCsr, assert_frames_close, read_tsv, run_blue


def test_python_training_equals_cli_training(cli_model, py_model, bulk):
    """Same reference, options, seed and thread count: the same network, so the same proportions (the only
    difference in the files is the reference's name, a path for the CLI, "AnnData" here)."""
    cli = blue.Model.load(cli_model)
    assert py_model.genes == cli.genes and len(cli.genes) > 100
    assert py_model.cell_types == cli.cell_types == sorted(set(cli.cell_types))
    assert len(py_model.cell_types) == 9  # the 62 unlabelled (NaN) cells were dropped, not made a type
    assert py_model.meta["training"] == cli.meta["training"]
    assert py_model.meta["training"]["preset"] == "fast" and py_model.meta["training"]["lr_step_epochs"] == 20
    pd.testing.assert_frame_equal(py_model.training_log, cli.training_log, rtol=1e-6)
    # Tolerance: identical weights give identical floats; 1e-6 leaves room for nothing but rounding.
    assert_frames_close(py_model.deconvolve(bulk).obsm["proportions"], cli.deconvolve(bulk).obsm["proportions"],
                        rtol=0, atol=1e-6)
    assert py_model.test_metrics.loc["overall", "ccc"] > 0.3  # learnt something in 3 tiny epochs


@pytest.fixture(scope="module")
def cli_deconvolution(cli_model, workdir):
    out = workdir / "cli_deconvolve"
    run_blue("deconvolve", "-m", cli_model, "-b", BULK, "-o", out, "--threads", 2, "--quiet")
    return out


def test_deconvolve_equals_cli_outputs(cli_model, cli_deconvolution, bulk):
    """The AnnData holds what `blue deconvolve` writes: proportions.tsv, gep.h5ad, diagnostics.tsv,
    unexplained_genes.tsv, rna_fractions.tsv."""
    result = blue.Model.load(cli_model).deconvolve(bulk, threads=2)
    out = cli_deconvolution
    proportions = read_tsv(out / "proportions.tsv")
    proportions.index.name = None
    assert_frames_close(result.obsm["proportions"], proportions, rtol=0, atol=1e-7)
    np.testing.assert_allclose(result.obsm["proportions"].sum(axis=1), 1, atol=1e-5)

    gep = anndata.read_h5ad(out / "gep.h5ad")
    assert list(result.obs_names) == list(gep.obs_names) == list(bulk.columns)
    assert list(result.var_names) == list(gep.var_names) == blue.Model.load(cli_model).genes
    np.testing.assert_allclose(result.X, gep.X, rtol=0, atol=1e-6)
    assert sorted(result.layers.keys()) == sorted(gep.layers.keys())
    assert len(result.layers) == 27  # per type: log2(CPM + 1), CPM, share
    for name in gep.layers.keys():
        np.testing.assert_allclose(result.layers[name], gep.layers[name], rtol=1e-6, atol=1e-6, err_msg=name)
    np.testing.assert_allclose(result.obsm["proportions"].to_numpy(), gep.obsm["proportions"], atol=1e-7)
    for key in ("cell_types", "proportions_columns", "gep_mode"):
        assert list(result.uns[key]) == list(gep.uns[key]), key
    assert list(result.uns["gep_mode"]) == ["reference"]

    diagnostics = read_tsv(out / "diagnostics.tsv")
    for column in diagnostics.columns:
        np.testing.assert_allclose(result.obs[column].astype(float), diagnostics[column], rtol=1e-6, err_msg=column)
    assert result.obs["flagged"].dtype == bool

    listed = pd.read_csv(out / "unexplained_genes.tsv", sep="\t")
    mine = result.uns["unexplained_genes"]
    assert list(mine["gene"]) == list(listed["gene"]) and len(listed) > 0
    assert list(mine["sample"]) == list(listed["sample"])
    np.testing.assert_allclose(mine["bulk_cpm"], listed["bulk_cpm"], rtol=1e-5)

    rna = read_tsv(out / "rna_fractions.tsv")
    rna.index.name = None
    assert_frames_close(result.obsm["rna_fractions"], rna, rtol=0, atol=1e-7)


def test_deconvolve_options_equal_cli_options(cli_model, workdir, bulk):
    """nnls_weight, gep_mode and adapt as the CLI's --nnls-weight, --gep-mode and --adapt."""
    out = workdir / "cli_options"
    run_blue("deconvolve", "-m", cli_model, "-b", BULK, "-o", out, "--nnls-weight", 0.4, "--gep-mode", "network",
             "--adapt", "--adapt-rounds", 1, "--threads", 2, "--quiet")
    result = blue.Model.load(cli_model).deconvolve(bulk, nnls_weight=0.4, gep_mode="network", adapt=True,
                                                   adapt_rounds=1, threads=2)
    for name, obsm in (("proportions", "proportions"), ("proportions_nnls", "proportions_nnls")):
        table = read_tsv(out / f"{name}.tsv")
        table.index.name = None
        assert_frames_close(result.obsm[obsm], table, rtol=0, atol=1e-6)
    bias = read_tsv(out / "gene_bias.tsv")
    np.testing.assert_allclose(result.var["gene_bias_log2"], bias["bias_log2"], rtol=1e-6, atol=1e-9)
    assert list(result.uns["gep_mode"]) == ["network"]


def test_anndata_bulk_equals_dataframe_bulk(py_model, bulk):
    """Bulk as an AnnData (samples x genes) gives what the same values as a DataFrame (genes x samples) give."""
    as_anndata = anndata.AnnData(X=bulk.T.to_numpy(dtype=np.float32), obs=pd.DataFrame(index=bulk.columns),
                                 var=pd.DataFrame(index=bulk.index))
    assert_frames_close(py_model.deconvolve(as_anndata).obsm["proportions"],
                        py_model.deconvolve(bulk).obsm["proportions"], rtol=0, atol=1e-7)


def test_save_load_round_trip_and_cli_reads_python_models(py_model, cli_model, workdir, bulk):
    path = workdir / "py.blue"
    py_model.save(path)
    loaded = blue.Model.load(path)
    assert loaded.genes == py_model.genes and loaded.cell_types == py_model.cell_types
    assert loaded.meta["reference"]["file"] == "AnnData"
    assert_frames_close(loaded.deconvolve(bulk).obsm["proportions"], py_model.deconvolve(bulk).obsm["proportions"],
                        rtol=0, atol=0)
    # The CLI deconvolves with the model written here, to the same numbers.
    out = workdir / "cli_reads_python"
    run_blue("deconvolve", "-m", path, "-b", BULK, "-o", out, "--threads", 2, "--quiet")
    cli = read_tsv(out / "proportions.tsv")
    cli.index.name = None
    assert_frames_close(py_model.deconvolve(bulk, threads=2).obsm["proportions"], cli, rtol=0, atol=1e-7)
    # Loading the CLI's model and saving it again writes the same bytes.
    again = workdir / "again.blue"
    blue.Model.load(cli_model).save(again)
    assert again.read_bytes() == cli_model.read_bytes()
    with pytest.raises(RuntimeError, match="already exists"):
        py_model.save(path, overwrite=False)


def test_sparse_reference_is_not_densified(guarded_reference, reference):
    """py_model trained on a CSR matrix that refuses toarray(); CSR, CSC, dense and a layer give the same
    signature (over a listed panel, quick)."""
    panel = list(reference.var_names[:300])
    from_csr = blue.signature(guarded_reference, "cell_type", genes=panel)
    csc = reference.copy()
    csc.X = reference.X.tocsc()
    dense = reference.copy()
    dense.X = reference.X.toarray()
    assert_frames_close(blue.signature(csc, "cell_type", genes=panel), from_csr, rtol=0, atol=0)
    assert_frames_close(blue.signature(dense, "cell_type", genes=panel), from_csr, rtol=0, atol=0)
    layered = reference.copy()
    layered.layers["counts"] = GuardedCsr(reference.X)
    layered.X.data[:] = 1  # X now holds something else: only the layer gives the same signature
    assert_frames_close(blue.signature(layered, "cell_type", layer="counts", genes=panel), from_csr, rtol=0, atol=0)
    assert not np.allclose(blue.signature(layered, "cell_type", genes=panel), from_csr)

"""blue.signature, blue.nnls and blue.evaluate against `blue signature`, `blue nnls` and `blue evaluate`."""
import numpy as np
import pandas as pd
import pytest

import blue
from conftest import BULK, EXAMPLES, REFERENCE, assert_frames_close, read_tsv, run_blue


def test_signature_nnls_and_evaluate_equal_the_cli(reference, bulk, workdir):
    signature_tsv = workdir / "signature.tsv"
    run_blue("signature", "-r", REFERENCE, "--label-key", "cell_type", "-o", signature_tsv, "--quiet")
    signature = blue.signature(reference, "cell_type", bulk=None)
    cli_signature = read_tsv(signature_tsv)
    assert_frames_close(signature, cli_signature, rtol=1e-12, atol=0)
    assert signature.attrs["selection"]["genes_per_type"] >= 50
    assert list(signature.columns) == sorted(set(reference.obs["cell_type"].dropna()))

    out = workdir / "cli_nnls"
    run_blue("nnls", "-b", BULK, "-s", signature_tsv, "-o", out, "--quiet")
    full = blue.nnls(bulk, signature, full_output=True)
    cli_proportions = read_tsv(out / "proportions.tsv")
    assert_frames_close(full["proportions"], cli_proportions, rtol=0, atol=1e-12)
    np.testing.assert_allclose(full["proportions"].sum(axis=1), 1, atol=1e-9)
    assert_frames_close(full["fit"], read_tsv(out / "fit.tsv"), rtol=1e-9, atol=1e-12)
    assert len(full["genes_used"]) > 100 and full["condition_number"] > 1

    metrics_tsv = workdir / "metrics.tsv"
    truth = EXAMPLES / "finotello_truth.tsv"
    mapping = EXAMPLES / "finotello_map.tsv"
    run_blue("evaluate", "--pred", out / "proportions.tsv", "--truth", truth, "--map", mapping, "-o", metrics_tsv,
             "--quiet")
    metrics = blue.evaluate(full["proportions"], read_tsv(truth), mapping=mapping)
    cli_metrics = pd.read_csv(metrics_tsv, sep="\t", index_col=0)
    assert list(metrics.index) == list(cli_metrics.index) and metrics.index[-1] == "overall"
    assert list(metrics.columns) == [c for c in cli_metrics.columns if c != "sources"]  # sources: in attrs
    np.testing.assert_allclose(metrics[["ccc", "pearson", "mae"]], cli_metrics[["ccc", "pearson", "mae"]],
                               rtol=1e-5, atol=1e-9)
    # The same map as a dict.
    as_dict = dict(pd.read_csv(mapping, sep="\t")[["predicted", "truth"]].itertuples(index=False))
    pd.testing.assert_frame_equal(blue.evaluate(full["proportions"], read_tsv(truth), mapping=as_dict), metrics)
    assert metrics.attrs["truth_without_source"] == ["Neutrophils", "Tregs"]


def test_evaluate_takes_a_deconvolution_and_checks_names(py_model, bulk):
    result = py_model.deconvolve(bulk)
    truth = result.obsm["proportions"].copy()
    metrics = blue.evaluate(result, truth)
    assert metrics.loc["overall", "ccc"] == pytest.approx(1.0) and metrics.loc["overall", "mae"] == 0.0
    with pytest.raises(ValueError, match="sample"):
        blue.evaluate(result, truth.rename(index=lambda s: s + "_x"))


def test_profiles_signature(reference):
    """Per-type mean profiles (a DataFrame) give the same specific-gene signature as the cells they came from."""
    counts = reference[reference.obs["cell_type"].notna()]
    totals = np.asarray(counts.X.sum(axis=1)).ravel()
    cpm = counts.X.multiply(1e6 / totals[:, None]).tocsr()
    labels = counts.obs["cell_type"].astype(str).to_numpy()
    types = sorted(set(labels))
    profiles = pd.DataFrame({t: np.asarray(cpm[labels == t].mean(axis=0)).ravel() for t in types},
                            index=counts.var_names)
    genes = list(reference.var_names[:200])
    from_cells = blue.signature(reference, "cell_type", genes=genes)
    from_profiles = blue.signature(profiles, genes=genes)
    np.testing.assert_allclose(from_profiles.to_numpy(), from_cells.to_numpy(), rtol=2e-3)
    with pytest.raises(ValueError, match="panel markers needs single cells"):
        blue.signature(profiles, panel="markers")

"""Bad inputs raise ValueError with the library's message (option names spelt as this module's keywords), other
failures RuntimeError; the library's log messages reach Python's logging, never with the GIL held."""
import logging

import anndata
import numpy as np
import pandas as pd
import pytest
import scipy.sparse

import blue
from conftest import TRAIN


def tiny_reference(counts, labels):
    return anndata.AnnData(X=scipy.sparse.csr_matrix(np.asarray(counts, dtype=np.float32)),
                           obs=pd.DataFrame({"cell_type": labels}, index=[f"c{i}" for i in range(len(labels))]),
                           var=pd.DataFrame(index=[f"g{j}" for j in range(np.shape(counts)[1])]))


def test_bad_training_inputs_raise_value_error(reference):
    with pytest.raises(ValueError, match="no obs column 'celltype'.*cell_type"):
        blue.train(reference, "celltype")
    with pytest.raises(ValueError, match="no layer 'counts'"):
        blue.train(reference, "cell_type", layer="counts")
    with pytest.raises(ValueError, match="preset must be fast or full, got 'medium'"):
        blue.train(reference, "cell_type", preset="medium")
    with pytest.raises(ValueError, match=r"invalid options:\n  - epochs must be at least 1, got 0"):
        blue.train(reference, "cell_type", epochs=0)
    with pytest.raises(ValueError, match="mrna_map maps cell types onto the rows of mrna_content"):
        blue.train(reference, "cell_type", mrna_map="map.tsv")
    with pytest.raises(ValueError, match="option seed = 'seven' has the wrong type"):
        blue.train(reference, "cell_type", seed="seven")
    with pytest.raises(TypeError):
        blue.train(reference, "cell_type", epoch=3)  # a misspelt keyword
    with pytest.raises(TypeError, match="takes an AnnData"):
        blue.train(reference.to_df(), "cell_type")
    # The data: negative counts, a type too small to split, no label at all.
    with pytest.raises(ValueError, match="count -1 is negative; expected raw counts"):
        blue.train(tiny_reference([[1, 2], [-1, 3], [4, 0]], ["a", "b", "b"]), "cell_type", **TRAIN)
    with pytest.raises(ValueError, match="fewer than 3.*exclude_types"):
        blue.train(tiny_reference([[1, 2], [2, 3], [4, 1], [5, 0]], ["a", "b", "b", "b"]), "cell_type", **TRAIN)
    with pytest.raises(ValueError, match="all 2 cells have a missing label"):
        blue.train(tiny_reference([[1, 2], [2, 3]], [np.nan, None]), "cell_type", **TRAIN)
    broken = tiny_reference([[1, 2], [2, 3]], ["a", "b"])
    broken.X.indices[0] = 5  # a column index out of range: checked like a file's
    with pytest.raises(ValueError, match="AnnData X"):
        blue.train(broken, "cell_type", **TRAIN)


def test_bad_models_and_bulk_raise_value_error(py_model, bulk, workdir):
    with pytest.raises(ValueError, match="not found|cannot"):
        blue.Model.load(workdir / "missing.blue")
    truncated = workdir / "truncated.blue"
    py_model.save(truncated)
    truncated.write_bytes(truncated.read_bytes()[:1000])
    with pytest.raises(ValueError, match="corrupt or truncated"):
        blue.Model.load(truncated)
    with pytest.raises(ValueError, match="adapt.*at least 5 samples, got 2"):
        py_model.deconvolve(bulk.iloc[:, :2], adapt=True)
    with pytest.raises(ValueError, match="nnls_weight must be in \\[0, 1\\], got 2"):
        py_model.deconvolve(bulk, nnls_weight=2)
    with pytest.raises(ValueError, match="gep_mode 'best'"):
        py_model.deconvolve(bulk, gep_mode="best")
    renamed = bulk.rename(index=lambda g: "x" + g)
    with pytest.raises(ValueError, match="missing"):
        py_model.deconvolve(renamed)
    with_nan = bulk.copy()
    with_nan.iloc[3, 1] = np.nan
    with pytest.raises(ValueError, match="not a finite number"):
        py_model.deconvolve(with_nan)
    with pytest.raises(ValueError, match="looks log-transformed"):
        py_model.deconvolve(np.log2(bulk + 1))
    with pytest.raises(TypeError, match="DataFrame"):
        py_model.deconvolve(bulk.to_numpy())


def test_log_messages_reach_python_logging(reference, caplog):
    with caplog.at_level(logging.INFO, logger="blue"):
        blue.signature(reference, "cell_type", genes=list(reference.var_names[:100]))
    messages = [r.getMessage() for r in caplog.records if r.name == "blue"]
    assert any(m.startswith("[io] AnnData X: 62 of 2700 cells have a missing label") for m in messages), messages
    assert any(m.startswith("[signature]") for m in messages), messages
    warnings = [r for r in caplog.records if r.name == "blue" and r.levelno == logging.WARNING]
    assert warnings and "missing label" in warnings[0].getMessage()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="blue"):
        blue.signature(reference, "cell_type", genes=list(reference.var_names[:100]))
    assert all(r.levelno >= logging.WARNING for r in caplog.records if r.name == "blue")


def test_computations_release_the_gil(py_model, bulk, reference):
    """Every message so far was logged by a thread that had released the GIL (the bindings release it around
    the library's work; a message logged while holding it would mean they did not)."""
    logging.getLogger("blue").setLevel(logging.DEBUG)
    try:
        py_model.deconvolve(bulk)
        blue.signature(reference, "cell_type", genes=list(reference.var_names[:100]))
    finally:
        logging.getLogger("blue").setLevel(logging.NOTSET)
    assert blue._blue._log_calls_holding_gil() == 0

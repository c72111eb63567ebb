"""blue: deconvolution of bulk RNA-seq with a labelled single-cell reference, from Python.

The computations are blue's C++ library (the extension ``blue._blue``), the same code as the ``blue`` command
line tool: a model trained here is a ``model.blue`` file that ``blue deconvolve`` reads, and the reverse. This
module only turns AnnData objects and pandas DataFrames into the arrays the library takes, and its results back.
See docs/python.md.

Errors: bad input (options out of range, data that cannot be used) raises ValueError, anything else
RuntimeError, with the library's message. Log messages go to the logger "blue" (``logging``).
"""
import inspect
import logging
import os
import re

import numpy as np
import pandas as pd
import scipy.sparse

from . import _blue

__version__ = _blue.__version__
__all__ = ["Model", "train", "signature", "nnls", "evaluate", "torch_version"]

# No handler of its own: without any logging configuration Python prints blue's warnings on stderr (its
# last-resort handler) and drops the info messages; logging.basicConfig(level=logging.INFO) shows the progress.
torch_version = _blue.torch_version


# --- conversions -------------------------------------------------------------------------------------------------

def _names(index):
    return [str(x) for x in index]


def _labels(values):
    """Per-cell labels as strings; missing ones (NaN, None) as "" (the library drops those cells, with a warning)."""
    series = pd.Series(values, dtype=object)
    return ["" if pd.isna(v) else str(v) for v in series]


def _obs_column(adata, key, what):
    if key not in adata.obs.columns:
        raise ValueError(f"the AnnData has no obs column {key!r} ({what}); its obs columns are: "
                         f"{', '.join(map(str, adata.obs.columns)) or 'none'}")
    return _labels(adata.obs[key].to_numpy())


def _matrix(adata, layer):
    """The matrix of `layer` (None = X, "raw" = raw.X, else layers[layer]) and its gene names."""
    if layer is None:
        return adata.X, _names(adata.var_names), "AnnData X"
    if layer == "raw":
        if adata.raw is None:
            raise ValueError("layer='raw': the AnnData has no .raw; give layer=None for X or a name of .layers")
        return adata.raw.X, _names(adata.raw.var_names), "AnnData raw.X"
    if layer not in adata.layers:
        raise ValueError(f"the AnnData has no layer {layer!r}; its layers are: "
                         f"{', '.join(map(str, adata.layers.keys())) or 'none'} (layer=None reads X)")
    return adata.layers[layer], _names(adata.var_names), f"AnnData layer {layer!r}"


def _counts(matrix):
    """The counts as the extension takes them: a sparse matrix's compressed arrays as they are (never densified)."""
    if scipy.sparse.issparse(matrix):
        if matrix.format not in ("csr", "csc"):
            matrix = matrix.tocsr()  # COO, LIL...: converted to another sparse layout, not to a dense array
        return (matrix.format, tuple(matrix.shape), matrix.indptr, matrix.indices, matrix.data)
    if matrix is None:
        raise ValueError("the AnnData has no matrix (X is None); give the layer holding the raw counts (layer=...)")
    return ("dense", np.asarray(matrix))


def _anndata():
    import anndata  # imported when needed: only AnnData inputs and deconvolve's results need it
    return anndata


def _is_anndata(x):
    return type(x).__name__ == "AnnData" and hasattr(x, "obs") and hasattr(x, "var")


def _gene_table(table, what, layer=None):
    """(genes, columns, values genes x columns, source) of a DataFrame (genes x columns) or an AnnData (columns x
    genes, e.g. bulk samples)."""
    if _is_anndata(table):
        matrix, genes, source = _matrix(table, layer)
        values = matrix.toarray() if scipy.sparse.issparse(matrix) else np.asarray(matrix)
        return genes, _names(table.obs_names), np.asarray(values, dtype=np.float64).T, source
    if isinstance(table, pd.DataFrame):
        if layer is not None:
            raise ValueError(f"layer={layer!r} applies to an AnnData {what}, not to a DataFrame")
        try:
            values = table.to_numpy(dtype=np.float64)
        except (TypeError, ValueError) as e:
            raise ValueError(f"the {what} DataFrame must hold numbers only, genes in the index and one column per "
                             f"{'cell type' if what == 'signature' else 'sample'} ({e})") from None
        return _names(table.index), _names(table.columns), values, "DataFrame"
    raise TypeError(f"{what} must be a pandas DataFrame (genes x columns) or an AnnData (obs x genes), "
                    f"got {type(table).__name__}")


def _gene_list(genes, what):
    """A gene list given as a list, an AnnData (its var names) or a DataFrame (its index)."""
    if _is_anndata(genes):
        return _names(genes.var_names)
    if isinstance(genes, pd.DataFrame):
        return _names(genes.index)
    if isinstance(genes, str):
        raise TypeError(f"{what}: give a list of genes, a DataFrame or an AnnData (a path goes to {what}_path)")
    return _names(genes)


def _path(p):
    return None if p is None else os.fspath(p)


def _options(**kwargs):
    """The options given (not None), paths as strings."""
    return {k: (os.fspath(v) if isinstance(v, os.PathLike) else v) for k, v in kwargs.items() if v is not None}


def _table(d, index_name=None):
    frame = pd.DataFrame(d["values"], index=pd.Index(d["index"], name=index_name), columns=d["columns"])
    frame.columns.name = None
    return frame


# The library names options as the command line does (--nnls-weight); its messages are shown with this module's
# keyword names (nnls_weight) wherever one exists.
_KEYWORDS = set()


def _python_names(message):
    return re.sub(r"--([a-z][a-z0-9-]*)",
                  lambda m: m.group(1).replace("-", "_") if m.group(1).replace("-", "_") in _KEYWORDS else m.group(0),
                  message)


def _call(function, *args):
    try:
        return function(*args)
    except ValueError as e:
        raise ValueError(_python_names(str(e))) from None
    except RuntimeError as e:
        raise RuntimeError(_python_names(str(e))) from None


# --- the network -------------------------------------------------------------------------------------------------

class Model:
    """A trained blue model: the network(s) with the gene panel, the cell types and what training recorded.

    Made by :func:`train` or :meth:`Model.load`; saved by :meth:`save` in the format of ``blue train --out``.
    """

    def __init__(self, model):
        if not isinstance(model, _blue.Model):
            raise TypeError("Model objects come from blue.train() or blue.Model.load(path)")
        self._model = model

    @classmethod
    def load(cls, path):
        """Reads a model file written by ``blue train`` or :meth:`save` (ValueError if it is not one)."""
        return cls(_call(_blue.Model.load, os.fspath(path)))

    def save(self, path, overwrite=True):
        """Writes the model file (atomically: a failed write leaves nothing); ``blue deconvolve -m`` reads it."""
        _call(self._model.save, os.fspath(path), bool(overwrite))

    @property
    def cell_types(self):
        """The cell types, in the order of the proportions' columns."""
        return list(self._model.cell_types)

    @property
    def genes(self):
        """The gene panel the network reads, in input order."""
        return list(self._model.genes)

    @property
    def meta(self):
        """Everything the model file records (training options, reference, training log, test-split metrics)."""
        return self._model.meta

    @property
    def members(self):
        """Networks in the model: 1, or N for an ensemble (``ensemble=N``)."""
        return self._model.members

    @property
    def interrupted(self):
        """True when training was stopped early by Ctrl-C (the best epoch finished is kept)."""
        return self._model.interrupted

    @property
    def training_log(self):
        """One row per epoch: losses and the validation proportion CCC."""
        return pd.DataFrame(self.meta.get("training_log", [])).set_index("epoch")

    @property
    def test_metrics(self):
        """Proportion metrics on pseudobulk of the held-out test cells, per cell type and overall."""
        rows = self.meta.get("test_split", {}).get("proportions", {}).get("metrics", [])
        return pd.DataFrame(rows).set_index("type") if rows else pd.DataFrame()

    def __repr__(self):
        return (f"<blue.Model: {len(self.genes)} genes -> {len(self.cell_types)} cell types "
                f"({', '.join(self.cell_types)}), {self.members} network(s)>")

    def deconvolve(self, bulk, *, layer=None, nnls_weight=None, gep_mode=None, adapt=False, adapt_rounds=None,
                   adapt_mode=None, mrna_content=None, mrna_map=None, bulk_scale=None, gene_lengths=None,
                   gene_map=None, batch_size=None, threads=0):
        """Cell-type proportions and per-sample cell-type expression profiles (GEPs) of bulk samples.

        bulk: an AnnData (samples x genes; ``layer`` picks a layer) or a pandas DataFrame (genes x samples, as
        the TSV of ``blue deconvolve --bulk``), linear units (counts, TPM; see bulk_scale).

        Returns an AnnData laid out as ``blue deconvolve``'s gep.h5ad: obs = samples, var = the panel genes, X =
        the normalised input (log2(CPM + 1) over the panel); ``obsm["proportions"]`` a DataFrame (samples x cell
        types); per cell type the layers ``"<type>"`` (log2(CPM + 1)), ``"<type>_cpm"`` and ``"<type>_share"``;
        ``uns["cell_types"]``, ``uns["proportions_columns"]``, ``uns["gep_mode"]``; and the per-sample diagnostics
        of diagnostics.tsv as obs columns (``flagged`` True for a sample the reference explains poorly),
        ``uns["unexplained_genes"]`` (unexplained_genes.tsv), further tables in obsm (``rna_fractions``,
        ``proportions_nnls``, ``proportions_sd``, ``proportions_uncalibrated``) and, with adapt,
        ``var["gene_bias_log2"]``.
        """
        genes, samples, values, source = _gene_table(bulk, "bulk", layer)
        options = _options(nnls_weight=nnls_weight, gep_mode=gep_mode, adapt=bool(adapt), adapt_rounds=adapt_rounds,
                           adapt_mode=adapt_mode, mrna_content=mrna_content, mrna_map=mrna_map,
                           bulk_scale=bulk_scale, gene_lengths=gene_lengths, gene_map=gene_map,
                           batch_size=batch_size, threads=threads)
        r = _call(self._model.deconvolve, genes, samples, values, source, options)
        return _deconvolution_anndata(r)


def _deconvolution_anndata(r):
    index = pd.Index(r["obs_names"])
    types = list(r["uns"]["cell_types"])
    obs = pd.DataFrame(index=index)
    diagnostics = r["diagnostics"]
    for j, column in enumerate(diagnostics["columns"]):
        values = diagnostics["values"][:, j]
        obs[column] = (values != 0) if column == "flagged" else (
            values.astype(np.int64) if column == "unexplained_genes" else values)
    var = pd.DataFrame(index=pd.Index(r["var_names"]))
    if r["gene_bias"] is not None:
        var["gene_bias_log2"] = r["gene_bias"]
    obsm = {name: pd.DataFrame(values, index=index, columns=types)
            for name, values in list(r["obsm"].items()) + list(r["more_obsm"].items())}
    uns = {name: np.array(values, dtype=object) for name, values in r["uns"].items()}
    uns["unexplained_genes"] = pd.DataFrame(r["unexplained_genes"])
    if r["unmapped_content_types"]:
        uns["unmapped_content_types"] = np.array(r["unmapped_content_types"], dtype=object)
    return _anndata().AnnData(X=r["X"], obs=obs, var=var, layers=dict(r["layers"]), obsm=obsm, uns=uns)


def train(adata, label_key, *, layer=None, preset="fast", seed=None, threads=0, genes=None, bulk_genes=None,
          epochs=None, samples=None, val_samples=None, cells_per_sample=None, batch_size=None, lr=None, lr_step=None,
          projection=None, base_channels=None, select_by=None, sparse_fraction=None, platform_noise=None,
          depth=None, input_scaling=None, split_seed=None, donor_key=None, donors=None, donor_sampling=None,
          exclude_types=None, merge_types=None, mrna_content=None, mrna_map=None, sorted_profiles=None,
          sorted_map=None, ensemble=None, device=None):
    """Trains a model on pseudobulk simulated from a labelled single-cell reference (``blue train``).

    adata: an AnnData of raw counts (cells x genes) in X or in ``layer`` ("raw" = raw.X); scipy sparse (CSR or
    CSC, passed on as they are, never densified) or dense. label_key: the obs column of cell types; cells with a
    missing label are dropped (with a warning). preset: "fast" (a small network trained in minutes on a CPU;
    the default here) or "full" (the network of docs/method.md, the CLI's default); any option given wins over
    the preset. The other options are those of ``blue train`` with '_' for '-' (defaults there): seed (42), threads (0 = all
    cores; the same seed and thread count give the same model), genes (the panel: a list, or a path to a gene
    list; default the marker panel), bulk_genes (the genes the cohort measured: a list, a DataFrame or an
    AnnData, or a path), epochs, samples, ..., exclude_types / merge_types (``{"new": ["a", "b"]}``),
    donor_key (an obs column) and donors, ensemble (N networks in one model).
    """
    if not _is_anndata(adata):
        raise TypeError(f"blue.train takes an AnnData (cells x genes), got {type(adata).__name__}")
    matrix, gene_names, source = _matrix(adata, layer)
    labels = _obs_column(adata, label_key, "label_key, the cell types")
    donor_labels = _obs_column(adata, donor_key, "donor_key") if donor_key is not None else []
    if isinstance(exclude_types, str):
        exclude_types = [t for t in exclude_types.split(",") if t]
    if isinstance(merge_types, dict):
        merge_types = [f"{new}={','.join(old)}" for new, old in merge_types.items()]
    if isinstance(donors, str):
        donors = [d for d in donors.split(",") if d]
    options = _options(preset=preset, seed=seed, threads=threads, epochs=epochs, samples=samples,
                       val_samples=val_samples, cells_per_sample=cells_per_sample, batch_size=batch_size, lr=lr,
                       lr_step=lr_step, projection=projection, base_channels=base_channels, select_by=select_by,
                       sparse_fraction=sparse_fraction, platform_noise=platform_noise, depth=depth,
                       input_scaling=input_scaling, split_seed=split_seed, donor_key=donor_key,
                       donors=None if donors is None else list(donors), donor_sampling=donor_sampling,
                       exclude_types=None if exclude_types is None else list(exclude_types),
                       merge_types=None if merge_types is None else list(merge_types), mrna_content=mrna_content,
                       mrna_map=mrna_map, sorted_profiles=sorted_profiles, sorted_map=sorted_map, ensemble=ensemble,
                       device=device)
    if isinstance(genes, (str, os.PathLike)):
        options["genes_path"] = os.fspath(genes)
    elif genes is not None:
        options["genes"] = _gene_list(genes, "genes")
    if isinstance(bulk_genes, (str, os.PathLike)):
        options["bulk_genes_path"] = os.fspath(bulk_genes)
    elif bulk_genes is not None:
        options["bulk_genes"] = _gene_list(bulk_genes, "bulk_genes")
    model = _call(_blue.train, _counts(matrix), gene_names, _names(adata.obs_names), labels, donor_labels,
                  str(label_key), source, options)
    return Model(model)


# --- the signature/NNLS baseline and the evaluation ----------------------------------------------------------------

def signature(reference, label_key=None, *, layer=None, genes=None, panel=None, min_fold_change=None, min_cpm=None,
              min_detected=None, genes_per_type=None, max_missing_genes=None, bulk=None, threads=0):
    """A signature matrix (``blue signature``): the mean CPM of each cell type over its specific genes.

    reference: an AnnData of raw counts with ``label_key`` (as for :func:`train`), or a DataFrame of per-type
    mean profiles (genes x cell types, linear units). genes: the signature's genes (default: chosen by panel,
    "specific" = CIBERSORT's selection, or "markers" = the marker panel, references only). genes_per_type: N or
    (MIN, MAX), the range searched (default 50..200). bulk (optional: a DataFrame, an AnnData or a gene list):
    genes the bulk lacks are not chosen. Returns a DataFrame genes x cell types; ``attrs["selection"]`` holds
    what the specific-gene selection chose.
    """
    options = _options(genes=None if genes is None else _gene_list(genes, "genes"), panel=panel,
                       min_fold_change=min_fold_change, min_cpm=min_cpm, min_detected=min_detected,
                       max_missing_genes=max_missing_genes)
    if genes_per_type is not None:
        low, high = (genes_per_type, genes_per_type) if np.isscalar(genes_per_type) else tuple(genes_per_type)
        options.update(min_genes_per_type=int(low), max_genes_per_type=int(high))
    measured = None if bulk is None else (
        _gene_table(bulk, "bulk")[0] if _is_anndata(bulk) or isinstance(bulk, pd.DataFrame) else _names(bulk))
    if isinstance(reference, pd.DataFrame):
        if label_key is not None:
            raise ValueError("label_key applies to an AnnData reference; a DataFrame holds per-type profiles")
        genes_, types, values, source = _gene_table(reference, "profiles")
        r = _call(_blue.signature_from_profiles, genes_, types, values, source, measured, options)
    elif _is_anndata(reference):
        if label_key is None:
            raise ValueError("label_key is needed: the obs column of the reference's cell types")
        matrix, gene_names, source = _matrix(reference, layer)
        options["threads"] = threads
        r = _call(_blue.signature_from_reference, _counts(matrix), gene_names, _names(reference.obs_names),
                  _obs_column(reference, label_key, "label_key, the cell types"), str(label_key), source, measured,
                  options)
    else:
        raise TypeError("reference must be an AnnData (cells x genes, raw counts) or a DataFrame of per-type "
                        f"profiles (genes x cell types), got {type(reference).__name__}")
    table = _table(r, "gene")
    table.attrs["selection"] = r["selection"]
    return table


def nnls(bulk, signature, *, gene_scaling=None, min_genes=None, tolerance=None, max_iterations=None,
         max_missing_genes=None, bulk_scale=None, gene_lengths=None, gene_map=None, mrna_content=None, mrna_map=None,
         layer=None, threads=0, full_output=False):
    """Cell-type proportions by non-negative least squares against a signature (``blue nnls``).

    bulk: a DataFrame (genes x samples) or an AnnData (samples x genes); signature: a DataFrame (genes x cell
    types, linear units, e.g. from :func:`signature`). Returns a DataFrame samples x cell types (RNA fractions;
    cell fractions with mrna_content). full_output=True returns a dict with "proportions", "fit" (per sample:
    total, residual_norm, r2, kkt_violation, genes_used, iterations, converged), "uncalibrated", "genes_used",
    "missing_genes", "condition_number" and "condition_number_solved".
    """
    bulk_genes, samples, bulk_values, bulk_source = _gene_table(bulk, "bulk", layer)
    sig_genes, types, sig_values, sig_source = _gene_table(signature, "signature")
    options = _options(gene_scaling=gene_scaling, min_genes=min_genes, tolerance=tolerance,
                       max_iterations=max_iterations, max_missing_genes=max_missing_genes, bulk_scale=bulk_scale,
                       gene_lengths=gene_lengths, gene_map=gene_map, mrna_content=mrna_content, mrna_map=mrna_map,
                       threads=threads)
    r = _call(_blue.nnls, bulk_genes, samples, bulk_values, bulk_source, sig_genes, types, sig_values, sig_source,
              options)
    proportions = _table(r["proportions"], "sample")
    if not full_output:
        return proportions
    out = dict(r)
    out["proportions"] = proportions
    out["fit"] = _table(r["fit"], "sample")
    out["uncalibrated"] = None if r["uncalibrated"] is None else _table(r["uncalibrated"], "sample")
    return out


def _proportions(x, what):
    if _is_anndata(x):
        if "proportions" not in x.obsm:
            raise ValueError(f"{what}: the AnnData has no obsm['proportions'] (the result of Model.deconvolve has)")
        x = x.obsm["proportions"]
    if not isinstance(x, pd.DataFrame):
        raise TypeError(f"{what} must be a DataFrame (samples x cell types) or a deconvolution AnnData, "
                        f"got {type(x).__name__}")
    try:
        values = x.to_numpy(dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{what} must hold numbers only, samples in the index and one column per type ({e})") from None
    return _names(x.index), _names(x.columns), values


def evaluate(pred, truth, mapping=None):
    """Predicted against true proportions (``blue evaluate``): CCC, Pearson r, Spearman rho, MAE and RMSE per
    truth type and overall.

    pred, truth: DataFrames samples x types (pred may be Model.deconvolve's AnnData); samples are matched by name.
    mapping: predicted type -> truth type, a dict or a path to a TSV with columns predicted and truth (several
    predicted types may share a truth type: summed); default: identical names. Returns a DataFrame indexed by
    type (the last row "overall"); ``attrs`` holds "sources", "unmapped_predicted" and "truth_without_source".
    """
    pred_args = _proportions(pred, "pred")
    truth_args = _proportions(truth, "truth")
    pairs, path = None, ""
    if isinstance(mapping, (str, os.PathLike)):
        path = os.fspath(mapping)
    elif mapping is not None:
        pairs = [(str(k), str(v)) for k, v in dict(mapping).items()]
    r = _call(_blue.evaluate, *pred_args, *truth_args, pairs, path)
    columns = ["ccc", "pearson", "spearman", "mae", "rmse"]  # the columns of blue evaluate's metrics.tsv
    table = pd.DataFrame(r["metrics"]).set_index("type")[["n"] + columns].astype({c: float for c in columns})
    for key in ("sources", "unmapped_predicted", "truth_without_source", "map"):
        table.attrs[key] = r[key]
    return table


for _function in (train, signature, nnls, evaluate, Model.deconvolve, Model.save):
    _KEYWORDS.update(inspect.signature(_function).parameters)
_KEYWORDS.discard("self")

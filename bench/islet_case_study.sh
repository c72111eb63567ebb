#!/usr/bin/env bash
# Islet case study (issue 17, part 2; docs/case_studies.md "Case study: human islets"): proportions of the 77 Fadista
# donors' islet RNA-seq (raw counts) by NNLS on the Baron 2016 per-type mean profiles (`--profiles`: genes
# specific to one type, the number per type with the smallest condition number, relative scaling), then
# per cell type: mean fraction, Spearman correlation with HbA1c, the same association adjusted for age, BMI
# and sex (linear regression on ranks), and normal vs impaired (IGT or T2D by HbA1c class), with
# Benjamini-Hochberg q over the types. The Segerstolpe profiles in ../shared/data are by unnamed cluster and
# are not used. NNLS gives RNA fractions: no islet mRNA-content table is at hand, so these are not cell
# fractions (beta cells are large and RNA-rich).
# Usage: bench/islet_case_study.sh [BLUE] [OUTDIR] [NNLS OPTIONS...]   (needs ../shared/data, python3-scipy;
# < 1 min), e.g. with "--gene-lengths data/gene_lengths_hg19.tsv.gz" (the counts are full-length TruSeq)
set -euo pipefail
BLUE=${1:-build/blue}
OUT=${2:-bench_out/islet_case_study}
shift 2 || shift $#
DATA=${BLUE_SHARED_DATA:-../shared/data}/islets
"$BLUE" nnls --force -q --profiles "$DATA/pan_indrop_avg_celltype_profiles.tsv.gz" \
  -b "$DATA/fadista77_bulk_counts.tsv.gz" -o "$OUT/nnls" "$@"
"$BLUE" report --force -q --deconvolution "$OUT/nnls" --out "$OUT/report.html"
/usr/bin/python3 - "$OUT/nnls/proportions.tsv" "$DATA/fadista77_phenotypes.tsv" "$OUT/associations.tsv" <<'PY'
import sys
import numpy as np
import pandas as pd
from scipy import stats
p = pd.read_csv(sys.argv[1], sep="\t", index_col=0)
ph = pd.read_csv(sys.argv[2], sep="\t", index_col=0).loc[p.index]
ok = ph["hba1c"].notna() & ph["age"].notna() & ph["bmi"].notna()
p, ph = p[ok], ph[ok]
impaired = ph["hba1c_class"] != "Normal"
def adjusted(y):  # rank regression of the fraction on HbA1c + age + BMI + sex; t test of HbA1c's coefficient
    X = np.column_stack([np.ones(len(y)), stats.rankdata(ph["hba1c"]), ph["age"], ph["bmi"],
                         (ph["gender"] == "Male").astype(float)])
    yr = stats.rankdata(y)
    beta, *_ = np.linalg.lstsq(X, yr, rcond=None)
    resid = yr - X @ beta
    dof = len(yr) - X.shape[1]
    se = np.sqrt(resid @ resid / dof * np.linalg.inv(X.T @ X)[1, 1])
    return beta[1] / se, 2 * stats.t.sf(abs(beta[1] / se), dof)
def bh(ps):
    ps = np.asarray(ps); order = np.argsort(ps); q = np.empty_like(ps)
    q[order] = np.minimum.accumulate((ps[order] * len(ps) / np.arange(1, len(ps) + 1))[::-1])[::-1]
    return np.minimum(q, 1)
rows = []
for t in p.columns:
    constant = p[t].nunique() == 1  # e.g. a type NNLS never uses: no correlation, p taken as 1
    rho, prho = (np.nan, 1.0) if constant else stats.spearmanr(p[t], ph["hba1c"])
    tval, padj = adjusted(p[t])
    u = stats.mannwhitneyu(p[t][impaired], p[t][~impaired])
    rows.append([t, p[t].mean(), rho, prho, tval, padj, p[t][~impaired].mean(), p[t][impaired].mean(), u.pvalue])
r = pd.DataFrame(rows, columns=["type", "mean", "rho_hba1c", "p_rho", "t_adjusted", "p_adjusted", "mean_normal",
                                "mean_impaired", "p_impaired"])
r["q_rho"], r["q_adjusted"], r["q_impaired"] = bh(r["p_rho"]), bh(r["p_adjusted"]), bh(r["p_impaired"])
r.to_csv(sys.argv[3], sep="\t", index=False, float_format="%.4g")
print(f"{len(p)} donors ({impaired.sum()} IGT/T2D by HbA1c class)")
print("| type | mean fraction | Spearman rho with HbA1c (q) | adjusted for age, BMI, sex: t (q) | normal vs IGT/T2D (q) |")
print("|---|---|---|---|---|")
for _, x in r.sort_values("mean", ascending=False).iterrows():
    print(f"| {x.type} | {x['mean']:.3f} | {x.rho_hba1c:.2f} ({x.q_rho:.2g}) | {x.t_adjusted:.2f} ({x.q_adjusted:.2g}) "
          f"| {x.mean_normal:.3f} vs {x.mean_impaired:.3f} ({x.q_impaired:.2g}) |")
PY

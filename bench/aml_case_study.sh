#!/usr/bin/env bash
# AML case study (issue 17, part 1; docs/case_studies.md "Case study: AML"): blue trained on the van Galen 2019 AML
# reference (13 marrow samples, 21 normal and malignant-like types) restricted to the 714 genes TCGA-AML
# measured (train --bulk-genes), TCGA-AML deconvolved (raw counts of full-length RNA-seq: --gene-lengths),
# patients subtyped on the GEPs of the six malignant-like types and, side by side, on proportions alone
# (blue subtype: consensus clustering, KM, log-rank, Cox, prognostic genes), then each grouping in a Cox
# model with age and cytogenetic risk and 200 bootstrap resamples of the patients (blue survival
# --bootstrap). No second AML cohort with expression is at hand: the validation is internal.
# Usage: bench/aml_case_study.sh [BLUE] [OUTDIR] [SEED]   (needs ../shared/data; about 10-15 min on 2 cores)
set -euo pipefail
BLUE=${1:-build/blue}
OUT=${2:-bench_out/aml_case_study}
SEED=${3:-42}
DATA=${BLUE_SHARED_DATA:-../shared/data}
REF="$DATA/vangalen2019_aml/vangalen2019_aml_13samples.h5ad"
BULK="$DATA/tcga_laml/iNETgrate_toyRawAml_genExpr_714genes.tsv.gz"
CLIN=tests/fixtures/survival/tcga_laml_clinical.tsv  # from ../shared/data by tests/fixtures/survival/make_clinical.py
MALIGNANT="HSC-like,Prog-like,GMP-like,ProMono-like,Mono-like,cDC-like"
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$OUT"
[[ -f $OUT/model.blue ]] || "$BLUE" train -r "$REF" --label-key cell_type --bulk-genes "$BULK" --preset fast \
  --seed "$SEED" --threads 2 --out "$OUT/model.blue" --quiet
"$BLUE" deconvolve -m "$OUT/model.blue" -b "$BULK" --gene-lengths data/gene_lengths_hg19.tsv.gz --threads 2 \
  -o "$OUT/deconv" --force --quiet
"$BLUE" subtype --gep "$OUT/deconv/gep.h5ad" --cell-types "$MALIGNANT" --proportions "$OUT/deconv/proportions.tsv" \
  --clinical "$CLIN" --time time --event event --drop-missing --match-prefix --seed "$SEED" --threads 2 \
  -o "$OUT/subtypes" --force --quiet
# Groups keyed by patient (subtypes.tsv: sample, patient, subtype, ..., proportions_subtype, ...).
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print "patient\tprofiles\tproportions"; next }
            { print $c["patient"] "\t" $c["subtype"] "\t" $c["proportions_subtype"] }' \
  "$OUT/subtypes/subtypes.tsv" > "$OUT/groups.tsv"
for g in profiles proportions; do
  "$BLUE" survival --clinical "$CLIN" --time time --event event --groups "$OUT/groups.tsv" --group-col "$g" \
    --covariates age,risk --drop-missing --bootstrap 200 --seed "$SEED" -o "$OUT/cox_$g" --force --quiet
done
"$BLUE" report --deconvolution "$OUT/deconv" --subtype "$OUT/subtypes" --out "$OUT/report.html" --force --quiet

echo "## proportions (mean over patients)"
awk -F'\t' 'NR == 1 { for (i = 2; i <= NF; i++) h[i] = $i; next } { for (i = 2; i <= NF; i++) s[i] += $i; n++ }
            END { for (i = 2; i <= NF; i++) printf "%s %.3f\n", h[i], s[i] / n }' "$OUT/deconv/proportions.tsv" | sort -k2 -gr
echo "## subtypes: profiles vs proportions alone (comparison.tsv)"
cat "$OUT/subtypes/comparison.tsv"
for g in profiles proportions; do
  echo "## $g groups, Cox with age and cytogenetic risk (cox.tsv) and 200 bootstrap resamples (bootstrap.tsv)"
  cut -f1,4,5,6,8 "$OUT/cox_$g/cox.tsv"
  cat "$OUT/cox_$g/bootstrap.tsv"
done
echo "## prognostic genes with q < 0.1 per cell type"
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["q"] < 0.1 { n[$c["cell_type"]]++ }
            END { for (t in n) print t, n[t] }' "$OUT/subtypes/prognostic_genes.tsv" | sort

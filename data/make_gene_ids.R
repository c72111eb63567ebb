#!/usr/bin/env Rscript
# Builds data/gene_ids_hs.tsv.gz: human Ensembl gene IDs (no version suffix) and their gene symbols, one pair
# per line, from Debian's r-bioc-org.hs.eg.db (Bioconductor org.Hs.eg.db: NCBI Gene's symbols and their
# Ensembl cross-references). An ID with several symbols or a symbol with several IDs keeps every pair; blue
# reports such genes as ambiguous. Usage: Rscript data/make_gene_ids.R (apt-get install r-bioc-org.hs.eg.db
# first; blue itself needs no R).
suppressPackageStartupMessages(library(org.Hs.eg.db))
pairs <- AnnotationDbi::select(org.Hs.eg.db, keys = keys(org.Hs.eg.db, keytype = "ENSEMBL"), keytype = "ENSEMBL",
                               columns = "SYMBOL")
pairs <- unique(pairs[!is.na(pairs$SYMBOL) & !is.na(pairs$ENSEMBL), c("ENSEMBL", "SYMBOL")])
pairs <- pairs[order(pairs$ENSEMBL, pairs$SYMBOL), ]
con <- gzfile("data/gene_ids_hs.tsv.gz", "w")
writeLines(sprintf("# human Ensembl gene ID -> NCBI gene symbol, org.Hs.eg.db %s (Debian r-bioc-org.hs.eg.db)",
                   as.character(packageVersion("org.Hs.eg.db"))), con)
writeLines("ensembl_id\tsymbol", con)
write.table(pairs, con, sep = "\t", quote = FALSE, row.names = FALSE, col.names = FALSE)
close(con)
cat(nrow(pairs), "pairs,", length(unique(pairs$ENSEMBL)), "IDs,", length(unique(pairs$SYMBOL)), "symbols\n")

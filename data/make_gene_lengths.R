#!/usr/bin/env Rscript
# Builds data/gene_lengths_hg19.tsv.gz: one length per human gene symbol, the median over the gene's RefSeq
# transcripts of the transcript length (exonic bases), from Debian's r-bioc-genelendatabase
# (geneLenDataBase, UCSC hg19 "geneSymbol" track). Usage: Rscript data/make_gene_lengths.R
# (apt-get install r-bioc-genelendatabase first; blue itself needs no R).
suppressPackageStartupMessages(library(geneLenDataBase))
env <- new.env()
data("hg19.geneSymbol.LENGTH", package = "geneLenDataBase", envir = env)
tx <- env[["hg19.geneSymbol.LENGTH"]]
len <- tapply(tx$Length, as.character(tx$Gene), median)
out <- data.frame(gene = names(len), length_bp = as.integer(round(len)))
out <- out[order(out$gene), ]
con <- gzfile("data/gene_lengths_hg19.tsv.gz", "w")
writeLines(sprintf("# median RefSeq transcript length per gene symbol, UCSC hg19 geneSymbol track, geneLenDataBase %s (Debian r-bioc-genelendatabase)",
                   as.character(packageVersion("geneLenDataBase"))), con)
write.table(out, con, sep = "\t", quote = FALSE, row.names = FALSE)
close(con)
cat(nrow(out), "genes from", nrow(tx), "transcripts\n")

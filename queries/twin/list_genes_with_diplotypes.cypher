// name: list_genes_with_diplotypes
// purpose: Genes that have Diplotype nodes (the valid choices when a genotype names an unknown gene).
// mode: read
// returns: gene: string
MATCH (d:Diplotype)
RETURN DISTINCT d.gene AS gene
ORDER BY gene

// name: merge_kb_phenotypes
// purpose: Upsert Phenotype nodes (a gene's phenotype, e.g. CYP2C19:Poor Metabolizer).
// mode: write
// param rows: list<map> - {uid, gene_uid, props: {gene, name, provenance...}}
// returns: written: int
UNWIND $rows AS row
MATCH (g:Gene {uid: row.gene_uid})
MERGE (p:Phenotype {uid: row.uid})
SET p += row.props
MERGE (p)-[:OF_GENE]->(g)
RETURN count(p) AS written

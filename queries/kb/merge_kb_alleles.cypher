// name: merge_kb_alleles
// purpose: Upsert Allele nodes with their function, linked to their Gene both ways.
// mode: write
// param rows: list<map> - {uid, gene_uid, props: {gene, name, function, activity_value, provenance...}}
// returns: written: int
UNWIND $rows AS row
MATCH (g:Gene {uid: row.gene_uid})
MERGE (a:Allele {uid: row.uid})
SET a += row.props
MERGE (g)-[:HAS_ALLELE]->(a)
MERGE (a)-[:OF_GENE]->(g)
RETURN count(a) AS written

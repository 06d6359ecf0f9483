// name: merge_kb_diplotypes
// purpose: Upsert Diplotype nodes with phenotype, activity score and lookup key (curated rows add synonyms and their own provenance).
// mode: write
// param rows: list<map> - {uid, gene_uid, phenotype_uid, props: {gene, name, allele1, allele2, phenotype, activity_score, lookup_key, gene_key, data_version, synonyms?}}
// param prov: map - provenance shared by every row (source, source_version, licence, citation, kb_version)
// returns: written: int
UNWIND $rows AS row
MATCH (g:Gene {uid: row.gene_uid})
MATCH (p:Phenotype {uid: row.phenotype_uid})
MERGE (d:Diplotype {uid: row.uid})
SET d += $prov
SET d += row.props
MERGE (d)-[:OF_GENE]->(g)
MERGE (d)-[:HAS_PHENOTYPE]->(p)
RETURN count(d) AS written

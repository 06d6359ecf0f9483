// name: merge_kb_recommendations
// purpose: Upsert CPIC Recommendations keyed by gene lookup values, linked to guideline, drug and genes.
// mode: write
// param rows: list<map> - {uid, guideline_uid, drug_uid, drug_name, drug_rxcui, gene_uids, props: {...}}
// returns: written: int
UNWIND $rows AS row
MATCH (gl:Guideline {uid: row.guideline_uid})
MERGE (r:Recommendation {uid: row.uid})
SET r += row.props
MERGE (r)-[:FROM_GUIDELINE]->(gl)
MERGE (d:Drug {uid: row.drug_uid})
ON CREATE SET d.name = row.drug_name, d.rxcui = row.drug_rxcui, d.unresolved = row.drug_rxcui IS NULL
MERGE (r)-[:FOR_DRUG]->(d)
WITH r, row
UNWIND row.gene_uids AS gene_uid
MATCH (g:Gene {uid: gene_uid})
MERGE (r)-[:FOR_GENE]->(g)
RETURN count(DISTINCT r) AS written

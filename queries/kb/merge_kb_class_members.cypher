// name: merge_kb_class_members
// purpose: Link drugs to their classes (MEMBER_OF), creating a bare Drug if it is missing.
// mode: write
// param rows: list<map> - {drug, drug_name, drug_rxcui, class, props: {weight?, provenance...}}
// returns: written: int
UNWIND $rows AS row
MERGE (d:Drug {uid: row.drug})
ON CREATE SET d.name = row.drug_name, d.rxcui = row.drug_rxcui, d.unresolved = row.drug_rxcui IS NULL
WITH d, row
MATCH (c:DrugClass {uid: row.class})
MERGE (d)-[m:MEMBER_OF]->(c)
SET m += row.props
RETURN count(m) AS written

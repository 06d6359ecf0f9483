// name: merge_kb_lab_rules
// purpose: Upsert drug-lab LabRules (ON_LAB, FOR_DRUG or FOR_CLASS) with comparator and threshold.
// mode: write
// param rows: list<map> - {uid, drug, class, lab_uid, source_uid, props: {rule_id, comparator, threshold, unit, max_age_days, severity, severity_rank, strength, message, management, provenance...}}
// returns: written: int
UNWIND $rows AS row
MATCH (t:LabTest {uid: row.lab_uid})
MERGE (r:Rule:LabRule {uid: row.uid})
SET r += row.props
MERGE (r)-[:ON_LAB]->(t)
MERGE (s:Source {uid: row.source_uid})
MERGE (r)-[:SUPPORTED_BY]->(s)
WITH r, row
OPTIONAL MATCH (d:Drug {uid: row.drug})
OPTIONAL MATCH (k:DrugClass {uid: row.class})
FOREACH (_ IN CASE WHEN d IS NULL THEN [] ELSE [1] END | MERGE (r)-[:FOR_DRUG]->(d))
FOREACH (_ IN CASE WHEN k IS NULL THEN [] ELSE [1] END | MERGE (r)-[:FOR_CLASS]->(k))
RETURN count(r) AS written

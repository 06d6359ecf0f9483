// name: merge_kb_contraindication_rules
// purpose: Upsert drug-condition ContraindicationRules (FOR_DRUG or FOR_CLASS, WHEN_CONDITION).
// mode: write
// param rows: list<map> - {uid, drug, class, concept_uid, source_uid, props: {rule_id, severity, severity_rank, strength, message, management, provenance...}}
// returns: written: int
UNWIND $rows AS row
MATCH (c:ClinicalConcept {uid: row.concept_uid})
MERGE (r:Rule:ContraindicationRule {uid: row.uid})
SET r += row.props
MERGE (r)-[:WHEN_CONDITION]->(c)
MERGE (s:Source {uid: row.source_uid})
MERGE (r)-[:SUPPORTED_BY]->(s)
WITH r, row
OPTIONAL MATCH (d:Drug {uid: row.drug})
OPTIONAL MATCH (k:DrugClass {uid: row.class})
FOREACH (_ IN CASE WHEN d IS NULL THEN [] ELSE [1] END | MERGE (r)-[:FOR_DRUG]->(d))
FOREACH (_ IN CASE WHEN k IS NULL THEN [] ELSE [1] END | MERGE (r)-[:FOR_CLASS]->(k))
RETURN count(r) AS written

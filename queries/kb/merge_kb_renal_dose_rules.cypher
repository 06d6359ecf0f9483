// name: merge_kb_renal_dose_rules
// purpose: Upsert RenalDoseRules (an eGFR band and the dose action for one drug).
// mode: write
// param rows: list<map> - {uid, drug, drug_name, drug_rxcui, source_uid, props: {rule_id, egfr_min, egfr_max, action, adjustment, severity, severity_rank, provenance...}}
// returns: written: int
UNWIND $rows AS row
MERGE (d:Drug {uid: row.drug})
ON CREATE SET d.name = row.drug_name, d.rxcui = row.drug_rxcui, d.unresolved = row.drug_rxcui IS NULL
MERGE (r:Rule:RenalDoseRule {uid: row.uid})
SET r += row.props
MERGE (r)-[:FOR_DRUG]->(d)
MERGE (s:Source {uid: row.source_uid})
MERGE (r)-[:SUPPORTED_BY]->(s)
RETURN count(r) AS written

// name: merge_kb_cross_reactivity_rules
// purpose: Upsert allergy CrossReactivityRules between an allergen class and a reacting class.
// mode: write
// param rows: list<map> - {uid, allergen_class, reacts_class, source_uid, props: {rule_id, relation, severity, severity_rank, message, provenance...}}
// returns: written: int
UNWIND $rows AS row
MATCH (a:DrugClass {uid: row.allergen_class})
MATCH (b:DrugClass {uid: row.reacts_class})
MERGE (r:Rule:CrossReactivityRule {uid: row.uid})
SET r += row.props
MERGE (r)-[:ALLERGEN_CLASS]->(a)
MERGE (r)-[:REACTS_CLASS]->(b)
MERGE (s:Source {uid: row.source_uid})
MERGE (r)-[:SUPPORTED_BY]->(s)
RETURN count(r) AS written

// name: merge_kb_interaction_rules
// purpose: Upsert class-level or context-aware InteractionRules with object/precipitant Drug or DrugClass.
// mode: write
// param rows: list<map> - {uid, object_drug, object_class, precipitant_drug, precipitant_class, source_uid, props: {rule_id, severity, severity_rank, message, context_json?, provenance...}, edge: {source_severity, label, rule_id, source_version, citation}}
// returns: written: int
UNWIND $rows AS row
MERGE (r:Rule:InteractionRule {uid: row.uid})
SET r += row.props
MERGE (s:Source {uid: row.source_uid})
MERGE (r)-[e:SUPPORTED_BY]->(s)
SET e += row.edge
WITH r, row
OPTIONAL MATCH (od:Drug {uid: row.object_drug})
OPTIONAL MATCH (oc:DrugClass {uid: row.object_class})
OPTIONAL MATCH (pd:Drug {uid: row.precipitant_drug})
OPTIONAL MATCH (pc:DrugClass {uid: row.precipitant_class})
FOREACH (_ IN CASE WHEN od IS NULL THEN [] ELSE [1] END | MERGE (r)-[:HAS_OBJECT]->(od))
FOREACH (_ IN CASE WHEN oc IS NULL THEN [] ELSE [1] END | MERGE (r)-[:HAS_OBJECT]->(oc))
FOREACH (_ IN CASE WHEN pd IS NULL THEN [] ELSE [1] END | MERGE (r)-[:HAS_PRECIPITANT]->(pd))
FOREACH (_ IN CASE WHEN pc IS NULL THEN [] ELSE [1] END | MERGE (r)-[:HAS_PRECIPITANT]->(pc))
RETURN count(r) AS written

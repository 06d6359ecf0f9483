// name: merge_kb_value_set_codes
// purpose: Upsert Code nodes and put each in its ClinicalConcept's value set (IN_VALUE_SET).
// mode: write
// param rows: list<map> - {code_uid, concept_uid, props: {system, code, provenance...}}
// returns: written: int
UNWIND $rows AS row
MATCH (c:ClinicalConcept {uid: row.concept_uid})
MERGE (k:Code {uid: row.code_uid})
SET k += row.props
MERGE (k)-[v:IN_VALUE_SET]->(c)
RETURN count(v) AS written

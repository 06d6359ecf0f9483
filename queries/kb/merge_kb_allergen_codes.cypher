// name: merge_kb_allergen_codes
// purpose: Upsert allergen Code nodes (SNOMED CT or RxNorm) and tie each to its DrugClass (ALLERGEN_CODE).
// mode: write
// param rows: list<map> - {code_uid, class_uid, props: {system, code, display?, provenance...}, edge: {allergen_id, provenance...}}
// returns: written: int
UNWIND $rows AS row
MATCH (c:DrugClass {uid: row.class_uid})
MERGE (k:Code {uid: row.code_uid})
SET k += row.props
MERGE (k)-[a:ALLERGEN_CODE]->(c)
SET a += row.edge
RETURN count(a) AS written

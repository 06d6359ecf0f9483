// name: merge_kb_drug_classes
// purpose: Upsert DrugClass nodes (ATC, NDF-RT, ONC list classes, curated groups).
// mode: write
// param rows: list<map> - {uid, props: {name, kind, provenance...}}
// returns: written: int
UNWIND $rows AS row
MERGE (c:DrugClass {uid: row.uid})
SET c += row.props
RETURN count(c) AS written

// name: merge_kb_lab_tests
// purpose: Upsert LabTest nodes (LOINC CURIEs).
// mode: write
// param rows: list<map> - {uid, props: {loinc, name, unit, provenance...}}
// returns: written: int
UNWIND $rows AS row
MERGE (t:LabTest {uid: row.uid})
SET t += row.props
RETURN count(t) AS written

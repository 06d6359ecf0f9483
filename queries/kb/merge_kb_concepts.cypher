// name: merge_kb_concepts
// purpose: Upsert ClinicalConcept nodes (condition value sets with SNOMED CT and ICD-10 codes).
// mode: write
// param rows: list<map> - {uid, props: {concept_id, name, snomed_codes, icd10_codes, description, provenance...}}
// returns: written: int
UNWIND $rows AS row
MERGE (c:ClinicalConcept {uid: row.uid})
SET c += row.props
RETURN count(c) AS written

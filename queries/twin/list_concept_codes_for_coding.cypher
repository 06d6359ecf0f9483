// name: list_concept_codes_for_coding
// purpose: The SNOMED CT / ICD-10 codes of each ClinicalConcept (its lists and Code -IN_VALUE_SET-> edges).
// mode: read
// returns: concept: string, snomed_codes: list<string> | null, icd10_codes: list<string> | null, code_uids: list<string>
MATCH (c:ClinicalConcept)
OPTIONAL MATCH (k:Code)-[:IN_VALUE_SET]->(c)
RETURN c.uid AS concept, c.snomed_codes AS snomed_codes, c.icd10_codes AS icd10_codes,
       collect(k.uid) AS code_uids

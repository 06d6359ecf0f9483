// name: find_condition_concepts
// purpose: The clinical concepts (value sets) that hold any of the given condition codes; ICD-10 category codes match by prefix.
// mode: read
// param condition_codes: list<string> - code uids such as SNOMED:44054006 or ICD10:E11.9
// returns: concept_uid: string, name: string, matched_codes: list<string>
MATCH (cc:ClinicalConcept)
WITH cc, [c IN $condition_codes WHERE
        (c STARTS WITH 'SNOMED:' AND substring(c, 7) IN coalesce(cc.snomed_codes, []))
        OR (c STARTS WITH 'ICD10:' AND any(p IN coalesce(cc.icd10_codes, []) WHERE substring(c, 6) STARTS WITH p))
     ] AS matched
WHERE size(matched) > 0
RETURN cc.uid AS concept_uid, cc.name AS name, matched AS matched_codes

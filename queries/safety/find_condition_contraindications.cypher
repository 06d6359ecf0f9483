// name: find_condition_contraindications
// purpose: Drug-condition rules (for a drug or any class it belongs to) whose condition value set holds one of the given condition codes.
// mode: read
// param drug_uids: list<string>
// param condition_codes: list<string> - code uids such as SNOMED:44054006 or ICD10:E11.9
// returns: rule_uid: string, rule_id: string, severity: string, strength: string, message: string, management: string, drug_uid: string, drug_name: string, via: string, concept_uid: string, concept_name: string, matched_codes: list<string>, source: string, source_version: string, citation: string, citation_url: string | null, licence: string | null
MATCH (d:Drug)-[:MEMBER_OF|SUBCLASS_OF*0..4]->(t)<-[:FOR_DRUG|FOR_CLASS]-(r:ContraindicationRule)-[:WHEN_CONDITION]->(cc:ClinicalConcept)
WHERE d.uid IN $drug_uids
WITH d, t, r, cc,
     [c IN $condition_codes WHERE
        (c STARTS WITH 'SNOMED:' AND substring(c, 7) IN coalesce(cc.snomed_codes, []))
        OR (c STARTS WITH 'ICD10:' AND any(p IN coalesce(cc.icd10_codes, []) WHERE substring(c, 6) STARTS WITH p))
     ] AS matched
WHERE size(matched) > 0
RETURN r.uid AS rule_uid, r.rule_id AS rule_id, r.severity AS severity, r.strength AS strength,
       r.message AS message, r.management AS management,
       d.uid AS drug_uid, d.name AS drug_name, t.uid AS via,
       cc.uid AS concept_uid, cc.name AS concept_name, matched AS matched_codes,
       r.source AS source, r.source_version AS source_version, r.citation AS citation,
       r.citation_url AS citation_url, r.licence AS licence

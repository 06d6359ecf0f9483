// name: find_allergy_cross
// purpose: Given drugs in a class that a cross-reactivity rule links to a class holding one of the patient's allergens.
// mode: read
// param drug_uids: list<string>
// param allergen_uids: list<string> - Drug or DrugClass uids the patient's allergies resolve to
// returns: drug_uid: string, drug_name: string, allergen_uid: string, reacts_class: string, allergen_class: string, rule_uid: string, rule_id: string, severity: string, message: string, management: string, source: string, source_version: string, citation: string, citation_url: string | null, licence: string | null
MATCH (d:Drug)-[:MEMBER_OF|SUBCLASS_OF*0..4]->(rc:DrugClass)<-[:REACTS_CLASS]-(r:CrossReactivityRule)-[:ALLERGEN_CLASS]->(ac:DrugClass)
WHERE d.uid IN $drug_uids
MATCH (ac)<-[:MEMBER_OF|SUBCLASS_OF*0..4]-(s)
WHERE s.uid IN $allergen_uids
RETURN d.uid AS drug_uid, d.name AS drug_name, s.uid AS allergen_uid, rc.uid AS reacts_class,
       ac.uid AS allergen_class, r.uid AS rule_uid, r.rule_id AS rule_id, r.severity AS severity,
       r.message AS message, r.management AS management, r.source AS source,
       r.source_version AS source_version, r.citation AS citation, r.citation_url AS citation_url,
       r.licence AS licence
